"""One widget that paints the whole wall: every tile's frame and overlay in a single paintEvent.

A GUI timer copies the newest frame of each *visible* tile out of shared memory into a buffer
that a QImage wraps (one memcpy, no conversion); frames never travel inside Qt signals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from app.core.wall_layout import WallLayout, grid_layout
from app.media.frame_board import BgraImage, FrameMeta
from app.media.protocol import ViewMode
from app.media.source import FrameSource
from app.media.supervisor import CameraHealth
from app.ui.wall.overlay import Box, OverlayPainter

FRAME_POLL_MS = 33  # ~30 Hz: never later than one frame period of a 15-25 fps camera
HEALTH_POLL_MS = 250
GAP = 2  # px between tiles: enough to separate pictures, not enough to waste a 100-tile wall
MIME_CAMERA = "application/x-citywall-camera"  # dragged from the camera tree
MIME_TILE = "application/x-citywall-tile"  # dragged from another tile of the same wall


@dataclass(frozen=True)
class TileInfo:
    camera_id: str
    name: str
    grid_code: str | None = None
    group: str | None = None


@dataclass
class TileState:
    """What one cell of the wall shows right now."""

    info: TileInfo | None
    number: int = 0  # as typed on a CCTV keyboard, 1-based over all pages
    buffer: BgraImage | None = None
    image: QImage | None = None
    count: int = 0
    from_main: bool = False
    meta: FrameMeta | None = None
    health: CameraHealth | None = None
    boxes: list[Box] = field(default_factory=list)
    flash_until: float = 0.0


def fit_rect(width: int, height: int, box: QRect) -> QRect:
    """Centre a ``width`` × ``height`` picture in ``box`` keeping its aspect (letterbox)."""
    if width <= 0 or height <= 0:
        return QRect(box)
    scale = min(box.width() / width, box.height() / height)
    if 1.0 <= scale < 1.03:
        scale = 1.0  # decoded at tile size already: blit 1:1 instead of resampling for 2 pixels
    w, h = round(width * scale), round(height * scale)
    return QRect(box.left() + (box.width() - w) // 2, box.top() + (box.height() - h) // 2, w, h)


class WallCompositor(QWidget):
    """Paints one page of a view. What is on the page is decided by its owner (a WallPane)."""

    tile_activated = Signal(int)  # index on the page: double-click
    selection_changed = Signal(int)
    camera_dropped = Signal(int, str)  # index on the page, camera id from the tree
    tiles_swapped = Signal(int, int)  # indexes on the page

    def __init__(self, source: FrameSource, *, client_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._client = client_id
        self._layout: WallLayout = grid_layout(1, 1)
        self._tiles: list[TileState] = []
        self._rects: list[QRect] = []
        self._focused = False
        self._selected = -1
        self._background: list[str] = []  # cameras kept at key frames (other pages, health)
        self._decorations: dict[str, tuple[list[Box], float]] = {}
        self._press: tuple[QPoint, int] | None = None
        self._overlay = OverlayPainter()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._frame_timer = QTimer(self, interval=FRAME_POLL_MS, timerType=Qt.TimerType.PreciseTimer)
        self._frame_timer.timeout.connect(self._poll_frames)
        self._health_timer = QTimer(self, interval=HEALTH_POLL_MS)
        self._health_timer.timeout.connect(self._poll_health)
        self.paint_seconds = 0.0  # thread CPU spent painting, for the bench
        self.paints = 0

    # --- what is shown ------------------------------------------------------------------------
    def start(self) -> None:
        self._poll_health()
        self._frame_timer.start()
        self._health_timer.start()

    def stop(self) -> None:
        self._frame_timer.stop()
        self._health_timer.stop()
        self._source.set_demands(self._client, {})

    def show_page(
        self,
        layout: WallLayout,
        cameras: list[TileInfo | None],
        *,
        first_number: int = 1,
        focused: bool = False,
        background: list[str] | None = None,
    ) -> None:
        """Show ``cameras`` in ``layout``'s cells; ``focused`` asks for the main stream."""
        old = {t.info.camera_id: t for t in self._tiles if t.info is not None}
        self._layout = layout
        self._focused = focused
        self._background = list(background or [])
        tiles = []
        for index, info in enumerate(cameras[: layout.cells]):
            kept = old.pop(info.camera_id, None) if info is not None else None
            tile = kept if kept is not None else TileState(info)
            tile.info, tile.number = info, first_number + index
            if kept is None and info is not None:
                tile.health = self._source.health(info.camera_id)
            tiles.append(tile)
        tiles += [TileState(None, first_number + i) for i in range(len(tiles), layout.cells)]
        self._tiles = tiles
        if self._selected >= len(tiles):
            self._selected = len(tiles) - 1
        self._relayout()

    @property
    def layout_(self) -> WallLayout:
        return self._layout

    @property
    def focused(self) -> bool:
        return self._focused

    def tiles(self) -> list[TileState]:
        return list(self._tiles)

    def tile_rect(self, index: int) -> QRect:
        return QRect(self._rects[index])

    def tile_at(self, pos: QPoint) -> int | None:
        for index, rect in enumerate(self._rects):
            if rect.adjusted(0, 0, GAP, GAP).contains(pos):
                return index
        return None

    @property
    def selected(self) -> int:
        return self._selected

    def set_selected(self, index: int) -> None:
        index = max(-1, min(index, len(self._tiles) - 1))
        if index == self._selected:
            return
        for i in (self._selected, index):
            if 0 <= i < len(self._rects):
                self.update(self._rects[i].adjusted(-GAP, -GAP, GAP, GAP))
        self._selected = index
        self.selection_changed.emit(index)

    def decorate(self, camera_id: str, boxes: list[Box], flash_s: float = 0.0) -> None:
        """Draw detection ``boxes`` on a camera's tile; ``flash_s`` > 0 flashes its border (alerts)."""
        self._decorations[camera_id] = (boxes, time.monotonic() + flash_s if flash_s else 0.0)
        for tile, rect in zip(self._tiles, self._rects, strict=False):
            if tile.info is not None and tile.info.camera_id == camera_id:
                tile.boxes, tile.flash_until = self._decorations[camera_id]
                self.update(rect)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1280, 720)

    # --- geometry and demands -------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        area = self.rect()
        boxes = self._layout.boxes(area.left(), area.top(), area.width() + GAP, area.height() + GAP, GAP)
        self._rects = [QRect(*box) for box in boxes]
        for tile in self._tiles:
            if tile.info is not None and tile.info.camera_id in self._decorations:
                tile.boxes, tile.flash_until = self._decorations[tile.info.camera_id]
        self._publish_demands()
        self.update()

    def _publish_demands(self) -> None:
        ratio = self.devicePixelRatioF()
        wanted: dict[str, tuple[ViewMode, tuple[int, int]]] = {
            camera_id: (ViewMode.KEYFRAMES, (320, 180)) for camera_id in self._background
        }
        mode = ViewMode.FOCUSED if self._focused else ViewMode.LIVE
        for tile, rect in zip(self._tiles, self._rects, strict=False):
            if tile.info is not None:
                wanted[tile.info.camera_id] = (mode, (int(rect.width() * ratio), int(rect.height() * ratio)))
        self._source.set_demands(self._client, wanted)

    # --- timers -------------------------------------------------------------------------------
    def _poll_frames(self) -> None:
        dirty = QRegion()
        now = time.monotonic()
        for tile, rect in zip(self._tiles, self._rects, strict=False):
            if tile.info is None:
                continue
            if tile.flash_until and now < tile.flash_until + 0.5:
                dirty += rect  # keep the alert border pulsing, and clear it once over
            got = self._source.read_frame(tile.info.camera_id, tile.buffer, tile.count, main=self._focused)
            if got is None:
                continue
            buffer, meta, from_main = got
            if buffer is not tile.buffer or tile.image is None:
                tile.buffer = buffer
                height, width = buffer.shape[:2]
                tile.image = QImage(buffer.data, width, height, width * 4, QImage.Format.Format_RGB32)
            tile.count, tile.meta, tile.from_main = meta.count, meta, from_main
            dirty += rect
        if not dirty.isEmpty():
            self.update(dirty)

    def _poll_health(self) -> None:
        for tile, rect in zip(self._tiles, self._rects, strict=False):
            if tile.info is None:
                continue
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
        for index, (tile, rect) in enumerate(zip(self._tiles, self._rects, strict=False)):
            if not exposed.intersects(rect.adjusted(-GAP, -GAP, GAP, GAP)):
                continue
            self._paint_tile(painter, tile, rect, now)
            if index == self._selected:
                painter.setPen(QColor(80, 170, 255))
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.end()
        self.paint_seconds += time.thread_time() - started
        self.paints += 1

    def _paint_tile(self, painter: QPainter, tile: TileState, rect: QRect, now: float) -> None:
        painter.fillRect(rect, QColor(18, 21, 28))
        target = None
        if tile.image is not None and tile.buffer is not None:
            height, width = tile.buffer.shape[:2]
            target = fit_rect(width, height, rect)
            painter.drawImage(target, tile.image)
        self._overlay.paint(painter, rect, tile, now, target)

    # --- mouse: select, focus, drag and drop ----------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        index = self.tile_at(event.position().toPoint())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(index)
            self._press = (event.position().toPoint(), index)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        index = self.tile_at(event.position().toPoint())
        if index is not None:
            self.tile_activated.emit(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        start, index = self._press
        if (event.position().toPoint() - start).manhattanLength() < QApplication.startDragDistance():
            return
        self._press = None
        tile = self._tiles[index]
        if tile.info is None or self._focused:
            return
        mime = QMimeData()
        mime.setData(MIME_TILE, str(index).encode())
        mime.setText(tile.info.camera_id)
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self._press = None
        super().mouseReleaseEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        mime = event.mimeData()
        if not self._focused and (mime.hasFormat(MIME_CAMERA) or mime.hasFormat(MIME_TILE)):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt API)
        if self.tile_at(event.position().toPoint()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        target = self.tile_at(event.position().toPoint())
        mime = event.mimeData()
        if target is None:
            event.ignore()
            return
        if mime.hasFormat(MIME_TILE) and event.source() is self:
            source = int(bytes(mime.data(MIME_TILE).data()).decode())
            if source != target:
                self.tiles_swapped.emit(source, target)
        elif mime.hasFormat(MIME_CAMERA):
            self.camera_dropped.emit(target, bytes(mime.data(MIME_CAMERA).data()).decode())
        else:
            event.ignore()
            return
        self.set_selected(target)
        event.acceptProposedAction()


def _overlay_key(health: CameraHealth) -> tuple[object, ...]:
    return (health.state, health.last_error, round(health.fps), health.attempts)


def blank_ratio(image: BgraImage) -> float:
    """Share of near-black pixels; used by checks that a tile shows a picture."""
    grey = image[..., :3].max(axis=2)
    return int(np.count_nonzero(grey < 16)) / max(1, int(grey.size))
