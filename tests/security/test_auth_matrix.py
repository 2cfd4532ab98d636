"""Who may call what (issue 13): every operation of `/api/` and `/api/v1/` × anonymous / another user / the owner
/ an admin, and the sockets. A new route without an entry here fails `test_every_operation_has_an_entry` or
`test_every_route_is_in_the_schema_or_listed`.

Access kinds:
- PUBLIC: anyone, anonymous included (never 401/403);
- USER: any authenticated user, each on their own data (anonymous → 401);
- OWNED: an object in the path belongs to the owner: another user → 404 (its existence is not revealed), an admin
  sees it;
- OWNER_ONLY: as OWNED, but served to its owner alone (admins too get 404);
- ADMIN: admins only (a user → 403).
"""

import re

import pytest
import socketio
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from agents.models import Agent
from agents.seed import seed_pipeline_agents
from chat.services import save_attachment
from nellia.asgi import application
from nellia.routing import websocket_urlpatterns
from registry.models import Company, Establishment
from tests.events.ws import ORIGIN, token_for
from tests.factories import AdminFactory, BusinessContextFactory, LeadFactory, UserFactory

PUBLIC, USER, OWNED, OWNER_ONLY, ADMIN = "public", "user", "owned", "owner_only", "admin"

MATRIX = {
    ("GET", "/api/agents"): USER,
    ("GET", "/api/agents/{id}"): USER,
    ("GET", "/api/agents/{id}/metrics"): USER,
    ("POST", "/api/agents/{id}/start"): ADMIN,
    ("POST", "/api/agents/{id}/stop"): ADMIN,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): USER,
    ("GET", "/api/auth/profile"): USER,
    ("POST", "/api/auth/refresh"): PUBLIC,
    ("POST", "/api/auth/register"): PUBLIC,
    ("GET", "/api/business-context"): USER,
    ("PATCH", "/api/business-context"): USER,
    ("PUT", "/api/business-context"): USER,
    ("GET", "/api/business-context/history"): USER,
    ("GET", "/api/chat/{agent_id}/messages"): USER,
    ("POST", "/api/chat/{agent_id}/messages"): USER,
    ("GET", "/api/chat/agents"): USER,
    ("POST", "/api/chat/attachments"): USER,
    ("GET", "/api/chat/attachments/{attachment_id}"): OWNER_ONLY,
    ("GET", "/api/health"): PUBLIC,
    ("GET", "/api/registry/companies"): USER,
    ("GET", "/api/registry/companies/{cnpj}"): USER,
    ("POST", "/api/registry/companies/to-leads"): USER,
    ("GET", "/api/leads"): USER,
    ("POST", "/api/leads"): USER,
    ("POST", "/api/leads/{lead_id}/process"): OWNED,
    ("GET", "/api/leads/{lead_id}/progress"): OWNED,
    ("GET", "/api/leads/{id}"): OWNED,
    ("PUT", "/api/leads/{id}"): OWNED,
    ("PATCH", "/api/leads/{id}"): OWNED,
    ("DELETE", "/api/leads/{id}"): OWNED,
    ("POST", "/api/leads/bulk"): USER,
    ("GET", "/api/leads/by-stage"): USER,
    ("GET", "/api/leads/export"): USER,
    ("POST", "/api/leads/import"): USER,
    ("GET", "/api/metrics/agents"): USER,
    ("GET", "/api/metrics/overview"): USER,
    ("GET", "/api/metrics/performance"): USER,
    ("GET", "/api/prospect/jobs"): USER,
    ("POST", "/api/prospect/jobs"): USER,
    ("GET", "/api/prospect/jobs/{job_id}"): OWNED,
    ("GET", "/api/prospect/quota"): USER,
    ("GET", "/api/v1/agents"): USER,
    ("GET", "/api/v1/agents/{agent_id}"): USER,
    ("POST", "/api/v1/agents/{agent_id}/start"): ADMIN,
    ("GET", "/api/v1/agents/{agent_id}/status"): USER,
    ("POST", "/api/v1/agents/{agent_id}/stop"): ADMIN,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): USER,
    ("GET", "/api/v1/auth/profile"): USER,
    ("POST", "/api/v1/auth/refresh"): PUBLIC,
    ("POST", "/api/v1/auth/register"): PUBLIC,
    ("GET", "/api/v1/business-context"): USER,
    ("POST", "/api/v1/business-context"): USER,
    ("PUT", "/api/v1/business-context"): USER,
    ("GET", "/api/v1/chat/{agent_id}/messages"): USER,
    ("POST", "/api/v1/chat/messages"): USER,
    ("GET", "/api/v1/leads"): USER,
    ("POST", "/api/v1/leads"): USER,
    ("DELETE", "/api/v1/leads/{lead_id}"): OWNED,
    ("GET", "/api/v1/leads/{lead_id}"): OWNED,
    ("PATCH", "/api/v1/leads/{lead_id}"): OWNED,
    ("PUT", "/api/v1/leads/{lead_id}"): OWNED,
    ("POST", "/api/v1/leads/{lead_id}/process"): OWNED,
    ("PATCH", "/api/v1/leads/{lead_id}/stage"): OWNED,
    ("POST", "/api/v1/leads/bulk"): USER,
    ("GET", "/api/v1/leads/by-stage"): USER,
    ("GET", "/api/v1/metrics/agents"): USER,
    ("GET", "/api/v1/metrics/dashboard"): USER,
    ("GET", "/api/v1/metrics/leads"): USER,
    ("GET", "/api/v1/metrics/performance"): USER,
    ("GET", "/api/v1/metrics/summary"): USER,
    ("GET", "/api/v1/prospect/jobs"): USER,
    ("POST", "/api/v1/prospect/start"): USER,
    ("GET", "/api/v1/prospect/status/{job_id}"): OWNED,
    ("GET", "/api/v1/users/plan-status"): USER,
}

