"""Fuzzing the API from its own OpenAPI document: nothing a client sends gets a 500, errors keep their shape."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from webui_helpers import app  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def test_no_request_built_from_the_openapi_document_gets_a_server_error_or_leaves_the_schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
                assert set(response.json()) == {"error", "details"}
            # every response has a documented content type and matches the documented schema
            case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

        check()
