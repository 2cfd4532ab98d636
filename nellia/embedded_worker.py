"""A Celery worker and beat on daemon threads, for the embedded default (`memory://` broker).

Work still runs outside the request, through the same tasks and the same broker protocol as in production;
only the transport is process-local. Beat runs as a thread too: its default embedded form is a forked process,
which would outlive the server.
"""

import logging
import tempfile
import threading
from pathlib import Path

from celery import Celery
from celery.beat import EmbeddedService
from celery.worker import WorkController

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_worker: WorkController | None = None


def ensure_started(app: Celery) -> WorkController:
    global _worker
    with _lock:
        if _worker is None:
            _worker = WorkController(
                app=app,
                pool_cls="threads",
                concurrency=2,
                without_heartbeat=True,
                without_mingle=True,
                without_gossip=True,
                loglevel="INFO",
            )
            threading.Thread(target=_worker.start, name="embedded-celery", daemon=True).start()
            beat = EmbeddedService(
                app,
                thread=True,
                scheduler_cls="celery.beat:PersistentScheduler",
                schedule_filename=str(Path(tempfile.gettempdir()) / "nellia-embedded-beat"),
            )
            beat.daemon = True
            beat.start()
            logger.info("Embedded Celery worker and beat started (in-process, memory broker).")
    return _worker
