"""Celery application. Tasks live in each app's `tasks.py` and stay thin: they call services."""

import os

from celery import Celery
from celery.signals import before_task_publish, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nellia.settings")

app = Celery("nellia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _start_embedded_worker(**_: object) -> None:
    """In the embedded default the broker is in memory: the process that enqueues also consumes."""
    from django.conf import settings

    if settings.CELERY_EMBEDDED_WORKER:
        from nellia.embedded_worker import ensure_started

        ensure_started(app)


@worker_init.connect
def _import_agent_modules(**_: object) -> None:
    """Before the pool's threads (or forked children) exist: no thread makes a first import of the agent graph."""
    from mcp_bridge.client import import_agent_modules

    import_agent_modules()
