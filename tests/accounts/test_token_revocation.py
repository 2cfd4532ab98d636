"""Logout, refresh-token reuse and password change revoke access tokens too, on both presentations and the
sockets (issue 13)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import RevokedTokenFamily
from nellia.ws_auth import authenticated_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "s3cret-pass"


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.com.br")


def _login(prefix: str = "/api") -> dict:
    response = APIClient().post(f"{prefix}/auth/login", {"email": "ana@example.com.br", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def _client(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def _works(access: str) -> bool:
    status = _client(access).get("/api/auth/profile").status_code
    assert status in (200, 401)
    return status == 200


def _refresh(prefix: str, refresh: str):
    return APIClient().post(f"{prefix}/auth/refresh", {"refresh_token": refresh}, format="json")


def _socket_user(access: str):
    user, _exp = authenticated_user(access)
    return user


def test_api_logout_revokes_the_access_token_and_the_session(ana):
    session, other_session = _login(), _login()
    response = _client(session["access_token"]).post("/api/auth/logout", {"refresh_token": session["refresh_token"]})
    assert response.status_code == 204
    revoked = _client(session["access_token"]).get("/api/auth/profile")
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "token_revoked"
    assert _refresh("/api", session["refresh_token"]).status_code == 401
    assert not _socket_user(session["access_token"]).is_authenticated
    # Another login of the same user is another session: it goes on.
    assert _works(other_session["access_token"])
    assert _refresh("/api", other_session["refresh_token"]).status_code == 200


def test_v1_logout_without_a_refresh_token_revokes_the_24h_access_token(ana):
    session = _login("/api/v1")
    assert _works(session["access_token"])
    assert _client(session["access_token"]).post("/api/v1/auth/logout").status_code == 204
    assert not _works(session["access_token"])
    assert _client(session["access_token"]).get("/api/v1/auth/profile").status_code == 401
    # Its refresh token belongs to the same session.
    assert _refresh("/api/v1", session["refresh_token"]).status_code == 401


def test_access_tokens_of_a_rotated_session_are_revoked_by_logout(ana):
    session = _login()
    rotated = _refresh("/api", session["refresh_token"]).json()
    assert _client(rotated["access_token"]).post("/api/auth/logout", {"refresh_token": rotated["refresh_token"]}).status_code == 204
    assert not _works(session["access_token"])
    assert not _works(rotated["access_token"])


@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(ana, prefix):
    session = _login(prefix)
    successor = _refresh(prefix, session["refresh_token"]).json()
    assert _works(successor["access_token"])

    reused = _refresh(prefix, session["refresh_token"])
    assert reused.status_code == 401
    assert _refresh(prefix, successor["refresh_token"]).status_code == 401
    assert not _works(successor["access_token"])
    assert not _works(session["access_token"])
    assert RevokedTokenFamily.objects.get().reason == RevokedTokenFamily.Reason.REUSE


@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_a_password_change_revokes_every_token_of_the_user(ana, prefix):
    first, second = _login(prefix), _login(prefix)
    ana.set_password("another-s3cret")
    ana.save()
    for session in (first, second):
        assert not _works(session["access_token"])
        assert _refresh(prefix, session["refresh_token"]).status_code == 401
        assert not _socket_user(session["access_token"]).is_authenticated
    fresh = APIClient().post(f"{prefix}/auth/login", {"email": ana.email, "password": "another-s3cret"}, format="json")
    assert _works(fresh.json()["access_token"])


def test_revocation_survives_a_cache_flush(ana):
    session = _login()
    _client(session["access_token"]).post("/api/auth/logout", {"refresh_token": session["refresh_token"]})
    cache.delete_many([key for key in [f"auth:family-revoked:{f.family}" for f in RevokedTokenFamily.objects.all()]])
    assert not _works(session["access_token"])


def test_a_live_session_costs_one_cache_read_per_request(ana, django_assert_max_num_queries):
    session = _login()
    assert _works(session["access_token"])  # the family's state is now cached
    with django_assert_max_num_queries(1):  # the user row only
        assert _works(session["access_token"])


def test_revocations_older_than_any_token_are_pruned(ana):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tasks import prune_revoked_token_families

    for session in (_login(), _login()):
        _client(session["access_token"]).post("/api/auth/logout", {"refresh_token": session["refresh_token"]})
    old, recent = RevokedTokenFamily.objects.all()
    RevokedTokenFamily.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - timedelta(days=8))
    assert prune_revoked_token_families() == 1
    assert list(RevokedTokenFamily.objects.values_list("pk", flat=True)) == [recent.pk]
