"""What one stage task costs inside the worker (issue 14): a bounded number of statements, no agent-row lock in
the stage's transactions, one event INSERT per transaction, the agent status written coalesced, the business
context read again only when it changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agents.models import Agent
from business_context import selectors
from business_context.services import save_context
from events.models import Event
from leads.models import Lead
from mcp_bridge import client
from pipeline import services as pipeline_services
from pipeline.stages import PIPELINE
from tests.agent_calls import route_stage_calls
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

MAX_STATEMENTS_PER_STAGE = 15  # start: 8 (BEGIN … COMMIT), finish: 7; was 33 (agent status twice, an INSERT per event)
# One task for the five stages: start 8, then per stage one transaction (8) that finishes it and begins the next.
MAX_STATEMENTS_PER_LEAD = 8 + 8 * len(PIPELINE)


def _run_counted(stage_queue) -> list[list[str]]:
    """Run the queued stage tasks; the statements of each."""
    statements = []
    while stage_queue.sent:
        with CaptureQueriesContext(connection) as queries:
            assert stage_queue.run_next() == "done"
        statements.append([query["sql"] for query in queries.captured_queries])
    return statements


@pytest.mark.parametrize(("stages_per_task", "tasks", "bound"), [
    (1, len(PIPELINE), MAX_STATEMENTS_PER_STAGE), (len(PIPELINE), 1, MAX_STATEMENTS_PER_LEAD)])
def test_a_stage_task_costs_a_bounded_number_of_statements(stage_queue, lead, user, coalesced, settings,
                                                           stages_per_task, tasks, bound):
    settings.PIPELINE_STAGES_PER_TASK = stages_per_task
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()  # the agents' first writes, the context read once
    second = LeadFactory(owner=user, company_name="Segunda Ltda")
    stage_queue.call(pipeline_services.enqueue_processing, lead=second)
    per_task = _run_counted(stage_queue)
    assert len(per_task) == tasks
    for statements in per_task:
        assert len(statements) <= bound, "\n".join(statements)
        assert not [sql for sql in statements if '"agents_agent"' in sql and ("UPDATE" in sql or "FOR UPDATE" in sql)]
        transactions = len([sql for sql in statements if sql.startswith("SAVEPOINT")])  # the test's transaction
        assert len([sql for sql in statements if sql.startswith('INSERT INTO "events_event"')]) <= transactions
        assert not [sql for sql in statements if sql.startswith('SELECT') and 'FROM "accounts_user"' in sql]
    second.refresh_from_db()
    assert second.status == Lead.Status.COMPLETED and second.lease_expires_at is not None


def test_a_stages_events_keep_their_order_in_one_insert(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    types = list(Event.objects.filter(user=lead.owner).exclude(type="lead.created").order_by("id")
                 .values_list("type", "data__stage_status"))
    assert types[-4:] == [("lead.updated", None), ("lead.progress", "done"), ("lead.completed", None),
                          ("metrics.updated", None)]


def test_agent_status_is_written_once_per_burst_and_ends_active(stage_queue, lead, user, coalesced):
    leads = [lead, LeadFactory(owner=user), LeadFactory(owner=user)]
    for each in leads:
        stage_queue.call(pipeline_services.enqueue_processing, lead=each)
    stage_queue.run_all()
    intake = Agent.objects.get(stage="intake")
    assert intake.status == "processing"  # the burst's last change is pending
    assert [e.data["status"] for e in Event.objects.filter(type="agent.status", data__agent_id=str(intake.pk))] == [
        "processing"]
    assert len(coalesced) == len(PIPELINE)  # one pending write per agent, whatever the number of stages
    for flush in coalesced:
        flush()
    for agent in Agent.objects.filter(stage__in=PIPELINE):
        assert (agent.status, agent.current_task) == ("active", "")
        assert [e.data["status"] for e in Event.objects.filter(type="agent.status", data__agent_id=str(agent.pk))
                .order_by("id")] == ["processing", "active"]


def test_failures_are_written_at_once_and_the_next_success_clears_them(stage_queue, user, context, coalesced,
                                                                       monkeypatch, settings):
    from mcp_bridge.errors import AgentToolError

    settings.AGENT_ERROR_AFTER_FAILURES = 1
    real = client.call_tool

    def broken(tool, arguments, **kwargs):
        raise AgentToolError("bad output", tool=tool)

    route_stage_calls(monkeypatch, broken)
    stage_queue.call(pipeline_services.enqueue_processing, lead=LeadFactory(owner=user))
    assert stage_queue.run_all() == ["failed"]
    intake = Agent.objects.get(stage="intake")
    assert intake.status == "error" and intake.consecutive_failures == 1  # not coalesced
    route_stage_calls(monkeypatch, real)
    stage_queue.call(pipeline_services.enqueue_processing, lead=LeadFactory(owner=user))
    stage_queue.run_next()
    intake.refresh_from_db()
    assert (intake.status, intake.consecutive_failures, intake.last_error) == ("active", 0, "")


def test_the_sweeper_ends_a_status_left_by_a_lost_write(stage_queue, lead):
    from pipeline import sweeper

    Agent.objects.filter(stage="persona").update(status="processing", current_task="Criando persona para X")
    Agent.objects.filter(stage="message").update(status="inactive")
    sweeper.sweep_stale_stages()
    assert Agent.objects.get(stage="persona").current_task == "" and Agent.objects.get(stage="persona").status == "active"
    assert Agent.objects.get(stage="message").status == "inactive"  # an operator's stop stands


def test_the_context_is_read_again_only_when_it_changed(stage_queue, lead, user, context, monkeypatch):
    """Between two stages of one task too: each stage's lock reads the context's stamp with the lead."""
    sent, reads = [], []
    real = client.call_tool
    read = selectors.context_as_agent_data
    monkeypatch.setattr(selectors, "context_as_agent_data", lambda ctx: reads.append(ctx) or read(ctx))

    def call_tool(tool, args, **kwargs):
        sent.append(args)
        if tool == "analyze_lead":  # an operator saves the context while the analysis runs
            save_context(owner=user, data={"target_market": "Transportadoras do Sul"}, partial=True)
        return real(tool, args, **kwargs)

    route_stage_calls(monkeypatch, call_tool)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["done"]
    assert len(reads) == 2  # for intake (first read in this process), then once after the change
    changed = context.__class__.objects.get(pk=context.pk)
    assert [args["business_context"]["target_market"] == "Transportadoras do Sul" for args in sent] == [
        False, False, True, True, True]
    assert sent[-1]["business_context"]["version"] == changed.version
    lead.refresh_from_db()
    assert lead.context_version == changed.version
