"""The zone editor's picture: the live frame with the shapes on it; every mouse and key edit."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QCoreApplication, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from app.ui.detection.zone_shapes import (
    ERROR_COLOUR,
    LINE,
    Kind,
    Pt,
    ZoneShape,
    clamp_unit,
    kind_words,
    rect_points,
)
from app.ui.wall.compositor import fit_rect

translate = QCoreApplication.translate

HANDLE_PX = 7  # points are grabbed within this many pixels
LINE_GRAB_PX = 6
MIN_BIN_PX = 6
COLOURS: dict[Kind, QColor] = {
    "no_vending": QColor(255, 110, 60),
    "bin": QColor(80, 200, 255),
    "mask": QColor(170, 170, 185),
}

# --- the picture with the shapes ----------------------------------------------------------------------

Mode = Literal["select", "no_vending", "bin", "mask"]


@dataclass
class _Drag:
    shape: int
    point: int | None  # None: the whole shape; LINE: a bin's overflow line
    start: Pt
    moved: bool = False


class ZoneCanvas(QWidget):
    """The live picture and the shapes on it; all editing by mouse and keys happens here."""

    changed = Signal()  # a shape was added, moved, deleted
    selection_changed = Signal(int)  # shape index, -1: none
    mode_changed = Signal(str)

    def __init__(self, shapes: list[ZoneShape], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shapes = shapes
        self.image: QImage | None = None
        self.selected = -1
        self.selected_point: int | None = None
        self.mode: Mode = "select"
        self.draft: list[Pt] = []
        self.bin_start: Pt | None = None
        self.key_cursor: Pt = (0.5, 0.5)
        self.keyboard_cursor = False
        self.locked: str | None = None  # why editing is refused now (in words), None: editable
        self.new_shape: Callable[[Kind, list[Pt], float | None], None] | None = None
        # Painted over the picture, under the shapes: suppressed places, furniture (scene_marks).
        self.marks: Callable[[QPainter, Callable[[Pt], QPointF], QRect], None] | None = None
        self._drag: _Drag | None = None
        self._hover: Pt | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(480, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- coordinates ---------------------------------------------------------------------------
    def picture_rect(self) -> QRect:
        area_ = self.rect().adjusted(0, 0, 0, -self._hint_height())
        if self.image is None:
            return fit_rect(4, 3, area_)
        return fit_rect(self.image.width(), self.image.height(), area_)

    def to_widget(self, p: Pt) -> QPointF:
        r = self.picture_rect()
        return QPointF(r.left() + p[0] * r.width(), r.top() + p[1] * r.height())

    def to_picture(self, pos: QPointF) -> Pt:
        r = self.picture_rect()
        return (
            clamp_unit((pos.x() - r.left()) / max(1, r.width())),
            clamp_unit((pos.y() - r.top()) / max(1, r.height())),
        )

    def _hint_height(self) -> int:
        return QFontMetrics(self.font()).height() * 2 + 10

    # --- state ---------------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def set_locked(self, reason: str | None) -> None:
        if reason != self.locked:
            self.locked = reason
            if reason is not None:
                self.cancel_drawing()
                self._drag = None
            self.update()

    def select(self, index: int, point: int | None = None) -> None:
        index = index if 0 <= index < len(self.shapes) else -1
        changed = index != self.selected
        self.selected, self.selected_point = index, point if index >= 0 else None
        if changed:
            self.selection_changed.emit(index)
        self.update()

    def start_drawing(self, kind: Kind) -> None:
        if self.locked is not None:
            return
        self.mode = kind
        self.draft, self.bin_start = [], None
        self.keyboard_cursor = False
        self.select(-1)
        self.mode_changed.emit(kind)
        self.setFocus()
        self.update()

    def cancel_drawing(self) -> None:
        if self.mode != "select":
            self.mode = "select"
            self.draft, self.bin_start = [], None
            self.mode_changed.emit("select")
            self.update()

    def finish_polygon(self) -> bool:
        """Close the polygon being drawn (needs 3 points); False when it cannot be closed yet."""
        points = [p for i, p in enumerate(self.draft) if i == 0 or self._far(p, self.draft[i - 1])]
        if self.mode not in ("no_vending", "mask") or len(points) < 3:
            return False
        kind: Kind = "mask" if self.mode == "mask" else "no_vending"
        self.mode, self.draft = "select", []
        self.mode_changed.emit("select")
        if self.new_shape is not None:
            self.new_shape(kind, points, None)
        return True

    def _finish_bin(self, end: Pt) -> bool:
        start = self.bin_start
        self.bin_start = None
        if start is None:
            return False
        a, b = self.to_widget(start), self.to_widget(end)
        if abs(a.x() - b.x()) < MIN_BIN_PX or abs(a.y() - b.y()) < MIN_BIN_PX:
            self.update()
            return False
        points = rect_points(*start, *end)
        shape = ZoneShape("", "", "bin", points)
        self.mode = "select"
        self.mode_changed.emit("select")
        if self.new_shape is not None:
            self.new_shape("bin", points, shape.default_line())
        return True

    def _far(self, a: Pt, b: Pt) -> bool:
        pa, pb = self.to_widget(a), self.to_widget(b)
        return math.hypot(pa.x() - pb.x(), pa.y() - pb.y()) >= 3

    # --- hit testing -----------------------------------------------------------------------------
    def hit(self, pos: QPointF) -> tuple[int, int | None] | None:
        """(shape, point) under ``pos``: a point or a bin's line of the selected shape first, then
        any shape's points, then the inside of a shape (point None)."""
        order = ([self.selected] if self.selected >= 0 else []) + [
            i for i in reversed(range(len(self.shapes))) if i != self.selected
        ]
        for i in order:
            shape = self.shapes[i]
            for k, p in enumerate(shape.points):
                q = self.to_widget(p)
                if abs(q.x() - pos.x()) <= HANDLE_PX and abs(q.y() - pos.y()) <= HANDLE_PX:
                    return i, k
            if shape.line is not None:
                x1, _, x2, _ = shape.bounds()
                span = (x2 - x1) * 0.3
                left, right = self.to_widget((x1 - span, shape.line)), self.to_widget((x2 + span, shape.line))
                if left.x() - 2 <= pos.x() <= right.x() + 2 and abs(pos.y() - left.y()) <= LINE_GRAB_PX:
                    return i, LINE
        for i in order:
            if self._polygon(self.shapes[i].points).containsPoint(pos, Qt.FillRule.OddEvenFill):
                return i, None
        return None

    def _polygon(self, points: Sequence[Pt]) -> QPolygonF:
        return QPolygonF([self.to_widget(p) for p in points])

    # --- mouse -----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.setFocus()
        if self.locked is not None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        p = self.to_picture(pos)
        self.keyboard_cursor = False
        if self.mode in ("no_vending", "mask"):
            if len(self.draft) >= 3 and not self._far(p, self.draft[0]):
                self.finish_polygon()  # clicked the first point again
            else:
                self.draft.append(p)
            self.update()
            return
        if self.mode == "bin":
            self.bin_start, self._hover = p, p
            self.update()
            return
        found = self.hit(pos)
        if found is None:
            self.select(-1)
            return
        index, point = found
        self.select(index, point)
        self._drag = _Drag(index, point, p)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        p = self.to_picture(event.position())
        self._hover = p
        drag = self._drag
        if drag is not None and self.locked is None:
            shape = self.shapes[drag.shape]
            if drag.point is None:
                shape.translate_by(p[0] - drag.start[0], p[1] - drag.start[1])
                drag.start = p
            else:
                shape.move_point(drag.point, p)
            drag.moved = True
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self.mode == "bin" and self.bin_start is not None:
            self._finish_bin(self.to_picture(event.position()))
            return
        drag, self._drag = self._drag, None
        if drag is not None and drag.moved:
            self.shapes[drag.shape].error = None
            self.changed.emit()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self.locked is None and self.mode in ("no_vending", "mask"):
            p = self.to_picture(event.position())
            if not self.draft or self._far(p, self.draft[-1]):
                self.draft.append(p)  # a double-click whose first press was not seen as a click
            self.finish_polygon()
            self.update()

    # --- keys ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if self.locked is not None:
            super().keyPressEvent(event)
            return
        key, mods = event.key(), event.modifiers()
        step = 10 if mods & Qt.KeyboardModifier.ShiftModifier else 1
        arrows = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        r = self.picture_rect()
        if self.mode != "select":
            if key in arrows:
                dx, dy = arrows[Qt.Key(key)]
                self.keyboard_cursor = True
                self.key_cursor = (
                    clamp_unit(self.key_cursor[0] + dx * step / max(1, r.width())),
                    clamp_unit(self.key_cursor[1] + dy * step / max(1, r.height())),
                )
                if self.mode == "bin" and self.bin_start is not None:
                    self._hover = self.key_cursor
                self.update()
            elif key in (Qt.Key.Key_Space, Qt.Key.Key_Insert):
                self.keyboard_cursor = True
                if self.mode == "bin":
                    if self.bin_start is None:
                        self.bin_start, self._hover = self.key_cursor, self.key_cursor
                    else:
                        self._finish_bin(self.key_cursor)
                else:
                    self.draft.append(self.key_cursor)
                self.update()
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.finish_polygon()
                self.update()
            elif key == Qt.Key.Key_Backspace and self.draft:
                self.draft.pop()
                self.update()
            elif key == Qt.Key.Key_Escape:
                self.cancel_drawing()
            else:
                super().keyPressEvent(event)
            return
        starts: dict[Qt.Key, Kind] = {Qt.Key.Key_N: "no_vending", Qt.Key.Key_B: "bin", Qt.Key.Key_M: "mask"}
        if key in starts and not mods & ~Qt.KeyboardModifier.ShiftModifier:
            self.start_drawing(starts[Qt.Key(key)])
            return
        shape = self.shapes[self.selected] if self.selected >= 0 else None
        if shape is None:
            super().keyPressEvent(event)
            return
        handles = [*range(len(shape.points)), *([LINE] if shape.line is not None else [])]
        if key in (Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
            now = handles.index(self.selected_point) if self.selected_point in handles else -1
            step_i = 1 if key == Qt.Key.Key_BracketRight else -1
            self.select(
                self.selected,
                handles[(now + step_i) % len(handles)] if now >= 0 or step_i > 0 else handles[-1],
            )
        elif key in arrows:
            dx, dy = arrows[Qt.Key(key)]
            ddx, ddy = dx * step / max(1, r.width()), dy * step / max(1, r.height())
            if self.selected_point is None:
                shape.translate_by(ddx, ddy)
            elif self.selected_point == LINE:
                shape.move_point(LINE, (0.0, (shape.line or 0.0) + ddy))
            else:
                x, y = shape.points[self.selected_point]
                shape.move_point(self.selected_point, (x + ddx, y + ddy))
            shape.error = None
            self.changed.emit()
            self.update()
        elif key == Qt.Key.Key_Insert and shape.kind != "bin" and len(shape.points) < 64:
            i = (
                self.selected_point
                if self.selected_point is not None and self.selected_point >= 0
                else len(shape.points) - 1
            )
            a, b = shape.points[i], shape.points[(i + 1) % len(shape.points)]
            shape.points.insert(i + 1, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
            self.select(self.selected, i + 1)
            self.changed.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if mods & Qt.KeyboardModifier.ShiftModifier or self.selected_point is None:
                self.delete_selected_shape()
            else:
                self.delete_selected_point()
        elif key == Qt.Key.Key_Escape and self.selected_point is not None:
            self.select(self.selected, None)
        else:
            super().keyPressEvent(event)

    def delete_selected_point(self) -> bool:
        """Delete the selected point of a polygon (a polygon keeps at least 3; a bin keeps 4)."""
        if self.selected < 0 or self.selected_point is None or self.selected_point < 0:
            return False
        shape = self.shapes[self.selected]
        if shape.kind == "bin" or len(shape.points) <= 3:
            shape.error = (
                translate(
                    "ZoneEditor", "A shape needs at least 3 points: delete the shape instead (Shift+Del)."
                )
                if shape.kind != "bin"
                else translate("ZoneEditor", "A bin is a rectangle: drag its corners instead.")
            )
            self.changed.emit()
            self.update()
            return False
        del shape.points[self.selected_point]
        shape.error = None
        self.select(self.selected, min(self.selected_point, len(shape.points) - 1))
        self.changed.emit()
        return True

    def delete_selected_shape(self) -> None:
        if self.selected < 0:
            return
        del self.shapes[self.selected]
        self.selected = -1
        self.select(-1)
        self.selection_changed.emit(-1)
        self.changed.emit()
        self.update()

    # --- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(8, 10, 14))
        pic = self.picture_rect()
        if self.image is not None:
            painter.drawImage(pic, self.image)
        else:
            painter.fillRect(pic, QColor(18, 21, 28))
            painter.setPen(QColor(140, 146, 160))
            painter.drawText(
                pic, Qt.AlignmentFlag.AlignCenter, translate("ZoneEditor", "Waiting for the picture…")
            )
        if self.marks is not None:
            self.marks(painter, self.to_widget, pic)
        for index, shape in enumerate(self.shapes):
            self._paint_shape(painter, shape, index == self.selected)
        for shape in self.shapes:
            if shape.error:
                self._paint_error(painter, shape)
        self._paint_draft(painter)
        if self.locked is not None:
            self._paint_locked(painter, pic)
        self._paint_hint(painter)
        painter.end()

    def _paint_shape(self, painter: QPainter, shape: ZoneShape, selected: bool) -> None:
        colour = ERROR_COLOUR if shape.error else COLOURS[shape.kind]
        polygon = self._polygon(shape.points)
        fill = QColor(colour)
        fill.setAlpha(70 if shape.kind != "mask" else 110)
        brush = QBrush(
            fill, Qt.BrushStyle.BDiagPattern if shape.kind == "mask" else Qt.BrushStyle.SolidPattern
        )
        painter.setBrush(brush)
        painter.setPen(QPen(colour, 3 if selected else 2))
        painter.drawPolygon(polygon)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if shape.line is not None:
            x1, _, x2, _ = shape.bounds()
            span = (x2 - x1) * 0.3
            a, b = self.to_widget((x1 - span, shape.line)), self.to_widget((x2 + span, shape.line))
            line_selected = selected and self.selected_point == LINE
            painter.setPen(
                QPen(
                    QColor(255, 230, 90) if line_selected else colour,
                    3 if line_selected else 2,
                    Qt.PenStyle.DashLine,
                )
            )
            painter.drawLine(a, b)
            font = QFont(self.font())
            font.setPixelSize(max(10, self.font().pixelSize() - 1) if self.font().pixelSize() > 0 else 11)
            painter.setFont(font)
            painter.setPen(QColor(255, 230, 90) if line_selected else colour)
            painter.drawText(QPointF(b.x() + 4, b.y() + 4), translate("ZoneEditor", "overflow line"))
        if selected:
            for k, p in enumerate(shape.points):
                q = self.to_widget(p)
                box = QRectF(q.x() - 4, q.y() - 4, 8, 8)
                painter.fillRect(
                    box, QColor(255, 230, 90) if k == self.selected_point else QColor(20, 20, 24)
                )
                painter.setPen(QPen(QColor(255, 255, 255), 1))
                painter.drawRect(box)
        self._paint_label(painter, shape, colour)

    def _paint_label(self, painter: QPainter, shape: ZoneShape, colour: QColor) -> None:
        x1, y1, _, _ = shape.bounds()
        top = shape.line if shape.line is not None and shape.line < y1 else y1
        anchor = self.to_widget((x1, top))
        font = QFont(self.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        text = shape.name or kind_words(shape.kind)
        width = metrics.horizontalAdvance(text) + 8
        pic = self.picture_rect()
        x = min(max(anchor.x(), pic.left()), pic.right() - width)
        y = max(pic.top(), anchor.y() - metrics.height() - 4)
        box = QRectF(x, y, width, metrics.height() + 2)
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setFont(font)
        painter.setPen(colour.lighter(130))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_error(self, painter: QPainter, shape: ZoneShape) -> None:
        """The shape's problem in words, right under it (kept on the picture)."""
        assert shape.error is not None
        x1, _, _, y2 = shape.bounds()
        pic = self.picture_rect()
        width = min(320, pic.width() - 8)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        text_rect = metrics.boundingRect(QRect(0, 0, width - 12, 1000), Qt.TextFlag.TextWordWrap, shape.error)
        height = text_rect.height() + 8
        anchor = self.to_widget((x1, y2))
        x = min(max(anchor.x(), pic.left() + 4), pic.right() - width - 4)
        y = anchor.y() + 6
        if y + height > pic.bottom() - 4:
            y = max(pic.top() + 4, self.to_widget(shape.bounds()[:2]).y() - height - 24)
        box = QRectF(x, y, width, height)
        painter.setBrush(QColor(30, 22, 10, 235))
        painter.setPen(QPen(ERROR_COLOUR, 1))
        painter.drawRoundedRect(box, 4, 4)
        painter.setFont(font)
        painter.setPen(QColor(255, 205, 140))
        painter.drawText(box.adjusted(6, 4, -6, -4), Qt.TextFlag.TextWordWrap, shape.error)

    def _paint_draft(self, painter: QPainter) -> None:
        if self.mode == "select":
            return
        kind: Kind = "bin" if self.mode == "bin" else ("mask" if self.mode == "mask" else "no_vending")
        colour = COLOURS[kind]
        painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
        end = self.key_cursor if self.keyboard_cursor else self._hover
        if self.mode == "bin" and self.bin_start is not None and end is not None:
            a, b = self.to_widget(self.bin_start), self.to_widget(end)
            painter.drawRect(QRectF(a, b).normalized())
        points = [self.to_widget(p) for p in self.draft]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        if points and end is not None:
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(points[-1], self.to_widget(end))
        for k, q in enumerate(points):
            size = 10 if k == 0 and len(points) >= 3 else 6  # the first point closes the outline
            painter.fillRect(
                QRectF(q.x() - size / 2, q.y() - size / 2, size, size), colour if k else QColor(255, 255, 255)
            )
        if self.keyboard_cursor:
            c = self.to_widget(self.key_cursor)
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            painter.drawLine(QPointF(c.x() - 10, c.y()), QPointF(c.x() + 10, c.y()))
            painter.drawLine(QPointF(c.x(), c.y() - 10), QPointF(c.x(), c.y() + 10))

    def _paint_locked(self, painter: QPainter, pic: QRect) -> None:
        assert self.locked is not None
        painter.fillRect(pic, QColor(0, 0, 0, 150))
        font = QFont(self.font())
        font.setPixelSize(max(15, (self.font().pixelSize() if self.font().pixelSize() > 0 else 13) + 3))
        font.setBold(True)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        width = min(pic.width() - 40, 560)
        text = QFontMetrics(font).boundingRect(QRect(0, 0, width - 32, 1000), flags, self.locked)
        box = QRect(0, 0, width, text.height() + 28)
        box.moveCenter(pic.center())
        painter.setPen(QPen(QColor(236, 160, 60), 1))
        painter.setBrush(QColor(24, 20, 14, 235))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor(255, 215, 150))
        painter.drawText(box.adjusted(16, 14, -16, -14), flags, self.locked)

    def _paint_hint(self, painter: QPainter) -> None:
        hints = {
            "select": translate(
                "ZoneEditor",
                "Drag points, lines and shapes. N: new no-vending zone · B: new bin · M: new mask · "
                "[ ]: pick a point · arrows: move it · Del: delete it · Shift+Del: delete the shape",
            ),
            "no_vending": translate(
                "ZoneEditor",
                "Click to add points; double-click, Enter or a click on the first point closes the outline. "
                "Backspace: take the last point back · Esc: cancel · arrows + Space: points by keyboard",
            ),
            "mask": translate(
                "ZoneEditor",
                "Masks cover what must never be analysed (the clock, OSD text). Click to add points; "
                "double-click or Enter closes. Esc: cancel",
            ),
            "bin": translate(
                "ZoneEditor",
                "Drag a rectangle around the bin's body (or arrows + Space at two corners); then drag "
                "the dashed overflow line a little above its rim. Esc: cancel",
            ),
        }
        band = QRect(0, self.height() - self._hint_height(), self.width(), self._hint_height())
        painter.fillRect(band, QColor(22, 25, 32))
        painter.setPen(QColor(170, 176, 190))
        painter.setFont(self.font())
        painter.drawText(
            band.adjusted(8, 2, -8, -2),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            hints[self.mode],
        )
