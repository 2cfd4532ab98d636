import uuid

import pytest

from leads.models import Lead
from leads.selectors import get_lead_for, leads_for
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_another_users_lead_is_404_everywhere(api, other_api, user):
    lead = LeadFactory(owner=user)
    url = f"/api/leads/{lead.id}"
    for method in ("get", "delete"):
        response = getattr(other_api, method)(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert other_api.patch(url, {"company_name": "x"}, format="json").status_code == 404
    assert other_api.put(url, {"company_name": "x"}, format="json").status_code == 404
    assert other_api.get("/api/leads").json()["count"] == 0
    assert Lead.objects.filter(pk=lead.pk, company_name=lead.company_name).exists()


def test_admin_sees_everyones_leads(admin_api, user, other_user):
    LeadFactory(owner=user)
    LeadFactory(owner=other_user)
    assert admin_api.get("/api/leads").json()["count"] == 2


def test_selectors(user, other_user, admin_user):
    mine = LeadFactory(owner=user)
    LeadFactory(owner=other_user)
    assert list(leads_for(user)) == [mine]
    assert leads_for(admin_user).count() == 2
    assert get_lead_for(user, str(mine.id)) == mine
    from django.http import Http404

    for bad in (uuid.uuid4(), "not-a-uuid", None):
        with pytest.raises(Http404):
            get_lead_for(user, bad)
    with pytest.raises(Http404):
        get_lead_for(other_user, mine.id)


def test_unknown_and_malformed_ids_are_json_404(api):
    assert api.get(f"/api/leads/{uuid.uuid4()}").json()["code"] == "not_found"
    response = api.get("/api/leads/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
