"""The layout editor's grid: drag across grid positions to merge them into one big tile, click a big tile
to split it; it is also the live preview, numbered in the order the wall fills its tiles."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.wall_layout import Cell, WallLayout, span_layout

ASPECT = 16 / 9  # the wall's screens
Position = tuple[int, int]  # (col, row)
SMALL, BIG, EDGE = QColor(34, 38, 48), QColor(36, 66, 104), QColor(70, 78, 96)
NUMBER, NUMBER_DIM = QColor(228, 232, 240), QColor(150, 156, 172)
MARK, MARK_BAD = QColor(60, 140, 230), QColor(220, 150, 40)
STEPS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


def _covers(outer: Cell, inner: Cell) -> bool:
    return (
        outer.col <= inner.col
        and outer.row <= inner.row
        and inner.col + inner.col_span <= outer.col + outer.col_span
        and inner.row + inner.row_span <= outer.row + outer.row_span
    )


def _meets(a: Cell, b: Cell) -> bool:
    return (
        a.col < b.col + b.col_span
        and b.col < a.col + a.col_span
        and a.row < b.row + b.row_span
        and b.row < a.row + a.row_span
    )


def _rect(a: Position, b: Position) -> Cell:
    c0, c1 = sorted((a[0], b[0]))
    r0, r1 = sorted((a[1], b[1]))
    return Cell(c0, r0, c1 - c0 + 1, r1 - r0 + 1)


class LayoutGrid(QWidget):
    changed = Signal()
    refused = Signal(str)  # why a merge was not done, in words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cols, self.rows = 4, 4
        self._big: list[Cell] = []
        self._press: Position | None = None
        self._drag_to: Position | None = None
        self._cursor: Position = (0, 0)
        self._anchor: Position | None = None  # Shift+arrows mark from here to the cursor
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(384, 216)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(640, 360)

    # --- the layout -------------------------------------------------------------------------------
    def big_cells(self) -> list[Cell]:
        return sorted(self._big, key=lambda c: (c.row, c.col))

    def wall_layout(self, name: str = "") -> WallLayout:
        return span_layout(name, self.cols, self.rows, self.big_cells())

    def set_layout(self, layout: WallLayout) -> None:
        self.cols, self.rows = layout.cols, layout.rows
        self._big = [c for c in layout.cell_list if c.col_span > 1 or c.row_span > 1]
        self._reset_marks()

    def set_grid(self, cols: int, rows: int) -> int:
        """Change the grid; big tiles that no longer fit are split. Returns how many were."""
        self.cols, self.rows = cols, rows
        kept = [c for c in self._big if c.col + c.col_span <= cols and c.row + c.row_span <= rows]
        dropped = len(self._big) - len(kept)
        self._big = kept
        self._reset_marks()
        return dropped

    def merge(self, a: Position, b: Position) -> bool:
        """Merge the rectangle between two grid positions into one tile; a single position splits."""
        if a == b:
            return self.split_at(a)
        new = _rect(a, b)
        for number, big in enumerate(self.big_cells(), start=1):
            if _meets(new, big) and not _covers(new, big):
                self.refused.emit(
                    QCoreApplication.translate(
                        "LayoutEditor",
                        "That would overlap big tile {0}: split it first, or drag across all of it.",
                    ).format(number)
                )
                return False
        self._big = [c for c in self._big if not _covers(new, c)] + [new]
        self._changed()
        return True

    def split_at(self, position: Position) -> bool:
        big = [c for c in self._big if _covers(c, Cell(*position))]
        if not big:
            return False
        self._big.remove(big[0])
        self._changed()
        return True

    def _changed(self) -> None:
        self.update()
        self.changed.emit()

    def _reset_marks(self) -> None:
        self._press = self._drag_to = self._anchor = None
        self._cursor = (min(self._cursor[0], self.cols - 1), min(self._cursor[1], self.rows - 1))
        self._changed()

    # --- geometry ---------------------------------------------------------------------------------
    def grid_rect(self) -> QRect:
        area = self.rect().adjusted(6, 6, -6, -6)
        width = min(area.width(), round(area.height() * ASPECT))
        height = round(width / ASPECT)
        left, top = area.left() + (area.width() - width) // 2, area.top() + (area.height() - height) // 2
        return QRect(left, top, width, height)

    def position_at(self, point: QPoint, clamp: bool = False) -> Position | None:
        grid = self.grid_rect()
        if not clamp and not grid.contains(point):
            return None
        col = (point.x() - grid.left()) * self.cols // max(1, grid.width())
        row = (point.y() - grid.top()) * self.rows // max(1, grid.height())
        return min(max(col, 0), self.cols - 1), min(max(row, 0), self.rows - 1)

    def position_center(self, col: int, row: int) -> QPoint:
        grid = self.grid_rect()
        return QPoint(
            grid.left() + round(grid.width() * (col + 0.5) / self.cols),
            grid.top() + round(grid.height() * (row + 0.5) / self.rows),
        )

    def _cell_rect(self, cell: Cell) -> QRect:
        g = self.grid_rect()
        x0, x1 = (g.left() + round(g.width() * c / self.cols) for c in (cell.col, cell.col + cell.col_span))
        y0, y1 = (g.top() + round(g.height() * r / self.rows) for r in (cell.row, cell.row + cell.row_span))
        return QRect(x0, y0, x1 - x0, y1 - y0)

    # --- mouse and keys ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._drag_to = self.position_at(event.position().toPoint())
            self._anchor = None
            if self._press is not None:
                self._cursor = self._press
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._press is not None:
            self._drag_to = self.position_at(event.position().toPoint(), clamp=True)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        start, end = self._press, self.position_at(event.position().toPoint(), clamp=True)
        self._press = self._drag_to = None
        if end is not None:
            self._cursor = end
            self.merge(start, end)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = Qt.Key(event.key())
        if key in STEPS:
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if shift and self._anchor is None:
                self._anchor = self._cursor
            elif not shift:
                self._anchor = None
            dx, dy = STEPS[key]
            col, row = self._cursor
            self._cursor = (min(max(col + dx, 0), self.cols - 1), min(max(row + dy, 0), self.rows - 1))
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            anchor, self._anchor = self._anchor, None
            self.merge(anchor or self._cursor, self._cursor)
            self.update()
        elif key == Qt.Key.Key_Escape and self._anchor is not None:
            self._anchor = None
            self.update()
        else:
            super().keyPressEvent(event)

    # --- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        layout = self.wall_layout()
        font = QFont(self.font())
        for number, cell in enumerate(layout.cell_list, start=1):
            big = cell.col_span > 1 or cell.row_span > 1
            box = QRectF(self._cell_rect(cell)).adjusted(1.5, 1.5, -1.5, -1.5)
            p.setPen(QPen(EDGE, 1))
            p.setBrush(BIG if big else SMALL)
            p.drawRoundedRect(box, 3, 3)
            font.setPixelSize(max(9, min(int(box.height() * 0.4), int(box.width() * 0.3), 40 if big else 22)))
            font.setBold(big)
            p.setFont(font)
            p.setPen(NUMBER if big else NUMBER_DIM)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))
        self._paint_mark(p)

    def _paint_mark(self, p: QPainter) -> None:
        if self._press is not None and self._drag_to is not None:
            mark, bold = _rect(self._press, self._drag_to), True
        elif self.hasFocus() and self._anchor is not None:
            mark, bold = _rect(self._anchor, self._cursor), True
        elif self.hasFocus():  # the keyboard cursor: Enter splits the big tile it is on
            here = Cell(*self._cursor)
            mark, bold = next((c for c in self._big if _covers(c, here)), here), False
        else:
            return
        bad = any(_meets(mark, c) and not _covers(mark, c) for c in self._big)
        colour = MARK_BAD if bad else MARK
        fill = QColor(colour)
        fill.setAlpha(70 if bold else 0)
        p.setPen(QPen(colour, 2.5 if bold else 1.5, Qt.PenStyle.SolidLine if bold else Qt.PenStyle.DashLine))
        p.setBrush(fill)
        p.drawRoundedRect(QRectF(self._cell_rect(mark)).adjusted(2, 2, -2, -2), 3, 3)
