"""Shared helpers for bench/ scripts: a fresh PostgreSQL database `nellia_bench`, Django set up against it,
data built with SQL, a server on loopback and `wrk` for load. Not part of the test suite."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "nellia_bench")
DATABASE_URL = f"{PG}/{DB_NAME}"
SECRET = "bench-secret-key-bench-secret-key-0123456789abcdef"


def setup_django(*, fresh: bool, keep_redis: bool = False) -> None:
    """Point Django at nellia_bench (recreated when `fresh`), migrate it (a reused database gets the migrations
    added since it was loaded) and set it up; `keep_redis`: keep the environment's REDIS_URL (the real-mode
    benches), else run without Redis."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="nellia.settings", DATABASE_URL=DATABASE_URL, SECRET_KEY=SECRET,
        CELERY_EMBEDDED_WORKER="0", ACCESS_TOKEN_LIFETIME="7200", LOG_LEVEL="WARNING",
    )
    if not keep_redis:
        os.environ.pop("REDIS_URL", None)
    if fresh:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _stat_fields(pid: str | int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (Linux), or None for a process that is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc)."""
    fields = _stat_fields(pid) or ["0"] * 13
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session_cpu_seconds(session_id: int) -> float:
    """CPU seconds (user + system) spent so far by the processes of session `session_id` (a RealStack process and
    its children, e.g. prefork or uvicorn workers); those already reaped count in their parent's."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        fields = _stat_fields(entry.name) if entry.name.isdigit() else None
        if fields and int(fields[3]) == session_id:
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to this database (by pid)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: cpu_seconds(pid) for pid in pids if _stat_fields(pid)}


def setup_real_mode(why: str = "the real mode") -> None:
    """The real-mode benches: REDIS_URL required (your own database number), real services required, a fresh
    database."""
    if not os.environ.get("REDIS_URL"):
        raise SystemExit(f"REDIS_URL is required ({why})")
    os.environ.setdefault("REQUIRE_REAL_SERVICES", "1")
    setup_django(fresh=True, keep_redis=True)


def seller_user():
    """The benchmark user with the e2e harness's business context (the seller the agents write for)."""
    from business_context.services import save_context
    from tests.e2e.harness import BUSINESS_CONTEXT

    owner = bench_user()
    save_context(owner=owner, data=BUSINESS_CONTEXT, partial=False)
    return owner


def agent_calls(count: int, owner) -> tuple[list[tuple[str, dict]], float]:
    """The five agents called in this process on `count` leads (built in memory, never saved), each stage given the
    earlier stages' results as the runner gives them (no Celery, HTTP or database): the calls, as (tool,
    arguments), and their ms/lead."""
    from business_context.selectors import context_as_agent_data, context_for
    from leads.importing import build_lead
    from mcp_bridge.agent_server import agents
    from pipeline.runner import previous_results
    from pipeline.stages import SPECS, lead_data, next_stage

    leads = [build_lead(owner=owner, row=row) for row in company_rows(count)]
    context = context_as_agent_data(context_for(owner))
    calls = []
    started = time.perf_counter()
    for lead in leads:
        for spec in SPECS.values():
            arguments = {"lead": lead_data(lead), "business_context": context, "previous": previous_results(lead)}
            output = getattr(agents, spec.tool)(arguments)
            spec.apply(lead, spec.output.model_validate(output.model_dump(mode="json")).model_dump(mode="json"))
            lead.processing_stage = next_stage(spec.name)  # the next stage gets this one's result, as in the runner
            calls.append((spec.tool, arguments))
    return calls, (time.perf_counter() - started) * 1000 / count


def bench_user(email: str = "bench@nellia.local"):
    from accounts.models import User

    return User.objects.filter(email=email).first() or User.objects.create_user(email=email, password="bench-pass-1")


def access_token(user) -> str:
    from rest_framework_simplejwt.tokens import RefreshToken

    return str(RefreshToken.for_user(user).access_token)


