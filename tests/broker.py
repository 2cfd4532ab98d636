"""The broker in unit tests. `nellia.tasks` sends every message through its task's `apply_async(args, producer=...)`
(one kombu publish batch per transaction's messages): `on_send()` takes the broker's place there."""

from collections.abc import Callable
from typing import Any


def on_send(monkeypatch: Any, task: Any, handle: Callable[..., object]) -> None:
    """Instead of sending a message of `task` (a task, or its dotted path), call `handle(*args)` with its arguments."""

    def apply_async(args: tuple, **_: Any) -> None:
        handle(*args)

    if isinstance(task, str):
        monkeypatch.setattr(f"{task}.apply_async", apply_async)
    else:
        monkeypatch.setattr(task, "apply_async", apply_async)


def on_stage_send(monkeypatch: Any, handle: Callable[..., object]) -> None:
    """Instead of sending stage tasks, call `handle(lead_id, stage, run_token)` for each lead they carry: a
    `leads.run_stage` message carries one, a `leads.run_stages` message a batch."""
    from pipeline import tasks

    on_send(monkeypatch, tasks.run_stage, handle)
    on_send(monkeypatch, tasks.run_stages, lambda items: [handle(*item) for item in items])
