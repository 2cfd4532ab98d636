"""`GET /api/health`: real round trips to every service the platform needs; 503 when any of them fails.

The checks are django-health-check's (`HealthCheck` subclasses: a timeout each, run concurrently, sync ones in
threads): its `Database` and `Cache`, and ours for the Celery broker (plus a worker ping where a separate worker
should exist), the channel layer and the agent server. The view keeps the API's contract:
`{status: "ok"|"degraded", checks: {<name>: {ok, latency_ms, error}}}`.
"""

import asyncio
import dataclasses
import datetime
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

TIMEOUT = datetime.timedelta(seconds=3)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers (Redis: a PING); with a separate worker (real mode), a worker answers a ping."""

    timeout = TIMEOUT

    def run(self) -> None:
        from nellia.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                       timeout=self.timeout.total_seconds())
                client = getattr(conn.default_channel, "client", None)
                if client is not None and hasattr(client, "ping"):  # Redis: a real round trip
                    client.ping()
        except Exception as exc:
            raise ServiceUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not settings.CELERY_EMBEDDED_WORKER:  # the embedded worker lives in this process and starts on demand
            Ping(app=app, timeout=datetime.timedelta(seconds=1), limit=1).run()


@dataclasses.dataclass
class ChannelLayer(HealthCheck):
    """A message sent on a new channel of the channel layer comes back."""

    timeout = TIMEOUT

    async def run(self) -> None:
        layer = get_channel_layer()
        if layer is None:
            raise ServiceUnavailable("no channel layer configured")
        try:
            channel = await layer.new_channel("health.")
            token = uuid.uuid4().hex
            await layer.send(channel, {"type": "health.check", "token": token})
            message = await layer.receive(channel)
        except Exception as exc:
            raise ServiceUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if message.get("token") != token:
            raise ServiceUnavailable("the message sent was not received back")


@dataclasses.dataclass
class AgentServer(HealthCheck):
    """The agent server lists its tools over the bridge's kept session (`mcp_bridge.health`)."""

    timeout = datetime.timedelta(seconds=6)

    def run(self) -> None:
        try:
            from mcp_bridge.health import check_agent_server

            result = check_agent_server(timeout=5.0)
        except Exception as exc:  # the probe itself broke: report it, never raise
            raise ServiceUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not result.get("ok"):
            raise ServiceUnavailable(result.get("error") or "agent server not ready")


CHECKS: dict[str, HealthCheck] = {
    "database": Database(),
    "cache": Cache(),
    "broker": Broker(),
    "channel_layer": ChannelLayer(),
    "agent_server": AgentServer(),
}


def _entry(result: HealthCheckResult) -> dict[str, Any]:
    error = result.error
    return {
        "ok": error is None,
        "latency_ms": round(result.time_taken * 1000, 1),
        "error": None if error is None else str(getattr(error, "message", error))[:500],
    }


async def _results() -> list[HealthCheckResult]:
    return await asyncio.gather(*(check.get_result() for check in CHECKS.values()))


def health_report() -> dict[str, Any]:
    """`{status: "ok"|"degraded", checks: {<name>: {ok, latency_ms, error}}}`."""
    checks = {name: _entry(result) for name, result in zip(CHECKS, async_to_sync(_results)(), strict=True)}
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