# Routes outside the OpenAPI schema, by URL name, with who may use them.
NON_SCHEMA_ROUTES = {
    "schema": PUBLIC,
    "swagger-ui": PUBLIC,
    "redoc": PUBLIC,
    "health": PUBLIC,  # also in the schema; named here for the route walk
}
SOCKETS = {"/ws/events/": USER, "/ws/chat/{agent_id}/": USER}
# The Socket.IO server mounted by nellia.asgi (FRONTEND.md §10): USER, each in their own room; test_socketio_access.
SOCKETIO = {"/socket.io/": USER}
ROLES = ("anonymous", "other", "owner", "admin")


def _operations() -> set[tuple[str, str]]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops if method != "parameters"}


def _api_routes(patterns=None, prefix: str = "") -> list[tuple[str, str | None, object]]:
    """(regex, name, callback) of every URL pattern under /api."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        regex = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _api_routes(pattern.url_patterns, regex)
        elif isinstance(pattern, URLPattern) and re.match(r"^\^?api", regex):
            found.append((regex, pattern.name, pattern.callback))
    return found


def test_every_operation_has_an_entry():
    operations = _operations()
    assert sorted(operations - MATRIX.keys()) == [], "operations without an entry in MATRIX"
    assert sorted(MATRIX.keys() - operations) == [], "entries for operations that no longer exist"


def test_every_route_is_in_the_schema_or_listed():
    unlisted = []
    for regex, name, callback in _api_routes():
        catch_all = name == "v1-not-found" or getattr(callback, "__name__", "") == "api_not_found"
        in_schema = getattr(getattr(callback, "cls", None), "schema", True) is not None
        if not catch_all and name not in NON_SCHEMA_ROUTES and not in_schema:
            unlisted.append(regex)
    assert unlisted == []
    assert len(websocket_urlpatterns) == len(SOCKETS), "a socket route without an entry in SOCKETS"
    mounted = {f"/{application.engineio_path.strip('/')}/"} if isinstance(application, socketio.ASGIApp) else set()
    assert mounted == SOCKETIO.keys(), "a Socket.IO mount without an entry in SOCKETIO"


@pytest.fixture
def world(user, other_user, admin_user, api, other_api, admin_api):
    """`user` owns a lead, a prospecting job and an attachment; everyone has a business context."""
    for someone in (user, other_user, admin_user):  # GET /business-context answers each their own
        BusinessContextFactory(owner=someone)
    job = api.post("/api/prospect/jobs", {}, format="json")
    assert job.status_code == 202, job.content
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    ids = {
        "lead_id": str(LeadFactory(owner=user).pk),
        "agent_id": str(Agent.objects.order_by("name").first().pk),
        "job_id": job.json()["id"],
        "attachment_id": str(save_attachment(owner=user, upload=upload).pk),
        "cnpj": Establishment.objects.create(
            cnpj="11222333000181", company=Company.objects.create(cnpj_basico="11222333", razao_social="ACME LTDA",
                                                                  month="2025-11"), month="2025-11").cnpj,
    }
    return ids, {"anonymous": APIClient(), "other": other_api, "owner": api, "admin": admin_api}


def _url(path: str, ids: dict) -> str:
    ids = {**ids, "id": ids["agent_id"] if path.startswith("/api/agents") else ids["lead_id"]}  # `{id}`: per path
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def _allowed(kind: str, role: str) -> set[str] | int:
    """The status the role gets for an access kind: a number, or "ok" (anything but 401/403/404/5xx)."""
    if role == "anonymous":
        return "ok" if kind == PUBLIC else 401
    if kind == ADMIN:
        return "ok" if role == "admin" else 403
    if kind == OWNED:
        return 404 if role == "other" else "ok"
    if kind == OWNER_ONLY:
        return "ok" if role == "owner" else 404
    return "ok"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_access(world, method, path, role):
    ids, clients = world
    response = clients[role].generic(method, _url(path, ids), "{}", content_type="application/json")
    expected = _allowed(MATRIX[(method, path)], role)
    if expected == "ok":
        # /api/health answers 503 when a service is down (no Celery worker runs here): its contract, not an auth outcome.
        served = response.status_code < 500 or (path == "/api/health" and response.status_code == 503)
        assert served and response.status_code not in (401, 403, 404), response.content[:300]
    else:
        assert response.status_code == expected, response.content[:300]


async def _socket_close_code(path: str, token: str | None) -> int | None:
    """None if the socket stays open, else its close code."""
    ws = WebsocketCommunicator(application, path + (f"?token={token}" if token is not None else ""), headers=[ORIGIN])
    connected, code = await ws.connect(timeout=5)
    if connected:
        message = await ws.receive_output(timeout=1) if not await ws.receive_nothing(timeout=0.3) else None
        code = message["code"] if message and message["type"] == "websocket.close" else None
    await ws.disconnect()
    return code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(SOCKETS))
def test_socket_access(path, role):
    seed_pipeline_agents(Agent)  # a transactional test's flush removed the seeded agents
    user = {"anonymous": None, "other": UserFactory, "owner": UserFactory, "admin": AdminFactory}[role]
    token = token_for(user()) if user else None
    agent_id = str(Agent.objects.order_by("name").first().pk)
    code = async_to_sync(_socket_close_code)(path.replace("{agent_id}", agent_id), token)
    assert code == (4401 if role == "anonymous" and SOCKETS[path] != PUBLIC else None)
