import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken

from frontend.socketio import RelayRedisWriter
from tests.e2e.harness import live_db  # noqa: F401 - shared by every end-to-end module
from tests.factories import AdminFactory, BusinessContextFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_runtime(settings, tmp_path, monkeypatch):
    """Unit tests never start the embedded worker or relay; attachments go to a temporary folder."""
    settings.CELERY_EMBEDDED_WORKER = False
    # Tests never reach the internet: website enrichment is on only in its own tests (a loopback fixture site).
    settings.ENRICHMENT_ENABLED = False
    settings.EVENT_RELAY_EMBEDDED = False  # tests relay with events.relay.relay_pending()
    settings.AGENT_STATUS_WRITE_SECONDS = 0  # every agent-status change written at once (no timer threads)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Fresh throttle histories per test without flushing a shared (Redis) cache.
    monkeypatch.setattr(SimpleRateThrottle, "cache_format", f"throttle:{tmp_path.name}:{id(tmp_path)}:%(scope)s:%(ident)s")
    # PBKDF2 at full strength costs ~1 s per user on CI's cores. Fewer iterations keep the same algorithm, so
    # processes started by e2e tests still verify these passwords (the iteration count is in the hash).
    monkeypatch.setattr(PBKDF2PasswordHasher, "iterations", 1000)
    # No web process listens on the test process's Socket.IO channel: the relay's writer would wait 10 s for one
    # on its first emit (whichever test relays first).
    monkeypatch.setattr(RelayRedisWriter, "LISTENER_WAIT_SECONDS", 0)


def auth_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    client.user = user
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def context(user):
    """`user`'s business context."""
    return BusinessContextFactory(owner=user)


@pytest.fixture
def api(user) -> APIClient:
    """An API client logged in as `user`."""
    return auth_client(user)


@pytest.fixture
def other_api(other_user) -> APIClient:
    return auth_client(other_user)


@pytest.fixture
def admin_api(admin_user) -> APIClient:
    return auth_client(admin_user)
