import pytest
from django.core.exceptions import ValidationError

from leads import services
from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_duplicate_website_is_409_with_existing_id(api, user):
    existing = LeadFactory(owner=user, website="https://translog.com.br")
    for variant in ("translog.com.br", "HTTPS://TransLog.com.br/", "https://translog.com.br:443"):
        response = api.post("/api/leads", {"company_name": "Other", "website": variant}, format="json")
        assert response.status_code == 409, variant
        assert response.json() == {
            "detail": "You already have a lead with this website.",
            "code": "duplicate_lead",
            "existing_id": str(existing.id),
        }
    assert Lead.objects.count() == 1


def test_same_website_for_another_owner_is_fine(api, other_user):
    LeadFactory(owner=other_user, website="https://translog.com.br")
    assert api.post("/api/leads", {"company_name": "Mine", "website": "translog.com.br"}, format="json").status_code == 201


def test_changing_website_to_a_taken_one_is_409(api, user):
    taken = LeadFactory(owner=user, website="https://a.com.br")
    lead = LeadFactory(owner=user, website="https://b.com.br")
    response = api.patch(f"/api/leads/{lead.id}", {"website": "A.com.br/"}, format="json")
    assert response.status_code == 409
    assert response.json()["existing_id"] == str(taken.id)


def test_blank_websites_are_not_duplicates(api):
    for _ in range(2):
        assert api.post("/api/leads", {"company_name": "No site"}, format="json").status_code == 201


def test_service_dedupe_and_race(user, monkeypatch):
    first = services.create_lead(owner=user, data={"company_name": "A", "website": "a.com.br"}, source="import")
    assert first.source == "import" and first.website == "https://a.com.br"
    with pytest.raises(services.DuplicateLead) as info:
        services.create_lead(owner=user, data={"company_name": "B", "website": "https://A.com.br/"})
    assert info.value.existing_id == first.id
    # The race: the pre-check misses the concurrent insert; the database constraint still answers DuplicateLead.
    monkeypatch.setattr(services, "find_duplicate_id", lambda **kw: None if "exclude_id" not in kw else first.id)
    with pytest.raises(services.DuplicateLead) as info:
        services.create_lead(owner=user, data={"company_name": "C", "website": "a.com.br"})
    assert info.value.existing_id == first.id


def test_service_validation(user):
    with pytest.raises(ValidationError) as info:
        services.create_lead(owner=user, data={"company_name": "A", "website": "nope"})
    assert "website" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.create_lead(owner=user, data={"company_name": "A", "owner": user})
    assert "owner" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.create_lead(owner=user, data={"company_name": ""})
