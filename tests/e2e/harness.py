"""Real processes for end-to-end tests: the agent server over HTTP, Celery workers on Redis, the event relay, Daphne.

`RealStack(http_workers=N)` runs the web tier of docker-compose instead of one Daphne: gunicorn with N uvicorn
workers for HTTP, Daphne for `/ws/` and `/socket.io/`, and nginx in front with deploy/nginx.conf.template;
`base_url` is then the proxy's.

They run against the PostgreSQL test database pytest-django created, so tests that use them must commit their
data (`transactional_db`). Typical use, one stack per module:

    @pytest.fixture(scope="module")
    def stack(django_db_setup, django_db_blocker):
        with RealStack() as running:
            yield running

    def test_something(stack, live_db):
        client = stack.client(user)  # httpx.Client on Daphne, with a bearer token
"""

import contextlib
import functools
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

ROOT = Path(__file__).resolve().parents[2]
# A Portuguese-speaking B2B seller: the business context the end-to-end tests process leads against.
BUSINESS_CONTEXT = {
    "business_description": "A Nellia é uma empresa B2B de software que automatiza a prospecção de vendas com IA.",
    "product_service_description": "Plataforma de IA que qualifica leads e escreve primeiras mensagens personalizadas.",
    "target_market": "Empresas B2B brasileiras de médio porte com times de vendas internas",
    "value_proposition": "Reduza em 80% o tempo de pesquisa de prospects e dobre a taxa de resposta.",
    "ideal_customer": "Head de Vendas de empresa B2B em crescimento em tecnologia, indústria ou logística",
    "pain_points": ["ciclo de vendas longo", "baixa taxa de resposta", "pesquisa manual de prospects"],
    "industry_focus": ["Logística", "Tecnologia", "Indústria"],
    "geographic_focus": ["Brasil"],
    "language": "pt-BR",
}


