import shlex
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from business_context.models import BusinessContext
from leads.models import Lead
from pipeline import runner
from tests.broker import on_stage_send


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_idempotent_users_context_and_leads(db):
    output = seed("--process", "0")
    users = get_user_model().objects
    admin = users.get(email="admin@nellia.local")
    demo = users.get(email="demo@nellia.local")
    assert admin.is_superuser and admin.is_admin and admin.check_password("nellia-admin")
    assert not demo.is_admin and demo.check_password("nellia-demo")
    assert BusinessContext.objects.get(owner=demo).version == 1
    assert Lead.objects.filter(owner=demo, source="demo").count() == 12
    assert "admin@nellia.local / nellia-admin" in output
    assert "demo@nellia.local / nellia-demo" in output
    assert "/admin/" in output

    output = seed("--process", "0")
    assert users.filter(email__endswith="@nellia.local").count() == 2
    assert Lead.objects.filter(owner=demo).count() == 12
    assert BusinessContext.objects.get(owner=demo).version == 1
    assert "12 already there" in output


def test_processes_some_leads_end_to_end(db, monkeypatch, django_capture_on_commit_callbacks):
    # The worker: each stage message runs the real pipeline stage (in-process agent server) right away.
    on_stage_send(monkeypatch, lambda lead_id, stage, token: runner.run_stage(lead_id=lead_id, stage=stage, run_token=token),
    )
    with django_capture_on_commit_callbacks(execute=True):
        seed("--process", "2", "--no-wait")
    demo = get_user_model().objects.get(email="demo@nellia.local")
    done = Lead.objects.filter(owner=demo, status="completed")
    assert done.count() == 2
    assert all(lead.message and lead.qualification_tier for lead in done)
    assert Lead.objects.filter(owner=demo, status="new").count() == 10


def test_negative_process_is_an_error(db):
    with pytest.raises(CommandError, match="--process"):
        seed("--process", "-1")


def test_make_run_prints_the_urls_the_server_listens_on(db):
    """`make run PORT=9202` printed http://127.0.0.1:8000 URLs (issue 10): make passes its address to seed_demo."""
    root = Path(__file__).resolve().parents[2]
    commands = subprocess.run(["make", "-n", "run", "PORT=9202", "HOST=127.0.0.2"], cwd=root, capture_output=True,
                              text=True, check=True).stdout
    seed_line = next(line for line in commands.splitlines() if "seed_demo" in line)
    serve_line = next(line for line in commands.splitlines() if "runserver" in line)
    base_url = shlex.split(seed_line)[shlex.split(seed_line).index("--base-url") + 1]
    assert base_url == "http://127.0.0.2:9202" and serve_line.endswith(" 127.0.0.2:9202")
    output = seed("--process", "0", "--base-url", base_url)
    assert "http://127.0.0.2:9202/admin/" in output and "http://127.0.0.2:9202/api/docs/" in output
    assert ":8000" not in output


def test_loads_a_generated_registry_once(db):
    from registry.demo import DEMO_ESTABLISHMENTS
    from registry.models import Company, Establishment

    output = seed("--process", "0")
    assert Establishment.objects.count() == DEMO_ESTABLISHMENTS and Company.objects.exists()
    assert f"{DEMO_ESTABLISHMENTS} generated establishments loaded" in output
    assert "already holds data" in seed("--process", "0")
    assert Establishment.objects.count() == DEMO_ESTABLISHMENTS
