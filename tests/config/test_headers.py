"""What every response tells the browser: the Content-Security-Policy (enforced on the site,
report-only in Wagtail's admin), Permissions-Policy, Referrer-Policy and
Cross-Origin-Opener-Policy; and the endpoint that receives the browser's violation reports."""

import json
import logging

import pytest

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


@pytest.mark.parametrize("path", ["/fr/", "/fr/archive/", "/fr/search/?q=tisserand", "/fr/nope/"])
def test_public_pages_forbid_inline_and_evaluated_scripts(client, site_tree, empty_cache, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert policy["report-to"] == ["csp"]
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'
    # No nonce: the same page may be served from the cache to every visitor.
    assert "nonce-" not in response["Content-Security-Policy"]


def test_public_pages_send_the_other_security_headers(client, site_tree, empty_cache):
    response = client.get("/fr/")

    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("geolocation", "camera", "microphone", "payment", "usb"):
        assert permissions[feature] == "()"
    assert permissions["fullscreen"].startswith("(self")


def test_the_admin_reports_violations_without_blocking(client, site_tree, empty_cache):
    """Wagtail's admin renders inline scripts: there the policy only reports."""
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["script-src"] == ["'self'"]
    # The preview panel frames admin pages.
    assert policy["frame-ancestors"] == ["'self'"]


def test_tiles_and_media_are_allowed_where_they_are_served_from():
    from config.headers import media_origins, origin

    assert origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin("http://127.0.0.1:9/{z}/{x}/{y}.png") == "http://127.0.0.1:9"

    assert media_origins(
        bucket="media", endpoint_url="http://minio:9000", custom_domain="cdn.example.org", region=""
    ) == ["https://cdn.example.org", "http://minio:9000"]
    assert media_origins(
        bucket="media", endpoint_url=None, custom_domain=None, region="eu-west-3"
    ) == [
        "https://media.s3.amazonaws.com",
        "https://media.s3.eu-west-3.amazonaws.com",
    ]
    assert media_origins(bucket="", endpoint_url=None, custom_domain=None, region=None) == []


# --- Violation reports ---------------------------------------------------------------------

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://fabrique.example.org/fr/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js",
        "source-file": "https://fabrique.example.org/fr/",
        "line-number": 12,
        "disposition": "enforce",
    }
}
REPORTING_API_BODY = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://fabrique.example.org/fr/archive/",
        "body": {
            "documentURL": "https://fabrique.example.org/fr/archive/",
            "effectiveDirective": "style-src-attr",
            "blockedURL": "inline",
            "lineNumber": 3,
            "disposition": "enforce",
            "sample": "x" * 5000,
        },
    },
    {"type": "deprecation", "body": {"id": "x"}},
]


def csp_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "fabrique.csp"]


def test_a_report_uri_report_is_logged_with_its_fields(client, empty_cache, caplog):
    response = client.post(
        "/csp-report/", json.dumps(REPORT_URI_BODY), content_type="application/csp-report"
    )

    assert response.status_code == 204
    (record,) = csp_records(caplog)
    assert record.csp["blocked_uri"] == "https://evil.example/x.js"
    assert record.csp["effective_directive"] == "script-src-elem"
    assert record.csp["line_number"] == 12


def test_reporting_api_reports_are_logged_and_cut_short(client, empty_cache, caplog):
    response = client.post(
        "/csp-report/", json.dumps(REPORTING_API_BODY), content_type="application/reports+json"
    )

    assert response.status_code == 204
    (record,) = csp_records(caplog)  # the deprecation report is not a CSP violation
    assert record.csp["effective_directive"] == "style-src-attr"
    assert record.csp["document_uri"] == "https://fabrique.example.org/fr/archive/"
    assert len(record.csp["sample"]) == 500


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/csp-report"),
        (b"\xff\xfe\x00garbage", "application/reports+json"),
        (b'"a string"', "application/csp-report"),
        (b'{"csp-report": [1, 2]}', "application/csp-report"),
        (b'[{"type": "csp-violation", "body": "x"}, 3, null]', "application/reports+json"),
        (b'{"csp-report": {"blocked-uri": {"nested": true}}}', "application/csp-report"),
        (json.dumps(REPORT_URI_BODY).encode(), "text/plain"),
        (b"[" * 100_000, "application/reports+json"),
        (b"", "application/csp-report"),
    ],
    ids=[
        "bad-json",
        "bad-utf8",
        "string",
        "list",
        "bad-entries",
        "nested",
        "type",
        "huge",
        "empty",
    ],
)
def test_junk_is_answered_204_and_not_logged(client, empty_cache, caplog, body, content_type):
    response = client.post("/csp-report/", body, content_type=content_type)

    assert response.status_code == 204
    assert csp_records(caplog) == []


def test_the_report_endpoint_only_takes_posts(client, empty_cache):
    assert client.get("/csp-report/").status_code == 405


def test_report_floods_are_refused_per_ip(client, empty_cache, caplog, settings):
    settings.CSP_REPORT_RATE_LIMIT = "2/m"
    body = json.dumps(REPORT_URI_BODY)

    def post(ip):
        return client.post(
            "/csp-report/", body, content_type="application/csp-report", REMOTE_ADDR=ip
        )

    answers = [post("192.0.2.1") for _ in range(4)]
    other = post("192.0.2.2")

    assert [answer.status_code for answer in answers] == [204, 204, 429, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert other.status_code == 204
    assert len(csp_records(caplog)) == 3
