"""Steering a PTZ camera from the wall: keys held on the focused picture, click to centre, a box to
zoom, presets with thumbnails, locks that name their holder, patrols."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.ptz_control import Requester
from app.run_options import RunOptions
from app.services.ptz_hub import PtzHub
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from camera_config.models import SiteConfig
from tests.ptz_fakes import FakePtz
from tests.ui.fakes import FakeSource

CAMERAS = ["cam001", "cam002", "cam003", "cam004"]
LI = Requester("operator:li", "李四")


def site() -> SiteConfig:
    cameras = [
        {"id": c, "name": f"测试点 {c}", "source": {"kind": "rtsp", "main": f"rtsp://127.0.0.1:9/{c}"}}
        for c in CAMERAS
    ]
    cameras[0]["ptz"] = {
        "endpoint": "http://127.0.0.1:9/onvif/device_service",
        "patrol": {"steps": [{"preset": "1", "dwell_s": 5}, {"preset": "2", "dwell_s": 5}]},
    }
    return SiteConfig.model_validate({"site": {"name": "示范区"}, "cameras": cameras})


@pytest.fixture
def head() -> FakePtz:
    return FakePtz(time.monotonic, move_s=0.3)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, head: FakePtz) -> Iterator[MainWindow]:
    config = site()
    hub = PtzHub(config, port=head)
    hub.start()
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(offscreen=True, size=(1400, 900), language="en", profile_dir=tmp_path, fresh=True)
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win
    win.stop()
    hub.stop()


def focus_ptz_camera(win: MainWindow, qtbot: QtBot) -> None:
    win.pane.compositor.set_selected(0)
    win.pane.focus_selected()
    win.pane.compositor.setFocus()
    qtbot.waitUntil(lambda: win.ptz_panel.controller is not None)
    qtbot.waitUntil(lambda: win.pane.compositor.tiles()[0].target is not None)


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
