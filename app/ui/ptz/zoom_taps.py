"""Zoom keys and buttons: a tap zooms one fine step, a hold zooms on until released.

A 0.5 s tap used to be a 0.5 s continuous zoom: from the panorama straight into shapeless grass.
An operator tapping + wants "a little closer"; one holding it wants "closer until I let go". A
press starts a short timer: released before it fires, the press was a tap (one relative step);
still held when it fires, the continuous zoom starts and ends at the release.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

HOLD_AFTER_MS = 300  # a press longer than this is a hold
ZOOM_STEP = 0.03  # of the zoom's full travel (ONVIF's generic translation space, -1..1): ~1/33


class TapOrHold(QObject):
    """Tells taps from holds of one control; ``sign`` is +1 (zoom in) or -1 (zoom out)."""

    def __init__(
        self,
        on_tap: Callable[[int], None],
        on_hold: Callable[[int], None],
        on_release: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_tap, self._on_hold, self._on_release = on_tap, on_hold, on_release
        self._sign = 0
        self._holding = False
        self._timer = QTimer(self, singleShot=True, interval=HOLD_AFTER_MS)
        self._timer.timeout.connect(self._hold)

    @property
    def pressed(self) -> bool:
        return self._sign != 0

    def press(self, sign: int) -> None:
        if self._sign == sign:
            return  # (a key's auto-repeat)
        if self._sign:
            self.release()
        self._sign, self._holding = sign, False
        self._timer.start()

    def release(self) -> None:
        sign, self._sign = self._sign, 0
        if not sign:
            return
        if self._timer.isActive():
            self._timer.stop()
            self._on_tap(sign)
        elif self._holding:
            self._holding = False
            self._on_release()

    def _hold(self) -> None:
        if self._sign:
            self._holding = True
            self._on_hold(self._sign)
