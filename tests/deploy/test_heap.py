"""nellia.heap: a served process freezes its heap once, when it is warm."""

import gc

import pytest
from django.core.signals import request_finished

from nellia import daphne_websocket, heap


@pytest.fixture
def freezes(monkeypatch):
    frozen: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda: 0)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(frozen)))
    monkeypatch.setattr(heap, "_frozen", False)
    return frozen


def test_an_http_worker_freezes_once_when_its_warm_up_requests_are_done(freezes, monkeypatch):
    receivers: list = []  # request_finished's, without the other receivers (they close the database connection)
    monkeypatch.setattr(request_finished, "connect", lambda receiver, **_: receivers.append(receiver))
    monkeypatch.setattr(request_finished, "disconnect", lambda receiver, **_: receivers.remove(receiver))
    heap.freeze_after(3)
    [finished] = receivers
    finished()
    finished()
    assert freezes == []
    finished()
    assert freezes == [0] and receivers == []  # done: it no longer listens


def test_the_heap_is_frozen_once_per_process(freezes):
    heap.freeze()
    heap.freeze()
    assert freezes == [0]


def test_the_real_time_service_freezes_at_its_first_websocket_connection(freezes, monkeypatch):
    from tests.events.test_daphne_websocket import open_protocol

    monkeypatch.setattr(daphne_websocket, "_in_use", False)
    monkeypatch.setattr(daphne_websocket, "_on_first_connection", [])
    daphne_websocket.on_first_connection(heap.freeze)
    assert freezes == []
    open_protocol()
    open_protocol()
    assert freezes == [0]
    later: list[str] = []
    daphne_websocket.on_first_connection(lambda: later.append("now"))  # after the first connection: at once
    assert later == ["now"]
