"""Steering a focused PTZ camera on the picture itself: arrow keys and +/− held down, Home, a click
to centre a point, a dragged box to zoom into it (drawn right to left: zoom out)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from app.core.ptz_port import PtzVector
from app.ui.ptz.panel import PtzPanel
from app.ui.wall.compositor import WallCompositor

KEYS = {
    Qt.Key.Key_Left: (-1.0, 0.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0, 0.0),
    Qt.Key.Key_Up: (0.0, 1.0, 0.0),
    Qt.Key.Key_Down: (0.0, -1.0, 0.0),
    Qt.Key.Key_Plus: (0.0, 0.0, 1.0),
    Qt.Key.Key_Equal: (0.0, 0.0, 1.0),  # the + key without Shift on most keyboards
    Qt.Key.Key_Minus: (0.0, 0.0, -1.0),
}


def direction(pressed: set[Qt.Key]) -> PtzVector:
    """The combined direction of the held keys (left+up turns diagonally; opposites cancel)."""
    pan = tilt = zoom = 0.0
    for key in pressed:
        dp, dt, dz = KEYS[key]
        pan, tilt, zoom = pan + dp, tilt + dt, zoom + dz
    return PtzVector(_clamp(pan), _clamp(tilt), _clamp(zoom))


def _clamp(value: float) -> float:
    return max(-1.0, min(1.0, value))


class FocusPtzControl(QObject):
    def __init__(self, compositor: WallCompositor, panel: PtzPanel) -> None:
        super().__init__(compositor)
        self._compositor = compositor
        self._panel = panel
        self._pressed: set[Qt.Key] = set()
        self._drag_from: QPoint | None = None
        self.active = False
        compositor.installEventFilter(self)

    def set_active(self, active: bool) -> None:
        if not active and self._panel.zoom_taps.pressed:
            self._panel.zoom_taps.release()
        if not active and self._pressed:
            self._pressed.clear()
            self._panel.stop_move()
        self.active = active
        self._drag_from = None
        self._compositor.set_rubber_band(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self.active or self._panel.controller is None:
            return False
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return self._key(event)  # type: ignore[arg-type]
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease):
            return self._mouse(event)  # type: ignore[arg-type]
        if kind == QEvent.Type.FocusOut and self._panel.zoom_taps.pressed:
            self._panel.zoom_taps.release()
        if kind == QEvent.Type.FocusOut and self._pressed:
            self._pressed.clear()
            self._panel.stop_move()  # a lost key release must not leave the camera turning
        return False

    # --- keys ------------------------------------------------------------------------------------
    def _key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Home and event.type() == QEvent.Type.KeyPress:
            self._panel.home()
            return True
        if key not in KEYS or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # our key: the wall's arrow shortcuts must not take it
            return True
        if event.isAutoRepeat():
            return True  # held down: the move is kept alive by the panel, not by key repeats
        zoom = KEYS[key][2]
        if zoom and not self._pressed:  # + or − alone: a tap is one fine step, a hold zooms on
            if event.type() == QEvent.Type.KeyPress:
                self._panel.zoom_taps.press(int(zoom))
            else:
                self._panel.zoom_taps.release()
            return True
        if self._panel.zoom_taps.pressed:
            self._panel.zoom_taps.release()  # another key joins: back to moving by held keys
        if event.type() == QEvent.Type.KeyPress:
            self._pressed.add(key)
        else:
            self._pressed.discard(key)
        if self._pressed:
            self._panel.start_move(direction(self._pressed))
        else:
            self._panel.stop_move()
        return True

    # --- mouse -----------------------------------------------------------------------------------
    def _picture(self) -> QRect | None:
        tiles = self._compositor.tiles()
        return tiles[0].target if tiles else None

    def _relative(self, point: QPoint) -> tuple[float, float] | None:
        picture = self._picture()
        if picture is None or picture.width() <= 0 or picture.height() <= 0:
            return None
        x = (point.x() - picture.left()) / picture.width()
        y = (point.y() - picture.top()) / picture.height()
        return (min(1.0, max(0.0, x)), min(1.0, max(0.0, y)))

    def _mouse(self, event: QMouseEvent) -> bool:
        point = event.position().toPoint()
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            picture = self._picture()
            if picture is None or not picture.contains(point):
                return False
            self._drag_from = point
            return True
        if self._drag_from is None:
            return False
        if kind == QEvent.Type.MouseMove:
            self._compositor.set_rubber_band(QRect(self._drag_from, point).normalized())
            return True
        start, self._drag_from = self._drag_from, None
        self._compositor.set_rubber_band(None)
        controller, me = self._panel.controller, self._panel.operator()
        if controller is None:
            return True
        a, b = self._relative(start), self._relative(point)
        if a is None or b is None:
            return True
        if (point - start).manhattanLength() < QApplication.startDragDistance():
            self._panel.report(controller.center_on(me, *a))
        else:
            # Drawn left to right zooms in on the box; right to left zooms out.
            self._panel.report(controller.zoom_to_box(me, a[0], a[1], b[0], b[1]))
        return True
