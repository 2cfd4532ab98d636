"""N Socket.IO clients of one user during a batch of M leads: delivery latency and events lost.

Real mode (tests/e2e/harness.RealStack): PostgreSQL (BENCH_DB), Redis (REDIS_URL), the agent server over HTTP, a
prefork worker (concurrency 2), the event relay and Daphne. N Socket.IO clients (websocket transport) log in as one
user: by default bench/socketio_load.py's raw Engine.IO clients in one asyncio process, light enough that the
machine measures the server (`--client python-socketio`: the former clients, 4 processes of threads); M leads are imported with `process=True`; once all are finished (and every client has its frames, or
30 s passed), each client's frames are counted.

- latency: arrival time minus the frame's `timestamp` (the event's `created_at`, written in the transaction of the
  change), over every timestamped frame of every client: p50 / p99 / max. Twice for the raw clients: arrival at the
  client's socket (the kernel's receive time: what a client on another machine would see) and when the client
  process read it (its own CPU backlog on this shared machine included; python-socketio clients: this one only);
- lost: every client must get one `enrichment-update` `agent_end` per stage of every lead (5 × M);
- `agent-update` frames per client (global, coalesced per agent);
- clients the server dropped (or that dropped out) before the end;
- CPU time of the relay and of Daphne per relayed event, and of the clients' processes per frame (from /proc: what
  each process spent during the batch, whatever the machine's load), and `--profile DIR` writes a cProfile of each
  (`DIR/relay.prof`, `DIR/daphne.prof`).

In-run baseline: `--baseline-tree DIR` runs the same batch on a stack of another checkout (the code before a change),
alternating with this tree's, `--rounds` times each.

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/realtime.py --clients 100 --leads 30
    ... bench/realtime.py --clients 300 --baseline-tree /tmp/base --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import functools
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

from _common import ROOT, access_token, company_rows, cpu_seconds, seller_user, session_cpu_seconds, setup_real_mode
from socketio_load import connect_all

sys.path[:] = [str(ROOT), *(entry for entry in sys.path if os.path.abspath(entry or ".") != str(ROOT / "bench"))]

ORIGIN = "http://localhost:4173"
STAGES = 5
SETTLE_SECONDS = 30


class SocketioClient:
    """One python-socketio client (websocket-client threads: the async client needs aiohttp, not a dependency): the
    bench's client before `--client raw`, kept to compare with the figures measured with it."""

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
    """`count` clients of kind `kind` in a process of their own, forked before any client (thread) exists, so their
    CPU is counted apart from the bench's and the stack's."""

    def __init__(self, kind: str, url: str, token: str, count: int, spread: bool) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        target = functools.partial(_run_raw_clients, spread=spread) if kind == "raw" else _run_socketio_clients
        self.process = context.Process(target=target, args=(url, token, count, child), daemon=True)
        self.process.start()

    def ready(self) -> None:
        assert self.conn.recv() == "ready"

    def results(self) -> list[tuple[list[float], list[float], Counter[str]]]:
        return self.conn.recv()


def _run_socketio_clients(url: str, token: str, count: int, conn) -> None:
    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda _: SocketioClient(url, token), range(count)))
    conn.send("ready")
    expected = conn.recv()  # the batch is over: frames still in flight, wait until every client has all, or 30 s
    settle = time.perf_counter()
    while time.perf_counter() - settle < SETTLE_SECONDS and any(c.counts["agent_end"] < expected for c in clients):
        time.sleep(0.2)
    time.sleep(1)
    for client in clients:
        client.counts["dropped"] = int(not client.sio.connected)
    conn.send([(client.latencies, client.latencies, client.counts) for client in clients])  # read time only
    conn.recv()  # measured: now disconnect
    for client in clients:
        client.sio.disconnect()


def _run_raw_clients(url: str, token: str, count: int, conn, spread: bool = False) -> None:
    asyncio.run(_raw_clients(url, token, count, conn, spread))


async def _raw_clients(url: str, token: str, count: int, conn, spread: bool) -> None:
    async def message() -> object:
        while not conn.poll():
            await asyncio.sleep(0.05)
        return conn.recv()

    clients = await connect_all(url, token, ORIGIN, count, spread=spread)
    conn.send("ready")
    expected = await message()
    settle = time.perf_counter()
    while time.perf_counter() - settle < SETTLE_SECONDS and any(c.agent_ends < expected for c in clients):
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    for client in clients:
        client.tally()
        client.counts["dropped"] = int(client.closed.done())
    conn.send([(client.latencies, client.read_latencies, client.counts) for client in clients])
    await message()
    for client in clients:
        client.close()


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


