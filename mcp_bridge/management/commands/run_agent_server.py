"""`python manage.py run_agent_server [--host H] [--port P] [--token T]`: serve the bundled agent server over
streamable HTTP (MCP at /mcp, bearer token). Defaults come from the agent server's environment
(AGENT_SERVER_HOST, AGENT_SERVER_PORT) and, for the token, the AGENT_SERVER_TOKEN setting (the bridge sends it)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_bridge.agent_server import run


class Command(BaseCommand):
    help = "Run the MCP agent server (streamable HTTP at /mcp with a bearer token)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None, help="Bind address (default AGENT_SERVER_HOST or 127.0.0.1).")
        parser.add_argument("--port", type=int, default=None, help="Port (default AGENT_SERVER_PORT or 8765).")
        parser.add_argument("--token", default=None,
                            help="Bearer token clients must send (default: the AGENT_SERVER_TOKEN setting).")

    def handle(self, *args: Any, host: str | None, port: int | None, token: str | None, **options: Any) -> None:
        if port is not None and not 1 <= port <= 65535:  # mcp_bridge imports no project package: checked here
            raise CommandError(f"--port {port} is not a port number (1-65535).")
        if token is None:
            token = settings.AGENT_SERVER_TOKEN or None
        if token is None:
            self.stderr.write(self.style.WARNING("No token set: the agent server accepts unauthenticated calls."))
        run(host, port, token)
