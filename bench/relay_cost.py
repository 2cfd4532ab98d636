"""The event relay's own cost per event, in process: CPU time and SQL statements of `relay_pending()` with the real
transports (the Redis channel layer and the Socket.IO writer: REDIS_URL), for a pipeline-like mix of events (30
leads × 5 stages: progress, agent status, stage updates) published `--per-wake` at a time and relayed after each
group, as the relay wakes up per commit. Nobody listens: the Socket.IO writer does not wait for listeners.

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/relay_cost.py --per-wake 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from _common import ROOT, bench_user, setup_real_mode

sys.path[:] = [str(ROOT), *(entry for entry in sys.path if os.path.abspath(entry or ".") != str(ROOT / "bench"))]


def pipeline_events(lead, agents, user_id) -> Iterator[tuple[str, dict[str, Any], Any]]:
    lead_id = str(lead.id)
    yield "lead.created", {"lead_id": lead_id}, user_id
    yield "lead.updated", {"lead_id": lead_id, "changed": ["status", "processing_stage", "queued_at"], "status": "queued"}, user_id
    for agent in agents:
        yield "lead.progress", {"lead_id": lead_id, "stage_status": "running", "agent_name": agent.name}, user_id
        yield "agent.status", {"agent_id": str(agent.id), "status": "processing"}, None
        yield "lead.updated", {"lead_id": lead_id, "changed": ["processing_stage", "progress"], "status": "processing"}, user_id
        yield "lead.progress", {"lead_id": lead_id, "stage_status": "done", "agent_name": agent.name, "duration_ms": 900,
                                "progress": 20}, user_id
        yield "agent.status", {"agent_id": str(agent.id), "status": "active"}, None
    yield "lead.completed", {"lead_id": lead_id}, user_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-wake", type=int, default=2, help="events committed per relay wake-up")
    args = parser.parse_args()
    os.environ["EVENT_RELAY_EMBEDDED"] = "0"
    setup_real_mode("the real transports")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agents.models import Agent
    from events.publisher import publish
    from events.relay import relay_pending
    from frontend import socketio
    from leads.models import Lead

    socketio.RelayRedisWriter.LISTENER_WAIT_SECONDS = 0
    owner = bench_user()
    agents = list(Agent.objects.order_by("stage")[:5])
    leads = [Lead.objects.create(owner=owner, company_name=f"Empresa {n}", website=f"https://e{n}.com.br") for n in range(30)]
    events = [event for lead in leads for event in pipeline_events(lead, agents, owner.pk)]
    relay_pending()  # imports and connections
    cpu = wall = 0.0
    statements = 0
    for start in range(0, len(events), args.per_wake):
        for event_type, data, user_id in events[start:start + args.per_wake]:
            publish(event_type, data, user_id=user_id)
        began, began_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            relay_pending()
        cpu += time.process_time() - began_cpu
        wall += time.perf_counter() - began
        statements += len(queries)
    count = len(events)
    print(f"{count} events, {args.per_wake} per wake-up: relay CPU {1000 * cpu / count:.2f} ms/event, wall "
          f"{1000 * wall / count:.2f} ms/event, {statements / count:.2f} SQL statements/event; "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
