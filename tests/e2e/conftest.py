"""Fixtures shared by the end-to-end modules; each module starts its own `stack` (tests.e2e.harness.RealStack)."""

import pytest

from tests.e2e.harness import BUSINESS_CONTEXT
from tests.factories import UserFactory


@pytest.fixture
def owner(live_db):
    return UserFactory()


@pytest.fixture
def api(stack, owner):
    """An HTTP client on the module's Daphne, logged in as `owner`, whose business context is saved."""
    with stack.client(owner, timeout=15) as client:
        assert client.put("/api/business-context", json=BUSINESS_CONTEXT).status_code in (200, 201)
        yield client
