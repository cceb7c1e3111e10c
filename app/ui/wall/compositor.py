"""One widget that paints the whole wall: every tile's frame and overlay in a single paintEvent.

A GUI timer reads the board's frame counters once to find the *visible* tiles with a new frame;
the paint blits each straight out of shared memory through a QImage over it (no copy, no
conversion). That is safe because a decoder always fills the buffer that is not the newest: a
frame stays put for at least one frame period, and in the rare paint that a writer overtakes,
the next poll (33 ms later) sees the newer frame and repaints. Frames never travel in Qt signals.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from app.core.wall_layout import WallLayout, grid_layout
from app.media.frame_board import BgraImage, FrameRef
from app.media.protocol import ViewMode
from app.media.source import FrameSource
from app.ui.wall.overlay import (
    BORDER_PX,
    Box,
    OverlayPainter,
    border_rects,
    pulse_colour,
    shows_border,
    tile_tooltip,
)
from app.ui.wall.tiles import PtzMark, VoiceMark, frame_only, overlay_key, picture_only, region_rects
from app.ui.wall.tiles import TileInfo as TileInfo  # (re-exported: the wall's callers name it here)
from app.ui.wall.tiles import TileState as TileState
from app.ui.wall.tiles import fit_rect as fit_rect

BACKGROUND = QColor(8, 10, 14)
TILE_BACKGROUND = QColor(18, 21, 28)
SELECTION = QColor(80, 170, 255)
RUBBER_BAND = QColor(255, 210, 60)
FRAME_POLL_MS = 33  # ~30 Hz: never later than one frame period of a 15-25 fps camera
HEALTH_POLL_MS = 250  # state badges and fps; the overlay clock follows the frames themselves
GAP = 2  # px between tiles: enough to separate pictures, not enough to waste a 100-tile wall
MIME_CAMERA = "application/x-citywall-camera"  # dragged from the camera tree
MIME_TILE = "application/x-citywall-tile"  # dragged from another tile of the same wall


class WallCompositor(QWidget):
    """Paints one page of a view. What is on the page is decided by its owner (a WallPane)."""

    tile_activated = Signal(int)  # index on the page: double-click
    selection_changed = Signal(int)
    camera_dropped = Signal(int, str)  # index on the page, camera id from the tree
    tiles_swapped = Signal(int, int)  # indexes on the page
    context_requested = Signal(int, QPoint)  # right click (or the menu key) on a tile: index, global place

    def __init__(self, source: FrameSource, *, client_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._client = client_id
        self._layout: WallLayout = grid_layout(1, 1)
        self._tiles: list[TileState] = []
        self._ids: list[str | None] = []  # the tiles' cameras, for one board read per poll
        self._rects: list[QRect] = []
        self._areas: list[QRect] = []  # each tile with its share of the gaps: together, the whole widget
        self._gaps: list[list[QRect]] = []
        self._focused = False
        self._selected = -1
        self._background: list[str] = []  # cameras kept at key frames (other pages, health)
        self._decorations: dict[str, tuple[list[Box], float]] = {}
        self._awaiting: frozenset[str] = frozenset()  # cameras with an alert nobody has taken yet
        self._muted: frozenset[str] = frozenset()  # cameras with a snoozed alert
        self._voice: dict[str, VoiceMark] = {}  # cameras whose tiles carry the speakers' badge
        self._ptz: dict[str, PtzMark] = {}  # PTZ cameras someone steers or has locked
        self._press: tuple[QPoint, int] | None = None
        self._rubber_band: QRect | None = None
        self._overlay = OverlayPainter()
        self._images: dict[int, tuple[BgraImage, QImage]] = {}  # id(frame in shared memory) → its QImage
        # What the next paint must cover, tile by tile, and the region of all that (a paint whose
        # region is exactly this one paints these parts alone): tiles with a new frame (their
        # picture, and the parts of their clock outside it when the clock moved on), the alert
        # borders to pulse (the border alone), and tiles to repaint whole.
        self._fresh: dict[int, list[QRect]] = {}
        self._rings: set[int] = set()
        self._ring_region: tuple[set[int], QRegion] = (set(), QRegion())  # of the last rings
        self._sides: dict[int, list[QRect]] = {}  # each tile's border (overlay.border_rects)
        self._whole: set[int] = set()
        self._parts: dict[int, list[QRect]] = {}  # parts of tiles to paint again (a badge's countdown)
        self._planned = QRegion()
        self._flashing: set[int] = set()  # tiles whose alert border pulses
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
        self.fresh_paints = 0  # of them, paints of new frames and nothing else (the fast path)

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
            tile.count_main = 0  # a new focus starts a new main-stream count
            if kept is None and info is not None:
                tile.health = self._source.health(info.camera_id)
            tiles.append(tile)
        tiles += [TileState(None, first_number + i) for i in range(len(tiles), layout.cells)]
        self._tiles = tiles
        self._overlay.keep_bands({t.number for t in tiles})
        self._ids = [t.info.camera_id if t.info is not None else None for t in tiles]
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

    def still_frame(self, index: int) -> TileState | None:
        """A tile with a private copy of its frame, for evidence: the frame shown, or when the
        decoder has overtaken it since, the newest whole one (with its own capture time)."""
        if not 0 <= index < len(self._tiles):
            return None
        tile = self._tiles[index]
        if tile.info is None or tile.buffer is None or tile.frame is None:
            return None
        pixels = tile.buffer.copy()
        if self._source.still_holds(tile.frame):
            return replace(tile, buffer=pixels, image=None, frame=None)
        got = self._source.read_frame(tile.info.camera_id, main=tile.from_main)
        if got is None:
            return None
        buffer, meta, from_main = got
        return replace(tile, buffer=buffer, meta=meta, from_main=from_main, image=None, frame=None)

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

    def set_rubber_band(self, band: QRect | None) -> None:
        """The box an operator drags on a focused PTZ picture (zoom target), or None."""
        old, self._rubber_band = self._rubber_band, band
        for rect in (old, band):
            if rect is not None:
                self.update(rect.adjusted(-2, -2, 2, 2))

    def decorate(self, camera_id: str, boxes: list[Box], flash_s: float = 0.0) -> None:
        """Draw detection ``boxes`` on a camera's tile; ``flash_s`` > 0 flashes its border (alerts)."""
        self._decorations[camera_id] = (boxes, time.monotonic() + flash_s if flash_s else 0.0)
        for index, tile in enumerate(self._tiles):
            if tile.info is not None and tile.info.camera_id == camera_id:
                tile.boxes, tile.flash_until = self._decorations[camera_id]
                self._note_flash(index)
                self._repaint(index)

    def set_awaiting(self, camera_ids: frozenset[str] | set[str]) -> None:
        """Mark the tiles of these cameras until their alerts are taken (the mark does not time out)."""
        camera_ids = frozenset(camera_ids)
        if camera_ids == self._awaiting:
            return
        self._awaiting = camera_ids
        for index, tile in enumerate(self._tiles):
            awaiting = tile.info is not None and tile.info.camera_id in camera_ids
            if awaiting != tile.awaiting:
                tile.awaiting = awaiting
                self._note_flash(index)
                self._repaint(index)

    @property
    def awaiting(self) -> frozenset[str]:
        return self._awaiting

    def set_muted(self, camera_ids: frozenset[str] | set[str]) -> None:
        """Say on the tiles of these cameras that an alert of theirs is snoozed."""
        camera_ids = frozenset(camera_ids)
        if camera_ids == self._muted:
            return
        self._muted = camera_ids
        for index, tile in enumerate(self._tiles):
            muted = tile.info is not None and tile.info.camera_id in camera_ids
            if muted != tile.muted:
                tile.muted = muted
                self._repaint(index)

    def set_voice_marks(self, marks: Mapping[str, VoiceMark]) -> None:
        """The speakers' badge on these cameras' tiles (none on the others). A badge that only
        changes its text (the ladder's countdown, once a second) repaints its own rectangle."""
        if marks == self._voice:
            return
        self._voice = dict(marks)
        for index, tile in enumerate(self._tiles):
            mark = marks.get(tile.info.camera_id) if tile.info is not None else None
            if mark == tile.voice or index >= len(self._rects):
                continue
            rect = self._rects[index]
            before = self._overlay.voice_rect(rect, tile)
            tile.voice = mark
            after = self._overlay.voice_rect(rect, tile)
            if before is None or after is None:
                self._repaint(index)  # it comes or goes: the tile's paint path changes with it
            else:
                self._repaint_part(index, before.united(after).intersected(rect))

    @property
    def voice_marks(self) -> dict[str, VoiceMark]:
        return dict(self._voice)

    def set_ptz_marks(self, marks: Mapping[str, PtzMark]) -> None:
        """Who steers or has locked these cameras, on their tiles (nothing on the others)."""
        if marks == self._ptz:
            return
        self._ptz = dict(marks)
        for index, tile in enumerate(self._tiles):
            mark = marks.get(tile.info.camera_id) if tile.info is not None else None
            if mark != tile.ptz_mark:
                tile.ptz_mark = mark
                self._repaint(index)

    @property
    def ptz_marks(self) -> dict[str, PtzMark]:
        return dict(self._ptz)

    def _repaint_part(self, index: int, part: QRect) -> None:
        """Only ``part`` of the tile at the next paint (the tile painted under that clip)."""
        self._parts.setdefault(index, []).append(part)
        self._planned += part
        self.update(part)

    def _repaint(self, index: int) -> None:
        """The whole tile at the next paint (its decoration, health or text changed)."""
        if index < len(self._rects):
            self._whole.add(index)
            self._planned += self._rects[index]
            self.update(self._rects[index])

    def _note_flash(self, index: int) -> None:
        if self._tiles[index].flash_until or self._tiles[index].awaiting:
            self._flashing.add(index)
        else:
            self._flashing.discard(index)

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
        cells = self._layout.boxes(area.left(), area.top(), area.width() + GAP, area.height() + GAP, 0)
        self._areas = [QRect(*cell) for cell in cells]
        self._gaps = [
            region_rects(QRegion(cell).subtracted(QRegion(rect)))
            for cell, rect in zip(self._areas, self._rects, strict=True)
        ]
        self._flashing.clear()
        self._ring_region, self._sides = (set(), QRegion()), {}
        for index, (tile, rect) in enumerate(zip(self._tiles, self._rects, strict=False)):
            if tile.info is not None and tile.info.camera_id in self._decorations:
                tile.boxes, tile.flash_until = self._decorations[tile.info.camera_id]
            tile.awaiting = tile.info is not None and tile.info.camera_id in self._awaiting
            tile.muted = tile.info is not None and tile.info.camera_id in self._muted
            tile.voice = self._voice.get(tile.info.camera_id) if tile.info is not None else None
            tile.ptz_mark = self._ptz.get(tile.info.camera_id) if tile.info is not None else None
            self._note_flash(index)
            self._place(tile, rect)
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
        tiles, rects = self._tiles, self._rects
        if self._flashing:
            self._pulse_flashes()
        arrivals: list[tuple[int, FrameRef, bool]]
        if self._focused:  # the focused tile reads its main stream, which the board read does not cover
            latest = self._source.latest_frame
            arrivals = [
                (index, *got)
                for index, camera_id in enumerate(self._ids)
                if camera_id is not None and (got := latest(camera_id)) is not None
            ]
        else:
            # One read of the board gives the tiles with a new frame (half of them at 30 Hz); a
            # tile that showed the main stream until now (a focus ended) takes its sub stream again.
            seen = [-1 if tile.from_main else tile.count for tile in tiles]
            arrivals = [(index, ref, False) for index, ref in self._source.new_frames(self._ids, seen)]
        # 1,500 tile frames a second pass through this loop: locals, no widget attributes.
        fresh, region, dirty = self._fresh, self._planned, False
        for index, ref, from_main in arrivals:
            tile, rect = tiles[index], rects[index]
            meta = ref.meta
            if meta.count == (tile.count_main if from_main else tile.count) and from_main == tile.from_main:
                continue  # (a focused tile: no new main-stream frame)
            tile.frame = ref
            if ref.pixels is not tile.buffer:  # the board's other buffer, or a new size
                resized = tile.buffer is None or tile.buffer.shape != ref.pixels.shape
                tile.buffer = ref.pixels
                tile.image = self._image_of(ref.pixels)
                if resized and self._place(tile, rect):
                    self._repaint(index)
            if from_main:
                tile.count_main = meta.count
            else:
                tile.count = meta.count
            if from_main != tile.from_main:
                tile.from_main = from_main
                tile.meta = meta
                if self._place(tile, rect):
                    self._repaint(index)
            tile.meta = meta
            spill: list[QRect] = []
            if tile.overlay is not None and meta.captured_wall_ns // 1_000_000_000 != tile.overlay_clock:
                spill = self._tick_clock(tile, rect)  # the burned-in capture clock moved on a second
            # A new frame dirties the picture alone (and the clock, once a second): the letterbox
            # bars and gaps around it are unchanged, and so is what an alert put over it (boxes,
            # labels; its pulsing border gets its own repaint). Those go to Qt as one region at
            # the end of the poll.
            target = tile.target
            if target is not None and picture_only(tile):
                if index in fresh:
                    fresh[index].extend(spill)  # a paint may cover two polls
                else:
                    fresh[index] = spill
                region += target
                for part in spill:
                    region += part
                dirty = True
            else:
                self.update(rect)
        if dirty:
            self._planned = region
            self.update(region)

    def _pulse_flashes(self) -> None:
        """Keep the alert borders pulsing (the border alone: it is opaque, what is under it needs
        no repaint), and clear each once over (the whole tile)."""
        now = time.monotonic()
        rings: set[int] = set()
        for index in list(self._flashing):
            tile = self._tiles[index]
            if tile.flash_until and now > tile.flash_until:
                tile.flash_until = 0.0
                self._repaint(index)  # the flash is over: its border goes
            if not tile.flash_until and not tile.awaiting:
                self._flashing.discard(index)
            elif shows_border(tile, now):
                rings.add(index)
        if not rings:
            return
        if self._ring_region[0] != rings:  # the same tiles poll after poll: their region is kept
            region = QRegion()
            for index in rings:
                rect = self._rects[index]
                inner = rect.adjusted(BORDER_PX, BORDER_PX, -BORDER_PX, -BORDER_PX)
                region += QRegion(rect).subtracted(QRegion(inner))
                self._sides[index] = border_rects(rect)
            self._ring_region = (rings, region)
        self._rings = rings
        self._planned += self._ring_region[1]
        self.update(self._ring_region[1])

    def _image_of(self, pixels: BgraImage) -> QImage:
        """A QImage over a frame in shared memory, made once per board buffer and size.

        The entry keeps the numpy view alive: QImage does not own the memory it wraps, and the
        board's mapping stays while a view of it exists.
        """
        entry = self._images.get(id(pixels))
        if entry is None or entry[0] is not pixels:
            if len(self._images) > 4 * max(16, len(self._tiles)):
                self._images.clear()  # buffers of past sizes; the tiles keep their own references
            height, width = pixels.shape[:2]
            image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_RGB32)
            entry = self._images[id(pixels)] = (pixels, image)
        return entry[1]

    def _poll_health(self) -> None:
        for index, (tile, rect) in enumerate(zip(self._tiles, self._rects, strict=False)):
            if tile.info is None:
                continue
            health = self._source.health(tile.info.camera_id)
            key = overlay_key(health)
            tile.health = health
            if key != tile.health_key:  # state, reason, fps or staleness: the overlay says it
                tile.health_key = key
                self._prepare_overlay(tile, rect)
                self._repaint(index)

    # --- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        started = time.thread_time()
        painter = QPainter(self)
        exposed = event.region()
        fresh, rings, whole, planned = self._fresh, self._rings, self._whole, self._planned
        parts = self._parts
        self._fresh, self._rings, self._whole, self._planned, self._parts = {}, set(), set(), QRegion(), {}
        # Each tile is painted under its own rectangular clip. Under the paint event's clip alone
        # (dozens of dirty rectangles) Qt's raster engine leaves its blit path for span filling,
        # which it hands to a thread pool: 4x the CPU per tile, much of it thread hand-over.
        if (fresh or rings or whole or parts) and exposed == planned:
            # The common paint: new frames, pulsing borders, a few tiles whose looks changed.
            self._paint_planned(painter, fresh, rings, whole, parts)
            self.fresh_paints += 1
        else:
            self._paint_exposed(painter, exposed)
        painter.setClipping(False)
        if self._rubber_band is not None:
            painter.setPen(QPen(RUBBER_BAND, 2, Qt.PenStyle.DashLine))
            painter.drawRect(self._rubber_band)
        painter.end()
        self.paint_seconds += time.thread_time() - started
        self.paints += 1

    def _paint_planned(
        self,
        painter: QPainter,
        fresh: dict[int, list[QRect]],
        rings: set[int],
        whole: set[int],
        parts: dict[int, list[QRect]] | None = None,
    ) -> None:
        tiles, rects, selected = self._tiles, self._rects, self._selected
        clip = painter.setClipRect
        whole = {index for index in whole if index < len(tiles)}
        for index in whole:
            clip(rects[index])
            self._paint_tile(painter, tiles[index], rects[index])
            if index == selected:
                self._paint_selection(painter, rects[index])
        for index, pieces in (parts or {}).items():
            if index in whole or index >= len(tiles):
                continue
            for piece in pieces:
                clip(piece)
                self._paint_tile(painter, tiles[index], rects[index])
        for index, spill in fresh.items():
            if index >= len(tiles) or index in whole:
                continue
            tile = tiles[index]
            target = tile.target
            if target is None or not picture_only(tile):  # (changed since the poll: painted whole)
                continue
            clip(target)
            if frame_only(tile):
                self._paint_picture(painter, tile, target)
            else:  # what an alert put over the picture, clipped to it (the border follows)
                self._paint_image(painter, tile, target)
                self._overlay.paint_marks(painter, rects[index], tile, target)
            if index == selected:
                self._paint_selection(painter, rects[index])
            for part in spill:  # the clock where it lies over the letterbox bar
                clip(part)
                self._paint_tile(painter, tile, rects[index])
        # Every pulsing border, the same colour on every tile, in one call. A border drawn over a
        # new frame above (clipped to the picture) is drawn here in full.
        now = time.monotonic()
        borders = [i for i in rings if i not in whole and i < len(tiles) and shows_border(tiles[i], now)]
        if borders:
            painter.setClipping(False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pulse_colour())
            sides = self._sides
            painter.drawRects([side for i in borders for side in sides.get(i) or border_rects(rects[i])])
            painter.setBrush(Qt.BrushStyle.NoBrush)  # (the selection and rubber band are outlines)
            if selected in borders:
                self._paint_selection(painter, rects[selected])

    def _paint_exposed(self, painter: QPainter, exposed: QRegion) -> None:
        for index, (tile, rect, cell) in enumerate(zip(self._tiles, self._rects, self._areas, strict=False)):
            if not exposed.intersects(cell):
                continue
            target = tile.target
            if (
                frame_only(tile)
                and target is not None
                and target.contains(exposed.intersected(cell).boundingRect())
            ):
                painter.setClipRect(target)
                self._paint_picture(painter, tile, target)  # only the picture is dirty: a new frame
            else:
                painter.setClipRect(cell)
                for gap in self._gaps[index]:
                    painter.fillRect(gap, BACKGROUND)
                self._paint_tile(painter, tile, rect)
            if index == self._selected:
                self._paint_selection(painter, rect)

    @staticmethod
    def _paint_selection(painter: QPainter, rect: QRect) -> None:
        painter.setPen(SELECTION)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.drawRect(rect.adjusted(1, 1, -2, -2))

    @staticmethod
    def _paint_picture(painter: QPainter, tile: TileState, target: QRect) -> None:
        """A new frame of a live tile: the picture and its overlay, clipped to the picture, so the
        overlay's parts over the unchanged letterbox bars are not blended twice."""
        assert tile.image is not None and tile.overlay is not None
        if tile.origin is not None:
            painter.drawImage(tile.origin, tile.image)
        else:
            painter.drawImage(target, tile.image)
        for position, band in tile.overlay:
            painter.drawImage(position, band)

    @staticmethod
    def _paint_image(painter: QPainter, tile: TileState, target: QRect) -> None:
        assert tile.image is not None
        if tile.origin is not None:
            painter.drawImage(tile.origin, tile.image)  # decoded at tile size: a plain blit
        else:
            painter.drawImage(target, tile.image)

    def _paint_tile(self, painter: QPainter, tile: TileState, rect: QRect) -> None:
        image, target = tile.image, tile.target
        if image is not None and target is not None:
            for bar in tile.bars:
                painter.fillRect(bar, TILE_BACKGROUND)  # letterbox bars only
            self._paint_image(painter, tile, target)
        else:
            painter.fillRect(rect, TILE_BACKGROUND)
        marked = tile.boxes or tile.flash_until or tile.awaiting or tile.muted or tile.voice or tile.ptz_mark
        if tile.overlay is not None and not marked:
            for position, band in tile.overlay:  # the common case: blit the prepared overlay
                painter.drawImage(position, band)
        else:
            self._overlay.paint(painter, rect, tile, target)

    def _place(self, tile: TileState, rect: QRect) -> bool:
        """Work out where a tile's picture and overlay go; only when its size or health changes.
        True when the overlay changed (the tile needs repainting whole)."""
        if tile.buffer is not None:
            height, width = tile.buffer.shape[:2]
            tile.target = fit_rect(width, height, rect)
            tile.bars = region_rects(QRegion(rect).subtracted(QRegion(tile.target)))
            same_size = tile.target.width() == width and tile.target.height() == height
            tile.origin = tile.target.topLeft() if same_size else None
        else:
            tile.target, tile.bars, tile.origin = None, [], None
        return self._prepare_overlay(tile, rect)

    def _prepare_overlay(self, tile: TileState, rect: QRect) -> bool:
        """The tile's overlay for what it shows now; True when it changed."""
        before = tile.overlay
        tile.overlay = self._overlay.prepare(tile, rect)  # the same list when nothing it shows changed
        if tile.overlay is not None:  # (also when only the picture moved within the tile)
            box = QRegion(self._overlay.clock_box(rect))
            picture = tile.target
            tile.clock_spill = region_rects(box.subtracted(QRegion(picture)) if picture is not None else box)
        return tile.overlay is not before  # new text: also where the overlay lies outside the picture

    def _tick_clock(self, tile: TileState, rect: QRect) -> list[QRect]:
        """Show the capture second of the tile's frame; returns what a paint must cover besides
        the picture (the clock's place over the letterbox bar)."""
        tile.overlay = self._overlay.tick_clock(tile, rect)
        return tile.clock_spill

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # A tile without a picture says why in a few words; the whole story is here.
            index = self.tile_at(event.pos())
            text = tile_tooltip(self._tiles[index].health) if index is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self, self.tile_rect(index or 0))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            # Prepared overlays are text drawn in the old language (state badges, "main stream").
            self._overlay = OverlayPainter()
            for tile, rect in zip(self._tiles, self._rects, strict=False):
                tile.overlay_key = ()
                self._prepare_overlay(tile, rect)
            self.update()
        super().changeEvent(event)

    # --- mouse: select, focus, drag and drop ----------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        index = self.tile_at(event.position().toPoint())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(index)
            self._press = (event.position().toPoint(), index)
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt API)
        """Right click (or the menu key, on the selected tile): the tile is selected, its owner
        shows the menu."""
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        index = self._selected if keyboard else self.tile_at(event.pos())
        if index is None or not 0 <= index < len(self._tiles):
            return
        self.set_selected(index)
        where = self.mapToGlobal(self._rects[index].center()) if keyboard else event.globalPos()
        self.context_requested.emit(index, where)

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