def run_batch(args: argparse.Namespace, owner, root: Path) -> dict:
    """One batch of `args.leads` leads, watched by `args.clients` clients, on a stack of the tree at `root`."""
    from events.models import Event
    from leads.importing import import_leads
    from leads.models import Lead
    from tests.e2e.harness import RealStack

    processes = args.client_processes or (1 if args.client == "raw" else 4)
    load_before = os.getloadavg()
    stack = RealStack(workers=1, extra_env={"LOG_LEVEL": "INFO"}, realtime_processes=args.realtime_processes,
                      root=root)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        profiled(stack, args.profile.resolve())
    with stack:
        token = access_token(owner)
        shares = [args.clients // processes + (n < args.clients % processes) for n in range(processes)]
        spread = args.realtime_processes > 1
        groups = [ClientProcess(args.client, stack.base_url, token, share, spread) for share in shares if share]
        for group in groups:
            group.ready()
        pids = {name: process.pid for name, process in stack.processes.items()
                if name == "relay" or name.startswith(("daphne", "nginx"))}
        pids |= {f"clients{n}": group.process.pid for n, group in enumerate(groups)}
        def spent(name: str) -> float:  # a stack process with its children (nginx's workers); a client process
            return cpu_seconds(pids[name]) if name.startswith("clients") else session_cpu_seconds(pids[name])

        cpu_before = {name: spent(name) for name in pids}
        events_before = Event.objects.count()
        started = time.perf_counter()
        imported = import_leads(owner=owner, rows=company_rows(args.leads), process=True)
        finished = Lead.objects.filter(pk__in=imported.lead_ids, status__in=[Lead.Status.COMPLETED, Lead.Status.FAILED])
        while finished.count() < len(imported.lead_ids) and time.perf_counter() - started < 600:
            time.sleep(0.2)
        batch = time.perf_counter() - started
        expected = STAGES * len(imported.lead_ids)
        for group in groups:
            group.conn.send(expected)
        clients = [result for group in groups for result in group.results()]
        cpu = {name: spent(name) - cpu_before[name] for name in pids}
        cpu["clients"] = sum(value for name, value in cpu.items() if name.startswith("clients"))
        cpu["daphne"] = sum(value for name, value in cpu.items() if name.startswith("daphne"))
        events = Event.objects.count() - events_before
        for group in groups:
            group.conn.send("bye")
            group.process.join(30)
    return {"clients": clients, "cpu": cpu, "events": events, "expected": expected, "batch": batch,
            "load_before": load_before, "client_processes": len(groups), "elapsed": time.perf_counter() - started}


def report(args: argparse.Namespace, figures: dict) -> None:
    clients, cpu, events, expected = figures["clients"], figures["cpu"], figures["events"], figures["expected"]
    latencies = [value for client_latencies, _, _ in clients for value in client_latencies]
    read_latencies = [value for _, client_latencies, _ in clients for value in client_latencies]
    lost = sum(max(0, expected - counts["agent_end"]) for _, _, counts in clients)
    agent_updates = statistics.mean(counts["agent-update"] for _, _, counts in clients)
    dropped = sum(counts["dropped"] for _, _, counts in clients)
    frames = sum(total for _, _, counts in clients for name, total in counts.items() if name not in ("agent_end", "dropped"))
    print(f"{args.clients} clients, {args.leads} leads in {figures['batch']:.1f} s; load average before "
          f"{figures['load_before'][0]:.2f}, after {os.getloadavg()[0]:.2f}")
    for what, values in (("received by the client's socket", latencies), ("read by the client process", read_latencies)):
        print(f"latency from the event's timestamp, {what}: p50 {percentile(values, 0.5):.0f} ms, "
              f"p99 {percentile(values, 0.99):.0f} ms, max {max(values):.0f} ms ({len(values)} frames)")
    print(f"lost: {lost} of {expected * len(clients)} agent_end frames; clients dropped: {dropped}; agent-update "
          f"frames per client: {agent_updates:.0f}; frames per client: {frames / len(clients):.0f}")
    kinds: Counter[str] = Counter()
    for _, _, counts in clients:
        kinds.update({name: total for name, total in counts.items() if name not in ("agent_end", "dropped")})
    print("frames per client by event: " + ", ".join(f"{name} {total / len(clients):.1f}"
                                                      for name, total in kinds.most_common()))
    print(f"CPU per relayed event ({events} events): relay {1000 * cpu['relay'] / events:.2f} ms, "
          f"Daphne {1000 * cpu['daphne'] / events:.2f} ms (relay {cpu['relay']:.1f} s, Daphne {cpu['daphne']:.1f} s "
          f"in {args.realtime_processes} processes, nginx {cpu.get('nginx', 0.0):.1f} s, "
          f"the {args.client} clients {cpu['clients']:.1f} s in {figures['client_processes']} processes = "
          f"{1e6 * cpu['clients'] / max(frames, 1):.0f} µs per frame, over {figures['elapsed']:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--leads", type=int, default=30)
    parser.add_argument("--client", choices=["raw", "python-socketio"], default="raw",
                        help="raw: bench/socketio_load.py's Engine.IO clients; python-socketio: the former clients")
    parser.add_argument("--client-processes", type=int,
                        help="processes the clients are spread over (default: 1 raw, 4 python-socketio)")
    parser.add_argument("--profile", type=Path, help="directory for cProfile files of the relay and Daphne")
    parser.add_argument("--realtime-processes", type=int, default=1,
                        help="Daphne processes behind nginx (deploy/nginx.conf.template's ip_hash); the raw clients "
                             "then come from addresses of their own, as clients on many networks do")
    parser.add_argument("--baseline-tree", type=Path,
                        help="another checkout of the project (e.g. `git worktree add /tmp/base <commit>`): its stack "
                             "runs the same batch, alternating with this tree's, as the in-run baseline (the two must "
                             "share the database schema and the tasks' signatures)")
    parser.add_argument("--rounds", type=int, default=1, help="batches per tree")
    args = parser.parse_args()
    setup_real_mode()
    owner = seller_user()
    trees = [("baseline", args.baseline_tree.resolve()), ("this tree", ROOT)] if args.baseline_tree else [("", ROOT)]
    for _ in range(args.rounds):
        for label, root in trees:
            if label:
                print(f"== {label} ({root})")
            report(args, run_batch(args, owner, root))


if __name__ == "__main__":
    main()
