"""One MCP tool call over HTTP, as the worker makes it (`mcp_bridge.client.AgentBridge`, one kept session), against
the agent server in one process and in two (`AGENT_SERVER_WORKERS`, as docker-compose runs it), vs the same calls
made in this process without MCP: the per-call overhead of the bridge, the SDK, uvicorn and loopback TCP.

The calls are the five stages of N leads (`_common.agent_calls`: each stage given the earlier stages' results),
made one after the other, and 10 at a time in one `run_stage_batch` call (`call_tools`, as the pipeline makes
them). Prints, per server setup: latency p50/p99/mean, this process's CPU per call (the SDK
client) and the server's (its processes, from /proc), with the load average.

    REDIS_URL=redis://127.0.0.1:6379/<db> BENCH_DB=nellia_bench_<name> .venv/bin/python bench/mcp_call.py --leads 60

A regression guard for the 40 ms stall found on 2026-12-01: with several workers uvicorn bound the socket without
IPPROTO_TCP, asyncio left Nagle on, and every response body waited for the client's delayed ACK of its headers
(51.8 ms per call against 8.4 ms with one worker).
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import agent_calls, load, seller_user, session_cpu_seconds, setup_real_mode


def over_http(calls: list[tuple[str, dict]], workers: int, batch: int = 1) -> dict[str, float]:
    """`batch` > 1: the calls `batch` at a time through `call_tools` (one `run_stage_batch` call each), as the
    pipeline's stage tasks make them; latency is then per call (the batch's over its size)."""
    from mcp_bridge.client import AgentBridge
    from tests.e2e.harness import RealStack

    stack = RealStack(workers=0, extra_env={"AGENT_SERVER_WORKERS": str(workers)})
    try:
        stack.start_agent_server()
        bridge = AgentBridge(url=stack.mcp_url, token=stack.token)
        for tool, arguments in calls[:10]:  # warm up: session, both server processes
            bridge.call_tool(tool, arguments)
        server = stack.processes["agent_server"].pid
        server_before, client_before = session_cpu_seconds(server), time.process_time()
        latencies = []
        for start in range(0, len(calls), batch):
            group = calls[start:start + batch]
            started = time.perf_counter()
            if batch == 1:
                bridge.call_tool(*group[0])
            elif any(isinstance(outcome, Exception) for outcome in bridge.call_tools(group)):
                raise SystemExit("a batched call failed")
            latencies.append((time.perf_counter() - started) * 1000 / len(group))
        client_cpu, server_cpu = time.process_time() - client_before, session_cpu_seconds(server) - server_before
        bridge.close()
    finally:
        stack.stop()
    return {"p50": statistics.median(latencies), "p99": statistics.quantiles(latencies, n=100)[98],
            "mean": statistics.fmean(latencies), "client_cpu": client_cpu * 1000 / len(calls),
            "server_cpu": server_cpu * 1000 / len(calls)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=60)
    args = parser.parse_args()
    setup_real_mode()
    owner = seller_user()
    agent_calls(10, owner)  # warm up imports and corpora
    calls, bare_per_lead = agent_calls(args.leads, owner)
    bare = bare_per_lead * args.leads / len(calls)
    before = load()
    rows = {(workers, batch): over_http(calls, workers, batch) for workers, batch in ((1, 1), (2, 1), (1, 10))}
    print(f"{len(calls)} calls ({args.leads} leads × 5 stages); {before} → {load()}")
    print(f"in process, no MCP:          {bare:6.2f} ms/call")
    for (workers, batch), row in rows.items():
        how = "one by one" if batch == 1 else f"{batch} per run_stage_batch call"
        print(f"over HTTP, {workers} server process(es), {how}: p50 {row['p50']:6.2f}, p99 {row['p99']:6.2f}, mean "
              f"{row['mean']:6.2f} ms/call ({row['mean'] / bare:.1f}x in process); CPU per call: client "
              f"{row['client_cpu']:.2f} ms, server {row['server_cpu']:.2f} ms")


if __name__ == "__main__":
    main()
