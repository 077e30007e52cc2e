"""One log line per request, and a request id on every log line the request writes.

The id comes from the X-Request-ID header when a proxy in front already set a sane one (so the
proxy's log and ours can be joined), otherwise it is generated; it is echoed back in the
response's X-Request-ID. A small middleware rather than django-guid: it is the whole need
(django-guid accepts only UUIDs from the header and brings its own settings), and a context
variable carries the id to log records from any thread or task of the request.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

HEADER = "X-Request-ID"
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("fabrique.request")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (as `request_id`; "-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def incoming_id(value: str | None) -> str:
    if value and VALID_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """First middleware: names the request and logs method, path, status and duration once it
    is answered (errors included: Django has turned them into a response by then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        current = incoming_id(request.headers.get(HEADER))
        token = request_id.set(current)
        request.request_id = current
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = current
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            request_id.reset(token)
