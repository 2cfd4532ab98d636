"""Django's processes (web, real-time service) import the agent server's contract, not the MCP SDK it serves with."""

import subprocess
import sys

from mcp_bridge import agent_server


def test_django_setup_does_not_load_the_mcp_sdk():
    probe = ("import sys, django; django.setup(); "
             "print(sorted(name for name in ('mcp', 'uvicorn', 'starlette') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_packages_names_load_on_first_use():
    assert agent_server.build_server().name == "nellia-agents"
    assert set(agent_server.__all__) <= set(dir(agent_server)) | set(agent_server._WHERE)
