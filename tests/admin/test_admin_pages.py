"""Every registered model admin loads for a superuser: changelist (plain and searched), add and change forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

from events.publisher import publish
from leads.models import ProspectJob
from tests.factories import BusinessContextFactory, LeadFactory

pytestmark = pytest.mark.django_db
MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    LeadFactory(
        owner=admin_user, analysis={"company_sector": "Logística", "main_services": ["frete"]},
        enrichment_data={"emails": ["a@b.com.br"]}, qualification_tier="high_potential",
    )
    BusinessContextFactory(owner=admin_user)
    ProspectJob.objects.create(owner=admin_user, status="completed", search_query="ERP")
    publish("metrics.updated", {}, user_id=admin_user.id)
    return client


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=[m._meta.label for m, _ in MODEL_ADMINS])
def test_admin_pages_load(staff_client, model, model_admin):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert staff_client.get(changelist, {"q": "a"}).status_code == 200
    request = staff_client.get(changelist).wsgi_request
    if model_admin.has_add_permission(request):
        assert staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert staff_client.get(change).status_code == 200


PROJECT_APPS = {"accounts", "agents", "leads", "business_context", "chat", "events", "metrics", "mcp_bridge", "frontend"}


def test_every_project_model_admin_has_search_and_filters():
    missing = [
        m._meta.label
        for m, ma in MODEL_ADMINS
        if m._meta.app_label in PROJECT_APPS and (not ma.search_fields or not ma.list_filter)
    ]
    assert not missing, missing
