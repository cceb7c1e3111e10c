"""Wall layouts: plain grids and span layouts (1 large + 5, 1 + 7, 2 + 8, 1 + 12…).

Pure geometry (QRect only) so layouts can be tested and saved without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRect

GAP = 2  # px between tiles: enough to separate pictures, not enough to waste a 100-tile wall


@dataclass(frozen=True)
class Cell:
    col: int
    row: int
    col_span: int = 1
    row_span: int = 1


@dataclass(frozen=True)
class WallLayout:
    """``cells`` on a ``cols`` × ``rows`` grid, in tile order."""

    name: str
    cols: int
    rows: int
    cell_list: tuple[Cell, ...]

    @property
    def cells(self) -> int:
        return len(self.cell_list)

    def rects(self, area: QRect) -> list[QRect]:
        xs = [area.left() + round(area.width() * c / self.cols) for c in range(self.cols + 1)]
        ys = [area.top() + round(area.height() * r / self.rows) for r in range(self.rows + 1)]
        rects = []
        for cell in self.cell_list:
            x0, x1 = xs[cell.col], xs[cell.col + cell.col_span]
            y0, y1 = ys[cell.row], ys[cell.row + cell.row_span]
            rects.append(QRect(x0, y0, max(1, x1 - x0 - GAP), max(1, y1 - y0 - GAP)))
        return rects

    def validate(self) -> None:
        """Raise ValueError if cells leave the grid or overlap."""
        taken: set[tuple[int, int]] = set()
        for index, cell in enumerate(self.cell_list):
            if cell.col < 0 or cell.row < 0 or cell.col_span < 1 or cell.row_span < 1:
                raise ValueError(f"cell {index + 1}: position and spans must be positive")
            if cell.col + cell.col_span > self.cols or cell.row + cell.row_span > self.rows:
                raise ValueError(f"cell {index + 1} does not fit in the {self.cols}×{self.rows} grid")
            for c in range(cell.col, cell.col + cell.col_span):
                for r in range(cell.row, cell.row + cell.row_span):
                    if (c, r) in taken:
                        raise ValueError(f"cell {index + 1} overlaps another cell")
                    taken.add((c, r))


class GridLayout:
    @staticmethod
    def of(cols: int, rows: int) -> WallLayout:
        cells = tuple(Cell(c, r) for r in range(rows) for c in range(cols))
        return WallLayout(f"{cols * rows}", cols, rows, cells)

    @staticmethod
    def for_count(count: int, aspect: float = 16 / 9) -> WallLayout:
        """Smallest standard grid that shows ``count`` tiles."""
        for cols, rows in STANDARD_GRIDS:
            if cols * rows >= count:
                return GridLayout.of(cols, rows)
        cols = math.ceil(math.sqrt(count * aspect))
        return GridLayout.of(cols, math.ceil(count / cols))


# 1, 4, 9, 16, 25, 36, 64, 100 and 120 tiles (12 × 10 fills a 16:10 or 16:9 screen well).
STANDARD_GRIDS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (8, 8), (10, 10), (12, 10))


def span_layout(name: str, cols: int, rows: int, big: list[Cell]) -> WallLayout:
    """Big cells first, then every free grid position, left to right, top to bottom."""
    taken = {
        (c, r)
        for b in big
        for c in range(b.col, b.col + b.col_span)
        for r in range(b.row, b.row + b.row_span)
    }
    small = [Cell(c, r) for r in range(rows) for c in range(cols) if (c, r) not in taken]
    layout = WallLayout(name, cols, rows, tuple(big) + tuple(small))
    layout.validate()
    return layout


SPAN_LAYOUTS = {
    "1+5": span_layout("1+5", 3, 3, [Cell(0, 0, 2, 2)]),
    "1+7": span_layout("1+7", 4, 4, [Cell(0, 0, 3, 3)]),
    "2+8": span_layout("2+8", 4, 4, [Cell(0, 0, 2, 2), Cell(2, 0, 2, 2)]),
    "1+12": span_layout("1+12", 4, 4, [Cell(1, 1, 2, 2)]),
}


def fit_rect(width: int, height: int, box: QRect) -> QRect:
    """Centre a ``width`` × ``height`` picture in ``box`` keeping its aspect (letterbox)."""
    if width <= 0 or height <= 0:
        return QRect(box)
    scale = min(box.width() / width, box.height() / height)
    if 1.0 <= scale < 1.03:
        scale = 1.0  # decoded at tile size already: blit 1:1 instead of resampling for 2 pixels
    w, h = round(width * scale), round(height * scale)
    return QRect(box.left() + (box.width() - w) // 2, box.top() + (box.height() - h) // 2, w, h)
