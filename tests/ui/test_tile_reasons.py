"""A tile without a picture says why in a few translated words, whole; the tooltip tells the rest."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QRect
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from app.core.stream_failure import StreamFailure
from app.core.stream_health import StreamState
from app.run_options import RunOptions
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.stream_reasons import failure_label
from app.ui.wall.compositor import TileInfo
from app.ui.wall.overlay import centre_texts, tile_tooltip
from tests.ui.fakes import FakeSource, image_array

CAMERAS = [f"cam{i:03d}" for i in range(1, 5)]
FFMPEG = (
    "Server returned 401 Unauthorized (authorization failed) (FFmpeg HTTPUnauthorizedError, errno 825242872)"
)


@pytest.fixture
def source() -> FakeSource:
    source = FakeSource(CAMERAS)
    source.states["cam002"] = StreamState.OFFLINE
    source.reasons["cam002"] = StreamFailure.AUTH_FAILED
    source.errors["cam002"] = FFMPEG
    return source


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, source: FakeSource) -> Iterator[MainWindow]:
    site = SiteUi("示范区", [TileInfo(c, f"人民路 {c}") for c in CAMERAS], [], tmp_path / "snapshots")
    options = RunOptions(offscreen=True, size=(1280, 800), language="en", profile_dir=tmp_path / "profile")
    win = build_window(source, site, None, options)
    qtbot.addWidget(win)
    win.show()
    win.start()
    win.set_layout("4")
    qtbot.waitExposed(win)
    yield win
    win.stop()


def test_the_tile_says_a_short_translated_reason_and_since_when(
    window: MainWindow, source: FakeSource
) -> None:
    health = source.health("cam002")
    since = time.strftime("%H:%M:%S", time.localtime(health.since))
    assert centre_texts(health, health.state, None) == ("OFFLINE", ["Login refused", f"since {since}"])
    window.set_language("zh_CN")
    assert centre_texts(health, health.state, None) == ("离线", ["登录被拒绝", f"自 {since} 起"])
    window.set_language("en")


def test_the_reason_is_drawn_on_the_tile(window: MainWindow, source: FakeSource, qtbot: QtBot) -> None:
    compositor = window.pane.compositor
    qtbot.waitUntil(lambda: compositor.tiles()[1].health is not None)
    rect = compositor.tile_rect(1)
    band = QRect(rect.left(), rect.center().y() + 2, rect.width(), 20)  # the reason's line

    def reason_line() -> np.ndarray:
        compositor.repaint()
        return image_array(compositor.grab(band).toImage())

    refused = reason_line()
    source.reasons["cam002"] = StreamFailure.REFUSED
    qtbot.waitUntil(lambda: compositor.tiles()[1].health.reason is StreamFailure.REFUSED)  # type: ignore[union-attr]
    assert (refused.max(axis=2) > 150).sum() > 20, "no text where the reason goes"
    assert np.abs(reason_line() - refused).max() > 100, "the line does not follow the reason"


def test_the_tooltip_gives_what_to_check_and_the_technical_detail(window: MainWindow, qtbot: QtBot) -> None:
    compositor = window.pane.compositor
    qtbot.waitUntil(lambda: compositor.tiles()[1].health is not None)

    def tooltip_at(index: int) -> str:
        centre = compositor.tile_rect(index).center()
        event = QHelpEvent(QEvent.Type.ToolTip, centre, compositor.mapToGlobal(centre))
        QApplication.sendEvent(compositor, event)
        return QToolTip.text() if event.isAccepted() else ""

    text = tooltip_at(1)
    assert text.startswith("Login refused: Check the user name and password in the site file.")
    assert FFMPEG in text
    assert tooltip_at(0) == ""  # a live tile needs no explanation
    assert tile_tooltip(compositor.tiles()[0].health) == ""


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_reason_fits_whole_on_a_hundred_tile_walls_tile(window: MainWindow, language: str) -> None:
    """1920 x 1080 in 10 x 10: 192 px wide tiles with 11 px text; no reason is ever cut."""
    window.set_language(language)
    font = QFont()
    font.setPixelSize(11)
    metrics = QFontMetrics(font)
    for reason in StreamFailure:
        label = failure_label(reason)
        assert metrics.horizontalAdvance(label) <= 192 - 12, f"{reason}: {label!r} does not fit"
    window.set_language("en")


def test_no_reason_is_left_untranslated(window: MainWindow) -> None:
    window.set_language("zh_CN")
    chinese = {r: failure_label(r) for r in StreamFailure}
    assert all(not label.isascii() for label in chinese.values()), chinese
    window.set_language("en")
