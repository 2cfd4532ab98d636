import pytest
from django.core.exceptions import ValidationError

from leads import importing, services
from leads.models import Lead
from leads.websites import site_key
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


def test_variants_of_the_same_site_are_409_and_the_full_url_is_kept(api, user):
    """Issue 10: `http://`, no `www.`, a path or a `?utm_source=` variant each created a new lead."""
    created = api.post("/api/leads", {"company_name": "Acme", "website": "https://www.acme.com.br/contato?utm_source=x"},
                       format="json")
    assert created.status_code == 201
    existing = Lead.objects.get()
    assert existing.website == "https://www.acme.com.br/contato?utm_source=x" and existing.website_key == "acme.com.br"
    variants = ("http://acme.com.br", "acme.com.br/", "https://www.acme.com.br:443/sobre", "ACME.com.br?utm_source=ads",
                "https://acme.com.br/#contato", "http://loja.acme.com.br:80/produtos/")
    for variant in variants:
        response = api.post("/api/leads", {"company_name": "Other", "website": variant}, format="json")
        assert response.status_code == 409, variant
        assert response.json()["existing_id"] == str(existing.id)
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    ("website", "key"),
    [
        ("https://www.acme.com.br/x?y=1#z", "acme.com.br"),
        ("shop.acme.co.uk", "acme.co.uk"),
        ("https://acme.com", "acme.com"),
        ("https://ana.github.io/portfolio", "ana.github.io"),  # a private suffix: each user's site is its own
        ("http://192.168.0.10:8080/app", "192.168.0.10"),
        ("http://[2001:DB8::1]:8080/", "2001:db8::1"),  # an IPv6 address, in its canonical form
        ("https://123milhas.com.br", "123milhas.com.br"),  # a name starting with a digit is no address
        ("https://café.com.br", "xn--caf-dma.com.br"),
        ("", ""),
    ],
)
def test_site_key(website, key):
    assert site_key(website) == key


def test_different_sites_under_one_suffix_are_not_duplicates(api, user):
    LeadFactory(owner=user, website="https://ana.github.io")
    LeadFactory(owner=user, website="https://acme.co.uk")
    for website in ("https://bia.github.io", "https://other.co.uk", "https://acme.com"):
        assert api.post("/api/leads", {"company_name": website, "website": website}, format="json").status_code == 201


def test_import_dedupes_by_site(user):
    LeadFactory(owner=user, website="https://acme.com.br")
    report = importing.import_leads(owner=user, rows=[
        {"company_name": "A", "website": "http://www.acme.com.br/contato"},
        {"company_name": "B", "website": "https://beta.com.br/?utm_source=x"},
        {"company_name": "C", "website": "www.beta.com.br"},
    ])
    assert (report.created, report.duplicates) == (1, 2)
    assert Lead.objects.get(company_name="B").website_key == "beta.com.br"


def test_update_fields_with_website_saves_the_key(user):
    lead = LeadFactory(owner=user, website="https://a.com.br")
    lead.website = "https://www.b.com.br/x"
    lead.save(update_fields=["website"])
    assert Lead.objects.get(pk=lead.pk).website_key == "b.com.br"
