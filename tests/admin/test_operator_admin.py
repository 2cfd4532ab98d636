"""An admin an operator can live in (issue 10): branding, the way to the live dashboard, fixed agents, no internal
tables, labels, owner autocomplete, the import page's fields, a "process this lead" button, activity on open."""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from agents.models import Agent, AgentRunCounts
from events.relay import relay_pending
from leads import importing
from leads.models import Lead
from metrics.models import LeadCountsDelta
from tests.broker import on_stage_send
from tests.factories import BusinessContextFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def test_branded_and_view_site_opens_the_dashboard(staff):
    page = staff.get(reverse("admin:index")).content.decode()
    assert "<title>Operations | Nellia Prospector admin</title>" in page
    assert ">Nellia Prospector</a>" in page and "Django administration" not in page
    assert 'href="/dashboard/">View site</a>' in page
    assert 'href="/dashboard/" class="button">Open the live dashboard</a>' in page


def test_the_dashboard_links_back_to_the_admin(staff):
    assert 'href="/admin/"' in staff.get("/dashboard/").content.decode()


def test_pipeline_agents_can_be_started_and_stopped_but_not_added_or_deleted(staff):
    agent = Agent.objects.first()
    assert staff.get(reverse("admin:agents_agent_add")).status_code == 403
    assert staff.get(reverse("admin:agents_agent_delete", args=[agent.pk])).status_code == 403
    changelist = staff.get(reverse("admin:agents_agent_changelist")).content.decode()
    assert "delete_selected" not in changelist and "start_selected" in changelist
    assert Agent.objects.count() == 5


def test_internal_tables_are_not_in_the_admin(staff):
    for model in (OutstandingToken, BlacklistedToken, LeadCountsDelta, AgentRunCounts):
        assert not admin.site.is_registered(model), model
    page = staff.get(reverse("admin:index")).content.decode()
    assert "Outstanding tokens" not in page and "Lead counts" not in page


def test_tiers_and_statuses_read_as_labels(staff, admin_user):
    cache.clear()  # the summary is cached per user
    LeadFactory(owner=admin_user, qualification_tier="high_potential", overall_score=0.8123)
    index = staff.get(reverse("admin:index")).content.decode()
    assert "High potential: 1" in index and "New: 1" in index and "high_potential" not in index
    listing = staff.get(reverse("admin:leads_lead_changelist")).content.decode()
    assert "High potential" in listing and "0.81" in listing and ">high_potential<" not in listing


def test_owner_is_an_autocomplete(staff):
    form = staff.get(reverse("admin:leads_lead_add")).content.decode()
    assert 'class="admin-autocomplete' in form and "/admin/autocomplete/" in form
    ctx = BusinessContextFactory()
    change = staff.get(reverse("admin:business_context_businesscontext_add")).content.decode()
    assert 'class="admin-autocomplete' in change
    found = staff.get("/admin/autocomplete/", {"app_label": "leads", "model_name": "lead", "field_name": "owner",
                                               "term": ctx.owner.email[:6]}).json()
    assert str(ctx.owner.pk) in [item["id"] for item in found["results"]]


def test_import_page_lists_only_the_importable_fields(staff):
    page = staff.get(reverse("admin:leads_lead_import"))
    (_, listed), = page.context["fields_list"]
    assert listed == list(importing.IMPORT_FIELDS)
    assert "qualification_tier" not in page.content.decode() and "overall_score" not in page.content.decode()


def test_process_this_lead_button(staff, admin_user, monkeypatch, django_capture_on_commit_callbacks):
    lead = LeadFactory(owner=admin_user)
    page = staff.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert 'id="process-lead-form"' in page and "Process this lead" in page
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:leads_lead_changelist"),
                              {"action": "process_selected", "_selected_action": str(lead.pk)}, follow=True)
    assert "Queued 1 lead(s) for processing." in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUEUED and [args[:2] for args in sent] == [(str(lead.pk), "intake")]


def test_dashboard_activity_panel_is_filled_on_open(staff, admin_user):
    LeadFactory(owner=admin_user, company_name="Já Estava Aqui")  # published lead.created before the page opens
    from leads import services

    services.create_lead(owner=admin_user, data={"company_name": "Antes da Página"})
    relay_pending()  # the relay (a process of its own, off in tests) has sequenced it
    snapshot = staff.get("/dashboard/").context["snapshot"]
    assert [frame["data"]["company_name"] for frame in snapshot["activity"] if frame["type"] == "lead.created"] == [
        "Antes da Página"]
    assert snapshot["tier_labels"]["high_potential"] == "High potential"
