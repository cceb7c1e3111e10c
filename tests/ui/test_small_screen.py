"""A 1366×768 screen: the window fits it, the PTZ panel shares a tab with the alerts, and the side
panels fold away (F7 the camera list, F9 the right-hand panels) to give the wall the room."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.run_options import RunOptions
from app.services.ptz_hub import PtzHub
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ptz_fakes import FakePtz
from tests.ui.fakes import FakeSource
from tests.ui.test_ptz_ui import CAMERAS, site


@pytest.fixture
def small(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    hub = PtzHub(site(), port=FakePtz(time.monotonic, move_s=0.3))
    hub.start()
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(offscreen=True, size=(1366, 768), language="zh_CN", profile_dir=tmp_path, fresh=True)
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win
    win.stop()
    hub.stop()


def test_a_1366x768_window_fits_and_folds_its_panels(small: MainWindow, qtbot: QtBot) -> None:
    assert (small.width(), small.height()) == (1366, 768)  # stacked docks made it 853 px tall
    assert small.ptz_dock in small.tabifiedDockWidgets(small.alerts_dock) or small.alerts is None
    wall = small.pane.width()
    QTest.keyClick(small.pane.compositor, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not small.ptz_dock.isVisible() and not small.events_dock.isVisible())
    QTest.keyClick(small.pane.compositor, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: not small.tree_dock.isVisible())
    qtbot.waitUntil(lambda: small.pane.width() > wall + 300)  # the wall takes the room
    QTest.keyClick(small.pane.compositor, Qt.Key.Key_F9)
    QTest.keyClick(small.pane.compositor, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: small.tree_dock.isVisible() and small.ptz_dock.isVisible())
