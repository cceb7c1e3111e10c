"""Wall layouts and named views: pure data, saved as JSON, drawn by app.ui.

A layout is a grid of ``cols`` × ``rows`` with cells that may span several grid positions
(1 large + 5, 1 + 7, 2 + 8, 1 + 12…). A view is a layout plus the cameras shown in its tiles,
page after page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# 1, 4, 9, 16, 25, 36, 64, 100 and 120 tiles (12 × 10 fills a 16:10 or 16:9 screen well).
STANDARD_GRIDS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (8, 8), (10, 10), (12, 10))


@dataclass(frozen=True)
class Cell:
    col: int
    row: int
    col_span: int = 1
    row_span: int = 1


@dataclass(frozen=True)
class WallLayout:
    """``cell_list`` on a ``cols`` × ``rows`` grid, in tile order."""

    name: str
    cols: int
    rows: int
    cell_list: tuple[Cell, ...]

    @property
    def cells(self) -> int:
        return len(self.cell_list)

    def boxes(
        self, left: int, top: int, width: int, height: int, gap: int
    ) -> list[tuple[int, int, int, int]]:
        """Pixel boxes (x, y, w, h) of the cells inside an area, ``gap`` pixels apart."""
        xs = [left + round(width * c / self.cols) for c in range(self.cols + 1)]
        ys = [top + round(height * r / self.rows) for r in range(self.rows + 1)]
        boxes = []
        for cell in self.cell_list:
            x0, x1 = xs[cell.col], xs[cell.col + cell.col_span]
            y0, y1 = ys[cell.row], ys[cell.row + cell.row_span]
            boxes.append((x0, y0, max(1, x1 - x0 - gap), max(1, y1 - y0 - gap)))
        return boxes

    def validate(self) -> None:
        """Raise ValueError if cells leave the grid or overlap."""
        if not (1 <= self.cols <= 16 and 1 <= self.rows <= 16):
            raise ValueError(f"a layout grid is 1×1 to 16×16, not {self.cols}×{self.rows}")
        if not self.cell_list:
            raise ValueError("a layout needs at least one cell")
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

    def cell_at(self, col: int, row: int) -> int | None:
        for index, cell in enumerate(self.cell_list):
            if cell.col <= col < cell.col + cell.col_span and cell.row <= row < cell.row + cell.row_span:
                return index
        return None


def grid_layout(cols: int, rows: int) -> WallLayout:
    cells = tuple(Cell(c, r) for r in range(rows) for c in range(cols))
    return WallLayout(f"{cols * rows}", cols, rows, cells)


def grid_for_count(count: int, aspect: float = 16 / 9) -> WallLayout:
    """Smallest standard grid that shows ``count`` tiles."""
    for cols, rows in STANDARD_GRIDS:
        if cols * rows >= count:
            return grid_layout(cols, rows)
    cols = math.ceil(math.sqrt(count * aspect))
    return grid_layout(cols, math.ceil(count / cols))


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


def builtin_layouts() -> dict[str, WallLayout]:
    layouts = {f"{c * r}": grid_layout(c, r) for c, r in STANDARD_GRIDS}
    for layout in (
        span_layout("1+5", 3, 3, [Cell(0, 0, 2, 2)]),
        span_layout("1+7", 4, 4, [Cell(0, 0, 3, 3)]),
        span_layout("2+8", 4, 4, [Cell(0, 0, 2, 2), Cell(2, 0, 2, 2)]),
        span_layout("1+12", 4, 4, [Cell(1, 1, 2, 2)]),
        span_layout("1+16", 5, 5, [Cell(1, 1, 3, 3)]),
    ):
        layouts[layout.name] = layout
    return layouts


@dataclass(frozen=True)
class WallView:
    """A named arrangement: a layout and the cameras in its tiles (page 1 first, then page 2…)."""

    name: str
    layout: str
    cameras: tuple[str | None, ...] = ()
    shared: bool = False  # shared views are seen by every operator of the site
    tags: tuple[str, ...] = field(default=())

    def pages(self, cells: int) -> int:
        return max(1, math.ceil(len(self.cameras) / max(1, cells)))

    def page_cameras(self, page: int, cells: int) -> list[str | None]:
        chunk = list(self.cameras[page * cells : (page + 1) * cells])
        return chunk + [None] * (cells - len(chunk))

    def placed(self, index: int, camera_id: str | None) -> WallView:
        """The view with ``camera_id`` put in tile ``index`` (counted over all pages).

        A camera already in the view swaps places with what was in the tile, so a view never
        shows one camera twice.
        """
        cameras = list(self.cameras) + [None] * max(0, index + 1 - len(self.cameras))
        if camera_id is not None and camera_id in cameras:
            old = cameras.index(camera_id)
            cameras[old] = cameras[index]
        cameras[index] = camera_id
        return replace(self, cameras=_trimmed(cameras))

    def swapped(self, a: int, b: int) -> WallView:
        cameras = list(self.cameras) + [None] * max(0, max(a, b) + 1 - len(self.cameras))
        cameras[a], cameras[b] = cameras[b], cameras[a]
        return replace(self, cameras=_trimmed(cameras))


def _trimmed(cameras: list[str | None]) -> tuple[str | None, ...]:
    while cameras and cameras[-1] is None:
        cameras.pop()
    return tuple(cameras)
