"""Absolute links for emails and exports."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Links in emails and exports are opened outside any request, so they are built on the
    configured public base URL (WAGTAILADMIN_BASE_URL), never on a request's Host header."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
