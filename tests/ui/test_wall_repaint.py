"""Incremental repaints: a new frame repaints only its picture, yet the wall looks as if fully repainted."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from app.core.wall_layout import grid_layout
from app.media.frame_board import FrameMeta
from app.ui.wall import compositor, overlay
from app.ui.wall.compositor import TileInfo, TileState, WallCompositor
from app.ui.wall.overlay import CLOCK_SECONDS_KEPT, Box, OverlayPainter
from tests.ui.fakes import FakeSource, image_array

CAMERAS = [f"cam{i:03d}" for i in range(1, 10)]


def on_screen(widget: WallCompositor) -> np.ndarray:
    """What the window system was last given: the backing store, built up by incremental paints."""
    screen = widget.screen()
    image = screen.grabWindow(widget.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)
    return image_array(image)


def test_incremental_frames_leave_the_same_wall_as_a_full_repaint(qtbot: QtBot) -> None:
    source = FakeSource(CAMERAS)  # 4:3 pictures in 16:9 tiles: letterbox bars beside each picture
    wall = WallCompositor(source, client_id="test")
    qtbot.addWidget(wall)
    wall.resize(960, 540)
    infos = [TileInfo(c, f"路口 {c}", f"3701990010{i:04d}") for i, c in enumerate(CAMERAS)]
    wall.show_page(grid_layout(3, 3), list(infos))
    wall.show()
    qtbot.waitExposed(wall)
    wall.set_selected(4)  # the selected tile's border must survive its new frames too
    wall.start()
    qtbot.wait(100)
    paints, fresh_paints = wall.paints, wall.fresh_paints
    qtbot.wait(1300)  # frames at 15 fps, and the capture clock moves on by a second at least
    assert wall.paints - paints > 10
    # New frames, the selected tile's and the clock's second included, take the fast path.
    assert wall.fresh_paints - fresh_paints >= 0.8 * (wall.paints - paints)
    tile = wall.tiles()[0]
    assert tile.target is not None and tile.target.width() < wall.tile_rect(0).width()  # bars exist
    wall.stop()  # no new frames: what is on screen now must be a complete, correct wall
    qtbot.wait(50)
    incremental = on_screen(wall)
    full = image_array(wall.grab().toImage().convertToFormat(QImage.Format.Format_RGB32))
    assert incremental.shape == full.shape
    differing = np.any(incremental != full, axis=2)
    # No double-blended overlay over the bars, no stale clock digits: pixel for pixel the same.
    assert differing.mean() < 0.001, f"{differing.sum()} pixels differ from a full repaint"


def footer_pixels(painter: OverlayPainter, tile: TileState, rect: QRect) -> np.ndarray:
    overlay = tile.overlay
    assert overlay is not None and len(overlay) == 2
    return image_array(overlay[1][1].convertToFormat(QImage.Format.Format_RGB32)).copy()


def test_the_clock_ticks_on_a_footer_prepared_before_the_first_frame(qtbot: QtBot) -> None:
    """The footer is kept without the clock and the clock is put on a copy each second; a footer
    made before the tile had a frame must still leave the clock its place (no grid code under it)."""
    source = FakeSource(CAMERAS)
    rect = QRect(0, 0, 320, 180)
    tile = TileState(TileInfo("cam001", "人民路口", "370199001000001"), number=1)
    tile.health = source.health("cam001")
    early = OverlayPainter()
    tile.overlay = early.prepare(tile, rect)  # no frame yet: no capture time to show
    second = 1_795_000_000
    tile.meta = FrameMeta(352, 288, 0, second * 1_000_000_000, 1)
    tile.overlay = early.tick_clock(tile, rect)
    ticked = footer_pixels(early, tile, rect)

    fresh = TileState(tile.info, number=1, health=tile.health, meta=tile.meta)
    fresh.overlay = OverlayPainter().prepare(fresh, rect)  # made with the frame already there
    assert np.array_equal(ticked, footer_pixels(early, fresh, rect))

    tile.meta = FrameMeta(352, 288, 0, (second + 1) * 1_000_000_000, 2)
    tile.overlay = early.tick_clock(tile, rect)
    later = footer_pixels(early, tile, rect)
    box = early.clock_box(rect).translated(0, -(rect.height() - later.shape[0]))
    changed = np.argwhere(np.any(later != ticked, axis=2))
    assert changed.size, "the clock did not move on"
    # Only the clock's place changed: the grid code and fps beside it stayed put.
    assert box.contains(int(changed[:, 1].min()), int(changed[:, 0].min()))
    assert box.contains(int(changed[:, 1].max()), int(changed[:, 0].max()))
    # And the clock sits on the grid code's line: the same digits start on the same row.
    bright = later.max(axis=2) > 120
    clock_rows = np.flatnonzero(bright[:, box.left() : box.right()].any(axis=1))
    grid_rows = np.flatnonzero(bright[:, box.right() + 8 : box.right() + 60].any(axis=1))
    assert clock_rows.size and grid_rows.size
    assert (clock_rows.min(), clock_rows.max()) == (grid_rows.min(), grid_rows.max())


def test_tiles_share_a_clocked_footer_only_where_their_footers_look_alike() -> None:
    """A clock second is put on one footer copy for all tiles whose footers show the same; a grid
    code that fits keeps each tile's footer its own."""
    source = FakeSource(CAMERAS)
    painter = OverlayPainter()
    meta = FrameMeta(352, 288, 0, 1_795_000_000 * 1_000_000_000, 1)

    def footer(camera: str, grid_code: str, rect: QRect) -> QImage:
        tile = TileState(TileInfo(camera, "路口", grid_code), number=CAMERAS.index(camera) + 1)
        tile.health, tile.meta = source.health(camera), meta
        tile.overlay = painter.prepare(tile, rect)
        assert tile.overlay is not None
        return tile.overlay[1][1]

    small = QRect(0, 0, 110, 96)  # a grid code of 15 digits does not fit beside clock and fps
    a, b = footer("cam001", "370199001000001", small), footer("cam002", "370199001000002", small)
    assert a is b  # one copy with the clock for both
    wide = QRect(0, 0, 320, 180)
    c, d = footer("cam003", "370199001000003", wide), footer("cam004", "370199001000004", wide)
    assert c is not d
    pixels_c, pixels_d = (image_array(x.convertToFormat(QImage.Format.Format_RGB32)) for x in (c, d))
    assert not np.array_equal(pixels_c, pixels_d)  # each shows its own grid code


