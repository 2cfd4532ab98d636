"""The event relay's own cost per event, in process: CPU time and SQL statements of `relay_pending()` with the real
transports (the Redis channel layer and the Socket.IO writer: REDIS_URL), for the pipeline's stream of events (30
leads × 5 stages: progress, agent status, stage updates; 28 events per lead in 11 commits: the enqueue, then a
stage's start and its end), committed `--commits-per-wake` at a time and relayed after each group: 1 is a pass per
commit, as the relay woken per NOTIFY; more is what EVENT_RELAY_COALESCE_SECONDS gathers when commits come close
together. Nobody listens: the Socket.IO writer does not wait for listeners. `agent-update` goes out at most every
AGENT_UPDATE_INTERVAL_SECONDS per agent, a cost per second rather than per event: left out (one per agent), so the
figures do not depend on how long the run takes.

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/relay_cost.py --commits-per-wake 1
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


Commit = list[tuple[str, dict[str, Any], Any]]


def pipeline_commits(lead, agents, user_id) -> Iterator[Commit]:
    """The events of one lead, by the transaction that commits them."""
    lead_id = str(lead.id)
    yield [("lead.created", {"lead_id": lead_id}, user_id),
           ("lead.updated", {"lead_id": lead_id, "changed": ["status", "processing_stage", "queued_at"], "status": "queued"}, user_id)]
    for n, agent in enumerate(agents):
        yield [("lead.progress", {"lead_id": lead_id, "stage_status": "running", "agent_name": agent.name}, user_id),
               ("agent.status", {"agent_id": str(agent.id), "status": "processing"}, None)]
        end: Commit = [
            ("lead.updated", {"lead_id": lead_id, "changed": ["processing_stage", "progress"], "status": "processing"}, user_id),
            ("lead.progress", {"lead_id": lead_id, "stage_status": "done", "agent_name": agent.name, "duration_ms": 900,
                               "progress": 20}, user_id),
            ("agent.status", {"agent_id": str(agent.id), "status": "active"}, None),
        ]
        if n == len(agents) - 1:
            end.append(("lead.completed", {"lead_id": lead_id}, user_id))
        yield end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits-per-wake", type=int, default=1, help="commits per relay pass")
    args = parser.parse_args()
    os.environ.update(EVENT_RELAY_EMBEDDED="0", AGENT_UPDATE_INTERVAL_SECONDS="3600")
    setup_real_mode("the real transports")
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from agents.models import Agent
    from events.publisher import publish_many
    from events.relay import relay_pending
    from frontend import socketio
    from leads.models import Lead

    socketio.RelayRedisWriter.LISTENER_WAIT_SECONDS = 0
    owner = bench_user()
    agents = list(Agent.objects.order_by("stage")[:5])
    leads = [Lead.objects.create(owner=owner, company_name=f"Empresa {n}", website=f"https://e{n}.com.br") for n in range(30)]
    commits = [commit for lead in leads for commit in pipeline_commits(lead, agents, owner.pk)]
    relay_pending()  # imports and connections
    cpu = wall = 0.0
    statements = passes = 0
    for start in range(0, len(commits), args.commits_per_wake):
        for commit in commits[start:start + args.commits_per_wake]:
            with transaction.atomic():
                publish_many(commit)
        began, began_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            relay_pending()
        cpu += time.process_time() - began_cpu
        wall += time.perf_counter() - began
        statements += len(queries)
        passes += 1
    count = sum(len(commit) for commit in commits)
    print(f"{count} events in {len(commits)} commits, {args.commits_per_wake} per pass ({passes} passes): relay CPU "
          f"{1000 * cpu / count:.2f} ms/event, wall {1000 * wall / count:.2f} ms/event, {statements / count:.2f} SQL "
          f"statements/event; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
