"""Drive the pipeline in unit tests: stage tasks sent after commit are recorded, then run on demand."""

import pytest

from agents import services as agent_services
from agents.status_writer import StatusWriter
from pipeline import runner
from tests.broker import on_stage_send
from tests.factories import LeadFactory


class StageQueue:
    """Stands in for the broker: records `run_stage` messages; `run_all()` is a worker consuming them in order."""

    def __init__(self, capture):
        self.sent: list[tuple] = []
        self._capture = capture

    def call(self, fn, *args, **kwargs):
        """Run a service as a request would: its on_commit callbacks (the enqueues) fire afterwards."""
        with self._capture(execute=True):
            return fn(*args, **kwargs)

    def run_next(self) -> str:
        lead_id, stage, token = self.sent.pop(0)
        return self.call(runner.run_stage, lead_id=lead_id, stage=stage, run_token=token, task_id="t")

    def run_all(self, limit: int = 50) -> list[str]:
        outcomes = []
        while self.sent and len(outcomes) < limit:
            outcomes.append(self.run_next())
        return outcomes


@pytest.fixture
def stage_queue(monkeypatch, django_capture_on_commit_callbacks):
    queue = StageQueue(django_capture_on_commit_callbacks)
    on_stage_send(monkeypatch, lambda *args: queue.sent.append(args))
    return queue


@pytest.fixture
def one_stage_per_task(settings):
    """Each stage a task of its own (PIPELINE_STAGES_PER_TASK = 1), for tests of what happens between stages."""
    settings.PIPELINE_STAGES_PER_TASK = 1


@pytest.fixture
def lead(user, context):
    return LeadFactory(
        owner=user,
        company_name="TransLog Cargas",
        website="https://translog.com.br",
        description="Transportadora rodoviária de cargas com frota própria, 250 funcionários, São Paulo - SP.",
        source_text="Estamos contratando executivos de vendas para a nova filial. comercial@translog.com.br "
        "(11) 3456-7890. CNPJ 11.222.333/0001-81.",
        contact_email="",
        contact_phone="",
        market_region="",
    )


@pytest.fixture
def coalesced(settings, monkeypatch):
    """Agent-status writes coalesced as in a worker; the timers they set are run by the test (`timers`)."""
    settings.AGENT_STATUS_WRITE_SECONDS = 60
    timers: list = []
    writer = StatusWriter(agent_services._writer._write, schedule=lambda delay, flush: timers.append(flush))
    monkeypatch.setattr(agent_services, "_writer", writer)
    return timers
