"""`python manage.py run_agent_server [--host --port --token]` hands its options to the agent server's run()."""

import os
import subprocess
import sys

from django.core.management import call_command

from mcp_bridge.management.commands import run_agent_server


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
