"""The open API fuzzed from its own OpenAPI schema (/api/v1/openapi.json) with schemathesis:
whatever a client sends, no answer is a server error, and every answer has a status code, a
media type and a body that the schema declares."""

from __future__ import annotations

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


# Read from the WSGI application when the module is collected: serving the schema needs no
# database. The requests themselves run inside each test, on the class's archive.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def connection_kept():
    """Requests go through the WSGI handler, which closes the database connection after each
    one, and with it the test's transaction; Django's test client disconnects the same
    handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("archive", "connection_kept")
class TestSchema:
    @schema.parametrize()
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test_the_api_answers_any_input_as_its_schema_says(self, case):
        case.call_and_validate(checks=CHECKS)
