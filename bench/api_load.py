"""Benchmark: `GET /api/metrics/overview` and `GET /api/leads` (with filters) at 100k and 1M leads.

    .venv/bin/python bench/api_load.py        (or `make bench`)

Data: leads built with one `INSERT ... SELECT generate_series` (realistic mix of statuses, tiers, scores and a
~1.4 KB `analysis` JSON on completed leads), all owned by the benchmark user (the worst case for per-user
numbers). Server: uvicorn (ASGI, 2 worker processes) on loopback, metrics cache off (`METRICS_CACHE_SECONDS=0`:
uncached numbers). Load: `wrk` (Debian package), 1 thread, 4 connections, 10 s per URL, on the same 2 cores.
Baselines from the same run: `GET /api/auth/profile` (JWT auth + one primary-key query: the stack's floor) under
the same load, and in process a bare `SELECT count(*)` of the user's leads next to `metrics.selectors.overview`.
Targets: overview < 100 ms uncached at 1M leads; leads list p99 < 50 ms at 100k.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Server, access_token, bench_user, generate_leads_sql, machine, setup_django, wrk

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100000,1000000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
LIST_URL = "/api/leads?status=completed&qualification_tier=high_potential&ordering=-relevance_score"


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


def main() -> dict:
    print(f"machine: {machine()}")
    setup_django(fresh=True)
    user = bench_user()
    token = access_token(user)
    results: dict = {}
    built = 0
    for size in SIZES:
        started = time.perf_counter()
        generate_leads_sql(user.pk, size - built, start=built)
        build_s = time.perf_counter() - started
        built = size
        print(f"\n== {size:,} leads (built in {build_s:.1f} s with generate_series)")
        figures = in_process(user)
        print(f"in process: overview p50 {figures['overview_p50_ms']} ms (max {figures['overview_max_ms']}), "
              f"performance 30d p50 {figures['performance_30d_p50_ms']} ms; "
              f"baseline SELECT count(*) p50 {figures['count_baseline_p50_ms']} ms")
        with Server(workers=2, env={"METRICS_CACHE_SECONDS": "0"}) as server:
            wrk(server.url + "/api/auth/profile", token, seconds=2)  # warm both workers
            for name, path in (("baseline /api/auth/profile", "/api/auth/profile"),
                               ("/api/metrics/overview (uncached)", "/api/metrics/overview"),
                               ("/api/leads filtered", LIST_URL),
                               ("/api/leads (first page)", "/api/leads")):
                load = wrk(server.url + path, token, seconds=SECONDS)
                figures[name] = load
                print(f"{name:<36} {load['rps']:8.1f} req/s  p50 {load['p50_ms']:7.1f} ms  "
                      f"p99 {load['p99_ms']:7.1f} ms  non-2xx {load['errors']}")
        results[size] = figures
    return results


if __name__ == "__main__":
    main()
