"""Spam protection shared by the public forms (contact, registration, newsletter).

A honeypot field that people never see and bots fill in, and a per-IP rate limit
(django-ratelimit, counted in the shared cache).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from django_ratelimit.core import is_ratelimited

HONEYPOT_FIELD = "website_url"


def honeypot_field() -> forms.Field:
    # Hidden from people by CSS and from assistive tech by aria-hidden in the templates.
    return forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class HoneypotFormMixin:
    """Adds the honeypot field to a Django form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = honeypot_field()


def honeypot_filled(request) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD))


def over_rate_limit(request, *, group: str, rate: str) -> bool:
    """Count this POST against the client's IP and tell whether it went over `rate`."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
