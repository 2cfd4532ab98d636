"""/dashboard/ in headless Chromium: a lead's progress changes live on the page while a separate Celery worker
processes it, and the chat panel gets an agent's reply — all over the page's own WebSocket (session auth).
"""

import pytest
from django.test import Client

from tests.browser.cdp import Browser, chromium_path
from tests.e2e.harness import BUSINESS_CONTEXT, RealStack, require_real_services
from tests.factories import AdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


# Records every state a lead row goes through (set up once the page is live).
RECORD_ROWS = """
(() => {
  window.__rows = {};
  const record = () => document.querySelectorAll('tr[data-lead-id]').forEach((row) => {
    const states = (window.__rows[row.dataset.leadId] ||= []);
    const state = [row.dataset.status, row.dataset.stage, Number(row.dataset.progress)];
    const last = states[states.length - 1];
    if (!last || last.join() !== state.join()) states.push(state);
  });
  new MutationObserver(record).observe(document.getElementById('lead-rows'),
    { attributes: true, childList: true, subtree: true });
  record();
  return true;
})()
"""


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    require_real_services()
    chromium_path()
    with django_db_blocker.unblock(), RealStack(extra_env={"MCP_CALL_TIMEOUT": "10"}) as running:
        yield running


@pytest.fixture
def browser(stack):
    with Browser() as running:
        yield running


@pytest.fixture
def operator(live_db):
    return AdminFactory()


def logged_in(browser: Browser, stack: RealStack, user) -> None:
    client = Client()
    client.force_login(user)
    browser.set_cookie(url=stack.base_url, name="sessionid", value=client.cookies["sessionid"].value)


def test_anonymous_is_sent_to_the_admin_login(stack, browser, live_db):
    browser.navigate(f"{stack.base_url}/dashboard/")
    assert "/admin/login/" in browser.evaluate("location.pathname")


def test_lead_progress_changes_live_and_chat_answers(stack, browser, operator):
    logged_in(browser, stack, operator)
    with stack.client(operator, timeout=15) as api:
        assert api.put("/api/business-context", json=BUSINESS_CONTEXT).status_code in (200, 201)
        rendered = api.post("/api/leads", json={"company_name": "Cargas Já", "website": "https://cargasja.com.br",
                                                "description": "Transportadora em Campinas - SP."}).json()["id"]  # fmt: skip

        browser.navigate(f"{stack.base_url}/dashboard/")
        assert browser.evaluate(f"!!document.querySelector('tr[data-lead-id=\"{rendered}\"]')")  # server-rendered
        assert browser.evaluate("document.querySelectorAll('tr[data-agent-id]').length") == 5
        browser.wait_for("document.body.dataset.wsState === 'open'", what="the page's WebSocket")
        browser.evaluate(RECORD_ROWS)

        # One lead rendered by the server, one created while the page is open: both move live.
        assert api.post(f"/api/leads/{rendered}/process", json={}).status_code == 202
        live = api.post("/api/leads", json={"company_name": "Fretes Novos", "website": "https://fretesnovos.com.br",
                                            "description": "Transportadora rodoviária."}).json()["id"]  # fmt: skip
        assert api.post(f"/api/leads/{live}/process", json={}).status_code == 202

        for lead_id in (rendered, live):
            browser.wait_for(
                f"document.querySelector('tr[data-lead-id=\"{lead_id}\"]')?.dataset.status === 'completed'",
                timeout=90,
                what=f"lead {lead_id} to show completed\n{stack.log('worker0')}",
            )
        rows = browser.evaluate("window.__rows")
        for lead_id in (rendered, live):
            states = rows[lead_id]
            progress = [p for _, _, p in states]
            assert progress == sorted(progress), states  # never goes backwards
            assert states[-1] == ["completed", "completed", 100], states
            intermediate = [s for s in states if 0 < s[2] < 100]
            assert len({stage for _, stage, _ in intermediate}) >= 2, f"no stage by stage progress seen: {states}"
        assert browser.evaluate(f"document.querySelectorAll('tr[data-lead-id=\"{live}\"] .stages i.done').length") == 5
        tier = browser.wait_for(
            f"document.querySelector('tr[data-lead-id=\"{live}\"] [data-field=tier]').textContent", what="the tier"
        )
        assert "potential" in tier or "qualified" in tier
        # Queue depths come back to zero once the leads are done.
        browser.wait_for(
            "[...document.querySelectorAll('[data-field=queue_depth]')].every((cell) => cell.textContent.trim() === '0')",
            what="queue depths to drain",
        )

    # The chat panel: ask the selected agent, get the reply pushed over the chat socket.
    browser.wait_for("document.querySelectorAll('#chat-agent option').length === 5", what="the chat agents")
    browser.evaluate(
        "document.getElementById('chat-input').value = 'Summarise my pipeline';"
        "document.getElementById('chat-form').requestSubmit(); true"
    )
    reply = browser.wait_for(
        "document.querySelector('#chat-log .msg.agent')?.textContent", timeout=60, what="the agent's reply"
    )
    assert "2" in reply or "Cargas" in reply or "Fretes" in reply, reply
    assert browser.evaluate("document.querySelector('#chat-log .msg.user').textContent").startswith("Summarise")
