"""N Socket.IO clients of one user during a batch of M leads: delivery latency and events lost.

Real mode (tests/e2e/harness.RealStack): PostgreSQL (BENCH_DB), Redis (REDIS_URL), the agent server over HTTP, a
prefork worker (concurrency 2), the event relay and Daphne. N python-socketio clients (websocket transport) log in
as one user; M leads are imported with `process=True`; once all are finished (and every client has its frames, or
30 s passed), each client's frames are counted.

- latency: arrival time minus the frame's `timestamp` (the event's `created_at`, written in the transaction of the
  change), over every timestamped frame of every client: p50 / p99 / max;
- lost: every client must get one `enrichment-update` `agent_end` per stage of every lead (5 × M);
- `agent-update` frames per client (global, coalesced per agent);
- CPU time of the relay and of Daphne per relayed event, and of the clients (`--client-processes`, default 4) (from /proc: what each process spent during the batch,
  whatever the machine's load), and `--profile DIR` writes a cProfile of each (`DIR/relay.prof`, `DIR/daphne.prof`).

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/realtime.py --clients 100 --leads 30
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from _common import ROOT, access_token, company_rows, cpu_seconds, seller_user, setup_real_mode

sys.path[:] = [str(ROOT), *(entry for entry in sys.path if os.path.abspath(entry or ".") != str(ROOT / "bench"))]

ORIGIN = "http://localhost:4173"
STAGES = 5


class Client:
    """One python-socketio client (websocket-client threads: the async client needs aiohttp, not a dependency)."""

    def __init__(self, url: str, token: str) -> None:
        import socketio

        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
        self.latencies: list[float] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.sio.on("*", self.record)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)

    def record(self, name: str, data: dict) -> None:
        now = time.time()
        stamp = data.get("timestamp") if isinstance(data, dict) else None
        with self._lock:
            self.counts[name] += 1
            if name == "enrichment-update" and data.get("event_type") == "agent_end":
                self.counts["agent_end"] += 1
            if stamp:
                self.latencies.append((now - datetime.fromisoformat(stamp).timestamp()) * 1000)


class ClientProcess:
    """`count` clients in a process of their own: one Python process (one GIL) cannot read the frames of hundreds of
    sockets as fast as they come, and would measure its own backlog. Forked before any client thread exists."""

    def __init__(self, url: str, token: str, count: int) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_run_clients, args=(url, token, count, child), daemon=True)
        self.process.start()

    def ready(self) -> None:
        assert self.conn.recv() == "ready"

    def results(self) -> list[tuple[list[float], Counter[str]]]:
        return self.conn.recv()


def _run_clients(url: str, token: str, count: int, conn) -> None:
    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda _: Client(url, token), range(count)))
    conn.send("ready")
    expected = conn.recv()  # the batch is over: frames still in flight, wait until every client has all, or 30 s
    settle = time.perf_counter()
    while time.perf_counter() - settle < 30 and any(c.counts["agent_end"] < expected for c in clients):
        time.sleep(0.2)
    time.sleep(1)
    conn.send([(client.latencies, client.counts) for client in clients])
    conn.recv()  # measured: now disconnect
    for client in clients:
        client.sio.disconnect()


def profiled(stack, directory: Path) -> None:
    """Start the relay and Daphne of `stack` under cProfile (written when they stop on SIGTERM)."""
    spawn = stack._spawn

    def spawn_profiled(name: str, args: list[str]):
        if name in ("relay", "daphne") and args[0] == sys.executable:
            args = [sys.executable, "-m", "cProfile", "-o", str(directory / f"{name}.prof"), *args[1:]]
        return spawn(name, args)

    stack._spawn = spawn_profiled


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--leads", type=int, default=30)
    parser.add_argument("--client-processes", type=int, default=4, help="processes the clients are spread over")
    parser.add_argument("--profile", type=Path, help="directory for cProfile files of the relay and Daphne")
    args = parser.parse_args()
    setup_real_mode()
    from events.models import Event
    from leads.importing import import_leads
    from leads.models import Lead
    from tests.e2e.harness import RealStack

    owner = seller_user()
    load_before = os.getloadavg()
    stack = RealStack(workers=1, extra_env={"LOG_LEVEL": "INFO"})
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        profiled(stack, args.profile.resolve())
    with stack:
        token = access_token(owner)
        shares = [args.clients // args.client_processes + (n < args.clients % args.client_processes)
                  for n in range(args.client_processes)]
        groups = [ClientProcess(stack.base_url, token, share) for share in shares if share]
        for group in groups:
            group.ready()
        pids = {name: stack.processes[name].pid for name in ("relay", "daphne")}
        pids |= {f"clients{n}": group.process.pid for n, group in enumerate(groups)}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        events_before = Event.objects.count()
        started = time.perf_counter()
        report = import_leads(owner=owner, rows=company_rows(args.leads), process=True)
        finished = Lead.objects.filter(pk__in=report.lead_ids, status__in=[Lead.Status.COMPLETED, Lead.Status.FAILED])
        while finished.count() < len(report.lead_ids) and time.perf_counter() - started < 600:
            time.sleep(0.2)
        batch = time.perf_counter() - started
        expected = STAGES * len(report.lead_ids)
        for group in groups:
            group.conn.send(expected)
        clients = [result for group in groups for result in group.results()]
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        cpu["clients"] = sum(value for name, value in cpu.items() if name.startswith("clients"))
        events = Event.objects.count() - events_before
        for group in groups:
            group.conn.send("bye")
            group.process.join(30)
    latencies = [value for client_latencies, _ in clients for value in client_latencies]
    lost = sum(max(0, expected - counts["agent_end"]) for _, counts in clients)
    agent_updates = statistics.mean(counts["agent-update"] for _, counts in clients)
    print(f"{args.clients} clients, {args.leads} leads in {batch:.1f} s; load average before {load_before[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    print(f"latency from the event's timestamp: p50 {percentile(latencies, 0.5):.0f} ms, "
          f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms ({len(latencies)} frames)")
    print(f"lost: {lost} of {expected * len(clients)} agent_end frames; agent-update frames per client: "
          f"{agent_updates:.0f}; frames per client: {statistics.mean(sum(counts.values()) for _, counts in clients):.0f}")
    print(f"CPU per relayed event ({events} events): relay {1000 * cpu['relay'] / events:.2f} ms, "
          f"Daphne {1000 * cpu['daphne'] / events:.2f} ms (relay {cpu['relay']:.1f} s, Daphne {cpu['daphne']:.1f} s, "
          f"the clients {cpu['clients']:.1f} s in {len(groups)} processes, over {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
