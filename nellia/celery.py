"""Celery application. Tasks live in each app's `tasks.py` and stay thin: they call services."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nellia.settings")

app = Celery("nellia")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes every connection, and in a prefork worker the whole PostgreSQL pool, before and
# after each task unless this is set: each pipeline stage then opened a new pool and connection. With it the fixup
# closes them only every 2 × this many tasks (a forked child still drops what it inherited), and
# `_release_connections` hands the connection back to the pool after each task, as Django does after a request.
app.conf.update(CELERY_DB_REUSE_MAX=1_000_000)
app.autodiscover_tasks()


@task_postrun.connect
def _release_connections(**_: object) -> None:
    """After a task: its connection goes back to the pool (a broken one is dropped), as at the end of a request.
    A task run eagerly inside a transaction (tests, `apply()` in a caller's atomic block) keeps its connection."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


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
