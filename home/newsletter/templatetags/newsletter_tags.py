from django import template
from django.template.loader import render_to_string

from home.newsletter.forms import SubscriptionForm

register = template.Library()


@register.simple_tag(takes_context=True)
def newsletter_footer_form(context):
    """The compact subscription form of the footer, posting to the newsletter page's view.

    Left out on the newsletter pages themselves, which show the full form. Its ids have their
    own prefix so that they never clash with a form in the page body.
    """
    request = context.get("request")
    if request is None:
        return ""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "newsletter":
        return ""
    form = SubscriptionForm(auto_id="newsletter-footer-%s")
    # No CSRF token in it: every page shows this form, and cached pages are shared
    # (includes/form_token.html).
    return render_to_string("newsletter/includes/footer_form.html", {"form": form}, request=request)
