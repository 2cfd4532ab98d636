"""`python -m mcp_bridge.agent_server [--host H] [--port P] [--token T] [--stdio]`."""

from __future__ import annotations

import argparse
from dataclasses import replace

from .app import run
from .config import Settings
from .server import build_server


def main(argv: list[str] | None = None) -> None:
    env = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.agent_server", description=__doc__)
    parser.add_argument("--host", default=env.host, help="bind address (AGENT_SERVER_HOST)")
    parser.add_argument("--port", type=int, default=env.port, help="port (AGENT_SERVER_PORT)")
    parser.add_argument("--token", default=None, help="bearer token (default: AGENT_SERVER_TOKEN)")
    parser.add_argument("--stdio", action="store_true", help="serve MCP over stdin/stdout instead of HTTP")
    args = parser.parse_args(argv)
    if args.stdio:
        build_server(env).run("stdio")
    else:
        run(args.host, args.port, args.token, settings=replace(env))


if __name__ == "__main__":
    main()
