"""Headless Chromium (Debian's package) driven over the Chrome DevTools Protocol; nothing is downloaded.

`Browser` starts `chromium --headless --remote-debugging-port=0`, reads the port it picked, and opens a CDP
session on the first page target with simple-websocket (already installed as a python-socketio dependency).
`keep_on_machine()` intercepts every request the page makes (CDP Fetch): loopback ones go on, any other is
recorded in `offsite` and failed, so a test can assert that nothing would have left the machine.
"""

import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import simple_websocket

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def chromium_path() -> str:
    """The Chromium binary; skip without it, fail if REQUIRE_REAL_SERVICES is set."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    if os.environ.get("REQUIRE_REAL_SERVICES"):
        pytest.fail("REQUIRE_REAL_SERVICES is set but Chromium is not installed (apt-get install chromium)")
    pytest.skip("needs Chromium (apt-get install chromium)")


class Browser:
    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="nellia-chromium-"))
        self.process: subprocess.Popen | None = None
        self.ws: simple_websocket.Client | None = None
        self._ids = itertools.count(1)
        self.offsite: list[str] = []

    def __enter__(self) -> "Browser":
        binary = chromium_path()
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            port = self._devtools_port()
            deadline = time.monotonic() + 20
            while True:
                pages = [t for t in httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json() if t["type"] == "page"]
                if pages or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert pages, "Chromium opened no page"
            self.ws = simple_websocket.Client.connect(pages[0]["webSocketDebuggerUrl"], max_message_size=None)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _devtools_port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Chromium exited with {self.process.returncode}")
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            time.sleep(0.1)
        pytest.fail("Chromium did not open its DevTools port")

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
            self.ws = None
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    # ---- CDP -------------------------------------------------------------------------------------------
    def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 20) -> dict[str, Any]:
        message_id = next(self._ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = self.ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            if raw is None:
                continue
            reply = json.loads(raw)
            if reply.get("method") == "Fetch.requestPaused":
                self._pass_or_block(reply["params"])
            elif reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
        raise TimeoutError(f"no CDP reply to {method}")

    def keep_on_machine(self) -> None:
        """From now on, requests to anything but loopback are recorded in `offsite` and failed."""
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})

    def _pass_or_block(self, paused: dict[str, Any]) -> None:
        url = paused["request"]["url"]
        if urlsplit(url).hostname in LOOPBACK:
            self._send("Fetch.continueRequest", {"requestId": paused["requestId"]})
        else:
            self.offsite.append(url)
            self._send("Fetch.failRequest", {"requestId": paused["requestId"], "errorReason": "BlockedByClient"})

    def _send(self, method: str, params: dict[str, Any]) -> None:
        self.ws.send(json.dumps({"id": next(self._ids), "method": method, "params": params}))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} raised: {result['exceptionDetails']}")
        return result["result"].get("value")

    def navigate(self, url: str) -> None:
        self.call("Page.enable")
        # Mark the current document: until the new one replaces it, the old one may still read 'complete'.
        self.evaluate("window.__leaving = true")
        self.call("Page.navigate", {"url": url})
        self.wait_for("!window.__leaving && document.readyState === 'complete' && location.href !== 'about:blank'",
                      what=f"{url} to load")

    def set_cookie(self, *, url: str, name: str, value: str) -> None:
        self.call("Network.enable")
        assert self.call("Network.setCookie", {"url": url, "name": name, "value": value, "path": "/"}).get("success", True)

    def wait_for(self, expression: str, *, timeout: float = 30, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what or expression}")
            time.sleep(0.1)
