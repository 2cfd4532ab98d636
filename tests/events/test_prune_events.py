"""Retention: events older than EVENT_RETENTION_HOURS are pruned by a beat task and a command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from events.services import prune_events
from events.tasks import prune_old_events

pytestmark = pytest.mark.django_db


def _event(age_hours: float) -> Event:
    event = Event.objects.create(type="lead.progress", data={})
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=age_hours))
    return event


def test_prune_keeps_the_window(settings):
    settings.EVENT_RETENTION_HOURS = 24
    old, edge, fresh = _event(48), _event(25), _event(1)
    assert prune_events(batch_size=1) == 2
    assert list(Event.objects.values_list("id", flat=True)) == [fresh.id]
    assert not Event.objects.filter(pk__in=[old.id, edge.id]).exists()


def test_task_uses_the_setting(settings):
    settings.EVENT_RETENTION_HOURS = 2
    _event(3)
    keep = _event(1)
    assert prune_old_events() == 1
    assert list(Event.objects.values_list("id", flat=True)) == [keep.id]


def test_command_with_hours():
    _event(10)
    keep = _event(1)
    out = StringIO()
    call_command("prune_events", "--hours", "5", stdout=out)
    assert "Deleted 1 event" in out.getvalue()
    assert list(Event.objects.values_list("id", flat=True)) == [keep.id]


def test_beat_schedule_has_the_prune_task():
    entry = settings.CELERY_BEAT_SCHEDULE["events.prune_old_events"]
    assert entry["task"] == prune_old_events.name
