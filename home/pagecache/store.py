"""Entries of the page cache, keyed by URL path, and their purge.

Keys hold the path only (one Wagtail site per host name, as this project deploys), so a purge
computed from a page's URL finds exactly the entries the middleware stored for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.http import http_date

from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Site

KEY_PREFIX = "fabrique:page:"
# Bumped by every purge. A response rendered while a purge ran may hold what was just purged, so
# the middleware stores a response only if this did not move while it was being rendered.
PURGE_COUNT_KEY = "fabrique:page-purges"
# Response attribute and header that say a response came from the page cache (the rate limits
# exempt such responses; see served_from_cache()).
HIT_HEADER = "X-Cache"


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored response: body, headers to replay, validators."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int  # seconds since the epoch

    @classmethod
    def of(cls, content: bytes, headers: Iterable[tuple[str, str]]) -> Entry:
        digest = hashlib.blake2b(content, digest_size=16).hexdigest()
        return cls(content, tuple(headers), f'"{digest}"', int(timezone.now().timestamp()))

    @property
    def last_modified_http(self) -> str:
        return http_date(self.last_modified)


def key(path: str) -> str:
    return KEY_PREFIX + path


def get(path: str) -> Entry | None:
    return cache.get(key(path))


def purge_count() -> int:
    return cache.get(PURGE_COUNT_KEY, 0)


def put(path: str, entry: Entry, *, seconds: int, purges_before: int) -> bool:
    """Store `entry` unless a purge happened since `purges_before` was read; say if stored."""
    if seconds <= 0 or purge_count() != purges_before:
        return False
    cache.set(key(path), entry, seconds)
    return True


def served_from_cache(response) -> bool:
    """True when the page cache answered this response (a stored page, or its 304)."""
    return getattr(response, "page_cache_hit", False)


# --- lifetime hints ---------------------------------------------------------------------------

_EXPIRES_ATTR = "_page_cache_expires"


def expire_at(request, *moments: datetime | None) -> None:
    """What a page shows changes by itself at the earliest of `moments` (a registration
    deadline, the end of an upcoming event): its entry must not outlive it."""
    now = timezone.now()
    future = [m for m in moments if m is not None and m > now]
    if not future:
        return
    current = getattr(request, _EXPIRES_ATTR, None)
    earliest = min(future)
    if current is None or earliest < current:
        setattr(request, _EXPIRES_ATTR, earliest)


def lifetime(request) -> int:
    """Seconds an entry for this request may live: the setting, or less by expire_at()."""
    seconds = settings.PAGE_CACHE_SECONDS
    expires = getattr(request, _EXPIRES_ATTR, None)
    if expires is not None:
        seconds = min(seconds, int((expires - timezone.now()).total_seconds()))
    return seconds


# --- purge ------------------------------------------------------------------------------------


def purge(paths: Iterable[str]) -> list[str]:
    """Forget these URL paths now, here and in the frontend cache (CDN, Varnish) if one is
    configured; return them sorted."""
    paths = sorted(set(paths))
    if not paths:
        return paths
    cache.delete_many([key(p) for p in paths])
    try:
        cache.incr(PURGE_COUNT_KEY)
    except ValueError:
        cache.set(PURGE_COUNT_KEY, 1, None)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        roots = sorted({site.root_url for site in Site.objects.all()})
        purge_urls_from_cache([root + path for root in roots for path in paths])
    return paths


class _PendingPurge:
    """The paths one transaction purges when it commits, gathered in one purge: a page
    published with its aliases sends a signal for each, with the same paths."""

    def __init__(self):
        self.paths: set[str] = set()

    def __call__(self):
        purge(self.paths)


def purge_on_commit(paths: Iterable[str]) -> None:
    """Purge once the current transaction commits (at once outside a transaction): before it,
    a request could store the old content again."""
    paths = set(paths)
    if not paths:
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_page_cache_purge", None)
    # Still the latest callback, registered at the same depth of savepoints (a callback of an
    # outer block, or one dropped by a rollback, is left alone)?
    latest = connection.run_on_commit[-1] if connection.run_on_commit else None
    if (
        pending is not None
        and latest is not None
        and latest[1] is pending
        and latest[0] == set(connection.savepoint_ids)
    ):
        pending.paths |= paths
        return
    connection._page_cache_purge = pending = _PendingPurge()
    pending.paths |= paths
    transaction.on_commit(pending)
