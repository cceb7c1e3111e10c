"""A new alert is seen and heard until someone takes it.

:class:`Attention` follows the alert service (its change events, and a one-second tick for
snoozes that end): the tiles of cameras with an alert nobody has taken stay marked on every wall,
and the alarm sound repeats at the most urgent waiting alert's priority. An alert that cleared by
itself before anyone saw it still waits (the service's ``awaiting_acknowledgement`` says which).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.alerts import Alert
from app.services.alerts import AlertService
from app.ui.alerts.model import AlertFeed
from app.ui.alerts.sound import AlarmSound
from app.ui.wall.compositor import WallCompositor

TICK_MS = 1000


class Attention(QObject):
    waiting_changed = Signal(object)  # list[Alert] not yet taken, most urgent first

    def __init__(
        self,
        service: AlertService,
        compositors: Callable[[], Iterable[WallCompositor]],
        sound: AlarmSound | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._compositors, self.sound = service, compositors, sound
        self.waiting: list[Alert] = []
        self._feed = AlertFeed(self)
        self._feed.changed.connect(lambda _change: self.refresh())
        self._unsubscribe = service.subscribe(self._feed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        waiting = self._service.awaiting_acknowledgement()
        cameras = frozenset(a.camera_id for a in waiting)
        muted = frozenset(self._service.snoozed_cameras())
        for compositor in self._compositors():
            compositor.set_awaiting(cameras)
            compositor.set_muted(muted - cameras)
        if self.sound is not None:
            self.sound.follow(waiting[0].priority if waiting else None)
        if [(a.id, a.updated_at) for a in waiting] != [(a.id, a.updated_at) for a in self.waiting]:
            self.waiting = waiting
            self.waiting_changed.emit(waiting)

    def newest(self) -> Alert | None:
        """The alert the alarm window shows: the newest of those not yet taken."""
        return max(self.waiting, key=lambda a: a.raised_at, default=None)
