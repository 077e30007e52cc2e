"""PageCacheMiddleware: anonymous GETs of public pages from the cache, with validators.

It sits right after WhiteNoise, so a hit skips sessions, CSRF, locale and auth entirely. A
request is looked up only when nothing about it can be personal: GET or HEAD, a language-prefixed
path outside the excluded ones, no query string, no session, message or authorization. A
response is stored only when it is a 200 HTML page that sets no cookie, asks for no privacy
(`Cache-Control: private/no-cache/no-store`, e.g. `never_cache`) and was made for an anonymous
visitor; the templates of cached pages hold no CSRF token (site/static/js/forms.js fetches one
when a form is sent), and any page that still renders one sets the CSRF cookie and is therefore
never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from home.pagecache import store

# Headers a stored page must not replay: per-response, or set again by the middleware.
_NOT_REPLAYED = {"set-cookie", "vary", "cache-control", "expires", "etag", "last-modified"}
_PRIVATE = ("private", "no-cache", "no-store")


def _language_prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = _language_prefixes()
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.private_cookies = (
            settings.SESSION_COOKIE_NAME,
            getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
        )

    def __call__(self, request):
        if not self.may_look_up(request):
            response = self.get_response(request)
            if request.path.startswith(self.prefixes) and "Cache-Control" not in response:
                # Personal or form pages: no browser or proxy keeps them.
                add_never_cache_headers(response)
                patch_cache_control(response, private=True)
            return response

        path = request.path
        entry = store.get(path)
        if entry is not None:
            response = self.respond(request, entry)
            response.page_cache_hit = True
            response[store.HIT_HEADER] = "hit"
            return response

        purges_before = store.purge_count()
        response = self.get_response(request)
        if not self.may_store(request, response):
            if "Cache-Control" not in response:
                add_never_cache_headers(response)
                patch_cache_control(response, private=True)
            response[store.HIT_HEADER] = "miss"
            return response
        headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_REPLAYED]
        entry = store.Entry.of(response.content, headers)
        store.put(path, entry, seconds=store.lifetime(request), purges_before=purges_before)
        answer = self.respond(request, entry)
        answer[store.HIT_HEADER] = "miss"
        return answer

    def may_look_up(self, request) -> bool:
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return False
        path = request.path
        if request.META.get("QUERY_STRING") or not path.startswith(self.prefixes):
            return False
        if path[path.find("/", 1) :].startswith(self.excluded):
            return False
        cookies = request.COOKIES
        if any(name in cookies for name in self.private_cookies):
            return False
        return "HTTP_AUTHORIZATION" not in request.META

    @staticmethod
    def may_store(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in _PRIVATE):
            return False
        if getattr(request, "is_preview", False):
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated

    @staticmethod
    def respond(request, entry: store.Entry) -> HttpResponse:
        """The stored page, or 304 when the browser's copy is the same."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            fresh = "*" in tags or entry.etag in tags or f"W/{entry.etag}" in tags
        else:
            since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
            fresh = since is not None and entry.last_modified <= since
        if fresh:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(entry.content)
            for name, value in entry.headers:
                response[name] = value
        response["ETag"] = entry.etag
        response["Last-Modified"] = entry.last_modified_http
        response["Cache-Control"] = cache_control_value()
        return response


def cache_control_value() -> str:
    """Browsers revalidate every time (a 304 costs nothing), so someone who logs in never sees
    a page kept from before; a frontend cache that gets our purges may keep pages longer."""
    value = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, must-revalidate"
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        value += f", s-maxage={settings.PAGE_CACHE_SECONDS}"
    return value
