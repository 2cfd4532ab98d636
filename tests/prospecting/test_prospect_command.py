"""`manage.py prospect`: starts a job with the API's checks and follows it."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from leads.models import ProspectJob
from prospecting import services as prospecting
from prospecting.tasks import run_prospect_job
from tests.broker import on_send

pytestmark = pytest.mark.django_db


def test_prospect_command(user, context, monkeypatch):
    start = prospecting.start_job

    def start_and_run(**kwargs):  # the worker's part, at once (the test transaction never commits)
        job = start(**kwargs)
        prospecting.run_job(job.pk)
        return job

    on_send(monkeypatch, run_prospect_job, lambda job_id: None)
    monkeypatch.setattr(prospecting, "start_job", start_and_run)
    out = StringIO()
    with mock.patch("mcp_bridge.client.call_tool", return_value={"candidates": []}):
        call_command("prospect", "--user", user.email.upper(), "--query", "ERP", stdout=out)
    job = ProspectJob.objects.get()
    assert job.status == "completed" and job.search_query == "ERP"
    assert "Job completed" in out.getvalue()


def test_prospect_command_errors(user, context):
    with pytest.raises(CommandError, match="No user"):
        call_command("prospect", "--user", "nobody@example.com")
    context.delete()
    with pytest.raises(CommandError, match="business_context_missing"):
        call_command("prospect", "--user", user.email)
