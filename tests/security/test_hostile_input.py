"""Hostile and malformed input answers a 4xx with the presentation's error body, never a 500 (issue 13)."""

import json

import pytest

pytestmark = pytest.mark.django_db

V1_KEYS = {"statusCode", "message", "error", "timestamp", "path", "detail", "code"}


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _assert_api_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert {"detail", "code"} <= set(body)
    return body


def _assert_v1_error(response, status: int) -> dict:
    body = _assert_api_error(response, status)
    assert set(body) >= V1_KEYS
    assert body["statusCode"] == status
    return body


@pytest.mark.parametrize("url", ["/api/auth/login", "/api/v1/auth/login"])
def test_login_with_a_lone_surrogate_is_400(client, url):
    response = client.post(url, '{"email": "a\\ud800@x.com", "password": "x"}', content_type="application/json")
    body = _assert_api_error(response, 400)
    assert body["code"] == "parse_error"


@pytest.mark.parametrize("url", ["/api/leads", "/api/leads/import", "/api/v1/leads", "/api/business-context"])
def test_deep_json_is_400(api, url):
    method = api.put if url == "/api/business-context" else api.post
    response = method(url, _deep(10_000), content_type="application/json")
    _assert_api_error(response, 400)


def test_json_nested_past_the_depth_limit_is_400_even_under_the_recursion_limit(api):
    nested: dict = {"company_name": "Acme"}
    cursor = nested
    for _ in range(100):
        cursor["enrichment_data"] = {}
        cursor = cursor["enrichment_data"]
    response = api.post("/api/leads", json.dumps(nested), content_type="application/json")
    assert _assert_api_error(response, 400)["code"] == "parse_error"


@pytest.mark.parametrize("url", ["/api/leads", "/api/v1/leads"])
def test_nul_character_in_a_json_string_is_400(api, url):
    response = api.post(url, '{"company_name": "Acme\\u0000"}', content_type="application/json")
    _assert_api_error(response, 400)


def test_nan_is_not_json(api):
    response = api.post("/api/leads", '{"company_name": "Acme", "relevance_score": NaN}', content_type="application/json")
    assert _assert_api_error(response, 400)["code"] == "parse_error"


@pytest.mark.parametrize("url", ["/api/leads", "/api/v1/leads"])
def test_body_over_the_upload_limit_is_413(api, settings, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api.post(url, json.dumps({"company_name": "x" * 2048}), content_type="application/json")
    body = _assert_api_error(response, 413)
    assert body["code"] == "payload_too_large"
    if url.startswith("/api/v1/"):
        _assert_v1_error(response, 413)


def test_thirty_megabyte_json_body_is_413(api):
    payload = json.dumps({"company_name": "Acme", "description": "x" * (30 * 1024 * 1024)})
    _assert_api_error(api.post("/api/leads", payload, content_type="application/json"), 413)


@pytest.mark.parametrize("url", ["/api/leads", "/api/v1/leads"])
def test_form_body_with_too_many_fields_is_4xx_not_500(api, url):
    body = "&".join(f"f{n}=1" for n in range(1001))
    response = api.post(url, body, content_type="application/x-www-form-urlencoded")
    # Form bodies are not accepted (JSON only): 415, never a TooManyFieldsSent 500.
    _assert_api_error(response, 415)


@pytest.mark.parametrize("url", ["/api/leads", "/api/v1/leads"])
def test_query_with_too_many_fields_is_400(api, url):
    response = api.get(url + "?" + "&".join(f"f{n}=1" for n in range(1001)))
    _assert_api_error(response, 400)


def test_out_of_range_offset_is_400(api):
    response = api.get("/api/v1/leads?offset=99999999999999999999")
    body = _assert_v1_error(response, 400)
    assert "offset" in body["fields"]


def test_out_of_range_page_is_404_not_500(api):
    response = api.get("/api/leads?page=99999999999999999999")
    _assert_api_error(response, 404)


@pytest.mark.parametrize("url", ["/api/leads?search=%00", "/api/v1/leads?search=%00", "/api/leads/export?search=%00"])
def test_nul_in_the_query_string_is_400(api, url):
    body = _assert_api_error(api.get(url), 400)
    assert body["code"] == "invalid_query"


def test_out_of_range_integer_in_a_body_is_400(api):
    response = api.post(
        "/api/leads", json.dumps({"company_name": "Acme", "annual_revenue": 10**30}), content_type="application/json"
    )
    _assert_api_error(response, 400)


@pytest.mark.parametrize("url", ["/api/leads/import", "/api/chat/attachments"])
def test_empty_multipart_body_is_400_with_the_contract_body(api, url):
    response = api.post(url, b"", content_type="multipart/form-data; boundary=xyz")
    _assert_api_error(response, 400)


def test_multipart_without_boundary_is_400(api):
    response = api.post("/api/leads/import", b"--x--", content_type="multipart/form-data")
    _assert_api_error(response, 400)


# --- text lengths -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "method"), [("/api/leads", "post"), ("/api/v1/leads", "post")])
def test_a_huge_description_is_rejected(api, url, method):
    response = getattr(api, method)(url, {"company_name": "Acme", "description": "x" * 10_001}, format="json")
    body = _assert_api_error(response, 400)
    assert "description" in body["fields"]


def test_a_huge_source_text_is_rejected(api):
    response = api.post("/api/leads", {"company_name": "Acme", "source_text": "x" * 20_001}, format="json")
    assert "source_text" in _assert_api_error(response, 400)["fields"]


def test_import_rejects_the_row_with_a_huge_description(api):
    rows = [{"company_name": "Acme", "description": "x" * 10_001}, {"company_name": "Beta"}]
    report = api.post("/api/leads/import", rows, format="json").json()
    assert report["created"] == 1
    assert report["errors"][0]["row"] == 1
    assert "description" in report["errors"][0]["fields"]


@pytest.mark.parametrize(
    "query",
    [
        "created_after=3099-02-01T04:59:40%2B22:28",
        "created_before=9999-12-31T23:00:00-05:00",
        "created_after=0001-01-01T00:30:00%2B01:00",
        "relevance_score_min=1e400",
        "roi_potential_score_max=-1e400",
        "brazilian_market_fit_min=NaN",
        "relevance_score_max=Infinity",
    ],
)
def test_filter_values_the_database_cannot_hold_are_400_or_harmless(api, query):
    response = api.get(f"/api/leads?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    assert api.get("/api/leads").status_code == 200  # the connection is still usable
