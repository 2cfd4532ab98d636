"""A worker keeps its PostgreSQL pool across tasks (Celery's Django fixup closed it before and after each one) and
hands its connection back after each task, as Django does after a request."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from nellia.celery import _release_connections, app

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_fixup_reuses_connections_across_tasks():
    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max and fixup.db_reuse_max >= 1000
    connection.ensure_connection()
    fixup.close_database()  # what the fixup does before and after each task
    assert connection.connection is not None  # not closed: no new connection (or pool) per task


def test_after_a_task_the_connection_goes_back():
    connection.ensure_connection()
    _release_connections()
    assert connection.connection is None  # back to the pool (closed without one): the next task takes a checked one
