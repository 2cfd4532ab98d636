"""Prospecting's domain events, one typed payload and one builder each (published inside the transaction of the
change they describe; transports render them)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from accounts.models import User
from events.publisher import publish
from leads.models import ProspectJob
from prospecting.selectors import plan_status


class JobProgress(TypedDict):
    job_id: str
    status: str
    progress: int
    current_step: str
    search_query: str
    max_leads: int


class JobCompleted(TypedDict):
    job_id: str
    leads_generated: int
    search_query: str
    started_at: str | None
    finished_at: str | None


class JobFailed(TypedDict):
    job_id: str
    error: str
    search_query: str
    started_at: str | None
    finished_at: str | None


class QuotaUpdated(TypedDict):
    plan_id: str
    used: int
    total: int | None
    remaining: int | None
    next_reset_at: str
    leads_generated: int


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def publish_job_progress(job: ProspectJob) -> None:
    payload: JobProgress = {
        "job_id": str(job.pk), "status": job.status, "progress": job.progress, "current_step": job.current_step,
        "search_query": job.search_query, "max_leads": job.max_leads,
    }
    publish("job.progress", dict(payload), user_id=job.owner_id)


def publish_job_completed(job: ProspectJob) -> None:
    payload: JobCompleted = {
        "job_id": str(job.pk), "leads_generated": job.leads_created, "search_query": job.search_query,
        "started_at": _iso(job.started_at), "finished_at": _iso(job.finished_at),
    }
    publish("job.completed", dict(payload), user_id=job.owner_id)


def publish_job_failed(job: ProspectJob) -> None:
    payload: JobFailed = {
        "job_id": str(job.pk), "error": job.error, "search_query": job.search_query,
        "started_at": _iso(job.started_at), "finished_at": _iso(job.finished_at),
    }
    publish("job.failed", dict(payload), user_id=job.owner_id)


def publish_quota_updated(user: User, *, leads_generated: int = 0) -> None:
    status = plan_status(user)
    payload: QuotaUpdated = {
        "plan_id": status.plan.id, "used": status.used, "total": status.total, "remaining": status.remaining,
        "next_reset_at": status.next_reset_at.isoformat(), "leads_generated": leads_generated,
    }
    publish("quota.updated", dict(payload), user_id=user.pk)
