"""Website enrichment against a local fixture site on loopback (ENRICHMENT_ALLOW_PRIVATE_ADDRESSES on)."""

import http.server
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from enrichment import website
from enrichment.services import SECTION, enrich_many
from pipeline import runner, services
from tests.broker import on_stage_send
from tests.factories import BusinessContextFactory, LeadFactory

SITE = Path(__file__).parent / "site"
ROUTES = {"/": "index.html", "/sobre": "sobre.html", "/contato": "contato.html", "/trabalhe-conosco": "trabalhe.html"}


class FixtureSite(http.server.BaseHTTPRequestHandler):
    robots = "User-agent: *\nDisallow: /privado/\n"
    robots_status = 200
    requests: list = []
    big = False

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests.append(self.path)
        path = self.path.rstrip("/") or "/"
        if path == "/robots.txt":
            return self._send(self.robots_status, self.robots.encode(), "text/plain")
        if path == "/old-home":
            self.send_response(301)
            self.send_header("Location", "/")
            self.end_headers()
            return None
        if path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return None
        if path == "/file.pdf":
            return self._send(200, b"%PDF-1.4", "application/pdf")
        if path == "/big":
            return self._send(200, b"<html><body>" + b"a" * 3_000_000 + b"</body></html>", "text/html")
        if path in ROUTES:
            return self._send(200, (SITE / ROUTES[path]).read_bytes(), "text/html; charset=utf-8")
        return self._send(404, b"not found", "text/plain")

    def _send(self, code, body, kind):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(settings):
    settings.ENRICHMENT_ENABLED = True
    settings.ENRICHMENT_ALLOW_PRIVATE_ADDRESSES = True
    settings.ENRICHMENT_MAX_BYTES = 200_000
    FixtureSite.requests = []
    FixtureSite.robots = "User-agent: *\nDisallow: /privado/\n"
    FixtureSite.robots_status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FixtureSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cache.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_home_and_the_pages_that_matter(site):
    visit = website.visit(site)
    assert visit.status == "ok" and visit.error == ""
    urls = [page.url for page in visit.pages]
    assert urls == [site, f"{site}/sobre", f"{site}/contato", f"{site}/trabalhe-conosco"]  # no blog, no other site
    assert "/privado/contato" not in FixtureSite.requests  # robots.txt
    assert "frota própria de 80 caminhões" in visit.text and "cargas fracionadas" in visit.text
    assert "comercial@transportescerrado.com.br" in visit.text and "11.222.333/0001-81" in visit.text
    assert "nao deve aparecer" not in visit.text and "color: red" not in visit.text
    assert visit.pages[0].title == "Transportes Cerrado | Logística em Goiás"


def test_robots_txt_can_forbid_the_whole_site(site):
    FixtureSite.robots = "User-agent: *\nDisallow: /\n"
    visit = website.visit(site)
    assert visit.status == "blocked" and "robots.txt" in visit.error
    assert FixtureSite.requests == ["/robots.txt"]


@pytest.mark.parametrize("status", [401, 403])
def test_a_robots_txt_behind_a_login_forbids_the_whole_site(site, status):
    FixtureSite.robots_status = status  # as Python's RobotFileParser.read() reads it
    visit = website.visit(site)
    assert visit.status == "blocked" and "robots.txt" in visit.error
    assert FixtureSite.requests == ["/robots.txt"]


def test_loopback_and_private_addresses_are_refused_by_default(site, settings):
    settings.ENRICHMENT_ALLOW_PRIVATE_ADDRESSES = False
    visit = website.visit(site)
    assert visit.status == "blocked" and "non-public address" in visit.error
    assert FixtureSite.requests == []
    for url in ("http://10.0.0.5", "http://169.254.169.254", "http://[::1]:8080", "http://100.64.1.1"):
        with pytest.raises(website.BlockedError):
            website.resolve(url)


def test_a_redirect_is_checked_like_the_first_request(site, settings):
    assert website.visit(f"{site}/old-home").pages[0].url == f"{site}/"
    settings.ENRICHMENT_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(website.BlockedError):
        website.resolve("http://169.254.169.254/latest/meta-data/")


@pytest.mark.parametrize("url", ["ftp://example.com", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https(url):
    with pytest.raises(website.BlockedError):
        website.resolve(url)


def test_a_site_that_is_down_is_a_recorded_fact(site):
    port = int(site.rsplit(":", 1)[1])
    visit = website.visit(f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}")
    assert visit.status == "unreachable" and visit.error and visit.text == ""
    assert website.visit(f"{site}/file.pdf").status == "not_html"


def test_pages_are_capped(site):
    visit = website.visit(f"{site}/big")
    assert visit.status == "ok" and visit.pages[0].chars <= 200_000


def test_visits_are_cached_per_site(site):
    first = website.fetch_site(site)
    count = len(FixtureSite.requests)
    again = website.fetch_site(site)
    assert len(FixtureSite.requests) == count and again.text == first.text and again.pages == first.pages


def _run_intake(lead, capture, monkeypatch):
    """Queue `lead` and run its intake stage here, alone (the real pipeline and in-process agent server)."""
    BusinessContextFactory(owner=lead.owner)
    on_stage_send(monkeypatch, lambda *args: None)
    with capture(execute=True):
        services.enqueue_processing(lead=lead)
    lead.refresh_from_db()
    with override_settings(PIPELINE_STAGES_PER_TASK=1):
        assert runner.run_stage(lead_id=lead.pk, stage="intake", run_token=services.run_token_for(lead)) == "done"
    lead.refresh_from_db()


def test_intake_reads_the_site(site, user, django_capture_on_commit_callbacks, monkeypatch):
    lead = LeadFactory(owner=user, website=site, source_text="Lead importado.", contact_email="")
    _run_intake(lead, django_capture_on_commit_callbacks, monkeypatch)
    assert lead.source_text.startswith("Lead importado." + SECTION)
    assert "cargas fracionadas" in lead.source_text
    assert lead.enrichment_data["website"]["status"] == "ok" and len(lead.enrichment_data["website"]["pages"]) == 4
    assert "comercial@transportescerrado.com.br" in lead.enrichment_data["emails"]
    assert lead.contact_email == "comercial@transportescerrado.com.br"
    # Again (a restart): the site's section is replaced, not appended twice.
    enrich_many([lead])
    assert lead.source_text.count(SECTION) == 1


def test_a_down_site_does_not_fail_the_lead(settings, user, django_capture_on_commit_callbacks, monkeypatch):
    settings.ENRICHMENT_ENABLED = True
    cache.clear()
    lead = LeadFactory(owner=user, website="https://nao-existe.invalid")
    _run_intake(lead, django_capture_on_commit_callbacks, monkeypatch)
    assert lead.enrichment_data["website"]["status"] == "unreachable" and lead.processing_stage == "analysis"
