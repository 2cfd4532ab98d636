"""`GET /api/health`: real round trips to every service the platform needs; 503 when any of them fails."""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer to SELECT 1")


def check_cache() -> None:
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value written was not read back")
    finally:
        cache.delete(key)


def check_broker() -> None:
    from nellia.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=TIMEOUT_SECONDS)
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):  # Redis: a real round trip
            client.ping()


def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("health.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "health.check", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=TIMEOUT_SECONDS)
        if message.get("token") != token:
            raise RuntimeError("the message sent was not received back")

    async_to_sync(round_trip)()


def check_agent_server() -> dict[str, Any]:
    try:
        from mcp_bridge.health import check_agent_server as bridge_check
    except ImportError:
        return {"ok": False, "latency_ms": None, "error": "the agent server health check is not available"}
    result = dict(bridge_check())
    return {"ok": bool(result.get("ok")), "latency_ms": result.get("latency_ms"), "error": result.get("error")}


def _run(check: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:
        logger.warning("Health check %s failed: %s", check.__name__, exc)
        return {
            "ok": False,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            "error": f"{type(exc).__name__}: {exc}"[:500],
        }
    if isinstance(result, dict):  # a check that measures itself (the agent server)
        return result
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1), "error": None}


CHECKS: dict[str, Callable[[], Any]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "channel_layer": check_channel_layer,
    "agent_server": check_agent_server,
}


def health_report() -> dict[str, Any]:
    """`{status: "ok"|"degraded", checks: {<name>: {ok, latency_ms, error}}}`."""
    checks = {name: _run(check) for name, check in CHECKS.items()}
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "degraded", "checks": checks}


_CheckSerializer = inline_serializer(
    name="HealthCheck",
    fields={
        "ok": serializers.BooleanField(),
        "latency_ms": serializers.FloatField(allow_null=True),
        "error": serializers.CharField(allow_null=True),
    },
)
_HealthSerializer = inline_serializer(
    name="Health",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "checks": inline_serializer(name="HealthChecks", fields={name: _CheckSerializer for name in CHECKS}),
    },
)


class HealthView(APIView):
    """Liveness and readiness of the platform and its services (no authentication)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["health"],
        summary="Platform health",
        responses={200: _HealthSerializer, 503: _HealthSerializer},
    )
    def get(self, request: Request) -> Response:
        report = health_report()
        return Response(report, status=200 if report["status"] == "ok" else 503)
