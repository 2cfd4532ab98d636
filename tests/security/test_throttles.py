"""Per-user throttles on writes and expensive reads (issue 13): 429 with Retry-After and one plain sentence."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def _assert_throttled(response) -> None:
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert seconds >= 1
    assert response.json()["detail"] == f"Too many requests. Try again in {seconds} seconds."


def test_writes_are_throttled_per_user(api, other_api, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "writes", "2/m")
    for n in range(2):
        assert api.post("/api/leads", {"company_name": f"Acme {n}"}).status_code == 201
    _assert_throttled(api.post("/api/leads", {"company_name": "Acme 3"}))
    _assert_throttled(api.post("/api/v1/leads", {"company_name": "Acme 4"}))
    # Reads go on, and another user writes as usual.
    assert api.get("/api/leads").status_code == 200
    assert other_api.post("/api/leads", {"company_name": "Other"}).status_code == 201


@pytest.mark.parametrize(
    "url", ["/api/leads/export", "/api/leads/by-stage", "/api/v1/leads", "/api/v1/leads/by-stage"]
)
def test_expensive_reads_are_throttled_per_user(api, other_api, monkeypatch, url):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "expensive", "1/m")
    assert api.get(url).status_code == 200
    response = api.get(url)
    _assert_throttled(response)
    if url.startswith("/api/v1/"):
        assert response.json()["statusCode"] == 429
    assert other_api.get(url).status_code == 200


def test_cheap_reads_are_not_throttled(api, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "expensive", "1/m")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "writes", "1/m")
    for _ in range(3):
        assert api.get("/api/leads").status_code == 200
