"""The leads admin's django-import-export integration (LeadResource)."""

import tablib

from events.models import Event
from leads.models import Lead
from leads.resources import LeadResource
from tests.factories import LeadFactory


def test_export_has_the_api_columns_and_owner(user):
    LeadFactory(owner=user, company_name="Acme")
    dataset = LeadResource().export()
    assert "company_name" in dataset.headers
    assert "owner" in dataset.headers
    assert dataset.dict[0]["owner"] == user.email


def test_import_validates_dedupes_and_owns(admin_user):
    LeadFactory(owner=admin_user, website="https://existing.com.br")
    dataset = tablib.Dataset(headers=["Empresa", "site", "status"])
    dataset.append(["Nova", "nova.com.br/", "completed"])
    dataset.append(["Repetida", "NOVA.com.br", ""])
    dataset.append(["Existente", "existing.com.br", ""])
    dataset.append(["", "semnome.com.br", ""])
    result = LeadResource().import_data(dataset, dry_run=False, user=admin_user)
    assert result.totals["new"] == 1
    assert result.totals["skip"] == 2
    assert result.totals["invalid"] == 1
    lead = Lead.objects.get(website="https://nova.com.br")
    assert (lead.owner, lead.status, lead.company_name) == (admin_user, "new", "Nova")
    assert Event.objects.filter(type="metrics.updated", user=admin_user).exists()


def test_admin_pages(client, admin_user):
    client.force_login(admin_user)
    changelist = client.get("/admin/leads/lead/")
    assert changelist.status_code == 200
    assert b"/admin/leads/lead/import/" in changelist.content
    assert client.get("/admin/leads/lead/import/").status_code == 200
    assert client.get("/admin/leads/lead/?qualification_tier__exact=high_potential&processing_stage__exact=intake"
                      ).status_code == 200
