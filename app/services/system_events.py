"""The one place every part of the app reports faults and recoveries to (and the log file).

Any thread may :meth:`SystemEventLog.publish`; the UI reads with :meth:`since` on its own timer
(events never travel inside Qt signals from other threads). Bounded: the newest
``capacity`` events are kept; the log file keeps all of them.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from app.core.system_events import CONDITION_FAMILY, Severity, SystemEvent, SystemEventKind

log = logging.getLogger("citywall.events")

_LOG_LEVEL = {Severity.INFO: logging.INFO, Severity.WARNING: logging.WARNING, Severity.ERROR: logging.ERROR}


class SystemEventLog:
    def __init__(self, capacity: int = 1000) -> None:
        self._events: deque[SystemEvent] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = 0
        self._listeners: list[Callable[[SystemEvent], None]] = []

    def publish(self, event: SystemEvent) -> SystemEvent:
        """Keep ``event`` (numbered), write it to the log, tell listeners; returns the numbered event."""
        with self._lock:
            self._seq += 1
            numbered = replace(event, seq=self._seq)
            self._events.append(numbered)
            listeners = list(self._listeners)
        log.log(_LOG_LEVEL[numbered.severity], "%s", numbered.log_text())
        for listener in listeners:
            try:
                listener(numbered)
            except Exception:  # a listener's bug must not stop the reporting of faults
                log.exception("system event listener failed")
        return numbered

    def report(
        self,
        kind: SystemEventKind,
        *,
        camera_id: str | None = None,
        subject: str = "",
        detail: str = "",
        value: float | None = None,
    ) -> SystemEvent:
        """Shorthand: ``report(SystemEventKind.DISK_FULL, subject=str(folder))``."""
        return self.publish(
            SystemEvent.of(kind, camera_id=camera_id, subject=subject, detail=detail, value=value)
        )

    def since(self, seq: int) -> list[SystemEvent]:
        """Events numbered above ``seq``, oldest first (those still kept)."""
        with self._lock:
            if not self._events or self._events[-1].seq <= seq:
                return []
            return [e for e in self._events if e.seq > seq]

    def recent(self) -> list[SystemEvent]:
        with self._lock:
            return list(self._events)

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    def subscribe(self, listener: Callable[[SystemEvent], None]) -> None:
        """``listener`` is called on the publishing thread: keep it short and thread-safe."""
        with self._lock:
            self._listeners.append(listener)

    def open_conditions(self) -> list[SystemEvent]:
        """Events whose condition has not been resolved by a later one (cameras still down, …)."""
        with self._lock:
            events = list(self._events)
        open_: list[SystemEvent] = []
        for event in events:
            open_ = [e for e in open_ if not event.resolves(e)]
            if event.kind in _CONDITIONS:
                open_ = [e for e in open_ if not _same_condition(e, event)]
                open_.append(event)
        return open_


_CONDITIONS = frozenset(
    {
        SystemEventKind.CAMERA_DOWN,
        SystemEventKind.DETECTION_WORKER_DOWN,
        SystemEventKind.DISK_LOW,
        SystemEventKind.DISK_FULL,
        SystemEventKind.DATA_FOLDER_READ_ONLY,
        SystemEventKind.MODEL_NOT_LOADED,
    }
)


def _same_condition(a: SystemEvent, b: SystemEvent) -> bool:
    kind_a, kind_b = CONDITION_FAMILY.get(a.kind, a.kind), CONDITION_FAMILY.get(b.kind, b.kind)
    return kind_a == kind_b and a.camera_id == b.camera_id and a.subject == b.subject
