"""One widget that paints the whole wall: every tile's frame and overlay in a single paintEvent.

A GUI timer copies the newest frame of each *visible* tile out of shared memory into a buffer
that a QImage wraps (one memcpy, no conversion); frames never travel inside Qt signals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.media.frame_board import BgraImage, FrameMeta
from app.media.protocol import ViewMode
from app.media.source import FrameSource
from app.media.supervisor import CameraHealth
from app.ui.wall.layouts import GridLayout, WallLayout, fit_rect
from app.ui.wall.overlay import OverlayPainter

FRAME_POLL_MS = 33  # ~30 Hz: never later than one frame period of a 15-25 fps camera
HEALTH_POLL_MS = 250


@dataclass(frozen=True)
class TileInfo:
    camera_id: str
    name: str
    grid_code: str | None = None
    group: str | None = None


@dataclass
class TileState:
    info: TileInfo
    buffer: BgraImage | None = None
    image: QImage | None = None
    count: int = 0
    from_main: bool = False
    meta: FrameMeta | None = None
    health: CameraHealth | None = None
    extra: dict[str, object] = field(default_factory=dict)


class WallCompositor(QWidget):
    """Paints ``tiles`` into the cells of a :class:`WallLayout`, page by page."""

    page_changed = Signal(int, int)  # page, pages

    def __init__(
        self,
        source: FrameSource,
        tiles: list[TileInfo],
        *,
        client_id: str = "wall-0",
        layout: WallLayout | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._client = client_id
        self._tiles = [TileState(t) for t in tiles]
        self._layout: WallLayout = layout or GridLayout.for_count(len(tiles))
        self._page = 0
        self._rects: list[QRect] = []
        self._overlay = OverlayPainter()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._frame_timer = QTimer(self, interval=FRAME_POLL_MS, timerType=Qt.TimerType.PreciseTimer)
        self._frame_timer.timeout.connect(self._poll_frames)
        self._health_timer = QTimer(self, interval=HEALTH_POLL_MS)
        self._health_timer.timeout.connect(self._poll_health)
        self.paint_seconds = 0.0  # CPU-cheap counters for the bench
        self.paints = 0

    # --- public -------------------------------------------------------------------------------
    def start(self) -> None:
        self._relayout()
        self._poll_health()
        self._frame_timer.start()
        self._health_timer.start()

    def stop(self) -> None:
        self._frame_timer.stop()
        self._health_timer.stop()
        self._source.set_demands(self._client, {})

    @property
    def page(self) -> int:
        return self._page

    @property
    def pages(self) -> int:
        return max(1, -(-len(self._tiles) // self._layout.cells))

    def set_layout(self, layout: WallLayout) -> None:
        self._layout = layout
        self._page = min(self._page, self.pages - 1)
        self._relayout()

    def set_page(self, page: int) -> None:
        self._page = page % self.pages
        self._relayout()

    def visible_tiles(self) -> list[TileState]:
        start = self._page * self._layout.cells
        return self._tiles[start : start + self._layout.cells]

    def tile_rect(self, index_on_page: int) -> QRect:
        return self._rects[index_on_page]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1280, 720)

    # --- geometry and demands -------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        self._rects = self._layout.rects(self.rect())
        self._publish_demands()
        self.page_changed.emit(self._page, self.pages)
        self.update()

    def _publish_demands(self) -> None:
        ratio = self.devicePixelRatioF()
        wanted: dict[str, tuple[ViewMode, tuple[int, int]]] = {}
        visible = self.visible_tiles()
        for tile in self._tiles:
            wanted[tile.info.camera_id] = (ViewMode.KEYFRAMES, (320, 180))
        for tile, rect in zip(visible, self._rects, strict=False):
            size = (int(rect.width() * ratio), int(rect.height() * ratio))
            wanted[tile.info.camera_id] = (ViewMode.LIVE, size)
        self._source.set_demands(self._client, wanted)

    # --- timers -------------------------------------------------------------------------------
    def _poll_frames(self) -> None:
        dirty = QRegion()
        for tile, rect in zip(self.visible_tiles(), self._rects, strict=False):
            got = self._source.read_frame(tile.info.camera_id, tile.buffer, tile.count)
            if got is None:
                continue
            buffer, meta, from_main = got
            if from_main != tile.from_main:
                tile.from_main = from_main
            if buffer is not tile.buffer or tile.image is None:
                tile.buffer = buffer
                height, width = buffer.shape[:2]
                tile.image = QImage(buffer.data, width, height, width * 4, QImage.Format.Format_RGB32)
            tile.count = meta.count
            tile.meta = meta
            dirty += rect
        if not dirty.isEmpty():
            self.update(dirty)

    def _poll_health(self) -> None:
        for tile, rect in zip(self.visible_tiles(), self._rects, strict=False):
            health = self._source.health(tile.info.camera_id)
            if tile.health is None or _overlay_key(tile.health) != _overlay_key(health):
                self.update(rect)
            tile.health = health

    # --- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        started = time.thread_time()
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(8, 10, 14))
        now = time.time()
        exposed = event.region()
        for tile, rect in zip(self.visible_tiles(), self._rects, strict=False):
            if not exposed.intersects(rect):
                continue
            self._paint_tile(painter, tile, rect, now)
        painter.end()
        self.paint_seconds += time.thread_time() - started
        self.paints += 1

    def _paint_tile(self, painter: QPainter, tile: TileState, rect: QRect, now: float) -> None:
        painter.fillRect(rect, QColor(18, 21, 28))
        if tile.image is not None and tile.buffer is not None:
            height, width = tile.buffer.shape[:2]
            target = fit_rect(width, height, rect)
            painter.drawImage(target, tile.image)
        self._overlay.paint(painter, rect, tile, now)


def _overlay_key(health: CameraHealth) -> tuple[object, ...]:
    return (health.state, health.last_error, round(health.fps), health.attempts)


def blank_ratio(image: BgraImage) -> float:
    """Share of near-black pixels; used by checks that a tile shows a picture."""
    grey = image[..., :3].max(axis=2)
    return int(np.count_nonzero(grey < 16)) / max(1, int(grey.size))
