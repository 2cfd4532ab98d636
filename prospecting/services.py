"""Writes of prospecting jobs (FRONTEND.md §7): start, run, advance, complete, fail, expire.

A job harvests candidates through the agent server's `harvest_leads` tool, creates the new ones as leads
(`source="harvest"`, counted in the quota) and sends each through the normal pipeline; its progress follows its
leads (the pipeline's `on_lead_finished` hook). Every state change publishes a domain event
(`prospecting.events`); transports render them. Reads are in `prospecting.selectors`.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from business_context.selectors import context_as_agent_data, context_for
from leads import services
from leads.models import Lead, ProspectJob
from leads.websites import normalize_website
from mcp_bridge import client as bridge
from mcp_bridge.errors import AgentBridgeError
from nellia.tasks import queue_after_commit
from pipeline.services import enqueue_processing
from prospecting.errors import BusinessContextMissing, JobRunning, ProspectCooldown, QuotaExhausted
from prospecting.events import publish_job_completed, publish_job_failed, publish_job_progress, publish_quota_updated
from prospecting.hooks import NOTHING_NEW, registry_harvest
from prospecting.selectors import PlanStatus, active_job, plan_status

logger = logging.getLogger(__name__)

RUN_JOB_TASK = "leads.run_prospect_job"
HARVEST_PROGRESS = 20  # progress once the harvest is done; the enrichment fills the remaining 80
FINISHED_LEAD_STATUSES = (Lead.Status.COMPLETED, Lead.Status.FAILED)


def start_job(*, owner: User, search_query: str = "") -> ProspectJob:
    """Create a `waiting` job for `owner` and enqueue it (after commit).

    Refuses, in this order: no business context (400), a running job (409, race-safe through the database
    constraint), quota exhausted (403), cooldown (403).
    """
    query = (search_query or "").strip()[:500]
    expire_stale_jobs(owner=owner)
    if context_for(owner) is None:
        raise BusinessContextMissing
    running = active_job(owner)
    if running is not None:
        raise JobRunning(running.pk)
    status_ = plan_status(owner)
    if not status_.quota_left:
        raise QuotaExhausted
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
            queue_after_commit(RUN_JOB_TASK, str(job.pk))
    except IntegrityError:  # another start won the race for the one running job
        raise JobRunning(getattr(active_job(owner), "pk", None)) from None
    return job


def _lock(job_id: uuid.UUID | str) -> ProspectJob | None:
    return ProspectJob.objects.select_for_update().filter(pk=job_id).first()


def run_job(job_id: uuid.UUID | str) -> ProspectJob | None:
    """The Celery job: harvest, create the new leads, send each through the pipeline. Idempotent: only a
    `waiting` job runs (a redelivered task finds it active or finished and does nothing)."""
    with transaction.atomic():
        job = _lock(job_id)
        if job is None or job.status != ProspectJob.Status.WAITING:
            return job
        job.status = ProspectJob.Status.ACTIVE
        job.started_at = timezone.now()
        job.progress = 0
        job.current_step = "Buscando empresas"
        job.save(update_fields=["status", "started_at", "progress", "current_step"])
        publish_job_progress(job)

    owner = job.owner
    status_ = plan_status(owner)
    limit = settings.PROSPECT_MAX_LEADS_PER_JOB
    max_results = limit if status_.remaining is None else min(status_.remaining, limit)
    if max_results <= 0:
        return _complete(job.pk, note=_quota_used_up(status_))
    # The CNPJ registry when it holds data (real companies, `source="registry"`); the bundled corpus otherwise.
    from_registry = registry_harvest(job, max_results) if registry_harvest.filled else None
    if from_registry is not None:
        found, _created, duplicates, why_empty = from_registry
    else:
        known = set(Lead.objects.filter(owner=owner).exclude(website="").values_list("website", flat=True))
        try:
            result = bridge.call_tool(
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
        found, created, duplicates = len(candidates), 0, 0
        for candidate in candidates:
            if created >= max_results:
                break
            outcome = _create_candidate_lead(job, candidate, known)
            if outcome == "created":
                created += 1
            elif outcome == "duplicate":
                duplicates += 1
        why_empty = _why_the_corpus_gave_nothing(owner, found, duplicates)

    with transaction.atomic():
        job = _lock(job.pk)
        if job is None or job.status != ProspectJob.Status.ACTIVE:
            return job
        job.candidates_found = found
        job.duplicates_skipped = duplicates
        job.progress = HARVEST_PROGRESS  # harvest done: from now on finished leads move the job on
        job.save(update_fields=["candidates_found", "duplicates_skipped", "progress"])
    if job.leads_created == 0:
        return _complete(job.pk, note=why_empty or NOTHING_NEW)
    return _update_progress(job.pk, force=True)


PERIODS_PT = {"day": "dia", "week": "semana", "month": "mês"}


def _quota_used_up(status_: PlanStatus) -> str:
    plan = status_.plan
    return (f"{NOTHING_NEW}: a cota do plano {plan.name} ({status_.total} leads por {PERIODS_PT.get(plan.period, plan.period)}) "
            f"já foi usada; ela renova em {timezone.localtime(status_.next_reset_at):%d/%m/%Y}")


def _why_the_corpus_gave_nothing(owner: User, found: int, duplicates: int) -> str:
    """The final step of a job the bundled corpus gave no new company: every candidate known, or none fitting."""
    if found and duplicates == found:
        return f"{NOTHING_NEW}: todas as empresas que correspondem ao seu perfil já são seus leads"
    if found:
        return ""
    context = context_for(owner)
    sectors = ", ".join(getattr(context, "industry_focus", None) or []) or "qualquer setor"
    places = ", ".join(getattr(context, "geographic_focus", None) or []) or "Brasil"
    return f"{NOTHING_NEW}: nenhuma empresa do catálogo corresponde ao foco de setor ({sectors}) em {places}"


def _create_candidate_lead(job: ProspectJob, candidate: dict[str, Any], known: set[str]) -> str:
    """Create one harvested lead and queue it: "created", "duplicate" or "invalid"."""
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
                enqueue_processing(lead=lead)
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


def _update_progress(job_id: uuid.UUID | str, *, force: bool = False) -> ProspectJob | None:
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
        publish_job_progress(job)
        return job


def on_lead_finished(lead: Lead) -> None:
    """The pipeline's `on_lead_finished` hook: a finished lead advances its job, if it belongs to a running one."""
    if lead.prospect_job_id:
        _update_progress(lead.prospect_job_id)


def _complete(job_id: uuid.UUID | str, *, note: str = "") -> ProspectJob | None:
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
        publish_job_completed(job)
        publish_quota_updated(job.owner, leads_generated=job.leads_created)
    return job


def _fail(job_id: uuid.UUID | str, error: str) -> ProspectJob | None:
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
        publish_job_failed(job)
    return job


def _deadline(job: ProspectJob) -> datetime:
    return (job.started_at or job.created_at) + timedelta(seconds=settings.PROSPECT_JOB_TIMEOUT_SECONDS)


def expire_job(job_id: uuid.UUID | str) -> ProspectJob | None:
    """Complete a job that ran past PROSPECT_JOB_TIMEOUT_SECONDS (its leads go on alone)."""
    job = ProspectJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in ProspectJob.RUNNING or _deadline(job) > timezone.now():
        return job
    return _complete(job.pk, note=f"Tempo esgotado: {job.leads_created} leads gerados; o enriquecimento continua")


def expire_stale_jobs(*, owner: User | None = None) -> int:
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
