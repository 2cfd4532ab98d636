"""Benchmark: the `/api/` and `/api/v1/` lists, search and metrics at 100k and 1M leads, on the web tier as deployed.

    .venv/bin/python bench/api_load.py        (or `make bench`; `BENCH_SIZES=100000` for issue 14's figures)

Data: leads built with one `INSERT ... SELECT generate_series` (realistic mix of statuses, tiers, scores and a
~1.4 KB `analysis` JSON on completed leads), all owned by the benchmark user (the worst case for per-user
numbers). Metrics cache off (`METRICS_CACHE_SECONDS=0`: uncached numbers). With `REDIS_URL` set (your own database
number) the servers run in the real mode, Redis as their cache (JWT revocation check, throttles), as deployed;
without it, the local-memory cache. The `expensive` throttle (60/min per user, which `/api/v1/leads` is under) is
raised for the run: the figures are the list's, not 429s.
Servers, both up and measured back to back on each URL: one Daphne process (the web tier before issue 14: it runs
one request at a time) and gunicorn with `BENCH_WEB_WORKERS` uvicorn workers (docker-compose's `web`). Load: `wrk`
(Debian package) 2 threads / 16 connections, `BENCH_SECONDS` per URL, and 1 connection for the one-request p99.
In-run baselines: `GET /api/auth/profile` (JWT + one primary-key query: the stack's floor) on the same server under
the same load, the Daphne figures for the gunicorn ones, and in process the queries before and after issue 14
(ordering, search, count). The load average is printed with each block: the machine is shared.
Targets (issue 14): `/api/leads?page_size=20` ≥ 200 req/s; `/api/v1/leads?limit=20` one-connection p99 < 30 ms.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Server, access_token, bench_user, generate_leads_sql, load, machine, setup_django, wrk

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100000,1000000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))
# Another checkout of the project (e.g. `git worktree add /tmp/before main`): its gunicorn replaces the Daphne server
# in the comparison, so the code before a change is measured in the same run, on the same data and load.
BASELINE_TREE = os.environ.get("BENCH_BASELINE_TREE", "")
SEARCH = os.environ.get("BENCH_SEARCH", "4242")  # a company-name fragment: "Empresa 4242 Ltda", "Empresa 14242 Ltda"…
LIST_URL = "/api/leads?status=completed&qualification_tier=high_potential&ordering=-relevance_score"
URLS = (
    ("baseline /api/auth/profile", "/api/auth/profile"),
    ("/api/leads?page_size=20", "/api/leads?page_size=20"),
    ("/api/leads filtered", LIST_URL),
    ("/api/metrics/overview (uncached)", "/api/metrics/overview"),
    (f"/api/leads?search={SEARCH}", f"/api/leads?search={SEARCH}"),
    ("/api/v1/leads?limit=20", "/api/v1/leads?limit=20"),
    (f"/api/v1/leads?search={SEARCH}&limit=20", f"/api/v1/leads?search={SEARCH}&limit=20"),
)
ONE_CONNECTION = ("baseline /api/auth/profile", "/api/v1/leads?limit=20")


def in_process(user, rounds: int = 15) -> dict:
    from django.db import connection
    from django.utils import timezone

    from metrics.selectors import overview, performance

    def timed(fn) -> list[float]:
        fn()  # warm
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return sorted(samples)

    def count() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM leads_lead WHERE owner_id = %s", [user.pk])
            cursor.fetchone()

    now = timezone.now()
    over = timed(lambda: overview(user, now=now))  # `now` given: never cached
    perf = timed(lambda: performance(user, "30d", now=now))
    base = timed(count)
    return {
        "overview_p50_ms": round(statistics.median(over), 1), "overview_max_ms": round(over[-1], 1),
        "performance_30d_p50_ms": round(statistics.median(perf), 1),
        "count_baseline_p50_ms": round(statistics.median(base), 1),
    }


def _timed(fn, rounds: int = 15) -> float:
    fn()  # warm
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def queries_before_and_after(user) -> dict:
    """In process, p50 ms: what issue 14 changed in the list queries, old shape next to new on the same data."""
    from django.db.models import F, Q

    from frontend.selectors import filter_presented_leads, presented_lead_total
    from leads.filters import SEARCH_FIELDS
    from nellia.search import matches_any

    page = filter_presented_leads(user)
    old_order = page.order_by(F("created_at").desc(nulls_last=True), "-id")
    old_search = page.filter(Q(*(Q(**{f"{name}__icontains": SEARCH}) for name in SEARCH_FIELDS), _connector=Q.OR))
    new_search = page.filter(matches_any(SEARCH_FIELDS, SEARCH))
    figures = {
        "v1 page of 20, created_at DESC NULLS LAST (before)": _timed(lambda: list(old_order.values("id")[:20])),
        "v1 page of 20, created_at DESC (after)": _timed(lambda: list(page.values("id")[:20])),
        "v1 total, COUNT(*) (before)": _timed(page.count),
        "v1 total, lead counts (after)": _timed(lambda: presented_lead_total(user, page)),
        "search page + COUNT, UPPER(col) LIKE (before)": _timed(lambda: (list(old_search.values("id")[:20]), old_search.count())),
        "search page + COUNT, trigram indexes (after)": _timed(lambda: (list(new_search.values("id")[:20]), new_search.count())),
    }
    for name, value in figures.items():
        print(f"  {name:<52} {value:8.2f} ms")
    return figures


def _line(name: str, figures: dict, baseline: dict | None) -> str:
    ratio = f"{figures['rps'] / baseline['rps']:5.2f}× baseline" if baseline and baseline["rps"] else " " * 14
    return (f"{figures['rps']:7.1f} req/s p50 {figures['p50_ms']:6.1f} p99 {figures['p99_ms']:7.1f} ms "
            f"err {figures['errors']} {ratio}")


def http_figures(token: str) -> dict:
    """Both servers up at once and measured back to back on each URL (the machine's load moves: a server measured
    minutes after the other would not compare)."""
    env = {"METRICS_CACHE_SECONDS": "0", "EXPENSIVE_RATE_LIMIT": "1000000/s"}
    if BASELINE_TREE:
        first, label = Server(kind="gunicorn", workers=WEB_WORKERS, env=env, root=Path(BASELINE_TREE)), "before"
    else:
        first, label = Server(kind="daphne", workers=1, env=env), "daphne"
    with first, Server(kind="gunicorn", workers=WEB_WORKERS, env=env) as gunicorn:
        servers = {label: first, f"gunicorn×{WEB_WORKERS}": gunicorn}
        for server in servers.values():
            wrk(server.url + "/api/auth/profile", token, seconds=5, connections=16, threads=2)  # warm every worker
        results: dict = {label: {} for label in servers}
        runs = [(name, path, 16, 2) for name, path in URLS]
        runs += [(f"1 connection {path.removeprefix('baseline ')}", path.removeprefix("baseline "), 1, 1)
                 for path in ONE_CONNECTION]
        print(f"\nwrk -t2 -c16 (1 connection: -t1 -c1), {SECONDS} s per URL and server; each line: " + " | ".join(servers))
        for name, path, connections, threads in runs:
            cells = []
            for label, server in servers.items():
                figures = wrk(server.url + path, token, seconds=SECONDS, connections=connections, threads=threads)
                results[label][name] = figures
                baseline_name = URLS[0][0] if connections > 1 else f"1 connection {ONE_CONNECTION[0].removeprefix('baseline ')}"
                cells.append(_line(name, figures, results[label].get(baseline_name) if name != baseline_name else None))
            print(f"  {name:<40} {' | '.join(cells)}  [{load()}]")
    return results


def main() -> dict:
    print(f"machine: {machine()}")
    setup_django(fresh=True, keep_redis=True)
    user = bench_user()
    token = access_token(user)
    results: dict = {}
    built = 0
    for size in SIZES:
        started = time.perf_counter()
        generate_leads_sql(user.pk, size - built, start=built)
        build_s = time.perf_counter() - started
        built = size
        print(f"\n== {size:,} leads (built in {build_s:.1f} s with generate_series); {load()}")
        figures = in_process(user)
        print(f"in process: overview p50 {figures['overview_p50_ms']} ms (max {figures['overview_max_ms']}), "
              f"performance 30d p50 {figures['performance_30d_p50_ms']} ms; "
              f"baseline SELECT count(*) p50 {figures['count_baseline_p50_ms']} ms")
        print("in process, list queries before → after issue 14 (p50):")
        figures["queries"] = queries_before_and_after(user)
        figures["http"] = http_figures(token)
        results[size] = figures
    return results


if __name__ == "__main__":
    main()
