"""Frontend prospecting bodies (FRONTEND.md §7.2, §7.3): jobs and plan status, camelCase."""

import math
from typing import Any

from rest_framework import serializers

from frontend.realtime import UNLIMITED_REMAINING
from leads.models import ProspectJob
from prospecting.selectors import PlanStatus, job_lead_ids
from prospecting.views import ProspectPlanSerializer


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def present_job(job: ProspectJob) -> dict[str, Any]:
    return {
        "jobId": str(job.pk),
        "status": job.status,
        "progress": job.progress,
        "currentStep": job.current_step or "",
        "searchQuery": job.search_query or "",
        "leadsCreated": job.leads_created,
        "error": job.error or None,
        "createdAt": _iso(job.created_at),
        "startedAt": _iso(job.started_at),
        "finishedAt": _iso(job.finished_at),
    }


def present_job_status(job: ProspectJob) -> dict[str, Any]:
    return {
        **present_job(job),
        "processedAt": _iso(job.finished_at),
        "data": {"searchQuery": job.search_query or "", "maxLeads": job.max_leads},
        "result": {
            "candidatesFound": job.candidates_found,
            "leadsCreated": job.leads_created,
            "duplicatesSkipped": job.duplicates_skipped,
            "leadIds": job_lead_ids(job),
        },
    }


def present_plan_status(status: PlanStatus) -> dict[str, Any]:
    body: dict[str, Any] = {
        "plan": {"id": status.plan.id, "name": status.plan.name, "quota": status.plan.quota, "period": status.plan.period},
        "quota": {
            "total": status.total,
            "used": status.used,
            "remaining": UNLIMITED_REMAINING if status.remaining is None else status.remaining,
            "nextResetAt": status.next_reset_at.isoformat(),
        },
        "canStartProspecting": status.can_start,
        "hasActiveJob": status.has_active_job,
    }
    if status.active_job_id is not None:
        body["activeJobId"] = str(status.active_job_id)
    if status.cooldown_until is not None:
        ms = int(status.cooldown_remaining_seconds * 1000)
        body["cooldown"] = {
            "isActive": True,
            "cooldownUntil": status.cooldown_until.isoformat(),
            "remainingMs": ms,
            "remainingHours": math.ceil(ms / 3_600_000),
        }
    else:
        body["cooldown"] = {"isActive": False}
    return body


class StartSerializer(serializers.Serializer):
    user_search_query = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)


class StartedSerializer(serializers.Serializer):
    jobId = serializers.CharField()  # noqa: N815
    status = serializers.CharField()


class JobSerializer(serializers.Serializer):
    jobId = serializers.CharField()  # noqa: N815
    status = serializers.CharField(help_text="waiting, active, completed or failed.")
    progress = serializers.IntegerField()
    currentStep = serializers.CharField()  # noqa: N815
    searchQuery = serializers.CharField()  # noqa: N815
    leadsCreated = serializers.IntegerField()  # noqa: N815
    error = serializers.CharField(allow_null=True)
    createdAt = serializers.DateTimeField()  # noqa: N815
    startedAt = serializers.DateTimeField(allow_null=True)  # noqa: N815
    finishedAt = serializers.DateTimeField(allow_null=True)  # noqa: N815


class JobDataSerializer(serializers.Serializer):
    searchQuery = serializers.CharField()  # noqa: N815
    maxLeads = serializers.IntegerField()  # noqa: N815


class JobResultSerializer(serializers.Serializer):
    candidatesFound = serializers.IntegerField()  # noqa: N815
    leadsCreated = serializers.IntegerField()  # noqa: N815
    duplicatesSkipped = serializers.IntegerField()  # noqa: N815
    leadIds = serializers.ListField(child=serializers.CharField())  # noqa: N815


class JobStatusSerializer(JobSerializer):
    processedAt = serializers.DateTimeField(allow_null=True)  # noqa: N815
    data = JobDataSerializer()  # type: ignore[assignment]  # a declared field, not Serializer.data
    result = JobResultSerializer()


class _QuotaSerializer(serializers.Serializer):
    total = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="9007199254740991 when unlimited.")
    nextResetAt = serializers.DateTimeField()  # noqa: N815


class _CooldownSerializer(serializers.Serializer):
    isActive = serializers.BooleanField()  # noqa: N815
    cooldownUntil = serializers.DateTimeField(required=False)  # noqa: N815
    remainingMs = serializers.IntegerField(required=False)  # noqa: N815
    remainingHours = serializers.IntegerField(required=False)  # noqa: N815


class PlanStatusSerializer(serializers.Serializer):
    plan = ProspectPlanSerializer()
    quota = _QuotaSerializer()
    canStartProspecting = serializers.BooleanField()  # noqa: N815
    hasActiveJob = serializers.BooleanField()  # noqa: N815
    activeJobId = serializers.CharField(required=False)  # noqa: N815
    cooldown = _CooldownSerializer()
