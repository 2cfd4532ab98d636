import pytest
from django.test import Client

from tests.browser.cdp import Browser


@pytest.fixture
def offline_browser():
    """Headless Chromium that fails (and records in `offsite`) any request not to loopback."""
    with Browser() as running:
        running.keep_on_machine()
        yield running


def log_in(browser: Browser, base_url: str, user) -> None:
    """Give `browser` a Django session of `user` on `base_url`."""
    client = Client()
    client.force_login(user)
    browser.set_cookie(url=base_url, name="sessionid", value=client.cookies["sessionid"].value)
