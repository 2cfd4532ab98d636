"""A Celery worker on a daemon thread, for the embedded default (`memory://` broker).

Work still runs outside the request, through the same tasks and the same broker protocol as in production;
only the transport is process-local. Beat runs embedded in the same worker.
"""

import logging
import tempfile
import threading
from pathlib import Path

from celery import Celery
from celery.worker import WorkController

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_worker: WorkController | None = None


def ensure_started(app: Celery) -> WorkController:
    global _worker
    with _lock:
        if _worker is None:
            schedule = Path(tempfile.gettempdir()) / "nellia-embedded-beat"
            _worker = WorkController(
                app=app,
                pool_cls="threads",
                concurrency=2,
                without_heartbeat=True,
                without_mingle=True,
                without_gossip=True,
                beat=True,
                scheduler="celery.beat:PersistentScheduler",
                schedule_filename=str(schedule),
                loglevel="INFO",
            )
            threading.Thread(target=_worker.start, name="embedded-celery", daemon=True).start()
            logger.info("Embedded Celery worker started (in-process, memory broker).")
    return _worker
