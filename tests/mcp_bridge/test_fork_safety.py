"""Celery prefork: a forked child never reuses the parent's loop thread or session; it opens its own."""

import json
import os

from mcp_bridge import client
from tests.mcp_bridge.conftest import LEAD


def test_child_after_fork_opens_its_own_session(settings):
    settings.MCP_SERVER_URL = ""
    parent_bridge = client.get_bridge()
    parent_bridge.call_tool("intake_lead", LEAD)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report, then leave without running pytest's teardown
        try:
            fresh = client._bridge is None
            emails = client.call_tool("intake_lead", LEAD)["enrichment_data"]["emails"]
            other = client.get_bridge() is not parent_bridge
            os.write(write_end, json.dumps({"fresh": fresh, "emails": emails, "other": other}).encode())
        except BaseException as exc:
            os.write(write_end, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    report = json.loads(os.read(read_end, 65536) or b"{}")
    os.close(read_end)
    assert report == {"fresh": True, "emails": ["comercial@translog.com.br"], "other": True}
    assert parent_bridge.call_tool("intake_lead", LEAD)  # the parent's session still works
