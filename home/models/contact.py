"""Contact form page with a honeypot and a per-IP rate limit."""

from django import forms
from django.conf import settings
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from django_ratelimit.core import is_ratelimited

HONEYPOT_FIELD = "website_url"


class ContactFormField(AbstractFormField):
    page = ParentalKey("home.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractEmailForm):
    """A contact form. Bots that fill the hidden field or post too often are turned away."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Shown above the form: what to write about, response times."),
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Shown after a message has been sent."),
    )

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Email"),
        ),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("contact page")

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        # Hidden from people by CSS and from assistive tech by aria-hidden; bots fill it in.
        form.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        return form

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            if is_ratelimited(
                request,
                group="contact-form",
                key="ip",
                rate=settings.CONTACT_FORM_RATE,
                increment=True,
            ):
                form = self.get_form(page=self, user=request.user)
                context = self.get_context(request)
                context["form"] = form
                context["rate_limited"] = True
                return TemplateResponse(request, self.get_template(request), context, status=429)
            if request.POST.get(HONEYPOT_FIELD):
                # Answer as if the message was sent so bots learn nothing; keep nothing.
                return TemplateResponse(
                    request,
                    self.get_landing_page_template(request),
                    self.get_context(request),
                )
        return super().serve(request, *args, **kwargs)

    def process_form_submission(self, form):
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        return super().process_form_submission(form)
