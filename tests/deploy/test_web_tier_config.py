"""docker-compose's web tier (issue 14) without Docker: the compose file's services agree with each other, with
gunicorn.conf.py and with the proxy configuration, which nginx accepts (`nginx -t`) when it is installed.
tests/e2e/test_web_tier_e2e.py runs the same topology as processes."""

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.e2e.harness import ROOT, write_proxy_config

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
TEMPLATE = (ROOT / "deploy" / "nginx.conf.template").read_text()


def _port(address: str) -> str:
    return address.rsplit(":", 1)[1]


def test_proxy_routes_sockets_to_realtime_and_the_rest_to_the_http_workers():
    proxy = SERVICES["proxy"]
    env = proxy["environment"]
    assert set(re.findall(r"\$\{(\w+)\}", TEMPLATE)) == set(env)  # every placeholder is provided
    host, port = env["NELLIA_HTTP_UPSTREAM"].split(":")
    assert host == "web" and port in SERVICES["web"]["expose"]
    host, port = env["NELLIA_REALTIME_UPSTREAM"].split(":")
    assert host == "realtime" and port in SERVICES["realtime"]["expose"]
    assert f"-p {port} " in " ".join(SERVICES["realtime"]["command"]) + " "
    assert "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    assert [mapping.split(":")[-1] for mapping in proxy["ports"]] == [env["NELLIA_PROXY_PORT"]]
    assert set(proxy["depends_on"]) == {"web", "realtime"}
    assert not SERVICES["web"].get("ports") and not SERVICES["realtime"].get("ports")  # reached through the proxy only
    locations = re.findall(r"location (.+?) \{.*?proxy_pass http://(\w+);", TEMPLATE, re.S)
    assert locations == [(r"~ ^/(ws|socket\.io)/", "nellia_realtime"), ("/", "nellia_http")]


def test_http_workers_are_gunicorn_with_uvicorn_workers_sized_by_web_concurrency(monkeypatch):
    web = SERVICES["web"]
    assert web["command"] == ["gunicorn", "nellia.asgi:application"]  # gunicorn.conf.py in the working directory
    assert web["environment"]["WEB_CONCURRENCY"] == "${WEB_CONCURRENCY:-4}"
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 3 and settings["worker_class"] == "uvicorn_worker.UvicornWorker"
    assert _port(settings["bind"]) in web["expose"]
    assert "--proxy-headers" in SERVICES["realtime"]["command"]


def test_every_app_service_shares_the_real_mode_environment():
    for name in ("web", "realtime", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["REDIS_URL"] and env["DATABASE_URL"], name  # Redis channel layer and Socket.IO Redis manager


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed")
def test_nginx_accepts_the_proxy_configuration(tmp_path):
    config = write_proxy_config(tmp_path / "nginx", http="127.0.0.1:9", realtime=["127.0.0.1:9"], listen="127.0.0.1:9")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-p", str(config.parent), "-c", str(config), "-e", str(tmp_path / "e.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
