"""Celery tasks of the pipeline: thin adapters over `pipeline.runner` and `pipeline.sweeper`.

Their names predate the `pipeline` app and stay, so messages already queued survive an upgrade."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from pipeline import runner, sweeper

# Transient: the database or the broker went away mid-task. Retried with backoff; if even the retry cannot be
# sent, the lead's lease runs out and the sweeper sends the stage again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


STAGE_TASK_OPTIONS = {"bind": True, "ignore_result": True, "acks_late": True, "reject_on_worker_lost": True,
                      "autoretry_for": TRANSIENT_ERRORS, "retry_backoff": 1, "retry_backoff_max": 20, "max_retries": 8}


@shared_task(name="leads.run_stage", **STAGE_TASK_OPTIONS)
def run_stage(self, lead_id: str, stage: str, run_token: str = "") -> str:
    """Run one lead's pipeline stage (and its next ones, see `pipeline.runner`)."""
    return runner.run_stage(lead_id=lead_id, stage=stage, run_token=run_token, task_id=self.request.id or "")


@shared_task(name="leads.run_stages", **STAGE_TASK_OPTIONS)
def run_stages(self, items: list[list[str]]) -> dict[str, str]:
    """Run the stages of a batch of leads, `[lead_id, stage, run_token]` each, side by side."""
    return runner.run_stages([(lead_id, stage, token) for lead_id, stage, token in items],
                             task_id=self.request.id or "")


@shared_task(name="leads.sweep_stale_stages", ignore_result=True)
def sweep_stale_stages() -> dict:
    """Beat task (every 15 s): send again the leads whose lease ran out (their task was lost)."""
    return sweeper.sweep_stale_stages()
