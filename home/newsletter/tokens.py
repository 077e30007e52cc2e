"""Signed links of the newsletter: confirm a subscription, leave one audience or all.

A token carries the email address and the audiences it acts on, signed with SECRET_KEY and a
salt of its own, so a link cannot be forged, edited to target another address, or replayed as
the other kind of link. It never carries a database id: links keep working (or failing) the
same way whatever happens to the rows, and guessing ids gets nowhere.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from home.links import absolute_url
from home.newsletter.models import Audience

CONFIRM_SALT = "fabrique.newsletter.confirm"
UNSUBSCRIBE_SALT = "fabrique.newsletter.unsubscribe"
# Long enough for a holiday, short enough that an old forwarded message cannot subscribe anyone.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


class InvalidToken(Exception):
    """A link that was edited, cut short by a mail client, or (confirm links) has expired."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class ConfirmRequest:
    email: str
    audiences: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class UnsubscribeRequest:
    email: str
    audiences: tuple[str, ...]


def _audiences(values) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise ValueError("no audience")
    valid = set(Audience.values)
    if any(value not in valid for value in values):
        raise ValueError("unknown audience")
    return tuple(values)


def _load(token: str, *, salt: str, max_age=None) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except signing.BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise InvalidToken
    return data


def make_confirm_token(*, email: str, audiences: Iterable[str], language: str) -> str:
    payload = {"e": email, "a": list(audiences), "l": language}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> ConfirmRequest:
    data = _load(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    try:
        audiences = _audiences(data.get("a"))
    except ValueError as exc:
        raise InvalidToken from exc
    language = data.get("l")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return ConfirmRequest(email=data["e"], audiences=audiences, language=language)


def make_unsubscribe_token(*, email: str, audiences: Iterable[str]) -> str:
    return signing.dumps({"e": email, "a": list(audiences)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeRequest:
    # No expiry: the link sits in every message, and leaving must work years later.
    data = _load(token, salt=UNSUBSCRIBE_SALT)
    try:
        audiences = _audiences(data.get("a"))
    except ValueError as exc:
        raise InvalidToken from exc
    return UnsubscribeRequest(email=data["e"], audiences=audiences)


def confirm_url(*, email: str, audiences: Iterable[str], language: str) -> str:
    token = make_confirm_token(email=email, audiences=audiences, language=language)
    with translation.override(language):
        return absolute_url(reverse("newsletter:confirm", kwargs={"token": token}))


def unsubscribe_url(*, email: str, audiences: Iterable[str], language: str) -> str:
    """The page where a person confirms they want to leave (a button, then done)."""
    token = make_unsubscribe_token(email=email, audiences=audiences)
    with translation.override(language):
        return absolute_url(reverse("newsletter:unsubscribe", kwargs={"token": token}))


def one_click_unsubscribe_url(*, email: str, audiences: Iterable[str], language: str) -> str:
    """The RFC 8058 target of the List-Unsubscribe header: mail clients POST to it."""
    token = make_unsubscribe_token(email=email, audiences=audiences)
    with translation.override(language):
        return absolute_url(reverse("newsletter:unsubscribe_one_click", kwargs={"token": token}))
