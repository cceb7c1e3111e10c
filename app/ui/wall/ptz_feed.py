"""Who has each PTZ camera, on its tiles: the operator steering it, or the lock with its holder and
time left ("已由您锁定 · 剩余 4 分钟"), following the PTZ hub's controllers on every wall."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.core.ptz_control import CameraControl, Requester
from app.services.ptz_controller import ControlChanged
from app.services.ptz_hub import PtzHub
from app.ui.wall.compositor import WallCompositor
from app.ui.wall.tiles import PtzMark

REFRESH_MS = 1000  # a lock's minutes left move on while nothing else happens


def minutes_left(seconds: float) -> int:
    """Whole minutes, rounded up: 3 min 10 s left says 4, the last seconds say 1 (never 0)."""
    return max(1, math.ceil(seconds / 60.0 - 1e-9))


def tile_ptz_mark(control: CameraControl, now: float, me: Requester) -> PtzMark | None:
    """What a tile says about who has its camera; None when nobody does."""
    translate = QCoreApplication.translate
    lock = control.lock if control.locked(now) else None
    if lock is not None:
        minutes = minutes_left(lock.remaining_s(now))
        short = translate("Wall", "Locked · {0} min").format(minutes)
        if lock.holder.same(me):
            return PtzMark(translate("Wall", "Locked by you · {0} min left").format(minutes), True, short)
        text = translate("Wall", "Locked by {0} · {1} min left").format(lock.holder.name, minutes)
        return PtzMark(text, False, short)
    if control.holder is not None:
        holder = control.holder.requester
        if holder.same(me):
            return PtzMark(translate("Wall", "You are steering"), True, translate("Wall", "Steering"))
        return PtzMark(translate("Wall", "{0} steering").format(holder.name), False, holder.name)
    return None


class PtzMarkFeed(QObject):
    """Puts :func:`tile_ptz_mark` of every PTZ camera on the walls' compositors: at once when a
    controller's control changes, and once a second for the minutes left."""

    def __init__(
        self,
        hub: PtzHub | None,
        compositors: Callable[[], list[WallCompositor]],
        me: Callable[[], Requester],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._hub, self._compositors, self._me = hub, compositors, me
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        if hub is not None:
            for controller in hub.controllers.values():
                controller.subscribe(self._on_event)  # called on the GUI thread (the hub's tick)

    def set_running(self, running: bool) -> None:
        if running and self._hub is not None and self._hub.controllers:
            self.refresh()
            self._timer.start()
        else:
            self._timer.stop()

    def marks(self) -> dict[str, PtzMark]:
        marks: dict[str, PtzMark] = {}
        if self._hub is None:
            return marks
        me = self._me()
        for camera_id, controller in self._hub.controllers.items():
            mark = tile_ptz_mark(controller.control, controller.now(), me)
            if mark is not None:
                marks[camera_id] = mark
        return marks

    def refresh(self) -> None:
        marks = self.marks()
        for compositor in self._compositors():
            compositor.set_ptz_marks(marks)

    def _on_event(self, event: object) -> None:
        if isinstance(event, ControlChanged):
            self.refresh()
