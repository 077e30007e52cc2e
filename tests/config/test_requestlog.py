"""One log line per request, with the request id that the response echoes and that every other
line of the same request carries; in JSON as production writes it."""

import io
import json
import logging
import re

from django.conf import settings

import pytest
from pythonjsonlogger.json import JsonFormatter

from config.requestlog import RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the console handler writes with the production formatter (LOGGING["formatters"])."""
    stream = io.StringIO()
    spec = settings.LOGGING["formatters"]["json"]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(spec["format"], rename_fields=spec["rename_fields"]))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "fabrique.request"]


def test_a_request_writes_one_json_line_with_its_id(client, json_lines):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID="proxy-4f2a9c1e")

    assert response["X-Request-ID"] == "proxy-4f2a9c1e"
    (line,) = request_lines(json_lines())
    assert line["request_id"] == "proxy-4f2a9c1e"
    assert line["method"] == "GET"
    assert line["path"] == "/robots.txt"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


@pytest.mark.parametrize("sent", [None, "", "short", "x" * 200, "bad id\nforged: line", "é" * 10])
def test_a_missing_or_unusable_id_is_replaced_by_a_fresh_one(client, json_lines, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}

    first = client.get("/robots.txt", **headers)
    second = client.get("/robots.txt", **headers)

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    ids = [line["request_id"] for line in request_lines(json_lines())]
    assert ids == [first["X-Request-ID"], second["X-Request-ID"]]


def test_every_line_of_a_request_carries_its_id(client, json_lines, empty_cache):
    report = {"csp-report": {"blocked-uri": "inline", "effective-directive": "script-src-elem"}}

    client.post(
        "/csp-report/",
        json.dumps(report),
        content_type="application/csp-report",
        HTTP_X_REQUEST_ID="trace-0001-abcd",
    )

    lines = json_lines()
    assert {line["logger"] for line in lines} >= {"fabrique.csp", "fabrique.request"}
    assert {line["request_id"] for line in lines} == {"trace-0001-abcd"}
    (violation,) = [line for line in lines if line["logger"] == "fabrique.csp"]
    assert violation["csp"]["blocked_uri"] == "inline"


def test_errors_are_logged_with_the_request_line(client, json_lines, settings):
    """An exception becomes a 500 page; its traceback and the request line share the id."""
    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.config.urls_with_error"

    response = client.get("/boom/", HTTP_X_REQUEST_ID="trace-0002-abcd")

    assert response.status_code == 500
    lines = json_lines()
    (request_line,) = request_lines(lines)
    assert request_line["status"] == 500
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and {line["request_id"] for line in errors} == {"trace-0002-abcd"}
