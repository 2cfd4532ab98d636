"""The cost of one pipeline stage inside the worker, in process: SQL statements and ms per stage task, the tool
call excluded (issue 14: "pipeline ≤ 2 × agents + 20 ms/lead").

N leads are imported, queued, and their stage tasks run here one after the other through the real runner
(`pipeline.runner.run_stage`) against PostgreSQL (BENCH_DB) and Redis (REDIS_URL, cache), the agent server in
process. Each stage task runs under `CaptureQueriesContext`; the time of `runner.call` (the tool and its
validation) is subtracted. The next stage's send is recorded instead of going to the broker. Website enrichment is
off (network).

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/stage_cost.py --leads 50

Prints, per stage and in all: statements per stage task (and by table), ms per stage without the tool call, and
the tool call's ms, with the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter, defaultdict

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
    from pipeline.services import enqueue_processing

    settings.ENRICHMENT_ENABLED = False
    owner = seller_user()
    sent: list[tuple] = []
    # Every task message goes through apply_async(args, producer=...) (nellia.tasks): run them here instead.
    pipeline_tasks.run_stage.apply_async = lambda args, **_: sent.append(tuple(args))  # type: ignore[method-assign]

    tool_seconds = 0.0
    real_call = runner.call

    def timed_call(started):
        nonlocal tool_seconds
        begin = time.perf_counter()
        try:
            return real_call(started)
        finally:
            tool_seconds += time.perf_counter() - begin

    runner.call = timed_call

    def run(count: int, *, record: bool) -> dict:
        nonlocal tool_seconds
        ids = import_leads(owner=owner, rows=company_rows(count)).lead_ids
        for lead in Lead.objects.filter(pk__in=ids).order_by("created_at"):
            enqueue_processing(lead=lead)
        statements: dict[str, list[int]] = defaultdict(list)
        millis: dict[str, list[float]] = defaultdict(list)
        tools: dict[str, list[float]] = defaultdict(list)
        tables: dict[str, Counter] = defaultdict(Counter)
        shown = None
        while sent:
            lead_id, stage, token = sent.pop(0)
            tool_seconds = 0.0
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                outcome = runner.run_stage(lead_id=lead_id, stage=stage, run_token=token, task_id="bench")
                elapsed = time.perf_counter() - begin
            if outcome != "done":
                raise SystemExit(f"stage {stage} of {lead_id}: {outcome}")
            statements[stage].append(len(queries))
            millis[stage].append((elapsed - tool_seconds) * 1000)
            tools[stage].append(tool_seconds * 1000)
            tables[stage].update(table_of(query["sql"]) for query in queries.captured_queries)
            if record and args.show and (shown is None or shown == lead_id):
                shown = lead_id
                print(f"--- {stage}: {len(queries)} statements")
                for query in queries.captured_queries:
                    print("   ", query["sql"][:160])
        return {"statements": statements, "millis": millis, "tools": tools, "tables": tables, "count": count}

    run(5, record=False)  # warm up: imports, the agents' corpora, the connection
    load = os.getloadavg()
    first_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = run(args.leads, record=True)
    time.sleep(getattr(settings, "AGENT_STATUS_WRITE_SECONDS", 0) + 0.5)  # the coalesced writes still pending
    status_writes = Event.objects.filter(id__gt=first_event, type="agent.status").count()
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    print(f"N={args.leads} leads, {sum(len(v) for v in result['statements'].values())} stage tasks; "
          f"load average {load[0]:.2f} → {os.getloadavg()[0]:.2f}")
    print(f"{'stage':10} {'SQL/stage':>9} {'ms/stage (no tool) mean, median':>32} {'tool ms mean, median':>21}")
    for stage, counts in result["statements"].items():
        ms, tool = result["millis"][stage], result["tools"][stage]
        print(f"{stage:10} {mean(counts):9.1f} {mean(ms):23.2f} {median(ms):8.2f} {mean(tool):12.2f} {median(tool):8.2f}")
    every = [n for counts in result["statements"].values() for n in counts]
    every_ms = [ms for values in result["millis"].values() for ms in values]
    every_tool = [ms for values in result["tools"].values() for ms in values]
    print(f"{'all':10} {mean(every):9.1f} {mean(every_ms):23.2f} {median(every_ms):8.2f} {mean(every_tool):12.2f} "
          f"{median(every_tool):8.2f}")
    print(f"per lead: {sum(every_ms) / args.leads:.1f} ms without the tools, {sum(every_tool) / args.leads:.1f} ms tools")
    print(f"agent-status writes (agent.status events, timer threads included): {status_writes} "
          f"({status_writes / len(every):.2f} per stage task)")
    total = Counter()
    for counter in result["tables"].values():
        total.update(counter)
    print("statements per stage task, by table:")
    for name, count in total.most_common():
        print(f"  {count / len(every):5.2f}  {name}")


if __name__ == "__main__":
    main()
