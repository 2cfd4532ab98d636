import pytest

from nellia.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Celery tasks run inline when enqueued (restored afterwards)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def agent(db):
    from tests.factories import pipeline_agent

    return pipeline_agent("analysis")
