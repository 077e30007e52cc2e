"""Stateless resumption tokens: everything the next page needs, signed so that nobody can
forge or alter one, and stamped so that it expires (OAI_RESUMPTION_TOKEN_LIFETIME seconds).

The key of the last record sent (its datestamp to the microsecond and its pk) is carried, not a
position: a page is found by keyset whatever changed in between."""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "opendata.oai.resumption-token"


class BadToken(Exception):
    """The token is not one of ours, was altered, or has expired."""


@dataclass(frozen=True)
class Token:
    verb: str
    prefix: str
    set_spec: str
    since: str  # ISO datetimes or ""
    before: str
    cursor: int  # records sent before the page this token asks for
    total: int
    last_stamp: str
    last_pk: int


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OAI_RESUMPTION_TOKEN_LIFETIME)


def token_issue(token: Token) -> tuple[str, datetime.datetime]:
    """The token's text, and when it expires."""
    text = signing.dumps(list(asdict(token).values()), salt=SALT, compress=True)
    return text, timezone.now() + lifetime()


def token_read(text: str) -> Token:
    try:
        values = signing.loads(text, salt=SALT, max_age=lifetime())
        return Token(*values)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken(str(error)) from error
