"""`make bench`: the benchmarks of bench/ that need no Redis, in turn, each on its own freshly built PostgreSQL
database `nellia_bench` (dropped and recreated by each script; ws_send.py needs none). Needs PostgreSQL on
127.0.0.1:5432 (`BENCH_PG` to change) and `wrk` (apt-get install wrk). Not part of the test suite. Record the
figures in bench/RESULTS.md."""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["import_100k.py", "api_load.py", "frontend_leads.py", "ws_send.py"]


def main() -> int:
    failures = 0
    for name in SCRIPTS:
        print(f"\n######## {name} ########", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / name)])
        print(f"######## {name}: exit {code} in {time.perf_counter() - started:.0f} s", flush=True)
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
