"""Reading the plan status (the quota endpoints, the Socket.IO renderer) never expires a job or publishes: expiry
is the scheduled task's job (`leads.expire_stale_prospect_jobs`) or an explicit service call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from leads.models import ProspectJob
from prospecting.selectors import plan_status
from prospecting.tasks import expire_stale_prospect_jobs

pytestmark = pytest.mark.django_db


def test_plan_status_reads_only(user, context, settings):
    settings.PROSPECT_JOB_TIMEOUT_SECONDS = 60
    past = timezone.now() - timedelta(hours=1)
    job = ProspectJob.objects.create(owner=user, status=ProspectJob.Status.ACTIVE, started_at=past)
    ProspectJob.objects.filter(pk=job.pk).update(created_at=past)

    assert plan_status(user).active_job_id == job.pk
    job.refresh_from_db()
    assert job.status == ProspectJob.Status.ACTIVE and not Event.objects.exists()

    expire_stale_prospect_jobs()
    job.refresh_from_db()
    assert job.status == ProspectJob.Status.COMPLETED
    assert plan_status(user).active_job_id is None
    assert set(Event.objects.values_list("type", flat=True)) == {"job.completed", "quota.updated"}
