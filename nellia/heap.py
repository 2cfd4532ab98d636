"""The served process's heap: once warm, its long-lived objects leave the cyclic garbage collector's view.

A web process holds ~200k objects that live as long as it does (modules, classes, URL patterns, serializers' fields,
caches filled by the first requests). Python's full (generation 2) collection walks them all: 90–130 ms in a gunicorn
worker, every ~800 requests of `/api/v1/leads` on this project's 2-core machine, which was the one-connection p99;
115–270 ms in a Daphne process, during a batch's real-time fan-out (bench/RESULTS.md). Once the process is warm, one
collection clears what is garbage and `gc.freeze()` moves the rest to the permanent generation: later full
collections walk only what requests and connections leave behind (4–7 ms in a worker). Warm means: an HTTP worker's
`GC_FREEZE_AFTER_REQUESTS`-th request (the imports and caches of the first requests done); the real-time process,
which serves no Django request, at its first WebSocket connection. Objects that were frozen and later dropped are
still freed by reference counting; only a cycle among them would be kept.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

from django.core.signals import request_finished

_frozen = False


def freeze() -> None:
    """Collect, then freeze what is left (once per process)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def freeze_after(requests: int) -> None:
    """`freeze()` when this process's `requests`-th request finishes."""
    finished = itertools.count(1)

    def count(**_kwargs: Any) -> None:
        if next(finished) == requests:
            request_finished.disconnect(count)
            freeze()

    request_finished.connect(count, weak=False)