def generate_leads_sql(owner_id, count: int, *, start: int = 0) -> None:
    """`count` realistic leads for `owner_id` in one INSERT ... SELECT generate_series (no ORM)."""
    from django.db import connection

    analysis = (
        '{"company_sector": "Logística", "main_services": ["transporte", "armazenagem", "distribuição"], '
        '"company_size_estimate": "média", "potential_challenges": ["ciclo de vendas longo", "baixa resposta"], '
        '"recent_activities": ["contratando vendas"], "general_diagnosis": "' + "Empresa em expansão. " * 40 + '", '
        '"opportunity_fit": "alto", "score_explanations": {}}'
    )
    sql = """
    INSERT INTO leads_lead (
        id, owner_id, company_name, website, description, source_text, company_sector, company_size, market_region,
        contact_email, contact_phone, contact_role, annual_revenue, source, status, processing_stage, progress,
        board_stage, queued_at, relevance_score, roi_potential_score, brazilian_market_fit, overall_score,
        qualification_tier, analysis, persona, pain_point_analysis, purchase_triggers, strategy, message,
        enrichment_data, context_version, last_error, prospect_job_id, created_at, updated_at, processed_at, website_key)
    SELECT
        gen_random_uuid(), %s, 'Empresa ' || g || ' Ltda', 'https://empresa' || g || '.com.br',
        'Transportadora rodoviária com frota própria', 'Texto do site da empresa ' || g,
        (ARRAY['Logística','Saúde','Tecnologia','Indústria','Varejo'])[1 + mod(g, 5)], '',
        (ARRAY['SP','RJ','MG','SC','PR','RS'])[1 + mod(g, 6)], '', '', '', NULL, 'import',
        s.status, s.stage, CASE WHEN s.status = 'completed' THEN 100 ELSE 0 END, NULL,
        CASE WHEN s.status IN ('completed','failed','processing','queued') THEN c - interval '5 minutes' END,
        sc.r, sc.roi, sc.fit, (sc.r + sc.roi + sc.fit) / 3,
        CASE WHEN s.status = 'completed' THEN
            (ARRAY['high_potential','medium_potential','low_potential','not_qualified'])[1 + mod(g, 4)] END,
        CASE WHEN s.status = 'completed' THEN %s::jsonb END, NULL, '[]'::jsonb, '[]'::jsonb, NULL, NULL,
        '{}'::jsonb, NULL, '', NULL, c, c,
        CASE WHEN s.status = 'completed' THEN c + interval '20 seconds' END, 'empresa' || g || '.com.br'
    FROM generate_series(%s, %s) AS g
    CROSS JOIN LATERAL (SELECT now() - (mod(g, 129600)) * interval '1 minute' AS c) t
    CROSS JOIN LATERAL (SELECT
        (ARRAY['new','new','queued','processing','completed','completed','completed','failed'])[1 + mod(g, 8)] AS status,
        (ARRAY['intake','intake','intake','analysis','completed','completed','completed','persona'])[1 + mod(g, 8)] AS stage
    ) s
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.status = 'completed' THEN (mod(g * 7, 100)) / 100.0 END AS r,
        CASE WHEN s.status = 'completed' THEN (mod(g * 13, 100)) / 100.0 END AS roi,
        CASE WHEN s.status = 'completed' THEN (mod(g * 17, 100)) / 100.0 END AS fit
    ) sc
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner_id, analysis, start + 1, start + count])
        # What autovacuum does after a bulk load: statistics and the visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE leads_lead")


_rows_made = 0  # rows of distinct websites made so far (an import skips a website it already has)


def company_rows(count: int) -> list[dict[str, str]]:
    """`count` import rows (`leads.importing.import_leads`) of companies the pipeline processes in full."""
    global _rows_made
    start, _rows_made = _rows_made, _rows_made + count
    sectors = ["transportadora rodoviária", "software de gestão", "indústria metalúrgica", "rede de clínicas"]
    return [
        {
            "company_name": f"Empresa {n} Ltda",
            "website": f"https://empresa{n}.com.br",
            "description": f"{sectors[n % 4].capitalize()} com 250 funcionários em São Paulo - SP.",
            "source_text": f"Estamos contratando executivos de vendas. contato@empresa{n}.com.br (11) 3456-7890.",
        }
        for n in range(start, start + count)
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The ASGI app (`nellia.asgi:application`) on loopback, as deployed: `kind="gunicorn"` (gunicorn.conf.py, `workers`
    uvicorn worker processes: docker-compose's `web`), `"daphne"` (one Daphne process: the `realtime` service, and the
    whole web tier before issue 14) or `"uvicorn"` (uvicorn's own `--workers`). `root`: the source tree it runs (another
    checkout of the project, for a before/after comparison in one run)."""

    def __init__(self, *, workers: int = 2, env: dict[str, str] | None = None, kind: str = "uvicorn",
                 root: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, **(env or {}), "DB_POOL_MAX_SIZE": "4"}
        commands = {
            "uvicorn": ["-m", "uvicorn", "nellia.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
                        "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
            "gunicorn": ["-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{self.port}", "-w", str(workers),
                         "--log-level", "warning", "nellia.asgi:application"],
            "daphne": ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "-v", "0", "nellia.asgi:application"],
        }
        self.process = subprocess.Popen([sys.executable, *commands[kind]], cwd=root, env=environment)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # answering HTTP (a bound port is not enough: workers boot after it)
            try:
                urllib.request.urlopen(f"{self.url}/api/health", timeout=30)
                return
            except urllib.error.HTTPError:
                return  # 503: up, a dependency is degraded
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, token: str, *, seconds: int = 10, connections: int = 4, threads: int = 1) -> dict[str, float]:
    """Run wrk (Debian's package) → {rps, p50_ms, p99_ms, requests, errors}."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s",
         "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "p50_ms": _ms(p50), "p99_ms": _ms(p99), "requests": requests,
            "errors": int(errors.group(1)) if errors else 0}


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), load average {os.getloadavg()[0]:.1f} at start"
