"""The one MCP client of the project: every caller reaches the agent server through `call_tool()`, or
`call_tools()` for a batch of stage calls (one `run_stage_batch` call when the server has that tool).

Real mode (`settings.MCP_SERVER_URL` set): streamable HTTP with `Authorization: Bearer AGENT_SERVER_TOKEN`.
Embedded default (empty URL): the bundled agent server (`mcp_bridge.agent_server.build_server()`) in process,
through the SDK's in-process transport.

One MCP session is kept open per process (LIMITS.md: a session per call costs 5x the pipeline throughput). A
daemon thread runs an asyncio loop; one "owner" task enters the SDK `Client` and keeps it open, so the anyio
task groups of the transport are entered and left by the same task; calls run as tasks on that loop and share
the session. A broken session is dropped and reopened on the next call. After `fork()` (Celery prefork) the
child starts with no bridge, and opens its own session on first use.

Errors: transient failures (connection refused, timeouts, HTTP 5xx, a closed session) are retried
`MCP_MAX_RETRIES` times with exponential backoff (`MCP_RETRY_BACKOFF * 2**n` seconds), then raise
`AgentServerUnavailable`; permanent ones (the tool's `isError`, schema violations, unknown tool) raise
`AgentToolError` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings

from mcp_bridge.agent_server.models import STAGE_BATCH_MAX, STAGE_BATCH_TOOL
from mcp_bridge.errors import AgentBridgeError, AgentServerUnavailable, AgentToolError

logger = logging.getLogger(__name__)

# JSON-RPC codes (mcp_types.jsonrpc): the transport reports these for a dead connection or a slow server.
_CONNECTION_CLOSED = -32000
_REQUEST_TIMEOUT = -32001
_INTERNAL_ERROR = -32603  # also how the HTTP transport reports a non-JSON 4xx/5xx response
_TRANSIENT_CODES = {_CONNECTION_CLOSED, _REQUEST_TIMEOUT, _INTERNAL_ERROR}
_CONNECT_TIMEOUT = 10.0


class _TransientError(Exception):
    """Internal: a failure worth retrying on a fresh session."""


class _UnauthorizedError(Exception):
    """Internal: the server refused our bearer token; retrying cannot help."""


def _describe(exc: BaseException) -> str:
    """A short readable reason for an exception (unwrapping anyio's exception groups)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ConnectionRefusedError) or "connection attempts failed" in text.lower():
        return "connection refused"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timed out"
    return text


class AgentBridge:
    """A kept-open MCP session to one agent server, usable from any thread of this process."""

    def __init__(
        self,
        *,
        url: str = "",
        token: str = "",
        call_timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        server_factory: Callable[[], Any] | None = None,
    ):
        self.url = url
        self.token = token
        self.call_timeout = call_timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self._server_factory = server_factory
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # Owned by the loop thread:
        self._client: Any = None
        self._connecting: asyncio.Future | None = None
        self._stop_session: asyncio.Event | None = None
        self._owner_task: asyncio.Task | None = None
        self._last_http_status: int | None = None
        self._batch_tool: bool | None = None  # the server lists run_stage_batch (None: not asked this session)
        self._closed = False

    @property
    def target(self) -> str:
        return self.url or "embedded agent server"

    # ---- public API (any thread) -----------------------------------------------------------------------------

    def call_tool(self, tool: str, arguments: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
        """Call `tool` and return its structured output, retrying transient failures with backoff."""
        timeout = self.call_timeout if timeout is None else timeout
        attempts = self.max_retries + 1
        last_reason = ""
        for attempt in range(1, attempts + 1):
            try:
                return self._run(self._call_tool(tool, arguments, timeout), timeout + _CONNECT_TIMEOUT + 5)
            except _TransientError as exc:
                last_reason = str(exc)
                if attempt < attempts:
                    delay = self.backoff * (2 ** (attempt - 1))
                    logger.warning(
                        "Agent server call %s failed (%s); retry %d/%d in %.2fs",
                        tool, last_reason, attempt, self.max_retries, delay,
                    )
                    time.sleep(delay)
            except _UnauthorizedError as exc:
                raise AgentServerUnavailable(str(exc), attempts=attempt) from None
        raise AgentServerUnavailable(
            f"Agent server unreachable ({self.target}): {last_reason} after {attempts} attempts", attempts=attempts
        )

    def call_tools(self, calls: Sequence[tuple[str, dict[str, Any]]], *, timeout: float | None = None
                   ) -> list[dict[str, Any] | AgentBridgeError]:
        """Several stage calls: each one's structured output, or the bridge error it ended in, in order. In one
        `run_stage_batch` call when the server has that tool (its per-call cost paid once), else side by side."""
        if len(calls) > STAGE_BATCH_MAX:
            return [outcome for start in range(0, len(calls), STAGE_BATCH_MAX)
                    for outcome in self.call_tools(calls[start:start + STAGE_BATCH_MAX], timeout=timeout)]
        if len(calls) > 1 and self._has_batch_tool():
            batch = {"calls": [{"tool": tool, "arguments": arguments} for tool, arguments in calls]}
            try:
                output = self.call_tool(STAGE_BATCH_TOOL, batch, timeout=timeout)
            except AgentServerUnavailable as exc:
                return [exc] * len(calls)
            except AgentToolError as exc:  # e.g. a server swapped for one without the tool: ask it one by one
                logger.warning("Batch of %d stage calls refused (%s); calling one by one", len(calls), exc)
                self._batch_tool = None
            else:
                return _batch_outcomes(calls, output)
        if len(calls) == 1:
            return [self._outcome(calls[0], timeout)]
        with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="mcp-call") as pool:
            return list(pool.map(lambda call: self._outcome(call, timeout), calls))

    def _outcome(self, call: tuple[str, dict[str, Any]], timeout: float | None) -> dict[str, Any] | AgentBridgeError:
        try:
            return self.call_tool(*call, timeout=timeout)
        except AgentBridgeError as exc:
            return exc

    def _has_batch_tool(self) -> bool:
        """Whether the server lists `run_stage_batch` (asked once per session; not known while it is unreachable)."""
        if self._batch_tool is None:
            try:
                self._batch_tool = STAGE_BATCH_TOOL in self.list_tools()
            except AgentServerUnavailable:
                return False
        return self._batch_tool

    def list_tools(self, *, timeout: float = 5.0) -> list[str]:
        """Names of the server's tools (one attempt; used by the health check)."""
        try:
            return self._run(self._list_tools(timeout), timeout + _CONNECT_TIMEOUT + 5)
        except (_TransientError, _UnauthorizedError) as exc:
            raise AgentServerUnavailable(f"Agent server unreachable ({self.target}): {exc}") from None

    def close(self) -> None:
        """Close the session and stop the loop thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
            self._closed = True
        if loop is None or os.getpid() != self._pid:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._drop_session(wait=3.0), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    # ---- loop thread -----------------------------------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise RuntimeError("AgentBridge is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()
                    with contextlib.suppress(Exception):
                        loop.run_until_complete(loop.shutdown_asyncgens())
                    loop.close()

                self._thread = threading.Thread(target=run, name="mcp-bridge", daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    def _run(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise _TransientError("timed out") from None

    # ---- session (runs on the loop) --------------------------------------------------------------------------

    def _make_client(self) -> tuple[Any, Any]:
        """The SDK client and, in the real mode, the HTTP client it rides on (entered by the owner task)."""
        from mcp import Client

        if not self.url:
            if self._server_factory is not None:
                return Client(self._server_factory(), cache=None), None
            from mcp_bridge.agent_server import build_server

            return Client(build_server(), cache=None), None

        import httpx2
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        async def remember_status(response: httpx2.Response) -> None:
            self._last_http_status = response.status_code

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        http_client = create_mcp_http_client(headers=headers)
        http_client.event_hooks["response"].append(remember_status)
        return Client(streamable_http_client(self.url, http_client=http_client), cache=None), http_client

    async def _own_session(self, ready: asyncio.Future, stop: asyncio.Event) -> None:
        """Enter the SDK client, publish it, hold it open until asked to stop or the transport dies."""
        try:
            client, http_client = self._make_client()
            async with contextlib.AsyncExitStack() as stack:
                if http_client is not None:
                    await stack.enter_async_context(http_client)
                await stack.enter_async_context(client)
                self._client = client
                self._batch_tool = None
                logger.info("MCP session to %s opened (process %d)", self.target, os.getpid())
                if not ready.done():
                    ready.set_result(client)
                await stop.wait()
        except BaseException as exc:  # the transport's task group died: report it, never kill the loop
            if not ready.done():
                ready.set_exception(_TransientError(_describe(exc)) if not isinstance(exc, asyncio.CancelledError)
                                    else _TransientError("connection cancelled"))
            else:
                logger.info("MCP session to %s closed: %s", self.target, _describe(exc))
        finally:
            if self._stop_session is stop:
                self._client = None
                self._connecting = None
                self._stop_session = None

    async def _session(self, timeout: float) -> Any:
        if self._client is not None and self._connecting is not None and self._connecting.done():
            return self._client
        if self._connecting is None:
            loop = asyncio.get_running_loop()
            self._connecting = loop.create_future()
            self._stop_session = asyncio.Event()
            self._last_http_status = None
            self._owner_task = loop.create_task(self._own_session(self._connecting, self._stop_session))
        try:
            client = await asyncio.wait_for(asyncio.shield(self._connecting), min(timeout, _CONNECT_TIMEOUT))
        except _TransientError:
            await self._drop_session()
            self._check_unauthorized()
            raise
        except TimeoutError:
            await self._drop_session()
            raise _TransientError("timed out connecting") from None
        return client

    async def _drop_session(self, wait: float = 0.0) -> None:
        """Forget the session and tell its owner task to close it (optionally waiting for that)."""
        stop, owner = self._stop_session, self._owner_task
        self._client = None
        self._connecting = None
        self._stop_session = None
        self._owner_task = None
        if stop is not None:
            stop.set()
        if wait and owner is not None and not owner.done():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(asyncio.shield(owner), wait)

    def _check_unauthorized(self) -> None:
        if self._last_http_status in (401, 403):
            raise _UnauthorizedError(
                f"Agent server at {self.url} refused the bearer token (HTTP {self._last_http_status}); "
                "check AGENT_SERVER_TOKEN"
            )

    async def _call_tool(self, tool: str, arguments: dict[str, Any], timeout: float) -> dict[str, Any]:
        from mcp.shared.exceptions import MCPError

        client = await self._session(timeout)
        try:
            result = await asyncio.wait_for(
                client.call_tool(tool, arguments, read_timeout_seconds=timeout), timeout + 1
            )
        except MCPError as exc:
            if exc.code in _TRANSIENT_CODES:
                await self._drop_session()
                self._check_unauthorized()
                raise _TransientError(f"{exc.message}") from None
            raise AgentToolError(f"Agent tool {tool} was rejected: {exc.message}", tool=tool) from None
        except RuntimeError as exc:
            text = str(exc)
            if "schema" in text or "structured content" in text:
                raise AgentToolError(f"Agent tool {tool} broke its output schema: {text}", tool=tool) from None
            await self._drop_session()
            raise _TransientError(_describe(exc)) from None
        except TimeoutError:
            await self._drop_session()
            raise _TransientError(f"no answer within {timeout:g}s") from None
        except (asyncio.CancelledError, OSError, Exception) as exc:
            # The session died under us (transport task group cancelled, socket error, ...).
            if isinstance(exc, AgentToolError):
                raise
            await self._drop_session()
            raise _TransientError(_describe(exc)) from None
        if result.is_error:
            text = " ".join(getattr(block, "text", "") for block in result.content).strip()
            raise AgentToolError(f"Agent tool {tool} failed: {text or 'no details'}", tool=tool)
        if not isinstance(result.structured_content, dict):
            raise AgentToolError(f"Agent tool {tool} returned no structured output", tool=tool)
        return result.structured_content

    async def _list_tools(self, timeout: float) -> list[str]:
        client = await self._session(timeout)
        try:
            listing = await asyncio.wait_for(client.list_tools(), timeout)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            await self._drop_session()
            self._check_unauthorized()
            raise _TransientError(_describe(exc)) from None
        return [tool.name for tool in listing.tools]


def _batch_outcomes(calls: Sequence[tuple[str, dict[str, Any]]], output: dict[str, Any]
                    ) -> list[dict[str, Any] | AgentBridgeError]:
    """The outcome of each call of a batch, from `run_stage_batch`'s output."""
    results = output.get("results")
    if not isinstance(results, list) or len(results) != len(calls):
        error = AgentToolError(f"Agent tool {STAGE_BATCH_TOOL} answered {len(results or [])} results for "
                               f"{len(calls)} calls", tool=STAGE_BATCH_TOOL)
        return [error] * len(calls)
    outcomes: list[dict[str, Any] | AgentBridgeError] = []
    for (tool, _), item in zip(calls, results, strict=True):
        if item.get("error") is not None or not isinstance(item.get("result"), dict):
            outcomes.append(AgentToolError(f"Agent tool {tool} failed: {item.get('error') or 'no result'}", tool=tool))
        else:
            outcomes.append(item["result"])
    return outcomes


def import_agent_modules() -> None:
    """Import, in the calling thread, every module an agent call and its contract need.

    Python's import locks are per module: two threads making their first import of this graph through different
    entries (a worker thread the contract models, the bridge's loop thread the SDK and the bundled server) can
    deadlock (`_DeadlockError`, which is not an ImportError) or see a partially initialised module. Workers call
    this once, before their threads start (`nellia.celery`, `worker_init`).
    """
    import mcp
    import mcp.client.streamable_http
    import mcp.shared._httpx_utils
    import mcp.shared.exceptions  # noqa: F401

    import mcp_bridge.agent_server.models
    import mcp_bridge.agent_server.server  # noqa: F401 (the package loads it lazily)


# ---- per-process singleton --------------------------------------------------------------------------------------

_bridge: AgentBridge | None = None
_bridge_key: tuple | None = None
_bridge_lock = threading.Lock()


def _settings_key() -> tuple:
    return (
        settings.MCP_SERVER_URL,
        settings.AGENT_SERVER_TOKEN,
        float(settings.MCP_CALL_TIMEOUT),
        int(settings.MCP_MAX_RETRIES),
        float(settings.MCP_RETRY_BACKOFF),
    )


def get_bridge() -> AgentBridge:
    """This process's bridge (rebuilt if the MCP settings changed, e.g. in tests)."""
    global _bridge, _bridge_key
    key = _settings_key()
    with _bridge_lock:
        if _bridge is None or _bridge_key != key:
            old = _bridge
            url, token, call_timeout, max_retries, backoff = key
            _bridge = AgentBridge(
                url=url, token=token, call_timeout=call_timeout, max_retries=max_retries, backoff=backoff
            )
            _bridge_key = key
        else:
            old = None
    if old is not None:
        old.close()
    return _bridge


def _forget_after_fork() -> None:
    # The loop thread does not exist in a forked child; start afresh (never touch the parent's loop).
    global _bridge, _bridge_key, _bridge_lock
    _bridge = None
    _bridge_key = None
    _bridge_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def call_tools(calls: Sequence[tuple[str, dict[str, Any]]], *, timeout: float | None = None
               ) -> list[dict[str, Any] | AgentBridgeError]:
    """Several stage calls (tool, arguments) at once: each one's structured output or its `AgentServerUnavailable`
    / `AgentToolError`, in order."""
    return get_bridge().call_tools(calls, timeout=timeout)


def call_tool(tool: str, arguments: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """Call an agent-server tool and return its structured output.

    Raises `AgentServerUnavailable` (transient, after retries) or `AgentToolError` (permanent).
    """
    return get_bridge().call_tool(tool, arguments, timeout=timeout)
