"""Schemathesis over every operation of `/api/` and `/api/v1/` (issue 13): authenticated, in process (WSGI),
a bounded number of examples per operation. Every response must be documented (status, content type, body).

Its own CI step (`-m schemathesis`).
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import checks

from accounts.services import issue_tokens
from nellia import health
from nellia.wsgi import application
from tests.factories import LeadFactory, UserFactory

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))  # raise it for a deeper run
# What the schema promises about responses, and that authentication is never ignored. Not the "schema-valid
# input is accepted" family: a schema cannot express every business rule (a weak password, a missing business
# context), and `/api/v1/` ignores unknown or malformed optional input by contract (FRONTEND.md §1, §4.4).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.ignored_auth,
]


def _schema() -> schemathesis.schemas.BaseSchema:
    """The schema `/api/schema/` serves, generated at collection time (one test per operation), sent to the WSGI
    application in process."""
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    # As Django's test client does: the WSGI handler's signals must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    for scope in SimpleRateThrottle.THROTTLE_RATES:  # the run is one user's burst: not what throttles are for
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100000/m")
    # No Celery worker runs beside this test: health would rightly answer 503 (degraded), which is its contract,
    # not a server error. The worker answers the ping here, as in tests/api/test_health.py.
    monkeypatch.setattr(health.Ping, "run", lambda self: None)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owner(db):
    user = UserFactory()
    LeadFactory(owner=user)
    return user


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case, owner):
    # A fresh session per call: an example of `logout` must not end the next one's.
    token = issue_tokens(owner)["access_token"]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
