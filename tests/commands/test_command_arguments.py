"""Commands reject bad arguments with a clear message and a failing exit code, before doing anything (issue 10:
`prune_events --hours -5` deleted every event and exited 0)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event
from events.publisher import publish
from tests.factories import LeadFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("prune_events", ["--hours", "-5"], "greater than 0"),
        ("prune_events", ["--hours", "0"], "greater than 0"),
        ("prune_events", ["--hours", "many"], "greater than 0"),
        ("process_leads", ["--ids", "not-a-uuid"], "is not a lead id"),
        ("process_leads", ["--all-new", "--timeout", "-1"], "0 or more"),
        ("process_leads", ["--all-new", "--timeout", "nan"], "0 or more"),
        ("seed_demo", ["--process", "-1"], "0 or more"),
        ("seed_demo", ["--timeout", "-3"], "0 or more"),
        ("import_leads", ["x.csv", "--timeout", "-1"], "0 or more"),
        ("prospect", ["--user", "a@b.c", "--timeout", "-1"], "0 or more"),
        ("run_agent_server", ["--port", "70000"], "port number"),
        ("run_agent_server", ["--port", "0"], "port number"),
    ],
)
def test_bad_argument_is_a_usage_error(db, command, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, *args)


def test_process_leads_names_unknown_ids(db):
    known, unknown = LeadFactory(), uuid.uuid4()
    with pytest.raises(CommandError, match=f"Unknown lead id\\(s\\): {unknown}"):
        call_command("process_leads", "--ids", str(known.pk), str(unknown))
    known.refresh_from_db()
    assert known.status == "new"  # nothing queued when one id is wrong


@pytest.mark.django_db(transaction=True)
def test_prune_events_negative_hours_exits_non_zero_and_deletes_nothing():
    publish("agent.status", {"n": 1})
    before = Event.objects.count()
    done = subprocess.run([sys.executable, "manage.py", "prune_events", "--hours", "-5"], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": _database_url()}, capture_output=True, text=True)
    assert done.returncode != 0 and "--hours" in done.stderr and "greater than 0" in done.stderr
    assert Event.objects.count() == before > 0


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
