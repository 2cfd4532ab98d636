"""The admin pages and the live dashboard in headless Chromium at 1280×900: nothing requested off the machine,
and the leads list fits without scrolling sideways (issue 10: scores and tier were hidden off to the right)."""

import pytest
from django.urls import reverse

from events.relay import relay_pending
from leads import services
from leads.models import Lead
from tests.browser.conftest import log_in
from tests.factories import AdminFactory, BusinessContextFactory, LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator_browser(live_server, offline_browser):
    # A long e-mail in the owner column: the list must wrap it, not scroll sideways (it did once ids grew).
    operator = AdminFactory(email="operador.responsavel.pela.prospeccao.12345@empresa-exemplo.com.br")
    BusinessContextFactory(owner=operator)
    for n in range(15):
        LeadFactory(owner=operator, company_name=f"Transportadora Rodoviária Exemplo {n} Ltda",
                    website=f"https://www.transportadora-exemplo-{n}.com.br/contato?utm_source=site",
                    qualification_tier="medium_potential", overall_score=0.61, status=Lead.Status.COMPLETED)
    offline_browser.call("Emulation.setDeviceMetricsOverride",
                         {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    log_in(offline_browser, live_server.url, operator)
    offline_browser.operator = operator
    return offline_browser


def _pages(operator) -> list[str]:
    lead = Lead.objects.filter(owner=operator).first()
    ctx = operator.business_context
    return [
        reverse("admin:index"),
        reverse("admin:leads_lead_changelist"),
        reverse("admin:leads_lead_change", args=[lead.pk]),
        reverse("admin:leads_lead_import"),
        reverse("admin:agents_agent_changelist"),
        reverse("admin:business_context_businesscontext_history", args=[ctx.pk]),
        "/dashboard/",
    ]


def test_admin_pages_load_nothing_from_the_internet(live_server, operator_browser):
    for path in _pages(operator_browser.operator):
        operator_browser.navigate(f"{live_server.url}{path}")
        operator_browser.evaluate("new Promise((done) => setTimeout(done, 300))")
        assert operator_browser.evaluate("location.pathname") == path
        assert operator_browser.offsite == [], path


def test_leads_list_is_readable_at_1280(live_server, operator_browser):
    operator_browser.navigate(f"{live_server.url}{reverse('admin:leads_lead_changelist')}")
    table = "document.getElementById('result_list')"
    assert operator_browser.evaluate(f"{table}.scrollWidth <= {table}.parentElement.clientWidth")
    headers = operator_browser.evaluate(
        f"[...{table}.querySelectorAll('thead th')].filter((th) => th.getBoundingClientRect().right <= "
        "window.innerWidth).map((th) => th.textContent.trim().toLowerCase())"
    )
    assert {"company name", "status", "stage", "tier", "score", "owner"} <= set(headers)
    assert operator_browser.evaluate(f"{table}.querySelector('tbody tr').textContent").count("Medium potential") == 1


def test_dashboard_opens_with_its_activity(live_server, operator_browser):
    for name in ("Cargas Antigas", "Fretes de Ontem"):  # published before the page opens
        services.create_lead(owner=operator_browser.operator, data={"company_name": name})
    relay_pending()  # the relay (a process of its own, off in tests) has sequenced them
    operator_browser.navigate(f"{live_server.url}/dashboard/")
    operator_browser.wait_for("document.querySelectorAll('#feed li').length >= 2", what="the activity panel")
    feed = operator_browser.evaluate("document.getElementById('feed').textContent")
    assert "Cargas Antigas" in feed and "Fretes de Ontem" in feed
