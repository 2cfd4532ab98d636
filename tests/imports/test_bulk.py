"""POST /api/leads/bulk."""

import uuid

from events.models import Event
from leads.models import Lead
from tests.broker import on_stage_send
from tests.factories import LeadFactory


def test_delete_mine_and_skip_others(api, user, other_user):
    mine = LeadFactory.create_batch(2, owner=user)
    theirs = LeadFactory(owner=other_user)
    unknown = uuid.uuid4()
    ids = [str(mine[0].pk), str(theirs.pk), str(mine[1].pk), str(unknown), str(mine[0].pk)]
    response = api.post("/api/leads/bulk", {"action": "delete", "ids": ids}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "done": [str(mine[0].pk), str(mine[1].pk)],
        "skipped": [{"id": str(theirs.pk), "reason": "not_found"}, {"id": str(unknown), "reason": "not_found"}],
    }
    assert not Lead.objects.filter(owner=user).exists()
    assert Lead.objects.filter(pk=theirs.pk).exists()
    assert Event.objects.filter(type="lead.deleted", user=user).count() == 2


def test_process(api, user, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    new = LeadFactory(owner=user)
    busy = LeadFactory(owner=user, status="processing")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/leads/bulk", {"action": "process", "ids": [str(new.pk), str(busy.pk)]},
                            format="json")
    assert response.json() == {"done": [str(new.pk)], "skipped": [{"id": str(busy.pk), "reason": "already_processing"}]}
    new.refresh_from_db()
    assert new.status == "queued"
    assert len(sent) == 1


def test_admin_may_act_on_any_lead(admin_api, user):
    lead = LeadFactory(owner=user)
    assert admin_api.post("/api/leads/bulk", {"action": "delete", "ids": [str(lead.pk)]},
                          format="json").json()["done"] == [str(lead.pk)]


def test_validation(api):
    assert api.post("/api/leads/bulk", {"action": "explode", "ids": [str(uuid.uuid4())]},
                    format="json").status_code == 400
    assert api.post("/api/leads/bulk", {"action": "delete", "ids": []}, format="json").status_code == 400
    response = api.post("/api/leads/bulk", {"action": "delete", "ids": ["nope"]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["fields"]
