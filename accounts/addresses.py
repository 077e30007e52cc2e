"""The visitor's IP address, as every per-client limit counts it: the sign-in lockout (axes),
the rate limits (config/ratelimits.py) and the public forms' spam protection (django-ratelimit's
RATELIMIT_IP_META_KEY)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT proxies that each append the address
    they received from to X-Forwarded-For, it is that many entries from the right: anything to
    the left of it was written by the client and proves nothing."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind
