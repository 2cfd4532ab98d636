"""Queue Celery tasks by name, after commit, so a service never imports the task module that imports it."""

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def queue_after_commit(task_name: str, *args: Any) -> None:
    """Send `task_name(*args)` once the current transaction commits (at once outside a transaction).

    The task object is looked up in the Celery app's registry (filled by autodiscovery), so a test that patches
    `<app>.tasks.<task>.delay` still sees every message."""
    transaction.on_commit(lambda: _send(task_name, args))


def _send(task_name: str, args: tuple[Any, ...]) -> None:
    """Send after commit; a broker that is down is logged, not raised (the change is committed: a pipeline stage is
    sent again by the sweeper when its lease runs out)."""
    try:
        registered_task(task_name).delay(*args)
    except (BrokerError, OSError) as exc:
        logger.warning("Could not send %s%r: %s", task_name, args, exc)


def registered_task(task_name: str) -> Task:
    """The task registered as `task_name`. Outside a worker the apps' `tasks` modules are imported on first use
    (Celery's autodiscovery is lazy there)."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]
