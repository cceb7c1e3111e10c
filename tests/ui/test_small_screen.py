"""A 1366×768 screen: the window fits it, the PTZ panel shares a tab with the alerts, and the side
panels fold away (F7 the camera list, F9 the right-hand panels) to give the wall the room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.ui.ptz_rig import Screen


@pytest.fixture
def ptz_screen() -> Screen:
    """A laptop screen, in Chinese."""
    return Screen((1366, 768), "zh_CN")


@pytest.fixture
def small(ptz_window: MainWindow) -> MainWindow:
    return ptz_window


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
