"""Benchmark: the cost of putting N leads in the pipeline's queue, in process, in the real mode (PostgreSQL, Redis
as the broker; no worker consumes: the queue is emptied after each run).

    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/enqueue.py

Per way of enqueueing: time per lead, SQL statements and broker round trips (commands sent to Redis) for the
whole batch. "one by one" is what the callers did before issue 14 (`enqueue_processing` per lead, each in its own
transaction); "batch" is `pipeline.services.enqueue_many` (absent from older trees: skipped). The broker-only rows
send N `run_stage` messages without touching the database: one `delay()` each, a Celery group, and one kombu
producer batch (`Producer.batch()`: pipelined LPUSHes).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_user, company_rows, machine, setup_django

LEADS = int(os.environ.get("BENCH_ENQUEUE_LEADS", "1000"))
QUEUE = "bench-enqueue"


class RoundTrips:
    """Counts what the Redis client writes to its socket (one write = one round trip: a pipeline is one)."""

    def __init__(self) -> None:
        from redis.connection import AbstractConnection

        self.count = 0
        self._cls = AbstractConnection
        self._original = AbstractConnection.send_packed_command

    def __enter__(self) -> RoundTrips:
        original, counter = self._original, self

        def send_packed_command(conn, command, check_health=True):  # type: ignore[no-untyped-def]
            counter.count += 1
            return original(conn, command, check_health)

        self._cls.send_packed_command = send_packed_command  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self._cls.send_packed_command = self._original  # type: ignore[method-assign]


def measure(label: str, run: Callable[[], object], reset: Callable[[], None], queued: Callable[[], int]) -> dict:
    from django.db import connection

    statements = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements[0] += 1
        return execute(sql, params, many, context)

    reset()
    with connection.execute_wrapper(count), RoundTrips() as trips:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
    row = {"what": label, "ms_per_lead": seconds * 1000 / LEADS, "seconds": seconds, "sql": statements[0],
           "broker_round_trips": trips.count}
    print(f"{label:<34} {row['ms_per_lead']:7.3f} ms/lead  {seconds:7.3f} s  {statements[0]:6d} SQL  "
          f"{trips.count:6d} broker round trips  {queued():6d} messages queued")
    return row


def main() -> list[dict]:
    print(f"machine: {machine()}; {LEADS} leads")
    setup_django(fresh=True, keep_redis=True)
    import redis
    from celery import current_app, group
    from django.conf import settings

    from leads.importing import import_leads
    from leads.models import Lead
    from pipeline import services, tasks

    current_app.conf.task_default_queue = QUEUE  # not the queue of a worker or a test sharing this Redis database
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    user = bench_user()
    import_leads(owner=user, rows=company_rows(LEADS))
    leads = list(Lead.objects.order_by("created_at"))
    ids = [lead.pk for lead in leads]

    def reset() -> None:
        Lead.objects.update(status=Lead.Status.NEW, processing_stage="intake", progress=0, queued_at=None,
                            lease_expires_at=None)
        broker.delete(QUEUE)

    def queued() -> int:
        return int(broker.llen(QUEUE))

    def one_by_one() -> None:
        for lead in leads:
            services.enqueue_processing(lead=lead)

    def batch() -> None:
        services.enqueue_many(ids)  # type: ignore[attr-defined]

    args = [(str(lead_id), "intake", "") for lead_id in ids]

    def delays() -> None:
        for call in args:
            tasks.run_stage.delay(*call)

    def celery_group() -> None:
        group(tasks.run_stage.si(*call) for call in args).apply_async()

    def producer_batch() -> None:
        with current_app.producer_or_acquire() as producer, producer.batch(max_size=len(args)):
            for call in args:
                tasks.run_stage.apply_async(call, producer=producer)

    rows = []
    for attempt in (1, 2):  # alternated twice: the first pass also warms the caches of a fresh database
        rows.append(measure(f"enqueue_processing one by one #{attempt}", one_by_one, reset, queued))
        if hasattr(services, "enqueue_many"):
            rows.append(measure(f"enqueue_many (batch) #{attempt}", batch, reset, queued))
    rows.append(measure("broker only: delay() each", delays, reset, queued))
    rows.append(measure("broker only: Celery group", celery_group, reset, queued))
    rows.append(measure("broker only: producer.batch()", producer_batch, reset, queued))
    reset()
    return rows


if __name__ == "__main__":
    main()
