"""Celery tasks of the pipeline: thin adapters over `pipeline.runner` and `pipeline.sweeper`.

Their names predate the `pipeline` app and stay, so messages already queued survive an upgrade."""

from celery import shared_task

from pipeline import runner, sweeper


@shared_task(name="leads.run_stage", bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_stage(self, lead_id: str, stage: str, run_token: str = "") -> str:
    """Run one pipeline stage of one lead; the runner queues the next stage after its commit."""
    return runner.run_stage(lead_id=lead_id, stage=stage, run_token=run_token, task_id=self.request.id or "")


@shared_task(name="leads.sweep_stale_stages", ignore_result=True)
def sweep_stale_stages() -> dict:
    """Beat task (every minute): requeue or fail leads whose stage stopped making progress."""
    return sweeper.sweep_stale_stages()
