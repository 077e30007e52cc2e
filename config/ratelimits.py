"""Per-IP rate limits on the endpoints that cost the most per request and that no page cache
answers: the archive search, its suggestions and the open API.

One middleware holds the table. It runs in process_view, so only requests routed to one of these
views are counted: a page served from the cache never reaches it, and no other page is limited.
Counts live in the default cache (Redis in production, shared by every worker), through
django-ratelimit, which the public forms' spam protection (home/antispam.py) also uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from django_ratelimit.core import get_usage

from opendata.api.problems import problem_response


def seconds_until_allowed(request: HttpRequest, *, group: str, rate: str) -> int | None:
    """Count this request against the client's IP; None while under `rate`, else the seconds
    until the window resets (at least 1)."""
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


def too_many_searches(request: HttpRequest, retry_after: int) -> HttpResponse:
    return TemplateResponse(request, "429.html", {"retry_after": retry_after}, status=429)


def too_many_suggestions(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = gettext("Too many requests. Please try again in a moment.")
    return JsonResponse({"error": message, "suggestions": []}, status=429)


def too_many_api_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """RFC 9457 problem details, the shape of every error of the open API."""
    return problem_response(
        429,
        "Too Many Requests",
        gettext("Too many requests from your address. Retry after %(seconds)s s.")
        % {"seconds": retry_after},
    )


@dataclass(frozen=True)
class Limit:
    group: str
    rate_setting: str
    applies: Callable[[HttpRequest], bool]
    answer: Callable[[HttpRequest, int], HttpResponse]


def _view_is(name: str) -> Callable[[HttpRequest], bool]:
    return lambda request: request.resolver_match.view_name == name


LIMITS = (
    Limit("search", "SEARCH_RATE_LIMIT", _view_is("search:search"), too_many_searches),
    Limit("suggest", "SUGGEST_RATE_LIMIT", _view_is("search:suggest"), too_many_suggestions),
    Limit(
        "api",
        "API_RATE_LIMIT",
        lambda request: request.path_info.startswith("/api/"),
        too_many_api_requests,
    ),
)


class RateLimitMiddleware:
    """Answers 429 with Retry-After once an IP goes over the rate of a limited view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for limit in LIMITS:
            if limit.applies(request):
                rate = getattr(settings, limit.rate_setting)
                retry_after = seconds_until_allowed(request, group=limit.group, rate=rate)
                if retry_after is None:
                    return None
                response = limit.answer(request, retry_after)
                response["Retry-After"] = str(retry_after)
                response["Cache-Control"] = "no-store"
                return response
        return None
