"""Services queue tasks by name (`nellia.tasks`): that must work in a web process, where Celery has not imported
the apps' task modules yet (a bug found by the e2e tests: `POST /process` answered 500 under Daphne)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django
django.setup()
from celery import current_app
assert "leads.run_stage" not in current_app.tasks  # a fresh process: nothing imported the task modules
from nellia.tasks import registered_task
for name in ("leads.run_stage", "leads.run_prospect_job", "chat.tasks.generate_chat_reply"):
    assert registered_task(name).name == name
"""


def test_tasks_are_found_by_name_in_a_fresh_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nellia.settings"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
