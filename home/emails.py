"""Emails to people who registered, in the language they registered in.

Called after commit by home.services; each message carries the signed cancel link.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from home.links import absolute_url
from home.selectors import slot_for_registration


def _send(registration, template: str) -> None:
    if registration.anonymised_at:
        return
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
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [registration.email],
    )


def registration_received(registration) -> None:
    """Confirmation, or the waiting-list notice, depending on the status."""
    if registration.status == registration.Status.CONFIRMED:
        _send(registration, "registration_confirmed")
    else:
        _send(registration, "registration_waiting")


def registration_promoted(registration) -> None:
    _send(registration, "registration_promoted")


def registration_cancelled(registration) -> None:
    _send(registration, "registration_cancelled")


def registration_reminder(registration) -> None:
    _send(registration, "registration_reminder")
