"""`make run` failed on fresh checkouts: the in-process worker's threads made their first import of the agent
server's module graph at once and Python raised `_DeadlockError` (issue 10). The worker now imports that graph
once, before its threads start (`worker_init`). The race exists only on a process's first import, so each trial
is a fresh interpreter with an empty bytecode cache (`first_stage_probe.py`) on the embedded default.
"""

import os
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("first_stage_probe.py")
TRIALS = 3  # without the fix about 5 trials in 6 fail, so three in a row pass by chance about once in 200 runs


def _embedded_env(tmp: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in ("REDIS_URL", "CELERY_BROKER_URL", "MCP_SERVER_URL")}
    env.update(
        DEBUG="1", CELERY_EMBEDDED_WORKER="1",
        DATABASE_URL=f"sqlite:///{tmp / 'probe.sqlite3'}",  # the probe needs no table; beat's sweeps may log
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
    )
    return env


def test_worker_threads_starting_their_first_stage_at_once_all_succeed(tmp_path):
    for trial in range(TRIALS):
        done = subprocess.run(
            [sys.executable, str(PROBE)], env=_embedded_env(tmp_path / f"trial-{trial}"),
            capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, f"trial {trial}:\n{done.stdout}\n{done.stderr[-3000:]}"