def test_a_ticked_clock_is_pixel_for_pixel_the_clock_drawn_on_its_footer() -> None:
    """The clock is copied into the footer (100 tiles tick each second: no painter per tile); it
    must look exactly as if the footer had been drawn with it, over every font size."""
    source = FakeSource(CAMERAS)
    for rect in (QRect(0, 0, 164, 100), QRect(0, 0, 320, 180), QRect(0, 0, 960, 540)):
        painter = OverlayPainter()
        tile = TileState(TileInfo("cam001", "人民路口", "370199001000001"), number=1)
        tile.health = source.health("cam001")
        tile.meta = FrameMeta(352, 288, 0, 1_795_000_007 * 1_000_000_000, 1)
        tile.overlay = painter.prepare(tile, rect)
        tile.meta = FrameMeta(352, 288, 0, 1_795_000_068 * 1_000_000_000, 2)  # another minute too
        tile.overlay = painter.tick_clock(tile, rect)
        assert tile.overlay is not None and tile.health is not None
        ticked = tile.overlay[1][1]
        drawn = QImage(ticked.size(), QImage.Format.Format_ARGB32_Premultiplied)
        drawn.fill(Qt.GlobalColor.transparent)
        band = QPainter(drawn)
        band.translate(0, -(rect.height() - drawn.height()))
        painter._footer(band, rect, tile, max(9, min(18, rect.height() // 9)), tile.health.state)
        band.end()
        assert np.array_equal(image_array(ticked), image_array(drawn)), f"clock differs at {rect.size()}"


def test_clock_ticks_keep_only_the_last_seconds_drawn() -> None:
    """Every second a footer with its clock is drawn; past seconds never return, so a shift of
    ticks must not pile them up (a full-screen tile's footer is 150 KiB: the 2,000 once kept were
    300 MB). The clock set back an hour is drawn afresh, not taken for a second still kept."""
    source = FakeSource(CAMERAS)
    painter = OverlayPainter()
    rect = QRect(0, 0, 1600, 900)
    tile = TileState(TileInfo("cam001", "人民路口", "370199001000001"), number=1)
    tile.health = source.health("cam001")
    start = 1_795_000_000

    def tick(second: int) -> QImage:
        tile.meta = FrameMeta(352, 288, 0, (start + second) * 1_000_000_000, second + 1)
        tile.overlay = painter.tick_clock(tile, rect)
        assert tile.overlay is not None
        return tile.overlay[1][1]

    tile.meta = FrameMeta(352, 288, 0, start * 1_000_000_000, 1)
    tile.overlay = painter.prepare(tile, rect)
    for second in range(600):
        tick(second)

    def kept() -> list[int]:
        return [len(painter._clocked_footers), len(painter._clock_patches), len(painter._clock_images)]

    assert max(kept()) <= CLOCK_SECONDS_KEPT, kept()
    assert len(painter._texts) < 10  # names and fps only: no clocks of past seconds
    late, early = tick(599), tick(599 - 3600)
    assert not np.array_equal(image_array(late), image_array(early))
    assert max(kept()) <= CLOCK_SECONDS_KEPT, kept()


def test_paging_through_cameras_keeps_only_the_shown_tiles_bands(qtbot: QtBot) -> None:
    """A tour through a site on a 1-tile wall prepares a header and a footer for every camera it
    shows; those of cameras it has moved on from must go (190 KiB each at this size), and a
    camera shown again gets its overlay back."""
    cameras = [f"cam{i:03d}" for i in range(1, 41)]
    source = FakeSource(cameras)
    wall = WallCompositor(source, client_id="test")
    qtbot.addWidget(wall)
    wall.resize(1600, 900)
    wall.show()
    qtbot.waitExposed(wall)
    wall.start()
    infos = [TileInfo(c, f"路口 {c}", f"3701990010{i:04d}") for i, c in enumerate(cameras)]
    for page in [*range(len(cameras)), 0]:
        wall.show_page(grid_layout(1, 1), [infos[page]], first_number=page + 1)
        qtbot.waitUntil(lambda: wall.tiles()[0].overlay is not None, timeout=3000)
        assert len(wall._overlay._bands) <= 2, len(wall._overlay._bands)
    shown = wall.tiles()[0]
    assert shown.number == 1 and shown.info == infos[0]


def test_alert_tiles_repaint_in_parts_yet_look_fully_repainted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiles with an alert's marks (boxes, the not-yet-taken tag and its pulsing border, a muted
    tag) repaint their picture with its marks and their border alone, not the whole tile, and
    the wall is pixel for pixel a full repaint's: when the marks are there and after they go."""
    pulse = QColor(200, 30, 30)  # the border's pulse, held still so two paints can be compared
    for module in (compositor, overlay):
        monkeypatch.setattr(module, "pulse_colour", lambda: pulse)
    source = FakeSource(CAMERAS)
    wall = WallCompositor(source, client_id="test")
    qtbot.addWidget(wall)
    wall.resize(960, 540)
    infos = [TileInfo(c, f"路口 {c}", f"3701990010{i:04d}") for i, c in enumerate(CAMERAS)]
    wall.show_page(grid_layout(3, 3), list(infos))
    wall.show()
    qtbot.waitExposed(wall)
    stall = [Box(0.05, 0.4, 0.5, 0.98, "占道经营", (255, 80, 0)), Box(0.6, 0.1, 0.95, 0.5, "垃圾满溢")]
    for camera in CAMERAS[:6]:
        wall.decorate(camera, stall)
    wall.set_awaiting({"cam001", "cam002", "cam005", "cam007"})
    wall.set_muted({"cam003"})
    wall.set_selected(4)  # an awaiting tile: the selection stays over its border
    wall.start()
    qtbot.wait(100)
    paints, planned = wall.paints, wall.fresh_paints
    qtbot.wait(1300)
    assert wall.paints - paints > 10
    assert wall.fresh_paints - planned >= 0.8 * (wall.paints - paints)  # in parts, not whole tiles

    def settled_wall_is_a_full_repaint() -> None:
        wall.stop()
        qtbot.wait(80)
        incremental = on_screen(wall)
        full = image_array(wall.grab().toImage().convertToFormat(QImage.Format.Format_RGB32))
        differing = np.any(incremental != full, axis=2)
        assert differing.mean() < 0.001, f"{differing.sum()} pixels differ from a full repaint"

    settled_wall_is_a_full_repaint()
    border = image_array(wall.grab(wall.tile_rect(0)).toImage())[1, 20]
    assert tuple(border) == (pulse.blue(), pulse.green(), pulse.red())
    wall.start()
    wall.set_awaiting(set())  # taken: the borders and tags go, on the next paints
    wall.decorate("cam001", [])
    qtbot.wait(300)
    settled_wall_is_a_full_repaint()
    assert tuple(image_array(wall.grab(wall.tile_rect(0)).toImage())[1, 20]) != tuple(border)


def test_boxes_are_drawn_once_into_the_part_of_the_picture_they_cover() -> None:
    """The boxes' image covers their part of the picture only, and put in its place it is the
    picture-sized drawing, pixel for pixel (labels included)."""
    painter = OverlayPainter()
    picture = QSize(213, 120)
    boxes = [Box(0.05, 0.4, 0.5, 0.98, "占道经营", (255, 80, 0)), Box(0.0, 0.0, 0.2, 0.3, "垃圾满溢")]
    offset, part = painter._boxes_image(picture, boxes, 13)
    assert part.width() * part.height() < 0.7 * picture.width() * picture.height()
    placed = QImage(picture, QImage.Format.Format_ARGB32_Premultiplied)
    placed.fill(Qt.GlobalColor.transparent)
    canvas = QPainter(placed)
    canvas.drawImage(offset, part)
    canvas.end()
    whole = QImage(picture, QImage.Format.Format_ARGB32_Premultiplied)
    whole.fill(Qt.GlobalColor.transparent)
    canvas = QPainter(whole)
    painter._boxes(canvas, QRect(QPoint(0, 0), picture), boxes, 13)
    canvas.end()
    assert np.array_equal(image_array(placed), image_array(whole))
