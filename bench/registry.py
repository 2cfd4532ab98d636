"""Benchmark: the CNPJ registry — import, search over HTTP, to-leads (issue 15).

    BENCH_DB=nellia_bench_i15 .venv/bin/python bench/registry.py

Data: `registry_sample` files in the published layout (zips of Latin-1 CSVs; default 2,000,000 establishments,
about 1.5 M companies, Simples, reference tables), generated once into BENCH_REGISTRY_DIR and reused.
Import: `registry_import` of the whole month into an empty database (COPY into staging + upsert, indexes built at
the end), timed end to end with rows/s. Search: uvicorn (1 worker) on loopback, `wrk` with ONE connection for
10 s per URL: CNAE division + UF + active + has e-mail (first page of 50), and a name search. to-leads: one
`POST /api/registry/companies/to-leads` of 1,000 companies (filters), timed over HTTP. Baseline from the same run:
`GET /api/auth/profile` under the same load (the stack's floor).
Targets: import < 4 min; search p99 < 50 ms; name search p99 < 150 ms; to-leads of 1,000 < 3 s.
`BENCH_REUSE_DB=1` measures the API again on the database a previous run loaded (to-leads then finds the
companies it created last time as duplicates).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Server, access_token, bench_user, machine, setup_django, wrk

ESTABLISHMENTS = int(os.environ.get("BENCH_ESTABLISHMENTS", "2000000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
DATA = Path(os.environ.get("BENCH_REGISTRY_DIR", f"/tmp/nellia_bench_registry_{ESTABLISHMENTS}"))
SEARCH_URL = "/api/registry/companies?cnae=49&uf=SP&has_email=true&page_size=50"
NAME_URL = "/api/registry/companies?search=transportes%20silva&page_size=50"
FULL_REGISTRY = 60_000_000  # establishments in the real open data, about


def generate() -> float:
    from registry.sample import SampleSpec, write_sample

    marker = DATA / ".complete"
    if marker.exists():
        return 0.0
    started = time.perf_counter()
    write_sample(SampleSpec(establishments=ESTABLISHMENTS, month="2025-11", parts=10), DATA)
    marker.touch()
    return time.perf_counter() - started


def load() -> dict:
    from django.core.management import call_command
    from django.db import connection

    from registry.models import Company, Establishment, ImportedFile, Simples

    started = time.perf_counter()
    call_command("registry_import", str(DATA), report_dir=str(DATA / "reports"), no_progress=True)
    seconds = time.perf_counter() - started
    per_kind = {}
    for kind in ("companies", "establishments", "simples"):
        files = ImportedFile.objects.filter(kind=kind)
        rows = sum(f.rows for f in files)
        spent = sum((f.finished_at - f.started_at).total_seconds() for f in files)
        per_kind[kind] = {"rows": rows, "seconds": round(spent, 1), "rows_per_s": round(rows / spent) if spent else None}
    rows = sum(k["rows"] for k in per_kind.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "establishments": Establishment.objects.count(), "companies": Company.objects.count(),
        "simples": Simples.objects.count(), "seconds_total": round(seconds, 1),
        "rows_per_s_overall": round(rows / seconds), "per_kind": per_kind, "database_size": size,
        "extrapolated_60M_minutes": round(seconds * FULL_REGISTRY / ESTABLISHMENTS / 60, 1),
    }


def to_leads(url: str, token: str) -> dict:
    import httpx

    body = {"filters": {"cnae": ["47"], "has_email": True}, "limit": 1000}
    started = time.perf_counter()
    response = httpx.post(f"{url}/api/registry/companies/to-leads", json=body,
                          headers={"Authorization": f"Bearer {token}"}, timeout=120)
    seconds = time.perf_counter() - started
    data = response.json()
    return {"status": response.status_code, "created": len(data.get("created", [])),
            "duplicates": len(data.get("duplicates", [])), "seconds": round(seconds, 2)}


def main() -> dict:
    print(f"machine: {machine()}")
    print(f"establishments: {ESTABLISHMENTS}, files in {DATA}")
    reuse = os.environ.get("BENCH_REUSE_DB") == "1"  # measure the API again on the database already loaded
    setup_django(fresh=not reuse)
    result = {}
    if not reuse:
        generated = generate()
        if generated:
            print(f"generated the files in {generated:.0f} s")
        result["import"] = load()
        print(result["import"])
    user = bench_user()
    user.plan = "enterprise"
    user.save(update_fields=["plan"])
    token = access_token(user)
    with Server(workers=1) as server:
        for name, path in (("profile_baseline", "/api/auth/profile"), ("search", SEARCH_URL), ("name_search", NAME_URL)):
            wrk(server.url + path, token, seconds=2, connections=1)  # warm
            result[name] = wrk(server.url + path, token, seconds=SECONDS, connections=1)
            print(name, result[name])
        result["to_leads_1000"] = to_leads(server.url, token)
        print("to_leads_1000", result["to_leads_1000"])
    return result


if __name__ == "__main__":
    main()
