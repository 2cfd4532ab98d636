"""The pipeline's domain events, one typed payload and one builder each (published inside the transaction of the
change they describe; transports render them)."""

from __future__ import annotations

from typing import TypedDict

from agents.models import Agent
from events.publisher import PendingEvent, publish, publish_many
from leads.events import job_id_for_events
from leads.models import Lead
from pipeline.stages import AGENT_FOR_STAGE


class LeadProgress(TypedDict):
    lead_id: str
    company_name: str
    stage: str
    stage_status: str  # running, done, failed, waiting
    agent_name: str
    progress: int
    status: str
    duration_ms: int | None
    job_id: str | None


class LeadCompleted(TypedDict):
    lead_id: str
    qualification_tier: str | None
    overall_score: float | None
    duration_ms: int | None
    job_id: str | None


class LeadFailed(TypedDict):
    lead_id: str
    stage: str
    error: str
    job_id: str | None


def publish_progress(lead: Lead, stage: str, stage_status: str, agent: Agent | None,
                     duration_ms: int | None = None) -> None:
    publish_many([lead_progress(lead, stage, stage_status, agent, duration_ms, job_id=job_id_for_events(lead))])


def lead_progress(lead: Lead, stage: str, stage_status: str, agent: Agent | None, duration_ms: int | None = None,
                  *, job_id: str | None) -> PendingEvent:
    """The `lead.progress` event (for `events.publisher.publish_many`; `job_id`: `leads.events.job_id_for_events`)."""
    payload: LeadProgress = {
        "lead_id": str(lead.pk),
        "company_name": lead.company_name,
        "stage": stage,
        "stage_status": stage_status,
        "agent_name": agent.name if agent else AGENT_FOR_STAGE.get(stage, ""),
        "progress": lead.progress,
        "status": lead.status,
        "duration_ms": duration_ms,
        "job_id": job_id,
    }
    return "lead.progress", dict(payload), lead.owner_id


def publish_completed(lead: Lead, duration_ms: int | None) -> None:
    payload: LeadCompleted = {
        "lead_id": str(lead.pk),
        "qualification_tier": lead.qualification_tier,
        "overall_score": lead.overall_score,
        "duration_ms": duration_ms,
        "job_id": job_id_for_events(lead),
    }
    publish("lead.completed", dict(payload), user_id=lead.owner_id)


def publish_failed(lead: Lead, stage: str, error: str) -> None:
    payload: LeadFailed = {"lead_id": str(lead.pk), "stage": stage, "error": error, "job_id": job_id_for_events(lead)}
    publish("lead.failed", dict(payload), user_id=lead.owner_id)
