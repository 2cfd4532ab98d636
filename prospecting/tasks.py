"""Celery tasks of prospecting jobs: thin adapters over `prospecting.services` (names kept from the `leads` app,
so queued messages survive)."""

from celery import shared_task
from django.conf import settings

from prospecting import services as prospecting


@shared_task(name="leads.run_prospect_job", ignore_result=True)
def run_prospect_job(job_id: str) -> None:
    job = prospecting.run_job(job_id)
    if job is not None and job.status == job.Status.ACTIVE:
        expire_prospect_job.apply_async((job_id,), countdown=settings.PROSPECT_JOB_TIMEOUT_SECONDS + 1)


@shared_task(name="leads.expire_prospect_job", ignore_result=True)
def expire_prospect_job(job_id: str) -> None:
    prospecting.expire_job(job_id)


@shared_task(name="leads.expire_stale_prospect_jobs", ignore_result=True)
def expire_stale_prospect_jobs() -> None:
    prospecting.expire_stale_jobs()
