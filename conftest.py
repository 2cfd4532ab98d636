import functools
import os

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken

from frontend.socketio import RelayRedisWriter
from tests.e2e.harness import live_db  # noqa: F401 - shared by every end-to-end module
from tests.factories import AdminFactory, BusinessContextFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """A transactional test ends with a flush of every table. On PostgreSQL that is a TRUNCATE, which makes new files
    for the ~50 tables and their indexes (0.2-0.5 s a test); deleting the few rows a test made takes ~20 ms. Like a
    TRUNCATE of every table, the DELETEs run without triggers or foreign-key checks (`session_replication_role`:
    leads_lead's triggers would write metrics_leadcountsdelta again), which takes a superuser: else TRUNCATE stays."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    @functools.cache  # the test database's role does not change during the session
    def superuser(ops) -> bool:
        with ops.connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            return cursor.fetchone()[0]

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables or not superuser(self):
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica",
                *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}" for table in tables)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


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


@pytest.fixture
def postgresql_only() -> None:
    """Skip a test of what PostgreSQL alone keeps (triggers), except where REQUIRE_REAL_SERVICES promises it."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_REAL_SERVICES"):
            pytest.fail("REQUIRE_REAL_SERVICES is set but the database is not PostgreSQL")
        pytest.skip("kept by PostgreSQL triggers")


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