def require_real_services() -> None:
    """Skip unless PostgreSQL and Redis are configured; with REQUIRE_REAL_SERVICES set, fail instead."""
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if missing:
        reason = f"needs {' and '.join(missing)}"
        if os.environ.get("REQUIRE_REAL_SERVICES"):
            pytest.fail(f"REQUIRE_REAL_SERVICES is set but this test {reason}")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RealStack:
    """Starts and stops the production processes on loopback ports; every process logs to `log_dir`."""

    def __init__(
        self, *, extra_env: dict[str, str] | None = None, workers: int = 1, flush_redis: bool = True, http_workers: int = 0,
        own_redis: bool = False, beat: bool = False, realtime_processes: int = 1, root: Path = ROOT,
    ):
        """`own_redis`: a redis-server of the stack's own on a free port (a fault test may restart it; the shared
        one is never touched). `beat`: run Celery beat (the sweeper). `realtime_processes` > 1: that many Daphne
        processes behind the proxy (nginx's ip_hash keeps each client address on one of them). `root`: the source
        tree the processes run (another checkout, for a benchmark's before/after in one run)."""
        self.root = root
        self.token = secrets.token_urlsafe(16)
        self.agent_port = free_port()
        self.web_port = free_port()  # Daphne's, or the proxy's with `http_workers`
        self.http_workers = http_workers
        self.http_port = free_port() if http_workers else None
        self.proxied = bool(http_workers) or realtime_processes > 1
        self.realtime_ports = [free_port() for _ in range(realtime_processes)] if self.proxied else [self.web_port]
        self.realtime_port = self.realtime_ports[0]
        self.redis_port = free_port() if own_redis else None
        self.beat = beat
        self.log_dir = Path(tempfile.mkdtemp(prefix="nellia-e2e-"))
        self.workers_wanted = workers
        self.flush_redis = flush_redis
        self.processes: dict[str, subprocess.Popen] = {}
        self._booting: list[tuple[str, Callable[[], bool]]] | None = None  # readiness checks `start_together` defers
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0" if own_redis else settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "CELERY_EMBEDDED_WORKER": "0",
            "MCP_SERVER_URL": self.mcp_url,
            "MCP_SERVER_TOKEN": self.token,
            "AGENT_SERVER_TOKEN": self.token,
            "PYTHONUNBUFFERED": "1",
            "ENRICHMENT_ENABLED": "0",  # the e2e leads' websites are fictional: no internet in tests
            **(extra_env or {}),
        }

    # --- addresses ---------------------------------------------------------------------------------
    @property
    def mcp_url(self) -> str:
        return f"http://127.0.0.1:{self.agent_port}/mcp"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.web_port}"

    # --- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> "RealStack":
        require_real_services()
        if self.flush_redis and self.redis_port is None:
            redis.Redis.from_url(settings.REDIS_URL).flushdb()
        try:
            if self.redis_port is not None:
                self.start_redis()  # every other process connects to it as it starts
            starts = [self.start_agent_server]
            starts += [functools.partial(self.start_worker, f"worker{n}") for n in range(self.workers_wanted)]
            starts.append(self.start_relay)
            if self.beat:
                starts.append(self.start_beat)
            starts.append(self.start_daphne)
            if self.http_workers:
                starts.append(self.start_http_workers)
            if self.proxied:
                starts.append(self.start_proxy)
            self.start_together(*starts)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the process until it ends
        process = subprocess.Popen(
            args, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def start_together(self, *starts: Callable[[], None]) -> None:
        """Call these `start_*` methods, each spawning its process, then wait for every one to be ready: each process
        spends seconds importing Django and the project, so one after the other took several times as long."""
        self._booting = []
        try:
            for start in starts:
                start()
            booting = self._booting
        finally:
            self._booting = None
        for name, ready in booting:
            self._await(name, ready)

    def _start(self, name: str, args: list[str], ready: Callable[[], bool]) -> None:
        """Spawn `name` and wait until `ready()`; within `start_together` the wait comes after every spawn."""
        self._spawn(name, args)
        if self._booting is None:
            self._await(name, ready)
        else:
            self._booting.append((name, ready))

    def _await(self, name: str, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        def check() -> bool:
            if self.processes[name].poll() is not None:
                pytest.fail(f"{name} exited with {self.processes[name].returncode}:\n{self.log(name)}")
            return ready()

        try:
            wait_for(check, timeout=timeout, what=f"{name} to be ready")
        except pytest.fail.Exception:
            raise pytest.fail.Exception(f"{name} not ready:\n{self.log(name)}") from None

    def start_redis(self) -> None:
        """The stack's own Redis, without persistence: a restart loses every message, as in the fault reports."""
        self._start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
                              "--appendonly", "no"], lambda: _port_open(self.redis_port))

    def start_agent_server(self) -> None:
        self._start(
            "agent_server",
            [sys.executable, "manage.py", "run_agent_server", "--host", "127.0.0.1", "--port", str(self.agent_port),
             f"--token={self.token}"],
            lambda: _port_open(self.agent_port),
        )

    def start_worker(self, name: str = "worker0", concurrency: int = 2) -> None:
        self._start(
            name,
            [sys.executable, "-m", "celery", "-A", "nellia", "worker", "-P", "prefork", "-c", str(concurrency),
             "-n", f"{name}-{self.web_port}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-l", "INFO"],
            lambda: b"ready." in (self.log_dir / f"{name}.log").read_bytes(),
        )

    def start_beat(self) -> None:
        schedule = self.log_dir / "beat-schedule"
        self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "nellia", "beat", "-S", "celery.beat:PersistentScheduler",
             "-s", str(schedule), "-l", "INFO"],
        )

    def start_relay(self) -> None:
        self._start("relay", [sys.executable, "manage.py", "relay_events"],
                    lambda: b"listening" in (self.log_dir / "relay.log").read_bytes())

    def start_daphne(self) -> None:
        """The real-time service: process `daphne`, then `daphne1`, ... (`realtime_processes`)."""
        for n, port in enumerate(self.realtime_ports):
            self._start(
                f"daphne{n or ''}",
                [sys.executable, "-m", "daphne", "--proxy-headers", "-b", "127.0.0.1", "-p", str(port),
                 "nellia.asgi:application"],
                functools.partial(_port_open, port),
            )

    def start_http_workers(self) -> None:
        """gunicorn + uvicorn workers (gunicorn.conf.py) on `http_port`, access log on."""
        self.env["GUNICORN_ACCESS_LOG"] = "1"
        started = b"Application startup complete"  # each worker, once it has imported Django
        self._start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{self.http_port}",
             "-w", str(self.http_workers), "nellia.asgi:application"],
            lambda: (self.log_dir / "gunicorn.log").read_bytes().count(started) >= self.http_workers,
        )

    def start_proxy(self) -> None:
        """nginx (Debian's package) with deploy/nginx.conf.template, in front of the HTTP workers and Daphne."""
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx is None:
            pytest.skip("nginx is not installed (apt-get install nginx-light)")
        config = write_proxy_config(
            self.log_dir / "nginx", http=f"127.0.0.1:{self.http_port or self.realtime_port}",
            realtime=[f"127.0.0.1:{port}" for port in self.realtime_ports], listen=f"127.0.0.1:{self.web_port}",
        )
        self._start("nginx", [nginx, "-p", str(config.parent), "-c", str(config), "-e", str(config.parent / "error.log")],
                    lambda: _port_open(self.web_port))

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a process and its children at once (SIGKILL: no graceful shutdown, as in a crash)."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM to every process at once (each shuts down in parallel), then SIGKILL what is left after 10 s."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name in list(self.processes):
            try:
                self.processes[name].wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(name)
                continue
            self.processes.pop(name, None)

    # --- helpers for tests -------------------------------------------------------------------------
    def log(self, name: str, tail: int = 80) -> str:
        path = self.log_dir / f"{name}.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-tail:])

    def client(self, user=None, *, timeout: float = 10.0) -> httpx.Client:
        """An HTTP client on Daphne, logged in as `user` with a bearer token (anonymous without one)."""
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {access_token_for(user)}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)


def write_proxy_config(directory: Path, *, http: str, realtime: list[str], listen: str) -> Path:
    """deploy/nginx.conf.template filled in as docker-compose's nginx image does (`realtime`: the real-time
    servers, as compose's DNS gives every replica of the service), inside a main configuration that runs nginx in
    the foreground with every file under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o777)  # nginx's workers (nobody when started by root) write their buffers here
    server = string.Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        NELLIA_HTTP_UPSTREAM=http, NELLIA_REALTIME_UPSTREAM=realtime[0], NELLIA_PROXY_PORT=listen
    ).replace(f"server {realtime[0]};", " ".join(f"server {address};" for address in realtime))
    (directory / "nellia.conf").write_text(server)
    temp = " ".join(f"{kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = directory / "nginx.conf"
    config.write_text(
        f"daemon off;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} warn;\nworker_processes 2;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{ access_log off; {temp} include {directory / 'nellia.conf'}; }}\n"
    )
    return config


def access_token_for(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def live_db(transactional_db):
    """Committed data the real processes can see; restores the seeded agents a previous flush removed."""
    from agents.models import Agent
    from agents.seed import seed_pipeline_agents

    seed_pipeline_agents(Agent)
    return transactional_db
