"""The alert service's changes as a Qt signal: every widget that shows alerts follows it.

The service calls its listeners on the thread that made the change (the GUI thread for people's
commands and the detection drain, a timer for snoozes that end); the signal brings each change
to the GUI thread whatever thread it came from, in order.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.alerts import AlertChange
from app.services.alerts import AlertService


class AlertSignals(QObject):
    changed = Signal(object)  # AlertChange

    def __init__(self, service: AlertService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._unsubscribe = service.subscribe(self._told)

    def _told(self, change: AlertChange) -> None:
        self.changed.emit(change)

    def close(self) -> None:
        self._unsubscribe()
