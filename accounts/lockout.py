"""What a locked-out person sees, and the reads and writes behind the unlock screen.

django-axes counts failures per (username, client address) in its AccessAttempt rows; a pair
is locked while its row holds AXES_FAILURE_LIMIT failures, the last one less than
AXES_COOLOFF_TIME ago (failures during the lockout do not extend it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Sum
from django.template.response import TemplateResponse
from django.utils import timezone

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset

from accounts.addresses import client_ip


@dataclass(frozen=True)
class Lockout:
    """The failures of one (username, address) pair within the cool-off time."""

    username: str
    ip_address: str
    failures: int
    last_failure: datetime

    @property
    def until(self) -> datetime:
        return self.last_failure + settings.AXES_COOLOFF_TIME

    @property
    def locked(self) -> bool:
        return self.failures >= settings.AXES_FAILURE_LIMIT and self.until > timezone.now()


def lockouts_recent() -> list[Lockout]:
    """Pairs with failures within the cool-off time, locked ones first, then the most recent."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gt=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
    )
    lockouts = [Lockout(**row) for row in rows]
    return sorted(lockouts, key=lambda lock: (not lock.locked, -lock.last_failure.timestamp()))


def lockout_for(*, username: str, ip_address: str) -> Lockout | None:
    return next(
        (
            lock
            for lock in lockouts_recent()
            if lock.username == username and lock.ip_address == ip_address
        ),
        None,
    )


def lockout_release(*, username: str, ip_address: str) -> int:
    """Forget the failures of this pair: it may sign in again at once. Returns rows removed."""
    return reset(ip=ip_address, username=username)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (429): when to try again and whom to ask."""
    username = get_client_username(request, credentials) or ""
    lock = lockout_for(username=username, ip_address=client_ip(request) or "")
    until = lock.until if lock else timezone.now() + settings.AXES_COOLOFF_TIME
    return TemplateResponse(
        request,
        "accounts/locked_out.html",
        {
            "until": until,
            "minutes": max(1, round((until - timezone.now()).total_seconds() / 60)),
            "help_email": settings.LOGIN_HELP_EMAIL,
        },
        status=429,
    ).render()
