"""`python manage.py run_agent_server [--host --port --token]` hands its options to the agent server's run()."""

from django.core.management import call_command

from mcp_bridge.management.commands import run_agent_server


def test_options_are_passed_to_run(monkeypatch):
    calls = []
    monkeypatch.setattr(run_agent_server, "run", lambda host, port, token: calls.append((host, port, token)))
    call_command("run_agent_server", "--host", "0.0.0.0", "--port", "9100", "--token", "s3cret")
    assert calls == [("0.0.0.0", 9100, "s3cret")]


def test_token_falls_back_to_mcp_server_token(monkeypatch, settings):
    calls = []
    monkeypatch.delenv("AGENT_SERVER_TOKEN", raising=False)
    settings.MCP_SERVER_TOKEN = "shared-token"
    monkeypatch.setattr(run_agent_server, "run", lambda host, port, token: calls.append((host, port, token)))
    call_command("run_agent_server")
    assert calls == [(None, None, "shared-token")]
