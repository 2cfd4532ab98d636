"""nellia.heap: a served process freezes its heap once, after its warm-up requests."""

import gc

from django.core.signals import request_finished

from nellia import heap


def test_the_heap_is_frozen_once_when_the_warm_up_requests_are_done(monkeypatch):
    frozen: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda: 0)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(frozen)))
    receivers = len(request_finished.receivers)
    heap.freeze_after(3)
    for _ in range(2):
        request_finished.send(sender=None)
    assert frozen == []
    request_finished.send(sender=None)
    assert frozen == [0]
    for _ in range(5):
        request_finished.send(sender=None)
    assert frozen == [0] and len(request_finished.receivers) == receivers  # done: it no longer listens


def test_zero_never_freezes():
    receivers = len(request_finished.receivers)
    heap.freeze_after(0)
    assert len(request_finished.receivers) == receivers

