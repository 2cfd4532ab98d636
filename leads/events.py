"""The leads' domain events, one typed payload and one builder each (published inside the transaction of the
change they describe; transports render them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypedDict

from events.publisher import PendingEvent, publish, publish_many
from leads.models import Lead, ProspectJob


class LeadCreated(TypedDict):
    lead_id: str
    company_name: str
    status: str
    processing_stage: str
    source: str
    job_id: str | None


class LeadUpdated(TypedDict):
    lead_id: str
    changed: list[str]
    status: str
    processing_stage: str
    board_stage: str | None
    progress: int


class LeadDeleted(TypedDict):
    lead_id: str


def job_id_for_events(lead: Lead, running: set[uuid.UUID] | None = None) -> str | None:
    """The `job_id` of lead events: the prospect job's id while that job is running, else None. `running`: the
    running jobs among many leads' jobs, looked up once (`running_job_ids`)."""
    if not lead.prospect_job_id:
        return None
    if running is None:
        running = running_job_ids([lead.prospect_job_id])
    return str(lead.prospect_job_id) if lead.prospect_job_id in running else None


def running_job_ids(job_ids: Iterable[uuid.UUID | None]) -> set[uuid.UUID]:
    """Which of `job_ids` are prospect jobs still running (one query; none without a job)."""
    wanted = {job_id for job_id in job_ids if job_id}
    if not wanted:
        return set()
    return set(ProspectJob.objects.filter(pk__in=wanted, status__in=ProspectJob.RUNNING).values_list("pk", flat=True))


def publish_lead_created(*, owner_id: uuid.UUID, lead_id: uuid.UUID, company_name: str, status: str,
                         processing_stage: str, source: str, job_id: str | None) -> None:
    """`lead.created`; from fields, so a bulk import can publish it from its rows without building leads."""
    payload: LeadCreated = {
        "lead_id": str(lead_id), "company_name": company_name, "status": status,
        "processing_stage": processing_stage, "source": source, "job_id": job_id,
    }
    publish("lead.created", dict(payload), user_id=owner_id)


def lead_updated(lead: Lead, changed: list[str]) -> PendingEvent:
    """The `lead.updated` event of `lead` as it is now (for `events.publisher.publish_many`)."""
    payload: LeadUpdated = {
        "lead_id": str(lead.pk), "changed": changed, "status": lead.status,
        "processing_stage": lead.processing_stage, "board_stage": lead.board_stage, "progress": lead.progress,
    }
    return "lead.updated", dict(payload), lead.owner_id


def publish_lead_updated(lead: Lead, changed: list[str]) -> None:
    """`lead.updated` (call inside the transaction that saved `changed`)."""
    publish_many([lead_updated(lead, changed)])


def publish_lead_deleted(*, owner_id: uuid.UUID, lead_id: uuid.UUID) -> None:
    payload: LeadDeleted = {"lead_id": str(lead_id)}
    publish("lead.deleted", dict(payload), user_id=owner_id)
