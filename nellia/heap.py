"""The served process's heap: once warm, its long-lived objects leave the cyclic garbage collector's view.

A web worker holds ~200k objects that live as long as it does (modules, classes, URL patterns, serializers' fields,
caches filled by the first requests). Python's full (generation 2) collection walks them all: 90–110 ms, every
~800 requests of `/api/v1/leads` on this project's 2-core machine, which was the one-connection p99 (bench/RESULTS.md).
After the first `GC_FREEZE_AFTER_REQUESTS` requests (the imports and caches of a first request done), one collection
clears what is garbage and `gc.freeze()` moves the rest to the permanent generation: later full collections walk
only what requests leave behind (4–7 ms). Objects that were frozen and later dropped are still freed by reference
counting; only a cycle among them would be kept.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

from django.core.signals import request_finished


def freeze_after(requests: int) -> None:
    """Freeze this process's heap when its `requests`-th request finishes (0: never)."""
    if requests <= 0:
        return
    finished = itertools.count(1)

    def count(**_kwargs: Any) -> None:
        if next(finished) == requests:
            request_finished.disconnect(count)
            gc.collect()
            gc.freeze()

    request_finished.connect(count, weak=False)
