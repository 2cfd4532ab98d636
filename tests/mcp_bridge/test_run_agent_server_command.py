"""`python manage.py run_agent_server [--host --port --token]` hands its options to the agent server's run()."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from mcp_bridge.errors import AgentServerUnavailable
from mcp_bridge.management.commands import run_agent_server
from tests.mcp_bridge.conftest import LEAD, TOKEN, free_port


def test_options_are_passed_to_run(monkeypatch):
    calls = []
    monkeypatch.setattr(run_agent_server, "run", lambda host, port, token: calls.append((host, port, token)))
    call_command("run_agent_server", "--host", "0.0.0.0", "--port", "9100", "--token", "s3cret")
    assert calls == [("0.0.0.0", 9100, "s3cret")]


def test_token_defaults_to_the_agent_server_token_setting(monkeypatch, settings):
    calls = []
    settings.AGENT_SERVER_TOKEN = "shared-token"
    monkeypatch.setattr(run_agent_server, "run", lambda host, port, token: calls.append((host, port, token)))
    call_command("run_agent_server")
    assert calls == [(None, None, "shared-token")]


def test_mcp_server_token_is_the_former_name_of_the_one_token():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nellia.settings", "MCP_SERVER_TOKEN": "old-name"}
    env.pop("AGENT_SERVER_TOKEN", None)
    script = "import django; django.setup(); from django.conf import settings; print(settings.AGENT_SERVER_TOKEN)"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "old-name", done.stderr[-1000:]


def test_several_worker_processes_serve_the_token_and_the_tools(make_bridge, tmp_path):
    """AGENT_SERVER_WORKERS=2: uvicorn's worker processes build the app from the environment, with the command
    line's host, port and token."""
    port = free_port()
    env = {**os.environ, "AGENT_SERVER_WORKERS": "2"}
    env.pop("AGENT_SERVER_TOKEN", None)
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen([sys.executable, "manage.py", "run_agent_server", "--port", str(port), "--token", TOKEN],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while (text := Path(log.name).read_text()).count("Application startup complete") < 2:
            assert server.poll() is None and time.monotonic() < deadline, text[-2000:]
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/mcp"
        assert 0 <= make_bridge(url=url, token=TOKEN).call_tool("analyze_lead", LEAD)["overall_score"] <= 1
        with pytest.raises(AgentServerUnavailable, match="refused the bearer token"):
            make_bridge(url=url, token="wrong", max_retries=0).call_tool("intake_lead", LEAD)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(set(re.findall(r"Started server process \[(\d+)\]", Path(log.name).read_text()))) == 2
