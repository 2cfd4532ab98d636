"""`python manage.py process_leads`."""

import pytest
from django.core.management import CommandError, call_command

from leads.models import Lead
from pipeline import runner
from tests.broker import on_stage_send
from tests.factories import LeadFactory


@pytest.mark.django_db
def test_ids_are_queued(stage_queue, user, capsys):
    leads = [LeadFactory(owner=user) for _ in range(2)]
    with stage_queue._capture(execute=True):
        call_command("process_leads", "--ids", *[str(lead.pk) for lead in leads])
    assert sorted(message[0] for message in stage_queue.sent) == sorted(str(lead.pk) for lead in leads)
    assert "Queued 2 lead(s); 0 already queued or processing." in capsys.readouterr().out


@pytest.mark.django_db
def test_all_new_skips_other_statuses_and_restart(stage_queue, user):
    fresh = LeadFactory(owner=user)
    LeadFactory(owner=user, status="completed", processing_stage="completed", progress=100)
    with stage_queue._capture(execute=True):
        call_command("process_leads", "--all-new")
    assert [message[0] for message in stage_queue.sent] == [str(fresh.pk)]
    Lead.objects.filter(pk=fresh.pk).update(status="failed", processing_stage="persona")
    with stage_queue._capture(execute=True):
        call_command("process_leads", "--ids", str(fresh.pk), "--restart")
    assert stage_queue.sent[-1][1] == "intake"


@pytest.mark.django_db
def test_unknown_id_is_an_error(stage_queue):
    with pytest.raises(CommandError, match="Unknown lead"):
        call_command("process_leads", "--ids", "00000000-0000-0000-0000-000000000000")


def test_wait_follows_the_leads_to_the_end(live_db, user, monkeypatch, capsys):
    """With --wait the command returns once every lead finished (here a worker runs each stage as it is sent)."""
    on_stage_send(monkeypatch, lambda lead_id, stage, token: runner.run_stage(lead_id=lead_id, stage=stage, run_token=token),
    )
    leads = [LeadFactory(owner=user) for _ in range(2)]
    call_command("process_leads", "--ids", *[str(lead.pk) for lead in leads], "--wait", "--timeout", "60")
    assert set(Lead.objects.values_list("status", flat=True)) == {"completed"}
    assert "Completed 2, failed 0, waiting 0." in capsys.readouterr().out
