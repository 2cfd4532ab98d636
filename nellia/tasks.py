"""Queue Celery tasks by name, after commit, so a service never imports the task module that imports it."""

import logging
from collections.abc import Iterable
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import BatchPublishError
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def queue_after_commit(task_name: str, *args: Any) -> None:
    """Send `task_name(*args)` once the current transaction commits (at once outside a transaction)."""
    send_after_commit(task_name, [args])


def send_after_commit(task_name: str, calls: Iterable[tuple[Any, ...]]) -> None:
    """Send one `task_name(*args)` message per `args` of `calls`, in order, once the current transaction commits.

    All of them go through one producer in one kombu publish batch: with Redis as the broker that is one pipelined
    round trip (LPUSHes) instead of one per message; the embedded default's memory transport takes them one by one.
    Every message goes through the task's `apply_async`, so a test that patches `<app>.tasks.<task>.apply_async`
    sees them all. The task object is looked up in the Celery app's registry (filled by autodiscovery)."""
    messages = list(calls)
    if messages:
        transaction.on_commit(lambda: _send(task_name, messages))


def _send(task_name: str, calls: list[tuple[Any, ...]]) -> None:
    """Send after commit; a broker that is down is logged, not raised (the change is committed: a pipeline stage is
    sent again by the sweeper when its lease runs out)."""
    task = registered_task(task_name)
    try:
        with current_app.producer_or_acquire() as producer, producer.batch(max_size=len(calls)):
            for args in calls:
                task.apply_async(args, producer=producer)
    except (BrokerError, BatchPublishError, OSError) as exc:
        logger.warning("Could not send %d %s message(s) (first %r): %s", len(calls), task_name, calls[0], exc)


def registered_task(task_name: str) -> Task:
    """The task registered as `task_name`. Outside a worker the apps' `tasks` modules are imported on first use
    (Celery's autodiscovery is lazy there)."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]
