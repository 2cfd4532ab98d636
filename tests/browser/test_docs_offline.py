"""Swagger UI and ReDoc render in headless Chromium with no request leaving the machine (issue 10: ReDoc loaded
Google Fonts and a logo from cdn.redoc.ly)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/api/docs/", "document.querySelectorAll('.swagger-ui .opblock').length > 20"),
        ("/api/redoc/", "document.querySelectorAll('[data-section-id^=\"operation/\"]').length > 20"),
    ],
)
def test_docs_page_renders_with_nothing_from_the_internet(live_server, offline_browser, path, rendered):
    offline_browser.navigate(f"{live_server.url}{path}")
    offline_browser.wait_for(rendered, timeout=60, what=f"{path} to render the operations")
    offline_browser.evaluate("new Promise((done) => setTimeout(done, 1000))")  # late images and fonts
    assert offline_browser.offsite == []
    assert offline_browser.evaluate("document.title") == "Nellia Prospector API"
