"""Contact form page with a honeypot and a per-IP rate limit."""

from django.conf import settings
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField

from archive.mail import email_queue
from home.antispam import HONEYPOT_FIELD, honeypot_field, honeypot_filled, over_rate_limit


class ContactFormField(AbstractFormField):
    page = ParentalKey("home.ContactPage", on_delete=models.CASCADE, related_name="form_fields")

    class Meta(AbstractFormField.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")


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
        verbose_name_plural = _("contact pages")

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        form.fields[HONEYPOT_FIELD] = honeypot_field()
        return form

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            if over_rate_limit(request, group="contact-form", rate=settings.CONTACT_FORM_RATE):
                form = self.get_form(page=self, user=request.user)
                context = self.get_context(request)
                context["form"] = form
                context["rate_limited"] = True
                return TemplateResponse(request, self.get_template(request), context, status=429)
            if honeypot_filled(request):
                # Answer as if the message was sent so bots learn nothing; keep nothing.
                return TemplateResponse(
                    request,
                    self.get_landing_page_template(request),
                    self.get_context(request),
                )
        return super().serve(request, *args, **kwargs)

    def get_submissions_list_view_class(self):
        # Admin views import models, so they load after this module (as Wagtail's own does).
        from home.admin_contact import ContactSubmissionsListView

        return ContactSubmissionsListView

    def process_form_submission(self, form):
        """Keep the submission and queue its notice to `to_address` in one transaction
        (Wagtail would send the notice inside the request, and a mail server outage would
        then fail the visitor's request)."""
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        with transaction.atomic():
            submission = AbstractForm.process_form_submission(self, form)
            if self.to_address:
                email_queue(
                    renderer="home.emails.contact_message",
                    page_id=self.pk,
                    submission_id=submission.pk,
                )
        return submission
