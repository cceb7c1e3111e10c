"""A wall pane: one compositor plus what the operator does with it — views, pages, focus, tours,
tile numbers typed as on a CCTV keyboard, drag and drop."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.core.wall_layout import WallLayout, WallView, grid_layout
from app.media.source import FrameSource
from app.ui.wall.compositor import TileInfo, WallCompositor
from app.ui.wall.number_entry import NumberEntry
from app.ui.wall.tour_badge import TourBadge, tour_text

TOUR_TICK_MS = 250  # the countdown on the wall follows the tour's timer this closely

TourMode = Literal["pages", "views"]


@dataclass(frozen=True)
class FocusMemory:
    layout: WallLayout
    page: int
    selected: int


class WallPane(QWidget):
    changed = Signal()  # view, page, focus or tour state changed (status bar, session)
    message = Signal(str)  # a short note for the status bar
    tour_requested_view = Signal(str)  # the window knows the layouts; it switches views for the tour
    tour_text_changed = Signal(str)  # the countdown moved on (the status bar says the same as the wall)

    def __init__(
        self,
        source: FrameSource,
        cameras: dict[str, TileInfo],
        *,
        client_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._cameras = cameras
        self.compositor = WallCompositor(source, client_id=client_id, parent=self)
        self.compositor.tile_activated.connect(self.focus_tile)
        self.compositor.camera_dropped.connect(self.place_camera)
        self.compositor.tiles_swapped.connect(self.swap_tiles)
        self.compositor.selection_changed.connect(lambda _: self.changed.emit())
        self._view = WallView("", "1")
        self._layout: WallLayout | None = None
        self._page = 0
        self._focus: FocusMemory | None = None
        self.modified = False
        self.number_entry = NumberEntry(self)
        self.number_entry.entered.connect(self.select_number)
        self._tour_timer = QTimer(self)
        self._tour_timer.timeout.connect(self._tour_step)
        self._tour_badge = TourBadge(self)
        self._tour_tick = QTimer(self, interval=TOUR_TICK_MS)
        self._tour_tick.timeout.connect(self._show_tour)
        self.tour_mode: TourMode = "pages"
        self.tour_views: list[WallView] = []
        self.tour_paused = False
        self.setFocusProxy(self.compositor)

    # --- state --------------------------------------------------------------------------------
    @property
    def view(self) -> WallView:
        return self._view

    @property
    def layout_(self) -> WallLayout:
        assert self._layout is not None
        return self._layout

    @property
    def page(self) -> int:
        return self._page

    @property
    def pages(self) -> int:
        return self._view.pages(self.layout_.cells)

    @property
    def focused_camera(self) -> str | None:
        if self._focus is None:
            return None
        tiles = self.compositor.tiles()
        return tiles[0].info.camera_id if tiles and tiles[0].info else None

    @property
    def touring(self) -> bool:
        return self._tour_timer.isActive() or self.tour_paused

    def start(self) -> None:
        self.compositor.start()

    def stop(self) -> None:
        self._tour_timer.stop()
        self._tour_tick.stop()
        self.compositor.stop()

    # --- views, layouts, pages ----------------------------------------------------------------
    def set_view(self, view: WallView, layout: WallLayout, page: int = 0) -> None:
        self._focus = None
        self._view, self._layout = view, layout
        self.modified = False
        self._page = max(0, min(page, self.pages - 1))
        self._show()

    def set_layout(self, layout: WallLayout) -> None:
        """Same cameras in another layout; the first tile of the page stays on screen."""
        if self._focus is not None:
            self.unfocus()
        first = self._page * self.layout_.cells
        self._layout = layout
        self._view = replace(self._view, layout=layout.name)
        self.modified = True
        self._page = min(first // layout.cells, self.pages - 1)
        self._show()

    def set_page(self, page: int) -> None:
        if self._focus is not None:
            self.unfocus()
        self._page = page % self.pages
        self._show()

    def next_page(self) -> None:
        self.set_page(self._page + 1)

    def previous_page(self) -> None:
        self.set_page(self._page - 1)

    def _show(self) -> None:
        cells = self.layout_.cells
        ids = self._view.page_cameras(self._page, cells)
        infos = [self._cameras.get(c) if c else None for c in ids]
        visible = {c for c in ids if c}
        background = [c for c in self._cameras if c not in visible]
        self.compositor.show_page(
            self.layout_, infos, first_number=self._page * cells + 1, background=background
        )
        if self.compositor.selected < 0 and infos:
            self.compositor.set_selected(0)
        self.changed.emit()

    # --- editing the view by drag and drop ------------------------------------------------------
    def place_camera(self, index: int, camera_id: str) -> None:
        if camera_id not in self._cameras:
            return
        self._view = self._view.placed(self._page * self.layout_.cells + index, camera_id)
        self.modified = True
        self._show()

    def swap_tiles(self, a: int, b: int) -> None:
        base = self._page * self.layout_.cells
        self._view = self._view.swapped(base + a, base + b)
        self.modified = True
        self._show()

    def clear_selected(self) -> None:
        index = self.compositor.selected
        if index >= 0 and self._focus is None:
            self._view = self._view.placed(self._page * self.layout_.cells + index, None)
            self.modified = True
            self._show()

    # --- focus ---------------------------------------------------------------------------------
    def focus_tile(self, index: int) -> None:
        tiles = self.compositor.tiles()
        if self._focus is not None or not 0 <= index < len(tiles) or tiles[index].info is None:
            return
        self._focus = FocusMemory(self.layout_, self._page, index)
        self._tour_timer.stop()
        self.compositor.show_page(
            grid_layout(1, 1),
            [tiles[index].info],
            first_number=tiles[index].number,
            focused=True,
            background=list(self._cameras),
        )
        self.compositor.set_selected(0)
        self.changed.emit()

    def focus_camera(self, camera_id: str) -> bool:
        """Show one camera alone on its main stream (an alert's camera), whether or not the view
        holds it. The view and its saved state are untouched: Esc comes back to the same layout,
        page and selection (a camera already focused is swapped; the first focus is what Esc
        returns to)."""
        info = self._cameras.get(camera_id)
        if info is None or self._layout is None:
            return False
        if self._focus is None:
            self._focus = FocusMemory(self.layout_, self._page, self.compositor.selected)
        self._tour_timer.stop()
        number = self._view.cameras.index(camera_id) + 1 if camera_id in self._view.cameras else 0
        self.compositor.show_page(
            grid_layout(1, 1), [info], first_number=number, focused=True, background=list(self._cameras)
        )
        self.compositor.set_selected(0)
        self.changed.emit()
        return True

    def focus_selected(self) -> None:
        self.focus_tile(self.compositor.selected)

    def unfocus(self) -> None:
        memory = self._focus
        if memory is None:
            return
        self._focus = None
        self._layout, self._page = memory.layout, memory.page
        self._show()
        self.compositor.set_selected(memory.selected)
        if self.touring and not self.tour_paused:
            self._tour_timer.start()
        self._show_tour()

    # --- tours ---------------------------------------------------------------------------------
    def start_tour(self, seconds: float, mode: TourMode = "pages") -> None:
        self.tour_mode = mode
        self.tour_paused = False
        self._tour_timer.start(int(seconds * 1000))
        self._show_tour()
        self.changed.emit()

    def stop_tour(self) -> None:
        self._tour_timer.stop()
        self.tour_paused = False
        self._show_tour()
        self.changed.emit()

    def toggle_pause(self) -> None:
        if self._tour_timer.isActive():
            self._tour_timer.stop()
            self.tour_paused = True
        elif self.tour_paused:
            self.tour_paused = False
            self._tour_timer.start()
        self._show_tour()
        self.changed.emit()

    def tour_text(self) -> str:
        """The tour's state with its countdown ("轮巡中 · 12 秒后翻页"), '' without a tour."""
        return tour_text(
            touring=self.touring,
            paused=self.tour_paused,
            remaining_ms=self._tour_timer.remainingTime(),
            mode=self.tour_mode,
        )

    def _show_tour(self) -> None:
        text = self.tour_text()
        if text != self._tour_badge.text() or self._tour_badge.isHidden() != (not text):
            self.tour_text_changed.emit(text)
        self._tour_badge.show_text(text)
        if text and not self._tour_tick.isActive():
            self._tour_tick.start()
        elif not text:
            self._tour_tick.stop()

    def _tour_step(self) -> None:
        if self._focus is not None:
            return
        if self.tour_mode == "views" and self.tour_views:
            names = [v.name for v in self.tour_views]
            index = (names.index(self._view.name) + 1) % len(names) if self._view.name in names else 0
            view = self.tour_views[index]
            self.tour_requested_view.emit(view.name)
        else:
            self.next_page()

    # --- CCTV keyboard: type a tile number -----------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if not self.number_entry.key(event):
            super().keyPressEvent(event)

    def has_pending_number(self) -> bool:
        return self.number_entry.pending

    def _cancel_number(self) -> None:
        self.number_entry.cancel()

    def _commit_number(self) -> None:
        self.number_entry.commit()

    def select_number(self, number: int) -> None:
        cells = self.layout_.cells
        if number < 1 or number > max(self.pages * cells, len(self._view.cameras)):
            self.message.emit(QCoreApplication.translate("Wall", "There is no tile {0}").format(number))
            return
        if self._focus is not None:
            self.unfocus()
        page = (number - 1) // cells
        if page != self._page:
            self.set_page(page)
        self.compositor.set_selected((number - 1) % cells)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.compositor.setGeometry(self.rect())
        self.number_entry.place()
        self._tour_badge.place()

    # --- session -------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """What to restore next time: the view as it is now (even unsaved) and the page."""
        view = self._view
        layout = self._focus.layout if self._focus else self.layout_
        page = self._focus.page if self._focus else self._page
        return {
            "view": view.name,
            "shared": view.shared,
            "layout": layout.name,
            "cameras": list(view.cameras),
            "modified": self.modified,
            "page": page,
        }

    @staticmethod
    def encode_state(state: dict[str, Any]) -> str:
        return json.dumps(state, ensure_ascii=False)
