"""Listeners of a service: added under the service's lock, with the function that takes one away."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

L = TypeVar("L")


def add_listener(listeners: list[L], lock: AbstractContextManager[Any], listener: L) -> Callable[[], None]:
    """Append ``listener`` to ``listeners`` (holding ``lock``); returns the unsubscribe function,
    which may be called more than once."""
    with lock:
        listeners.append(listener)

    def unsubscribe() -> None:
        with lock:
            if listener in listeners:
                listeners.remove(listener)

    return unsubscribe
