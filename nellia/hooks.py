"""Hooks: how an app lower in the import graph reaches code of an app above it without importing it.

The app below declares the hook (`Hook` for "tell everyone who listens", `Slot` for "the one provider of X");
the app above registers into it from its `AppConfig.ready()`. The import graph keeps pointing one way (see
docs/architecture.md), and a reader finds every receiver by grepping for the hook's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P]):
    """Receivers called in registration order; registering the same one twice is a no-op."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, object]] = []

    def register(self, receiver: Callable[P, object]) -> Callable[P, object]:
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for receiver in tuple(self._receivers):
            receiver(*args, **kwargs)


class Slot(Generic[P, R]):
    """One provider, registered by the app that implements it; calling an empty slot is a configuration error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._provider: Callable[P, R] | None = None

    @property
    def filled(self) -> bool:
        return self._provider is not None

    def provide(self, provider: Callable[P, R]) -> Callable[P, R]:
        self._provider = provider
        return provider

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._provider is None:
            raise LookupError(f"Nothing provides {self.name!r}: is the app that implements it installed?")
        return self._provider(*args, **kwargs)
