"""Home's emails: to people who registered, in the language they registered in (with the
signed cancel link), and the contact form's notices to the site's team.

They are queued (archive.mail) in the transaction of the change that calls for them; the task
queue writes each one from ids when it sends it.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from archive.mail import email_queue
from home.links import absolute_url
from home.models.contact import ContactPage
from home.models.registrations import Registration
from home.selectors import slot_for_registration


def registration_message(*, registration_id: int, template: str) -> EmailMessage | None:
    """The message `template` for a registration; None once it is anonymised or gone."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None or registration.anonymised_at:
        return None
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        slot = slot_for_registration(registration=registration)
        context = {
            "registration": registration,
            "slot": slot,
            "page_url": slot.page.get_full_url() if slot else "",
            "cancel_url": absolute_url(
                reverse("registration_cancel", kwargs={"token": registration.cancel_token})
            ),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string(f"home/emails/{template}_subject.txt", context)
        body = render_to_string(f"home/emails/{template}.txt", context)
    return EmailMessage(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [registration.email]
    )


def _queue(registration: Registration, template: str) -> None:
    email_queue(
        renderer="home.emails.registration_message",
        registration_id=registration.pk,
        template=template,
    )


def registration_received(registration: Registration) -> None:
    """Confirmation, or the waiting-list notice, depending on the status."""
    if registration.status == registration.Status.CONFIRMED:
        _queue(registration, "registration_confirmed")
    else:
        _queue(registration, "registration_waiting")


def registration_promoted(registration: Registration) -> None:
    _queue(registration, "registration_promoted")


def registration_cancelled(registration: Registration) -> None:
    _queue(registration, "registration_cancelled")


def registration_reminder(registration: Registration) -> None:
    _queue(registration, "registration_reminder")


def contact_message(*, page_id: int, submission_id: int) -> EmailMessage | None:
    """A contact form submission for the addresses of its page, labelled as on the form, in
    the page's language (as Wagtail's own notice, which it replaces)."""
    page = ContactPage.objects.filter(pk=page_id).first()
    submission = (
        page.get_submission_class().objects.filter(pk=submission_id).first() if page else None
    )
    if submission is None or not page.to_address:
        return None
    data = submission.get_data()
    with translation.override(page.locale.language_code):
        lines = []
        for field in page.get_form_fields():
            value = data.get(field.clean_name, "")
            if isinstance(value, list):
                value = ", ".join(value)
            lines.append(f"{field.label}: {value}")
    return EmailMessage(
        page.subject,
        "\n".join(lines),
        page.from_address or settings.DEFAULT_FROM_EMAIL,
        [address.strip() for address in page.to_address.split(",") if address.strip()],
    )
