"""Reads of prospecting (FRONTEND.md §7): plans, quota and cooldown, jobs. Pure reads: a job past its deadline is
expired by `services.expire_stale_jobs` (scheduled, and called before a start), never by reading."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from accounts.plans import PLANS, Plan
from business_context.selectors import context_for
from leads.models import ProspectJob
from nellia.lookups import get_or_404, owned_by


def plan_of(user: User) -> Plan:
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


def quota_usage(user: User, plan: Plan | None = None, now: datetime | None = None) -> int:
    """Leads harvested for `user` in the current period (deleted ones included: counted on the jobs)."""
    plan = plan or plan_of(user)
    start, _end = period_bounds(plan.period, now)
    total = ProspectJob.objects.filter(owner=user, created_at__gte=start).aggregate(n=Sum("leads_created"))["n"]
    return int(total or 0)


def active_job(user: User) -> ProspectJob | None:
    return ProspectJob.objects.filter(owner=user, status__in=ProspectJob.RUNNING).order_by("-created_at").first()


def cooldown_until(user: User, plan: Plan | None = None, now: datetime | None = None) -> datetime | None:
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
    active_job_id: uuid.UUID | None
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


def plan_status(user: User) -> PlanStatus:
    """The caller's plan, quota, active job and cooldown."""
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


def jobs_for(user: User) -> QuerySet[ProspectJob]:
    """The caller's jobs, newest first."""
    return ProspectJob.objects.filter(owner=user).order_by("-created_at")


def get_job_for(user: User, job_id: uuid.UUID | str) -> ProspectJob:
    """One of the caller's jobs (admins: anyone's); Http404 otherwise, also for a malformed id."""
    return get_or_404(owned_by(ProspectJob.objects.all(), user), job_id, what="prospecting job")


def job_lead_ids(job: ProspectJob) -> list[str]:
    return [str(pk) for pk in job.leads.order_by("created_at").values_list("id", flat=True)]


