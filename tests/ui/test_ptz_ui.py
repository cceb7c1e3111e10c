"""Steering a PTZ camera from the wall: keys held on the focused picture, click to centre, a box to
zoom, presets with thumbnails, locks that name their holder, patrols."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.ptz_control import Requester
from app.ui.main_window import MainWindow
from tests.ptz_fakes import FakePtz
from tests.ui.ptz_rig import focus_ptz_camera

LI = Requester("operator:li", "李四")


@pytest.fixture
def window(ptz_window: MainWindow) -> MainWindow:
    """tests/ui/conftest.py's PTZ window at 1400×900, in English."""
    return ptz_window


def test_selecting_a_ptz_camera_binds_the_panel_and_shows_its_presets(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.pane.compositor.set_selected(1)
    assert window.ptz_panel.controller is None  # cam002 has no PTZ
    window.pane.compositor.set_selected(0)
    qtbot.waitUntil(lambda: window.ptz_panel.presets.count() == 3)
    assert "全景" in window.ptz_panel.presets.item(0).text()


def test_arrow_keys_held_on_the_focused_picture_turn_the_camera_and_release_stops(
    window: MainWindow, head: FakePtz, qtbot: QtBot
) -> None:
    focus_ptz_camera(window, qtbot)
    compositor = window.pane.compositor
    QTest.keyPress(compositor, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: bool(head.holds) and head.holds[-1].active)
    assert (head.holds[-1].velocity.pan or 0) > 0 and head.holds[-1].velocity.tilt == 0
    QTest.keyPress(compositor, Qt.Key.Key_Up)  # right + up turns diagonally
    qtbot.waitUntil(lambda: (head.holds[-1].velocity.tilt or 0) > 0)
    qtbot.waitUntil(lambda: head.holds[-1].keep_alives >= 1, timeout=2000)  # kept alive while held
    QTest.keyRelease(compositor, Qt.Key.Key_Up)
    QTest.keyRelease(compositor, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: not head.holds[-1].active)
    assert window.pane.compositor.selected == 0  # the arrows steered; they did not move the selection


def test_click_centres_and_a_dragged_box_zooms(window: MainWindow, head: FakePtz, qtbot: QtBot) -> None:
    focus_ptz_camera(window, qtbot)
    compositor = window.pane.compositor
    picture = compositor.tiles()[0].target
    assert picture is not None
    right_of_centre = QPoint(picture.left() + picture.width() * 3 // 4, picture.center().y())
    QTest.mouseClick(compositor, Qt.MouseButton.LeftButton, pos=right_of_centre)
    qtbot.waitUntil(lambda: len(head.translations) == 1)
    assert (head.translations[0].pan or 0) > 0 and not head.translations[0].zoom
    start = QPoint(picture.left() + picture.width() // 4, picture.top() + picture.height() // 4)
    end = QPoint(picture.left() + picture.width() // 2, picture.top() + picture.height() // 2)
    QTest.mousePress(compositor, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(compositor, end)
    QTest.mouseRelease(compositor, Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: len(head.translations) == 2)
    assert (head.translations[1].zoom or 0) > 0  # a box drawn left to right zooms in


def test_presets_go_save_and_get_a_thumbnail(
    window: MainWindow, head: FakePtz, qtbot: QtBot, monkeypatch
) -> None:
    focus_ptz_camera(window, qtbot)
    panel = window.ptz_panel
    qtbot.waitUntil(lambda: panel.presets.count() == 3)
    panel.presets.setCurrentRow(2)
    panel.goto_button.click()
    qtbot.waitUntil(lambda: any(token == "3" for _, token in head.gotos))
    qtbot.waitUntil(lambda: "商铺门口" in panel.place_label.text(), timeout=5000)
    monkeypatch.setattr("app.ui.ptz.panel.QInputDialog.getText", lambda *args, **kwargs: ("菜市场东口", True))
    panel.save_button.click()
    qtbot.waitUntil(lambda: any(p.name == "菜市场东口" for p in head.preset_list))
    token = next(p.token for p in head.preset_list if p.name == "菜市场东口")
    qtbot.waitUntil(lambda: window.thumbnails.path("cam001", token) is not None, timeout=5000)
    qtbot.waitUntil(lambda: panel.presets.count() == 4)


def test_a_lock_names_its_holder_and_refuses_others(window: MainWindow, qtbot: QtBot) -> None:
    focus_ptz_camera(window, qtbot)
    controller = window.ptz_panel.controller
    assert controller is not None
    controller.lock(LI, 15)
    qtbot.waitUntil(lambda: "李四" in window.ptz_panel.control_label.text())
    assert "15" in window.ptz_panel.control_label.text()
    window.ptz_panel.home_button.click()
    qtbot.waitUntil(lambda: "李四" in window.statusBar().currentMessage(), timeout=3000)


def test_patrol_starts_and_stops_from_the_panel(window: MainWindow, head: FakePtz, qtbot: QtBot) -> None:
    focus_ptz_camera(window, qtbot)
    panel = window.ptz_panel
    assert "stopped" in panel.patrol_label.text()
    panel.patrol_start.click()
    qtbot.waitUntil(lambda: any(token in ("1", "2") for _, token in head.gotos), timeout=5000)
    qtbot.waitUntil(lambda: "patrolling" in panel.patrol_label.text(), timeout=5000)
    panel.patrol_stop.click()
    qtbot.waitUntil(lambda: "stopped" in panel.patrol_label.text())


def test_a_tap_of_plus_zooms_one_fine_step_and_a_hold_zooms_on(
    window: MainWindow, head: FakePtz, qtbot: QtBot
) -> None:
    """A 0.5 s tap used to zoom from the panorama into shapeless grass."""
    focus_ptz_camera(window, qtbot)
    compositor = window.pane.compositor
    holds = len(head.holds)
    QTest.keyPress(compositor, Qt.Key.Key_Plus)
    QTest.keyRelease(compositor, Qt.Key.Key_Plus)  # a tap
    qtbot.waitUntil(lambda: bool(head.translations))
    step = head.translations[-1]
    assert 0 < (step.zoom or 0) <= 0.05 and not step.pan and not step.tilt
    assert len(head.holds) == holds  # no continuous zoom for a tap
    QTest.keyPress(compositor, Qt.Key.Key_Minus)  # held …
    qtbot.waitUntil(lambda: len(head.holds) > holds and head.holds[-1].active)
    assert (head.holds[-1].velocity.zoom or 0) < 0
    QTest.keyRelease(compositor, Qt.Key.Key_Minus)  # … until released
    qtbot.waitUntil(lambda: not head.holds[-1].active)
    assert len(head.translations) == 1


def test_the_panels_zoom_button_taps_a_step_too(window: MainWindow, head: FakePtz, qtbot: QtBot) -> None:
    window.pane.compositor.set_selected(0)
    qtbot.waitUntil(lambda: window.ptz_panel.controller is not None)
    qtbot.mouseClick(window.ptz_panel.zoom_out, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(head.translations))
    assert -0.05 <= (head.translations[-1].zoom or 0) < 0
