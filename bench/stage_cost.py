"""The cost of a lead's pipeline inside the worker, in process: SQL statements and ms per lead, the tool calls
excluded (issue 14: "pipeline ≤ 2 × agents + 20 ms/lead"), with each stage a task of its own (the in-run
baseline, PIPELINE_STAGES_PER_TASK=1), with one task per lead, and with a task per batch of PIPELINE_BATCH_SIZE
leads (the default).

N leads are imported, queued, and their stage tasks run here one after the other through the real runner
(`pipeline.runner.run_stages`) against PostgreSQL (BENCH_DB) and Redis (REDIS_URL, cache), the agent server in
process. Each task runs under `CaptureQueriesContext`; the wall time of `runner.call_many` (the tools and their
validation, one MCP call for a batch) is subtracted. A queued next stage is recorded instead of going to the
broker. Website enrichment is off (network).

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/stage_cost.py --leads 50

Prints, for each mode: tasks, statements (and by table), ms without the tool calls and the tool calls' ms, per
lead, with the load average."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter

from _common import ROOT, company_rows, seller_user, setup_real_mode

sys.path[:] = [str(ROOT), *(entry for entry in sys.path if os.path.abspath(entry or ".") != str(ROOT / "bench"))]

_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def table_of(sql: str) -> str:
    """`<verb> <first table>` of a statement, e.g. `UPDATE agents_agent`."""
    verb = sql.split(None, 1)[0].upper()
    tables = _TABLE.findall(sql)  # a SELECT's own table comes after its subqueries'
    return f"{verb} {(tables[-1] if verb == 'SELECT' else tables[0]) if tables else ''}".strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=50)
    parser.add_argument("--show", action="store_true", help="print the statements of one lead's stages")
    args = parser.parse_args()
    os.environ["MCP_SERVER_URL"] = ""
    setup_real_mode()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.models import Event
    from leads.importing import import_leads
    from leads.models import Lead
    from pipeline import runner
    from pipeline import tasks as pipeline_tasks
    from pipeline.services import enqueue_many
    from pipeline.stages import PIPELINE

    settings.ENRICHMENT_ENABLED = False
    owner = seller_user()
    sent: list[list[tuple]] = []  # the stage tasks sent: each the (lead_id, stage, run_token) of its leads
    # Every task message goes through apply_async(args, producer=...) (nellia.tasks): run them here instead.
    pipeline_tasks.run_stage.apply_async = lambda args, **_: sent.append([tuple(args)])  # type: ignore[method-assign]
    pipeline_tasks.run_stages.apply_async = (  # type: ignore[method-assign]
        lambda args, **_: sent.append([tuple(item) for item in args[0]]))

    tool_seconds = 0.0
    real_call_many = runner.call_many

    def timed_call_many(started):
        """The tool calls of a step (one MCP call for a batch): their wall time is not the pipeline's."""
        nonlocal tool_seconds
        begin = time.perf_counter()
        try:
            return real_call_many(started)
        finally:
            tool_seconds += time.perf_counter() - begin

    runner.call_many = timed_call_many

    def run(count: int, stages_per_task: int, batch: int, *, record: bool) -> dict:
        """Import and queue `count` leads, `batch` per task, and run their stage tasks here, `stages_per_task`
        stages per task."""
        nonlocal tool_seconds
        settings.PIPELINE_STAGES_PER_TASK = stages_per_task
        settings.PIPELINE_BATCH_SIZE = batch
        ids = list(Lead.objects.filter(pk__in=import_leads(owner=owner, rows=company_rows(count)).lead_ids)
                   .order_by("created_at").values_list("pk", flat=True))
        for start in range(0, count, batch):
            enqueue_many(ids[start : start + batch])
        tasks, statements, millis, tools = 0, 0, 0.0, 0.0
        tables: Counter = Counter()
        shown = None
        while sent:
            items = sent.pop(0)
            tool_seconds = 0.0
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                outcomes = runner.run_stages(items, task_id="bench")
                elapsed = time.perf_counter() - begin
            if set(outcomes.values()) != {"done"}:
                raise SystemExit(f"stage {items[0][1]} of {len(items)} leads: {outcomes}")
            tasks += 1
            statements += len(queries)
            millis += (elapsed - tool_seconds) * 1000
            tools += tool_seconds * 1000
            tables.update(table_of(query["sql"]) for query in queries.captured_queries)
            if record and args.show and (shown is None or shown == items):
                shown = items
                print(f"--- task from {items[0][1]} ({stages_per_task} stages per task, {len(items)} leads): "
                      f"{len(queries)} statements")
                for query in queries.captured_queries:
                    print("   ", query["sql"][:160])
        return {"tasks": tasks / count, "statements": statements / count, "millis": millis / count,
                "tools": tools / count, "tables": tables, "count": count}

    # Each stage a task (the baseline), one task per lead, then a task per batch of leads (the default).
    modes = ((1, 1), (len(PIPELINE), 1), (len(PIPELINE), settings.PIPELINE_BATCH_SIZE))
    for stages_per_task, batch in modes:
        run(batch * 2, stages_per_task, batch, record=False)  # warm up: imports, the agents' corpora, the connection
    load = os.getloadavg()
    first_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    results = {mode: run(args.leads, *mode, record=True) for mode in modes}
    time.sleep(getattr(settings, "AGENT_STATUS_WRITE_SECONDS", 0) + 0.5)  # the coalesced writes still pending
    status_writes = Event.objects.filter(id__gt=first_event, type="agent.status").count()
    print(f"N={args.leads} leads in each mode; load average {load[0]:.2f} → {os.getloadavg()[0]:.2f}")
    print(f"{'stages/task':>11} {'leads/task':>10} {'tasks/lead':>10} {'SQL/lead':>9} {'ms/lead (no tools)':>19} "
          f"{'tools ms/lead':>14}")
    for (stages, batch), row in results.items():
        print(f"{stages:11d} {batch:10d} {row['tasks']:10.2f} {row['statements']:9.1f} {row['millis']:19.1f} "
              f"{row['tools']:14.1f}")
    base = results[modes[0]]
    for mode in modes[1:]:
        row = results[mode]
        print(f"{mode[0]} stages and {mode[1]} lead(s) per task vs one stage per task: "
              f"{row['statements'] / base['statements']:.2f}x the statements, {row['millis'] / base['millis']:.2f}x "
              "the ms without tools")
    print(f"agent-status writes (agent.status events, timer threads included, all modes): {status_writes}")
    for (stages, batch), row in results.items():
        print(f"statements per lead by table, {stages} stage(s) and {batch} lead(s) per task:")
        for name, count in row["tables"].most_common():
            print(f"  {count / row['count']:6.2f}  {name}")


if __name__ == "__main__":
    main()
