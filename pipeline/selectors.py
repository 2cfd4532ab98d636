"""Reads of the pipeline: a lead's progress stage by stage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from agents.models import Agent, StageRun
from leads.models import Lead
from pipeline.stages import AGENT_FOR_STAGE, PIPELINE


class StageProgress(TypedDict):
    stage: str
    agent: str
    status: str  # pending, running, done, failed, skipped (a waiting lead's stage is pending, with the reason)
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    error: str | None


def _stage_state(index: int, current: int, lead: Lead, latest: StageRun | None,
                 succeeded: StageRun | None) -> tuple[str, StageRun | None]:
    if index < current:
        return ("done" if succeeded is not None else "skipped"), succeeded
    if index == current and latest is not None:
        if lead.status == Lead.Status.PROCESSING and latest.status == StageRun.Status.RUNNING:
            return "running", latest
        if lead.status == Lead.Status.FAILED and latest.status == StageRun.Status.FAILED:
            return "failed", latest
    return "pending", None


def _stage_error(state: str, shown: StageRun | None, lead: Lead, is_current: bool) -> str | None:
    if state == "failed" and shown is not None:
        return shown.error or None
    if is_current and lead.status == Lead.Status.WAITING:
        return lead.last_error or None  # why it waits: the agent server is unreachable (retry time in the text)
    return None


def lead_progress(lead: Lead) -> dict[str, Any]:
    """The `/progress` body: each stage's state from the lead and its latest StageRun per stage."""
    latest: dict[str, StageRun] = {}
    succeeded: dict[str, StageRun] = {}
    for run in StageRun.objects.filter(lead=lead).order_by("-started_at")[:200]:
        latest.setdefault(run.stage, run)
        if run.status == StageRun.Status.SUCCEEDED:
            succeeded.setdefault(run.stage, run)
    agents = dict(Agent.objects.filter(stage__in=PIPELINE).values_list("stage", "name"))
    current = PIPELINE.index(lead.processing_stage) if lead.processing_stage in PIPELINE else len(PIPELINE)
    stages: list[StageProgress] = []
    for index, stage in enumerate(PIPELINE):
        state, shown = _stage_state(index, current, lead, latest.get(stage), succeeded.get(stage))
        stages.append({
            "stage": stage,
            "agent": agents.get(stage, AGENT_FOR_STAGE[stage]),
            "status": state,
            "started_at": shown.started_at if shown else None,
            "finished_at": shown.finished_at if shown else None,
            "duration_ms": shown.duration_ms if shown else None,
            "error": _stage_error(state, shown, lead, index == current),
        })
    return {
        "lead_id": lead.pk,
        "status": lead.status,
        "processing_stage": lead.processing_stage,
        "progress": lead.progress,
        "stages": stages,
        "updated_at": lead.updated_at,
    }
