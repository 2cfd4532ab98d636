"""Prospecting jobs (FRONTEND.md §7): plans, quota and cooldown; starting a job; running it; its progress.

A job harvests candidates through the agent server's `harvest_leads` tool, creates the new ones as leads
(`source="harvest"`, counted in the quota) and sends each through the normal pipeline; its progress follows its
leads (`on_lead_finished`, called by the pipeline when a lead completes or fails). Every state change publishes a
domain event (`job.progress`, `job.completed`, `job.failed`, `quota.updated`); transports render them.

Selectors (reads): `plan_status`, `jobs_for`, `get_job_for`, `quota_usage`. Services (writes): `start_job`,
`run_job`, `on_lead_finished`, `expire_job`, `expire_stale_jobs`.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from rest_framework import exceptions, status

from accounts.plans import PLANS, Plan
from events.publisher import publish
from leads.models import Lead, ProspectJob
from leads.websites import normalize_website
from nellia.api.exceptions import Conflict

logger = logging.getLogger(__name__)

UNLIMITED = None
HARVEST_PROGRESS = 20  # progress once the harvest is done; the enrichment fills the remaining 80
FINISHED_LEAD_STATUSES = (Lead.Status.COMPLETED, Lead.Status.FAILED)


# --- Refusals (§7.2, checked in this order) -----------------------------------------------------------------


class BusinessContextMissing(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Save your business context before prospecting."
    default_code = "business_context_missing"


class QuotaExhausted(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Your plan's lead quota for this period is used up."
    default_code = "quota_exhausted"


class ProspectCooldown(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Prospecting is cooling down after your last job."
    default_code = "prospect_cooldown"


def job_running(job_id: Any) -> Conflict:
    return Conflict("A prospecting job is already running.", code="prospect_job_running", job_id=str(job_id) if job_id else None)


# --- Plans, quota, cooldown (selectors) ---------------------------------------------------------------------


def plan_of(user: Any) -> Plan:
    return PLANS.get(getattr(user, "plan", None) or settings.DEFAULT_USER_PLAN, PLANS["free"])


def period_bounds(period: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The current calendar `period` (day, week from Monday, month) in TIME_ZONE, as aware datetimes."""
    local = timezone.localtime(now or timezone.now())
    day = local.date()
    if period == "day":
        start, end = day, day + timedelta(days=1)
    elif period == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
    else:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz), timezone.make_aware(datetime.combine(end, time.min), tz))


def quota_usage(user: Any, plan: Plan | None = None, now: datetime | None = None) -> int:
    """Leads harvested for `user` in the current period (deleted ones included: counted on the jobs), plus the
    leads they took from the registry outside a job."""
    plan = plan or plan_of(user)
    start, _end = period_bounds(plan.period, now)
    total = ProspectJob.objects.filter(owner=user, created_at__gte=start).aggregate(n=Sum("leads_created"))["n"]
    # Leads taken straight from the CNPJ registry (`/api/registry/companies/to-leads`) count too.
    from_registry = Lead.objects.filter(
        owner=user, source=Lead.Source.REGISTRY, prospect_job__isnull=True, created_at__gte=start
    ).count()
    return int(total or 0) + from_registry


def active_job(user: Any) -> ProspectJob | None:
    return ProspectJob.objects.filter(owner=user, status__in=ProspectJob.RUNNING).order_by("-created_at").first()


