"""The endpoint browsers send Content-Security-Policy violation reports to.

Both formats are read: `application/csp-report` (the report-uri directive, one report per
request) and `application/reports+json` (the Reporting API of report-to, a list of reports).
Each violation becomes one structured log line on the `fabrique.csp` logger (a warning when
the policy blocked something, info when it only reported). Anyone can post
here, so the answer is always the same empty 204 whatever the body holds, a report's fields
are cut short, and an IP that posts too often is refused (CSP_REPORT_RATE_LIMIT).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.ratelimits import seconds_until_allowed

logger = logging.getLogger("fabrique.csp")

MAX_BODY_BYTES = 64 * 1024
MAX_REPORTS = 20
MAX_FIELD_CHARS = 500
CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")
# report-uri's hyphenated names, and the Reporting API's camelCase ones, to one set of keys.
FIELDS = {
    "document-uri": "document_uri",
    "documentURL": "document_uri",
    "referrer": "referrer",
    "violated-directive": "violated_directive",
    "effective-directive": "effective_directive",
    "effectiveDirective": "effective_directive",
    "blocked-uri": "blocked_uri",
    "blockedURL": "blocked_uri",
    "source-file": "source_file",
    "sourceFile": "source_file",
    "line-number": "line_number",
    "lineNumber": "line_number",
    "column-number": "column_number",
    "columnNumber": "column_number",
    "disposition": "disposition",
    "script-sample": "sample",
    "sample": "sample",
    "status-code": "status_code",
    "statusCode": "status_code",
}


def violations(payload) -> list[dict]:
    """The violation bodies a payload of either format holds; [] for anything else."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            report["body"]
            for report in payload[:MAX_REPORTS]
            if isinstance(report, dict)
            and report.get("type") == "csp-violation"
            and isinstance(report.get("body"), dict)
        ]
    return []


def clean(violation: dict) -> dict:
    fields = {}
    for name, key in FIELDS.items():
        value = violation.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            fields[key] = value
        elif isinstance(value, str):
            fields[key] = value[:MAX_FIELD_CHARS]
    return fields


@csrf_exempt
@require_POST
def csp_report(request):
    retry_after = seconds_until_allowed(
        request, group="csp-report", rate=settings.CSP_REPORT_RATE_LIMIT
    )
    if retry_after is not None:
        return HttpResponse(status=429, headers={"Retry-After": str(retry_after)})
    content_type = request.content_type or ""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if content_type in CONTENT_TYPES and length.isdigit() and 0 < int(length) <= MAX_BODY_BYTES:
        try:
            payload = json.loads(request.read(MAX_BODY_BYTES))
        except (ValueError, OSError):
            payload = None
        for violation in violations(payload):
            if fields := clean(violation):
                # Report-only policies (the admin's) report what is known and allowed.
                level = logging.INFO if fields.get("disposition") == "report" else logging.WARNING
                logger.log(
                    level,
                    "CSP violation: %s, %s",
                    fields.get("effective_directive") or fields.get("violated_directive", "?"),
                    fields.get("blocked_uri", "?"),
                    extra={"csp": fields},
                )
    return HttpResponse(status=204)
