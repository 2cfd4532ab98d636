"""Run as a fresh process: the in-process Celery worker's threads start a lead's first stage at the same moment.

A stage enters the agent server's module graph in two places: the worker thread imports the contract models
(`previous_results`, `_output_model`) and the bridge's loop thread imports the MCP SDK and the bundled server
(`call_tool`). When two threads make their first import through different entries at once, Python's import locks
deadlock (`_DeadlockError`) or hand out a partially initialised module. So one worker thread starts its stage by
building the arguments (contract models first) while the other is where a stage is once its arguments are built,
or where a chat reply starts: calling the agent (bridge first). Prints one line per thread; exits 1 if any failed.
With `--imports-only` it stops before the first task is sent (the embedded worker has not started).
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nellia.settings")

import django

django.setup()

from leads.models import Lead  # noqa: E402
from mcp_bridge import client as bridge  # noqa: E402
from nellia.celery import app  # noqa: E402

THREADS = 2  # the embedded worker's pool
at_once = threading.Barrier(THREADS, timeout=60)
outcomes: list[str] = []


@app.task(name="probe.first_stage")
def first_stage(n: int) -> None:
    lead = Lead(company_name=f"Probe {n}", website=f"https://probe{n}.com.br", processing_stage="intake")
    from pipeline import runner, stages  # what the worker's stage task imports (the contract models with it)

    spec = stages.SPECS["intake"]
    arguments = {"lead": stages.lead_data(lead), "business_context": None,
                 "previous": {"intake": None, "analysis": None, "persona": None, "strategy": None}}
    at_once.wait()
    try:
        if n % 2 == 0:
            arguments["previous"] = runner.previous_results(lead)
        spec.output.model_validate(bridge.call_tool(spec.tool, arguments, timeout=60))
        outcomes.append("ok")
    except BaseException as exc:  # _DeadlockError is not an ImportError: report whatever it is
        outcomes.append(f"{type(exc).__name__}: {exc}")


if "--imports-only" in sys.argv:  # a warm-up run: the bytecode of what the process imports before its worker
    sys.exit(0)
for n in range(THREADS):
    first_stage.delay(n)
# Generous: three trials start at once, each compiling what its worker imports, on a loaded 2-core CI machine (a
# deadlock shows as `_DeadlockError` at once, not as slowness).
WAIT_SECONDS = 300
started = time.monotonic()
while len(outcomes) < THREADS and time.monotonic() < started + WAIT_SECONDS:
    time.sleep(0.1)
print("\n".join(outcomes) or f"no stage finished in {time.monotonic() - started:.0f} s")
sys.exit(0 if outcomes == ["ok"] * THREADS else 1)