def cooldown_until(user: Any, plan: Plan | None = None, now: datetime | None = None) -> datetime | None:
    """When `user` may start again after their last completed job; None when no cooldown is active."""
    plan = plan or plan_of(user)
    seconds = settings.PROSPECT_COOLDOWN_SECONDS
    if not plan.cooldown or seconds <= 0:
        return None
    last = (
        ProspectJob.objects.filter(owner=user, status=ProspectJob.Status.COMPLETED, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return None
    until = last + timedelta(seconds=seconds)
    return until if until > (now or timezone.now()) else None


@dataclass(frozen=True)
class PlanStatus:
    """Everything both presentations show about a user's prospecting allowance."""

    plan: Plan
    used: int
    total: int | None  # None: unlimited
    remaining: int | None  # None: unlimited
    next_reset_at: datetime
    has_context: bool
    active_job_id: Any
    cooldown_until: datetime | None
    now: datetime

    @property
    def has_active_job(self) -> bool:
        return self.active_job_id is not None

    @property
    def quota_left(self) -> bool:
        return self.remaining is None or self.remaining > 0

    @property
    def cooldown_remaining_seconds(self) -> float:
        return max((self.cooldown_until - self.now).total_seconds(), 0.0) if self.cooldown_until else 0.0

    @property
    def can_start(self) -> bool:
        return self.has_context and not self.has_active_job and self.quota_left and self.cooldown_until is None


def plan_status(user: Any) -> PlanStatus:
    """The caller's plan, quota, active job and cooldown (stale jobs are timed out first)."""
    from business_context.selectors import context_for

    expire_stale_jobs(owner=user)
    now = timezone.now()
    plan = plan_of(user)
    used = quota_usage(user, plan, now)
    job = active_job(user)
    return PlanStatus(
        plan=plan,
        used=used,
        total=plan.quota,
        remaining=None if plan.quota is None else max(plan.quota - used, 0),
        next_reset_at=period_bounds(plan.period, now)[1],
        has_context=context_for(user) is not None,
        active_job_id=job.pk if job else None,
        cooldown_until=cooldown_until(user, plan, now),
        now=now,
    )


def quota_event_data(user: Any, *, leads_generated: int = 0) -> dict[str, Any]:
    """The `quota.updated` event data."""
    status_ = plan_status(user)
    return {
        "plan_id": status_.plan.id,
        "used": status_.used,
        "total": status_.total,
        "remaining": status_.remaining,
        "next_reset_at": status_.next_reset_at.isoformat(),
        "leads_generated": leads_generated,
    }


# --- Jobs (selectors) ---------------------------------------------------------------------------------------


def jobs_for(user: Any) -> QuerySet[ProspectJob]:
    """The caller's jobs, newest first."""
    return ProspectJob.objects.filter(owner=user).order_by("-created_at")


def get_job_for(user: Any, job_id: Any) -> ProspectJob:
    """One of the caller's jobs (admins: anyone's); Http404 otherwise, also for a malformed id."""
    queryset = ProspectJob.objects.all() if getattr(user, "is_admin", False) else ProspectJob.objects.filter(owner=user)
    try:
        return queryset.get(pk=job_id)
    except (ProspectJob.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No prospecting job matches the given id.") from None


def job_lead_ids(job: ProspectJob) -> list[str]:
    return [str(pk) for pk in job.leads.order_by("created_at").values_list("id", flat=True)]


# --- Events -------------------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _publish_progress(job: ProspectJob) -> None:
    publish(
        "job.progress",
        {
            "job_id": str(job.pk),
            "status": job.status,
            "progress": job.progress,
            "current_step": job.current_step,
            "search_query": job.search_query,
            "max_leads": job.max_leads,
        },
        user_id=job.owner_id,
    )


# --- Services -----------------------------------------------------------------------------------------------


def start_job(*, owner: Any, search_query: str = "") -> ProspectJob:
    """Create a `waiting` job for `owner` and enqueue it (after commit).

    Refuses, in this order: no business context (400), a running job (409, race-safe through the database
    constraint), quota exhausted (403), cooldown (403).
    """
    from business_context.selectors import context_for

    query = (search_query or "").strip()[:500]
    expire_stale_jobs(owner=owner)
    if context_for(owner) is None:
        raise BusinessContextMissing()
    running = active_job(owner)
    if running is not None:
        raise job_running(running.pk)
    status_ = plan_status(owner)
    if not status_.quota_left:
        raise QuotaExhausted()
    if status_.cooldown_until is not None:
        raise ProspectCooldown(
            f"Prospecting is cooling down until {timezone.localtime(status_.cooldown_until).isoformat()}."
        )
    limit = settings.PROSPECT_MAX_LEADS_PER_JOB
    max_leads = limit if status_.remaining is None else min(status_.remaining, limit)
    try:
        with transaction.atomic():
            job = ProspectJob.objects.create(
                owner=owner, search_query=query, max_leads=max_leads, current_step="Na fila"
            )
            from leads.prospect_tasks import run_prospect_job

            transaction.on_commit(lambda: run_prospect_job.delay(str(job.pk)))
    except IntegrityError:  # another start won the race for the one running job
        raise job_running(getattr(active_job(owner), "pk", None)) from None
    return job


def _lock(job_id: Any) -> ProspectJob | None:
    return ProspectJob.objects.select_for_update().filter(pk=job_id).first()


def run_job(job_id: Any) -> ProspectJob | None:
    """The Celery job: harvest, create the new leads, send each through the pipeline. Idempotent: only a
    `waiting` job runs (a redelivered task finds it active or finished and does nothing)."""
    from business_context.selectors import context_as_agent_data, context_for
    from mcp_bridge.client import call_tool
    from mcp_bridge.errors import AgentBridgeError

    with transaction.atomic():
        job = _lock(job_id)
        if job is None or job.status != ProspectJob.Status.WAITING:
            return job
        job.status = ProspectJob.Status.ACTIVE
        job.started_at = timezone.now()
        job.progress = 0
        job.current_step = "Buscando empresas"
        job.save(update_fields=["status", "started_at", "progress", "current_step"])
        _publish_progress(job)

    owner = job.owner
    status_ = plan_status(owner)
    limit = settings.PROSPECT_MAX_LEADS_PER_JOB
    max_results = limit if status_.remaining is None else min(status_.remaining, limit)
    if max_results <= 0:
        return _complete(job.pk)
    known = set(Lead.objects.filter(owner=owner).exclude(website="").values_list("website", flat=True))
    try:
        result = call_tool(
            "harvest_leads",
            {
                "business_context": context_as_agent_data(context_for(owner)),
                "user_search_query": job.search_query,
                "max_results": max_results,
                "exclude_websites": sorted(known),
            },
        )
    except AgentBridgeError as exc:
        logger.warning("Prospect job %s: harvest failed: %s", job.pk, exc)
        return _fail(job.pk, f"Não foi possível buscar empresas: o servidor de agentes não respondeu ({exc}).")
    except Exception as exc:
        logger.exception("Prospect job %s: harvest failed", job.pk)
        return _fail(job.pk, f"Falha na busca de empresas: {exc}")

    candidates = [c for c in (result or {}).get("candidates") or [] if isinstance(c, dict)]
    created = duplicates = 0
    for candidate in candidates:
        if created >= max_results:
            break
        outcome = _create_candidate_lead(job, candidate, known)
        if outcome == "created":
            created += 1
        elif outcome == "duplicate":
            duplicates += 1

    with transaction.atomic():
        job = _lock(job.pk)
        if job is None or job.status != ProspectJob.Status.ACTIVE:
            return job
        job.candidates_found = len(candidates)
        job.duplicates_skipped = duplicates
        job.progress = HARVEST_PROGRESS  # harvest done: from now on finished leads move the job on
        job.save(update_fields=["candidates_found", "duplicates_skipped", "progress"])
    if job.leads_created == 0:
        return _complete(job.pk, note="Nenhuma empresa nova encontrada")
    return _update_progress(job.pk, force=True)


def _create_candidate_lead(job: ProspectJob, candidate: dict[str, Any], known: set[str]) -> str:
    """Create one harvested lead and queue it: "created", "duplicate" or "invalid"."""
    from leads import pipeline, services

    try:
        website = normalize_website(candidate.get("website") or "")
    except ValueError:
        return "invalid"
    if website and website in known:
        return "duplicate"
    city, state = (candidate.get("city") or "").strip(), (candidate.get("state") or "").strip()
    email = (candidate.get("contact_email") or "").strip()
    cnpj = (candidate.get("cnpj") or "").strip()
    text_parts = [candidate.get("description") or ""]
    if email:
        text_parts.append(f"E-mail: {email}")
    if cnpj:
        text_parts.append(f"CNPJ: {cnpj}")
    if city or state:
        text_parts.append(f"Cidade: {'/'.join(p for p in (city, state) if p)}")
    data = {
        "company_name": (candidate.get("company_name") or website or "Empresa").strip()[:255],
        "website": website,
        "company_sector": (candidate.get("company_sector") or "")[:120],
        "description": candidate.get("description") or "",
        "market_region": "/".join(p for p in (city, state) if p)[:120],
        "contact_email": email,
        "source_text": "\n".join(part for part in text_parts if part),
        "prospect_job": job,
    }
    for attempt in range(2):
        try:
            with transaction.atomic():
                lead = services.create_lead(owner=job.owner, data=data, source=Lead.Source.HARVEST)
                ProspectJob.objects.filter(pk=job.pk).update(leads_created=F("leads_created") + 1)
                job.leads_created += 1
                pipeline.enqueue_processing(lead=lead)
        except services.DuplicateLead:
            known.add(website)
            return "duplicate"
        except ValidationError as exc:
            if attempt == 0 and "contact_email" in getattr(exc, "message_dict", {}):
                data["contact_email"] = ""  # a malformed e-mail must not lose the company
                continue
            logger.warning("Prospect job %s: skipped candidate %r: %s", job.pk, data["company_name"], exc)
            return "invalid"
        known.add(website)
        return "created"
    return "invalid"


def _update_progress(job_id: Any, *, force: bool = False) -> ProspectJob | None:
    """Recompute an active job's progress from its leads; complete it when none is left to finish.

    While the job is still harvesting (progress below HARVEST_PROGRESS) finished leads change nothing: `run_job`
    calls this with `force=True` once the harvest is done."""
    with transaction.atomic():
        job = _lock(job_id)
        if job is None or job.status != ProspectJob.Status.ACTIVE or job.progress < HARVEST_PROGRESS:
            return job
        pending = job.leads.exclude(status__in=FINISHED_LEAD_STATUSES).count()
        if job.leads_created and pending == 0:
            return _complete(job.pk)
        finished = max(job.leads_created - pending, 0)  # deleted leads count as finished
        progress = HARVEST_PROGRESS + math.floor((100 - HARVEST_PROGRESS) * finished / max(job.leads_created, 1))
        step = f"Enriquecendo {finished} de {job.leads_created} leads"
        if not force and progress == job.progress and step == job.current_step:
            return job
        job.progress, job.current_step = min(progress, 99), step
        job.save(update_fields=["progress", "current_step"])
        _publish_progress(job)
        return job


def on_lead_finished(lead: Lead) -> None:
    """Called by the pipeline when `lead` completed or failed: advances its job, if it belongs to a running one."""
    if lead.prospect_job_id:
        _update_progress(lead.prospect_job_id)


def _complete(job_id: Any, *, note: str = "") -> ProspectJob | None:
    with transaction.atomic():
        job = _lock(job_id)
        if job is None or job.status not in ProspectJob.RUNNING:
            return job
        job.status = ProspectJob.Status.COMPLETED
        job.progress = 100
        job.finished_at = timezone.now()
        job.started_at = job.started_at or job.finished_at
        job.current_step = note or f"Concluído: {job.leads_created} leads gerados"
        job.save(update_fields=["status", "progress", "finished_at", "started_at", "current_step"])
        publish(
            "job.completed",
            {
                "job_id": str(job.pk),
                "leads_generated": job.leads_created,
                "search_query": job.search_query,
                "started_at": _iso(job.started_at),
                "finished_at": _iso(job.finished_at),
            },
            user_id=job.owner_id,
        )
        publish("quota.updated", quota_event_data(job.owner, leads_generated=job.leads_created), user_id=job.owner_id)
    return job


def _fail(job_id: Any, error: str) -> ProspectJob | None:
    with transaction.atomic():
        job = _lock(job_id)
        if job is None or job.status not in ProspectJob.RUNNING:
            return job
        job.status = ProspectJob.Status.FAILED
        job.error = error
        job.finished_at = timezone.now()
        job.started_at = job.started_at or job.finished_at
        job.current_step = "Falhou"
        job.save(update_fields=["status", "error", "finished_at", "started_at", "current_step"])
        publish(
            "job.failed",
            {
                "job_id": str(job.pk),
                "error": error,
                "search_query": job.search_query,
                "started_at": _iso(job.started_at),
                "finished_at": _iso(job.finished_at),
            },
            user_id=job.owner_id,
        )
    return job


def _deadline(job: ProspectJob) -> datetime:
    return (job.started_at or job.created_at) + timedelta(seconds=settings.PROSPECT_JOB_TIMEOUT_SECONDS)


def expire_job(job_id: Any) -> ProspectJob | None:
    """Complete a job that ran past PROSPECT_JOB_TIMEOUT_SECONDS (its leads go on alone)."""
    job = ProspectJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in ProspectJob.RUNNING or _deadline(job) > timezone.now():
        return job
    return _complete(job.pk, note=f"Tempo esgotado: {job.leads_created} leads gerados; o enriquecimento continua")


def expire_stale_jobs(*, owner: Any = None) -> int:
    """Time out every running job (of `owner`, or everyone's) past its deadline; returns how many."""
    queryset = ProspectJob.objects.filter(status__in=ProspectJob.RUNNING)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    cutoff = timezone.now() - timedelta(seconds=settings.PROSPECT_JOB_TIMEOUT_SECONDS)
    expired = 0
    for job in queryset.filter(created_at__lte=cutoff):
        if _deadline(job) <= timezone.now() and expire_job(job.pk) is not None:
            expired += 1
    return expired
