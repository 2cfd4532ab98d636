"""`POST /api/leads/{id}/process`."""

import pytest

from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def url(lead) -> str:
    return f"/api/leads/{lead.pk}/process"


def test_process_returns_202_and_enqueues_after_commit(api, lead, stage_queue):
    with stage_queue._capture(execute=True):
        response = api.post(url(lead), {}, format="json")
    assert response.status_code == 202
    assert response.json() == {"lead_id": str(lead.pk), "status": "queued"}
    assert stage_queue.sent[0][:2] == (str(lead.pk), "intake")


def test_already_queued_is_409(api, lead, stage_queue):
    api.post(url(lead), {}, format="json")
    response = api.post(url(lead), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_processing"


def test_restart_flag(api, lead, stage_queue):
    Lead.objects.filter(pk=lead.pk).update(status="completed", processing_stage="completed", progress=100)
    response = api.post(url(lead), {"restart": True}, format="json")
    assert response.status_code == 202
    lead.refresh_from_db()
    assert (lead.processing_stage, lead.progress, lead.status) == ("intake", 0, "queued")


def test_invalid_body_is_400(api, lead, stage_queue):
    response = api.post(url(lead), {"restart": "maybe"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_other_users_lead_is_404(other_api, lead, stage_queue):
    assert other_api.post(url(lead), {}, format="json").status_code == 404


def test_admin_may_process_any_lead(admin_api, lead, stage_queue):
    assert admin_api.post(url(lead), {}, format="json").status_code == 202


def test_anonymous_is_401(client, lead):
    assert client.post(url(lead)).status_code == 401


def test_trailing_slash_and_no_body(api, user, stage_queue):
    lead = LeadFactory(owner=user)
    assert api.post(f"{url(lead)}/").status_code == 202
