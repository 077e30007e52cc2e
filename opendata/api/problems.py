"""Errors of the open API as RFC 9457 problem details (`application/problem+json`).

One builder for every error the API answers, so that a client reads one shape whatever went
wrong: a bad parameter, an unknown item, a page past the end, or a rate limit
(`problem_response(429, ..., headers={"Retry-After": "30"})`).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
# RFC 9457 §4.2.1: "about:blank" when the status code says it all; the title is then the
# status's reason phrase.
ABOUT_BLANK = "about:blank"


def problem(
    status: int,
    title: str = "",
    detail: str = "",
    *,
    type_: str = ABOUT_BLANK,
    instance: str = "",
    **extensions,
) -> dict:
    """The problem object: `type`, `title`, `status`, `detail`, `instance` (when given) and
    any extension members (e.g. `errors`, a list of {"parameter", "detail"})."""
    body = {
        "type": type_,
        "title": str(title or HTTPStatus(status).phrase),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def problem_response(
    status: int,
    title: str = "",
    detail: str = "",
    *,
    type_: str = ABOUT_BLANK,
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extensions,
) -> HttpResponse:
    """An HttpResponse carrying a problem object; `headers` are added as they are
    (`Retry-After` for a 429)."""
    body = problem(status, title, detail, type_=type_, instance=instance, **extensions)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
