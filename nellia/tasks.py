"""Queue Celery tasks by name, after commit, so a service never imports the task module that imports it."""

from typing import Any

from celery import Task, current_app
from django.db import transaction


def queue_after_commit(task_name: str, *args: Any) -> None:
    """Send `task_name(*args)` once the current transaction commits (at once outside a transaction).

    The task object is looked up in the Celery app's registry (filled by autodiscovery), so a test that patches
    `<app>.tasks.<task>.delay` still sees every message."""
    transaction.on_commit(lambda: registered_task(task_name).delay(*args))


def registered_task(task_name: str) -> Task:
    """The task registered as `task_name`. Outside a worker the apps' `tasks` modules are imported on first use
    (Celery's autodiscovery is lazy there)."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]
