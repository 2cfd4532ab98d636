"""`make run` failed on fresh checkouts: the in-process worker's threads made their first import of the agent
server's module graph at once and Python raised `_DeadlockError` (issue 10). The worker now imports that graph
once, before its threads start (`worker_init`). The race exists only on a process's first import, so each trial
is a fresh interpreter (`first_stage_probe.py`) on the embedded default, whose bytecode cache holds only what the
probe imports before its worker starts: a warm-up run of the probe that stops there writes it once, and the trials
write nothing, so whatever the worker and its threads import is compiled from source in every trial. (Compiling
Django and the rest from source in each trial made it half a minute.)
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("first_stage_probe.py")
TRIALS = 3  # without the fix about 5 trials in 6 fail, so three in a row pass by chance about once in 200 runs


def _embedded_env(tmp: Path, pycache: Path, *, write_bytecode: bool) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in ("REDIS_URL", "CELERY_BROKER_URL", "MCP_SERVER_URL", "PYTHONDONTWRITEBYTECODE")}
    env.update(
        DEBUG="1", CELERY_EMBEDDED_WORKER="1",
        DATABASE_URL=f"sqlite:///{tmp / 'probe.sqlite3'}",  # the probe needs no table; beat's sweeps may log
        PYTHONPYCACHEPREFIX=str(pycache),
    )
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _probe(tmp: Path, pycache: Path, *args: str, write_bytecode: bool = False) -> subprocess.Popen:
    tmp.mkdir()
    return subprocess.Popen([sys.executable, str(PROBE), *args], env=_embedded_env(tmp, pycache, write_bytecode=write_bytecode),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.timeout(600)  # the probe's own wait (300 s) must end first: its output says what happened
def test_worker_threads_starting_their_first_stage_at_once_all_succeed(tmp_path):
    pycache = tmp_path / "pycache"
    warm = _probe(tmp_path / "warm-up", pycache, "--imports-only", write_bytecode=True)
    _, stderr = warm.communicate(timeout=180)
    assert warm.returncode == 0, stderr[-3000:]
    # The trials are independent processes: at once, as a race within each is all they look for.
    trials = [_probe(tmp_path / f"trial-{trial}", pycache) for trial in range(TRIALS)]
    for trial, probe in enumerate(trials):
        stdout, stderr = probe.communicate(timeout=400)
        assert probe.returncode == 0, f"trial {trial}:\n{stdout}\n{stderr[-3000:]}"
