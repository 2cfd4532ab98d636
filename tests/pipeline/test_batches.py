"""A stage task carries a batch of leads (`leads.run_stages`, PIPELINE_BATCH_SIZE at most): their stages run side
by side, the tool calls in one MCP call and each step's writes shared; one lead's failure is its own."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from leads.models import Lead
from mcp_bridge import client
from mcp_bridge.client import AgentBridge
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from pipeline import runner
from pipeline import services as pipeline_services
from pipeline import tasks as pipeline_tasks
from pipeline.stages import PIPELINE, SPECS
from tests.agent_calls import route_stage_calls
from tests.broker import on_send
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches(monkeypatch):
    """The `run_stages` messages sent: each a list of [lead_id, stage, run_token]."""
    sent: list[list] = []
    on_send(monkeypatch, pipeline_tasks.run_stages, sent.append)
    return sent


def _leads(user, count):
    return [LeadFactory(owner=user, company_name=f"Empresa {n} Ltda", website="", contact_email="",
                        description="Distribuidora de alimentos em Campinas - SP.") for n in range(count)]


def _enqueue(leads, batches, capture):
    with capture(execute=True):
        pipeline_services.enqueue_many([lead.pk for lead in leads])
    return batches.pop(0)


def _run(items, capture):
    with capture(execute=True):
        return runner.run_stages(items, task_id="t")


def _tool_hook(monkeypatch, handle):
    """Call `handle(tool, arguments)` before each real tool call."""
    real = client.call_tool

    def call_tool(tool, arguments, **kwargs):
        handle(tool, arguments)
        return real(tool, arguments, **kwargs)

    route_stage_calls(monkeypatch, call_tool)


def test_enqueueing_sends_a_task_per_batch(user, context, batches, settings, django_capture_on_commit_callbacks):
    settings.PIPELINE_BATCH_SIZE = 3
    leads = _leads(user, 7)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline_services.enqueue_many([lead.pk for lead in leads])
    assert [len(items) for items in batches] == [3, 3, 1]
    assert [item[0] for items in batches for item in items] == [str(lead.pk) for lead in leads]
    assert {item[1] for items in batches for item in items} == {PIPELINE[0]}


def test_a_batch_runs_its_leads_through_the_five_stages_sharing_its_statements(
        user, context, batches, coalesced, django_capture_on_commit_callbacks):
    _run(_enqueue(_leads(user, 1), batches, django_capture_on_commit_callbacks),
         django_capture_on_commit_callbacks)  # warm up: the agents' first writes, the context read once
    counts = {}
    for size in (2, 6):
        leads = _leads(user, size)
        items = _enqueue(leads, batches, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as queries:
            outcomes = _run(items, django_capture_on_commit_callbacks)
        counts[size] = len(queries)
        assert outcomes == {str(lead.pk): "done" for lead in leads}
        for lead in leads:
            lead.refresh_from_db()
            assert lead.status == Lead.Status.COMPLETED and lead.progress == 100 and lead.message
            progress = [(e.data["stage"], e.data["stage_status"]) for e in
                        Event.objects.filter(type="lead.progress", data__lead_id=str(lead.pk)).order_by("id")]
            assert progress == [(stage, status) for stage in PIPELINE for status in ("running", "done")]
    # A lead's stage adds its UPDATE; the rest are the batch's.
    assert counts[6] - counts[2] <= (6 - 2) * len(PIPELINE), counts


def test_each_step_of_a_batch_is_one_mcp_call(user, context, batches, monkeypatch,
                                              django_capture_on_commit_callbacks):
    leads = _leads(user, 3)
    sent = []
    real = AgentBridge.call_tool

    def call_tool(bridge, tool, arguments, **kwargs):
        sent.append((tool, [call["tool"] for call in arguments["calls"]]))
        return real(bridge, tool, arguments, **kwargs)

    monkeypatch.setattr(AgentBridge, "call_tool", call_tool)
    outcomes = _run(_enqueue(leads, batches, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    assert outcomes == {str(lead.pk): "done" for lead in leads}
    assert sent == [("run_stage_batch", [SPECS[stage].tool] * 3) for stage in PIPELINE]


def test_one_leads_failed_call_is_its_own(user, context, batches, monkeypatch, django_capture_on_commit_callbacks):
    done, failed, waiting = _leads(user, 3)

    def fail_some(tool, arguments):
        if tool == "analyze_lead" and arguments["lead"]["id"] == str(failed.pk):
            raise AgentToolError("analysis exploded", tool=tool)
        if tool == "create_persona" and arguments["lead"]["id"] == str(waiting.pk):
            raise AgentServerUnavailable("connection refused", attempts=4)

    _tool_hook(monkeypatch, fail_some)
    outcomes = _run(_enqueue([done, failed, waiting], batches, django_capture_on_commit_callbacks),
                    django_capture_on_commit_callbacks)
    assert outcomes == {str(done.pk): "done", str(failed.pk): "failed", str(waiting.pk): "waiting"}
    for lead in (done, failed, waiting):
        lead.refresh_from_db()
    assert done.status == Lead.Status.COMPLETED
    assert (failed.status, failed.processing_stage) == (Lead.Status.FAILED, "analysis")
    assert "analysis exploded" in failed.last_error
    assert (waiting.status, waiting.processing_stage) == (Lead.Status.WAITING, "persona")


def test_leads_the_batch_no_longer_applies_to_are_skipped(user, context, batches, django_capture_on_commit_callbacks):
    kept, gone, restarted = _leads(user, 3)
    items = _enqueue([kept, gone, restarted], batches, django_capture_on_commit_callbacks)
    gone_id = str(gone.pk)
    gone.delete()
    with django_capture_on_commit_callbacks(execute=True):
        pipeline_services.enqueue_many([restarted.pk], restart=True)  # a new run: this batch's token is stale
    outcomes = _run(items, django_capture_on_commit_callbacks)
    assert outcomes == {str(kept.pk): "done", gone_id: "skipped", str(restarted.pk): "skipped"}
    restarted.refresh_from_db()
    assert restarted.status == Lead.Status.QUEUED
