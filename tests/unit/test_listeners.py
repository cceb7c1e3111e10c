"""A service's listeners (app/services/listeners.py): added, taken away once, safe to take twice."""

from __future__ import annotations

import threading

from app.services.listeners import add_listener


def test_a_listener_is_added_and_its_unsubscribe_takes_it_away_once() -> None:
    listeners: list[object] = []
    lock = threading.RLock()
    first, second = object(), object()
    drop_first = add_listener(listeners, lock, first)
    add_listener(listeners, lock, second)
    assert listeners == [first, second]
    drop_first()
    drop_first()  # a second call changes nothing
    assert listeners == [second]
