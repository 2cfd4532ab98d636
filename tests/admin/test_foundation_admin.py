import pytest
from django.urls import reverse

from business_context.models import BusinessContext
from leads.models import Lead
from tests.factories import BusinessContextFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


CONTEXT_FORM = {
    "business_description": "Software",
    "product_service_description": "Plataforma",
    "target_market": "PMEs",
    "value_proposition": "Rapidez",
    "ideal_customer": "",
    "competitive_advantage": "",
    "pain_points": "ciclo longo\n\nbaixa resposta\n",
    "competitors": "",
    "industry_focus": "",
    "geographic_focus": "",
    "language": "",
    "is_active": "on",
}


def test_business_context_admin_add_uses_shared_validation(staff):
    owner = UserFactory()
    url = reverse("admin:business_context_businesscontext_add")
    bad = staff.post(url, {**CONTEXT_FORM, "owner": owner.pk, "target_market": "  "})
    assert bad.status_code == 200
    assert "This field may not be blank." in bad.content.decode()
    response = staff.post(url, {**CONTEXT_FORM, "owner": owner.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    ctx = BusinessContext.objects.get(owner=owner)
    assert ctx.pain_points == ["ciclo longo", "baixa resposta"]
    assert ctx.geographic_focus == ["Brasil"] and ctx.language == "pt-BR" and ctx.version == 1


def test_business_context_admin_change_bumps_version(staff):
    ctx = BusinessContextFactory()
    url = reverse("admin:business_context_businesscontext_change", args=[ctx.pk])
    response = staff.post(url, {**CONTEXT_FORM, "value_proposition": "Nova"})
    assert response.status_code == 302, response.content.decode()[:3000]
    ctx.refresh_from_db()
    assert (ctx.version, ctx.value_proposition) == (2, "Nova")


def test_lead_admin_change_goes_through_the_service(staff, admin_user):
    from events.models import Event

    taken = LeadFactory(owner=admin_user, website="https://taken.com.br")
    lead = LeadFactory(owner=admin_user)
    url = reverse("admin:leads_lead_change", args=[lead.pk])
    page = staff.get(url)
    form = {
        "owner": admin_user.pk, "company_name": "Renomeada", "website": "TAKEN.com.br/", "description": "",
        "source": "manual", "board_stage": "", "prospect_job": "", "company_sector": "", "company_size": "",
        "market_region": "", "annual_revenue": "", "contact_email": "", "contact_phone": "", "contact_role": "",
        "source_text": "",
    }
    assert page.status_code == 200
    duplicate = staff.post(url, form)
    assert duplicate.status_code == 200
    assert str(taken.pk) in duplicate.content.decode()
    response = staff.post(url, {**form, "website": "nova.com.br"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.company_name, lead.website) == ("Renomeada", "https://nova.com.br")
    assert Event.objects.filter(type="lead.updated", data__lead_id=str(lead.pk)).exists()


def test_lead_admin_actions(staff, admin_user):
    lead = LeadFactory(owner=admin_user)
    url = reverse("admin:leads_lead_changelist")
    staff.post(url, {"action": "mark_disqualified", "_selected_action": [lead.pk]})
    lead.refresh_from_db()
    assert lead.board_stage == Lead.BoardStage.DESQUALIFICADO
    staff.post(url, {"action": "clear_board_stage", "_selected_action": [lead.pk]})
    lead.refresh_from_db()
    assert lead.board_stage is None


def test_user_admin_add_with_email(staff):
    from accounts.models import User

    url = reverse("admin:accounts_user_add")
    response = staff.post(url, {
        "email": "Novo@Example.com.br", "usable_password": "true", "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase", "role": "user", "plan": "pro",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="novo@example.com.br")
    assert user.plan == "pro" and user.check_password("a-long-pass-phrase")
