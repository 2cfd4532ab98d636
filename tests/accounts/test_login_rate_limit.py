import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/auth/login"


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.LOGIN_RATE_LIMIT = "3/m"


def _attempt(client, email, password="wrong", ip="10.0.0.1"):
    return client.post(URL, {"email": email, "password": password}, content_type="application/json", REMOTE_ADDR=ip)


def test_brute_force_on_one_email_is_throttled_with_retry_after(client):
    UserFactory(email="ana@example.com.br")
    statuses = [_attempt(client, "ana@example.com.br", ip=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 401]
    # A fourth attempt from yet another IP: the per-email limit applies.
    response = _attempt(client, "ANA@example.com.br", password="s3cret-pass", ip="10.0.0.99")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["code"] == "throttled"
    assert set(body) == {"detail", "code"}


def test_brute_force_from_one_ip_is_throttled(client):
    for n in range(3):
        assert _attempt(client, f"someone{n}@example.com.br").status_code == 401
    response = _attempt(client, "another@example.com.br")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_other_ips_and_emails_are_not_affected(client):
    UserFactory(email="ana@example.com.br")
    for n in range(4):
        _attempt(client, f"someone{n}@example.com.br")
    assert _attempt(client, "ana@example.com.br", password="s3cret-pass", ip="10.9.9.9").status_code == 200


def test_ratelimited_view_answers_json_429(rf):
    from accounts.views import ratelimited

    response = ratelimited(rf.get("/api/auth/login"), Exception())
    assert response.status_code == 429
    assert response["Retry-After"]
