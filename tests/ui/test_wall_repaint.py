"""Incremental repaints: a new frame repaints only its picture, yet the wall looks as if fully repainted."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.core.wall_layout import grid_layout
from app.ui.wall.compositor import TileInfo, WallCompositor
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
    wall.start()
    paints, fresh_paints = wall.paints, wall.fresh_paints
    qtbot.wait(1300)  # frames at 15 fps, and the capture clock moves on by a second at least
    assert wall.paints - paints > 10
    assert wall.fresh_paints - fresh_paints > 5  # most paints took the new-frames-only path
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
