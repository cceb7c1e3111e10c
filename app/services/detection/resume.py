"""The GUI process's memory of what the detection worker had learnt, for the worker after it.

The worker sends a :class:`ViewCheckpoint` after every check (see
:mod:`app.services.detection.checkpoints`); :class:`ResumeBook` keeps the latest of each view,
merged (a checkpoint may leave out the parts that did not change), and follows the alert messages
the GUI was told about. When the worker dies, :meth:`ResumeBook.lost_with_worker` says which alert
messages died with it: a raise whose picture was still being written (sent now without it) or a
clear that never left. A restarted worker gets :meth:`ResumeBook.checkpoints` and resumes every
dwell, hit history, open alert and bin reference where they were.
"""

from __future__ import annotations

import time
from dataclasses import replace

from app.core.alerts import Alert
from app.services.detection.protocol import AlertCleared, AlertMessage, AlertRaised, ViewCheckpoint

PlaceKey = tuple[str, str | None]


class ResumeBook:
    def __init__(self) -> None:
        self._views: dict[PlaceKey, ViewCheckpoint] = {}
        self._announced: dict[str, Alert] = {}  # raises the GUI got and no clear yet

    def __len__(self) -> int:
        return len(self._views)

    def keep(self, checkpoint: ViewCheckpoint) -> None:
        key = (checkpoint.camera_id, checkpoint.preset)
        old = self._views.get(key)
        if old is not None:
            checkpoint = replace(checkpoint, state=old.state.merged(checkpoint.state))
        self._views[key] = checkpoint

    def seen(self, message: AlertMessage) -> None:
        """An alert message the GUI got."""
        if isinstance(message, AlertRaised):
            self._announced[message.alert.id] = message.alert
            return
        self._announced.pop(message.alert_id, None)
        for key, cp in list(self._views.items()):  # (a view's zones changed: no newer checkpoint)
            if any(a.id == message.alert_id for a in cp.open_alerts):
                kept = tuple(a for a in cp.open_alerts if a.id != message.alert_id)
                self._views[key] = replace(cp, open_alerts=kept)

    def checkpoints(self) -> tuple[ViewCheckpoint, ...]:
        return tuple(self._views.values())

    def open_alerts(self) -> list[Alert]:
        return [a for cp in self._views.values() for a in cp.open_alerts]

    def lost_with_worker(self, now_wall: float | None = None) -> list[AlertMessage]:
        """The alert messages the dead worker decided but never sent, now (without pictures).

        Its checkpoints went out before its alerts did, so an alert open in them that the GUI never
        heard of was raised, and one the GUI holds open that they no longer list was cleared."""
        wall = time.time() if now_wall is None else now_wall
        open_now = {a.id: a for a in self.open_alerts()}
        lost: list[AlertMessage] = [
            AlertRaised(a) for alert_id, a in open_now.items() if alert_id not in self._announced
        ]
        lost += [
            AlertCleared(alert_id, a.camera_id, wall)
            for alert_id, a in self._announced.items()
            if alert_id not in open_now
        ]
        for message in lost:
            self.seen(message)
        return lost
