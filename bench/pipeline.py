"""N leads through the five pipeline stages in the real mode vs the bare agents on the same leads, in one run.

Real mode: PostgreSQL (BENCH_DB), Redis (REDIS_URL), the agent server over HTTP (MCP), a prefork Celery worker at
concurrency 1 then 2, the event relay and Daphne (tests/e2e/harness.RealStack). Each round imports N leads with
`process=True` (leads.importing.import_leads, what `POST /api/leads/import?process=true` runs) and waits until all
are completed or failed. Baseline: the same five agents called in this process on the same leads (no Celery,
HTTP or database), the stage results applied in memory as the runner applies them.

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/pipeline.py --leads 300

(from the repository root: Celery puts the working directory on sys.path, and this file is named like the app)

Prints ms/lead for each, the ratio to the bare agents (goal: pipeline ≤ 2 × agents + 20 ms/lead) and the
concurrency 2 vs 1 speedup (goal ≥ 1.5×), with the load average; and the CPU each process spent per lead (worker,
agent server, event relay, Daphne, PostgreSQL backends; /proc): what the pipeline costs whatever else the machine
runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

from _common import (
    ROOT,
    agent_calls,
    company_rows,
    postgres_cpu_seconds,
    seller_user,
    session_cpu_seconds,
    setup_real_mode,
)

# This file is named like the `pipeline` app: the app must win the import.
sys.path[:] = [str(ROOT), *(entry for entry in sys.path if os.path.abspath(entry or ".") != str(ROOT / "bench"))]

def bare_agents(count: int, owner) -> float:
    """ms/lead of the five agents called in this process on `count` leads (built in memory, never saved)."""
    return agent_calls(count, owner)[1]


def pipeline_round(stack, owner, count: int, concurrency: int) -> dict[str, float]:
    """Start a worker at `concurrency`, import `count` leads with process=True, wait until all are finished."""
    from events.models import Event
    from leads.importing import import_leads
    from leads.models import Lead
    from pipeline.stages import PIPELINE

    name = f"worker-c{concurrency}"
    stack.start_worker(name, concurrency=concurrency)
    roles = {"worker": name, "agent server": "agent_server", "relay": "relay", "daphne": "daphne"}
    cpu_before = {role: session_cpu_seconds(stack.processes[process].pid) for role, process in roles.items()}
    postgres_before = postgres_cpu_seconds()
    try:
        events_before = Event.objects.count()
        started = time.perf_counter()
        report = import_leads(owner=owner, rows=company_rows(count), process=True)
        enqueued = time.perf_counter()
        ids = report.lead_ids
        finished = Lead.objects.filter(pk__in=ids, status__in=[Lead.Status.COMPLETED, Lead.Status.FAILED])
        while (done := finished.count()) < len(ids):
            if time.perf_counter() - started > 60 + count * 5:
                raise SystemExit(f"timed out: {done}/{len(ids)} finished\n{stack.log(name)}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        # The last events may still be on their way through the relay: its figure is a little low.
        cpu = {role: session_cpu_seconds(stack.processes[process].pid) - cpu_before[role]
               for role, process in roles.items()}
        cpu["postgres"] = sum(seconds - postgres_before.get(pid, 0.0) for pid, seconds in postgres_cpu_seconds().items())
        events = Event.objects.count() - events_before
        failed = Lead.objects.filter(pk__in=ids, status=Lead.Status.FAILED).count()
        sessions = len(re.findall(r"MCP session to \S+ opened", stack.log(name, tail=10**7)))  # logged by mcp_bridge.client
    finally:
        stack.kill(name)
    return {"ms_per_lead": elapsed * 1000 / count, "seconds": elapsed, "enqueue_ms_per_lead":
            (enqueued - started) * 1000 / count, "failed": failed, "stages": count * len(PIPELINE), "sessions": sessions,
            "cpu_ms_per_lead": {role: seconds * 1000 / count for role, seconds in cpu.items()},
            "events_per_lead": events / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=300)
    args = parser.parse_args()
    setup_real_mode()
    from tests.e2e.harness import RealStack

    owner = seller_user()
    load_before = os.getloadavg()
    bare_agents(20, owner)  # warm up imports and corpora
    bare = bare_agents(args.leads, owner)
    results = {}
    # The agent server in two processes, as docker-compose runs it (AGENT_SERVER_WORKERS).
    with RealStack(workers=0, extra_env={"LOG_LEVEL": "INFO", "AGENT_SERVER_WORKERS": "2"}) as stack:
        pipeline_round(stack, owner, 10, 1)  # warm up: agent server, worker start, relay
        for concurrency in (1, 2):
            results[concurrency] = pipeline_round(stack, owner, args.leads, concurrency)
    load_after = os.getloadavg()
    print(f"N={args.leads} leads; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"bare agents, one process:     {bare:8.1f} ms/lead")
    for concurrency, row in results.items():
        print(f"pipeline, concurrency {concurrency}:      {row['ms_per_lead']:8.1f} ms/lead "
              f"({row['seconds']:.1f} s, enqueue {row['enqueue_ms_per_lead']:.1f} ms/lead, {row['failed']} failed); "
              f"{row['ms_per_lead'] / bare:.1f}x the bare agents; goal ≤ {2 * bare + 20:.1f} ms/lead")
    print(f"speedup concurrency 2 vs 1:   {results[1]['ms_per_lead'] / results[2]['ms_per_lead']:.2f}x (goal ≥ 1.5x)")
    for concurrency, row in results.items():
        split = ", ".join(f"{role} {ms:.1f}" for role, ms in row["cpu_ms_per_lead"].items())
        print(f"CPU ms/lead at concurrency {concurrency}: {sum(row['cpu_ms_per_lead'].values()):.1f} in all ({split}); "
              f"{row['events_per_lead']:.1f} events/lead; bare agents {bare:.1f}")
    for concurrency, row in results.items():
        print(f"MCP sessions the concurrency-{concurrency} worker opened: {row['sessions']} for {row['stages']} "
              f"stages (one per worker process expected)")


if __name__ == "__main__":
    main()
