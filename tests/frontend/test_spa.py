"""FRONTEND.md §13: FRONTEND_DIST_DIR serves the built app next to the API."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dist(tmp_path, settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "index.html").write_text("<html>app</html>")
    (tmp_path / "favicon.ico").write_bytes(b"\x00")
    settings.FRONTEND_DIST_DIR = str(tmp_path)
    return tmp_path


def test_unset_serves_nothing(client, settings):
    settings.FRONTEND_DIST_DIR = ""
    assert client.get("/").status_code == 404
    assert client.get("/dashboard").status_code == 404


def test_assets_and_index_fallback(client, dist):
    asset = client.get("/assets/index-abc.js")
    assert asset.status_code == 200 and b"console.log" in b"".join(asset.streaming_content)
    assert client.get("/assets/missing.js").status_code == 404
    for path in ("/", "/login", "/leads/123"):
        response = client.get(path)
        assert response.status_code == 200 and b"app" in b"".join(response.streaming_content)
    assert client.get("/favicon.ico").status_code == 200
    assert client.get("/api/v1/nothing").json()["statusCode"] == 404
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/admin/").status_code in (200, 302)
    assert client.get("/../etc/passwd").status_code in (200, 404)  # never a file outside dist
