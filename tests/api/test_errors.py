import psycopg
import pytest
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/nope", "/api/leads/x/y/z", "/api"])
def test_unknown_api_paths_are_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_api_path_is_json_even_with_debug(api, settings):
    settings.DEBUG = True
    assert api.get("/api/nope").json()["code"] == "not_found"


def test_unknown_path_outside_api_is_html(client):
    response = client.get("/definitely-not-here/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_method_not_allowed(api):
    response = api.delete("/api/leads")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unsupported_media_type(api):
    response = api.post("/api/leads", "company_name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_malformed_json(api):
    response = api.post("/api/leads", '{"company_name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert set(response.json()) == {"detail", "code"}


def test_unexpected_error_is_json_500_without_traceback(api, monkeypatch):
    from leads import selectors

    def boom(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "leads_for", boom)
    response = api.get("/api/leads")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error"}


def test_django_level_error_views(rf):
    from nellia.api import views

    assert views.server_error(rf.get("/api/leads")).status_code == 500
    assert b"server_error" in views.server_error(rf.get("/api/leads")).content
    assert views.bad_request(rf.get("/api/x"), Exception()).status_code == 400
    assert views.permission_denied(rf.get("/api/x"), Exception()).status_code == 403
    assert views.not_found(rf.get("/api/x"), Exception()).status_code == 404


def test_conflict_carries_extra_keys():
    from nellia.api.exceptions import Conflict, error_body

    body = error_body(Conflict("Duplicate.", code="duplicate_lead", existing_id="abc"))
    assert body == {"detail": "Duplicate.", "code": "duplicate_lead", "existing_id": "abc"}


def test_pagination_bounds(api, user):
    from tests.factories import LeadFactory

    LeadFactory.create_batch(3, owner=user)
    assert api.get("/api/leads?page=abc").status_code == 404
    body = api.get("/api/leads?page_size=0").json()
    assert body["count"] == 3 and len(body["results"]) == 3


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_a_database_failure_in_flight_is_a_503_with_the_error_body(api, monkeypatch, error):
    def lost(*args, **kwargs):
        raise error

    monkeypatch.setattr("leads.views.LeadViewSet.list", lost)
    response = api.get("/api/leads")
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable, try again.", "code": "database_unavailable"}


def test_the_pool_never_hands_out_a_dead_connection():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    pool = connection.pool
    with pool.connection() as victim, pool.connection() as killer:
        pid = victim.info.backend_pid
    # Both are back in the pool; kill the victim's backend from outside the pool.
    with psycopg.connect(**{k: v for k, v in connection.get_connection_params().items() if k != "context"}) as outside:
        outside.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert killer is not victim
    for _ in range(pool.max_size):  # every pooled connection, the killed one included, is checked first
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
