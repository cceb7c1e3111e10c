"""The wall's keys work whatever control was clicked last (issue 21): after the layout box, a PTZ
button, the alert list or the camera tree, PgUp/PgDn, digits + Enter, arrows, Enter/Esc, +/−, T and
F1 still act on the wall; typing in a text field never does; the list keeps its own keys.

Keys go to the window as a keyboard sends them (to the window, which gives them to whatever has the
keyboard), never straight to the wall widget."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.services.ptz_hub import PtzHub
from app.ui.main_window import AlertWiring, MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from app.ui.wall.keyboard import in_wall
from app.ui.wall.number_entry_setting import KEY as TIMEOUT_KEY
from app.ui.wall.tour_badge import tour_text
from camera_config.models import SiteConfig
from tests.alert_fakes import alert_service, detected
from tests.ptz_fakes import FakePtz
from tests.ui.fakes import FakeSource

CAMERAS = [f"cam{i:02d}" for i in range(1, 41)]  # cam01 is the PTZ camera
SHOTS = os.environ.get("CITYWALL_TEST_SHOTS")  # a folder to keep the screenshots in (to look at them)
K = Qt.Key


def site() -> SiteConfig:
    cameras: list[dict[str, object]] = [
        {"id": c, "name": f"测试点 {c}", "source": {"kind": "rtsp", "main": f"rtsp://127.0.0.1:9/{c}"}}
        for c in CAMERAS
    ]
    cameras[0]["ptz"] = {"endpoint": "http://127.0.0.1:9/onvif/device_service"}
    return SiteConfig.model_validate({"site": {"name": "示范区"}, "cameras": cameras})


class Rig:
    def __init__(self, win: MainWindow, head: FakePtz, alerts: AlertService) -> None:
        self.win, self.head, self.alerts = win, head, alerts


def build(
    qtbot: QtBot, tmp_path: Path, head: FakePtz, settings: dict[str, object] | None = None
) -> tuple[MainWindow, PtzHub, AlertService]:
    if settings:
        ini = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        for key, value in settings.items():
            ini.setValue(key, value)
        ini.sync()
    hub = PtzHub(site(), port=head)
    hub.start()
    service, _, _ = alert_service()
    service.load([detected("a1", "cam03", zone_id="z3"), detected("a2", "cam05", zone_id="z5")])
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1600, 900), language="zh_CN", profile_dir=tmp_path, fresh=True, operator="王芳"
    )
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub, alerts=AlertWiring(service))
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.set_layout("16")
    return win, hub, service


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[Rig]:
    head = FakePtz(time.monotonic, move_s=0.3)
    win, hub, service = build(qtbot, tmp_path, head)
    yield Rig(win, head, service)
    win.stop()
    hub.stop()


def key(win: MainWindow, k: Qt.Key, text: str = "") -> None:
    """A key pressed and released on the window, as the keyboard delivers it."""
    handle = win.windowHandle()
    for k_ in [Qt.Key(ord(c.upper())) for c in text] if text else [k]:
        QTest.keyClick(handle, k_)


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A click that gives the control the keyboard (a combo box without its drop-down)."""
    if isinstance(widget, QComboBox):
        widget.setFocus(Qt.FocusReason.MouseFocusReason)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


CONTROLS: dict[str, Callable[[MainWindow], QWidget]] = {
    "layout box": lambda w: w.layout_box,
    "view box": lambda w: w.view_box,
    "language box": lambda w: w.language_box,
    "PTZ 归位": lambda w: w.ptz_panel.home_button,
    "PTZ presets": lambda w: w.ptz_panel.presets,
    "alert list": lambda w: w.alerts.triage.table,  # type: ignore[union-attr]
    "camera tree": lambda w: w.tree.view,
}
LISTS = ("PTZ presets", "alert list", "camera tree")  # ↑ ↓ and Enter move in them


@pytest.mark.parametrize("name", list(CONTROLS))
def test_after_a_click_on_a_panel_control_every_wall_key_acts_on_the_wall(
    rig: Rig, qtbot: QtBot, name: str
) -> None:
    win, pane = rig.win, rig.win.pane
    if name == "PTZ presets":  # the list is filled once a PTZ camera is selected
        pane.compositor.set_selected(0)
        qtbot.waitUntil(lambda: win.ptz_panel.presets.count() == 3)
    control = CONTROLS[name](win)
    click(qtbot, control)
    pane.compositor.set_selected(0)
    layout = pane.layout_.name

    key(win, K.Key_PageDown)
    assert pane.page == 1 and pane.layout_.name == layout  # the page, never the layout
    key(win, K.Key_PageUp)
    assert pane.page == 0

    key(win, K.Key_unknown, "18")
    assert pane.has_pending_number() and pane.number_entry.label.isVisible()
    key(win, K.Key_Return)
    assert pane.page == 1 and pane.compositor.selected == 1  # tile 18: page 2, its 2nd tile
    key(win, K.Key_unknown, "6")
    key(win, K.Key_Enter)
    assert pane.page == 0 and pane.compositor.selected == 5

    key(win, K.Key_Right)
    if name in LISTS and QApplication.focusWidget() is control:
        assert pane.compositor.selected == 5  # the list moved, not the wall
    else:
        assert pane.compositor.selected == 6
        key(win, K.Key_Return)  # Enter focuses the selected tile …
        assert pane.focused_camera == "cam07"
    if pane.focused_camera is None:
        pane.focus_selected()
    key(win, K.Key_Escape)  # … and Esc goes back
    assert pane.focused_camera is None and pane.page == 0

    key(win, K.Key_T)
    assert pane.touring and "秒后翻页" in win._status.text()
    key(win, K.Key_Space)
    assert pane.tour_paused
    key(win, K.Key_Space)
    assert pane.touring and not pane.tour_paused
    key(win, K.Key_T)
    assert not pane.touring
    key(win, K.Key_L)
    assert pane.layout_.name != layout
    key(win, K.Key_F1)
    assert win.help.isVisible()
    key(win, K.Key_Escape)
    assert not win.help.isVisible() and pane.layout_.name != layout
    if control.isEnabled():
        assert QApplication.focusWidget() is control  # the control kept the keyboard all along
    else:  # a PTZ control, disabled once a camera without PTZ was selected: the wall took the keyboard
        assert in_wall(QApplication.focusWidget())


def test_picking_a_layout_in_the_box_then_pgdn_turns_the_page(rig: Rig, qtbot: QtBot) -> None:
    """The issue's first report: after 16 分屏 was picked, PgDn went 16 → 64 → 36."""
    win, pane = rig.win, rig.win.pane
    box = win.layout_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.view().isVisible())
    view = box.view()
    target = view.visualRect(view.model().index(box.findData("9"), 0)).center()
    qtbot.wait(QApplication.doubleClickInterval() + 100)  # a release this soon would be the opening click's
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)  # picked in the drop-down
    qtbot.waitUntil(lambda: not box.view().isVisible())
    assert pane.layout_.name == "9" and box.currentText() == "9 分屏"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    key(win, K.Key_PageDown)
    key(win, K.Key_PageDown)
    assert pane.layout_.name == "9" and pane.page == 2 and box.currentText() == "9 分屏"


def test_after_clicking_home_plus_and_minus_zoom_the_focused_ptz_camera(rig: Rig, qtbot: QtBot) -> None:
    win, pane, head = rig.win, rig.win.pane, rig.head
    pane.compositor.set_selected(0)
    pane.focus_selected()
    qtbot.waitUntil(lambda: win.ptz_panel.controller is not None)
    click(qtbot, win.ptz_panel.home_button)  # 归位
    handle = win.windowHandle()
    QTest.keyPress(handle, K.Key_Plus)
    qtbot.waitUntil(lambda: bool(head.holds) and head.holds[-1].active)
    assert (head.holds[-1].velocity.zoom or 0) > 0
    QTest.keyRelease(handle, K.Key_Plus)
    qtbot.waitUntil(lambda: not head.holds[-1].active)
    QTest.keyPress(handle, K.Key_Minus)
    qtbot.waitUntil(lambda: head.holds[-1].active and (head.holds[-1].velocity.zoom or 0) < 0)
    QTest.keyRelease(handle, K.Key_Minus)
    qtbot.waitUntil(lambda: not head.holds[-1].active)
    QTest.keyPress(handle, K.Key_Left)  # the arrows turn it (they do not move a selection)
    qtbot.waitUntil(lambda: head.holds[-1].active and (head.holds[-1].velocity.pan or 0) < 0)
    QTest.keyRelease(handle, K.Key_Left)
    qtbot.waitUntil(lambda: not head.holds[-1].active)
    key(win, K.Key_Escape)
    assert pane.focused_camera is None


def test_a_ptz_key_held_when_the_keyboard_moves_on_stops_the_camera(rig: Rig, qtbot: QtBot) -> None:
    win, pane, head = rig.win, rig.win.pane, rig.head
    pane.compositor.set_selected(0)
    pane.focus_selected()
    qtbot.waitUntil(lambda: win.ptz_panel.controller is not None)
    click(qtbot, win.ptz_panel.home_button)
    QTest.keyPress(win.windowHandle(), K.Key_Up)
    qtbot.waitUntil(lambda: bool(head.holds) and head.holds[-1].active)
    win.tree.search.setFocus()  # the release will never come to the button
    qtbot.waitUntil(lambda: not head.holds[-1].active)


def test_the_alert_list_keeps_its_own_keys_and_passes_the_walls(rig: Rig, qtbot: QtBot) -> None:
    """查看画面 (G) shows the camera; Esc goes back. J/K/↓ move in the list, X then a digit
    dismisses; digits + Enter and PgDn still reach the wall."""
    win, pane = rig.win, rig.win.pane
    triage = win.alerts.triage  # type: ignore[union-attr]
    click(qtbot, triage.table)
    first = triage.current_alert()
    assert first is not None
    triage.buttons["goto"].click()  # 查看画面: the button never takes the keyboard
    assert pane.focused_camera == first.camera_id
    assert QApplication.focusWidget() is triage.table
    key(win, K.Key_Escape)
    assert pane.focused_camera is None

    key(win, K.Key_J)
    second = triage.current_alert()
    assert second is not None and second.id != first.id
    key(win, K.Key_K)
    assert triage.current_alert().id == first.id  # type: ignore[union-attr]
    key(win, K.Key_Down)
    assert triage.current_alert().id == second.id  # type: ignore[union-attr]
    key(win, K.Key_PageDown)
    assert pane.page == 1
    key(win, K.Key_unknown, "3")
    key(win, K.Key_Return)  # Enter finishes the number on the wall …
    assert pane.page == 0 and pane.compositor.selected == 2 and pane.focused_camera is None
    key(win, K.Key_Return)  # … and without one, shows the alert's camera
    assert pane.focused_camera == second.camera_id
    key(win, K.Key_Escape)
    key(win, K.Key_X)
    key(win, K.Key_unknown, "1")  # the reason's digit, not a tile number
    assert not pane.has_pending_number()
    qtbot.waitUntil(lambda: rig.alerts.get(second.id).dismissed_by == "王芳")


def test_typing_in_the_camera_search_never_triggers_wall_keys(rig: Rig, qtbot: QtBot) -> None:
    win, pane = rig.win, rig.win.pane
    click(qtbot, win.tree.search)
    key(win, K.Key_unknown, "t12")
    key(win, K.Key_PageDown)
    key(win, K.Key_Escape)
    key(win, K.Key_Return)
    assert win.tree.search.text() == "t12"
    assert not pane.has_pending_number() and not pane.touring and pane.page == 0
    assert win.wall_keys.watched is None


def test_digits_with_pauses_under_the_timeout_make_one_number(qtbot: QtBot, tmp_path: Path) -> None:
    head = FakePtz(time.monotonic, move_s=0.3)
    win, hub, _ = build(qtbot, tmp_path, head, {TIMEOUT_KEY: 2})
    try:
        pane = win.pane
        assert pane.number_entry.timeout_s == 2.0
        key(win, K.Key_unknown, "1")
        qtbot.wait(800)  # an operator looking for the next digit: well under 2 s
        key(win, K.Key_unknown, "2")
        assert pane.number_entry.label.text().count("前往画面：12_") == 1
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            win.grab().save(str(Path(SHOTS) / "wall_digit_entry_zh.png"))
        qtbot.wait(800)
        key(win, K.Key_Return)
        assert pane.page == 0 and pane.compositor.selected == 11  # tile 12

        key(win, K.Key_unknown, "1")
        qtbot.waitUntil(lambda: not pane.has_pending_number(), timeout=5000)  # a pause over 2 s
        assert not pane.number_entry.label.isVisible()
        assert pane.compositor.selected == 11  # cleared, not gone to tile 1
        key(win, K.Key_unknown, "2")
        key(win, K.Key_Return)
        assert pane.compositor.selected == 1  # tile 2, not 12
        key(win, K.Key_unknown, "34")
        key(win, K.Key_Escape)
        assert not pane.has_pending_number() and pane.compositor.selected == 1
    finally:
        win.stop()
        hub.stop()


def test_an_unusable_timeout_setting_says_where_and_uses_three_seconds(qtbot: QtBot, tmp_path: Path) -> None:
    head = FakePtz(time.monotonic, move_s=0.3)
    win, hub, _ = build(qtbot, tmp_path, head, {TIMEOUT_KEY: "abc"})
    try:
        assert win.pane.number_entry.timeout_s == 3.0
        shown = win.statusBar().currentMessage()
        assert "settings.ini" in shown and TIMEOUT_KEY in shown and "abc" in shown
    finally:
        win.stop()
        hub.stop()


def test_the_timeout_is_changed_from_the_wall_menu_and_kept(
    rig: Rig, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = rig.win
    monkeypatch.setattr(
        "app.ui.wall.number_entry_setting.QInputDialog.getDouble", lambda *args, **kwargs: (4.5, True)
    )
    win.actions_by_id["number_timeout"].trigger()
    assert win.pane.number_entry.timeout_s == 4.5
    assert any("4.5 秒" in t for t in win.help.texts())  # F1 says how long the wall waits
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert float(str(stored.value(TIMEOUT_KEY))) == 4.5


def test_the_tour_counts_down_to_the_next_page_on_the_wall_and_the_status_bar(rig: Rig, qtbot: QtBot) -> None:
    win, pane = rig.win, rig.win.pane
    win.tour_seconds.setValue(6)
    win.toggle_tour()
    badge = pane._tour_badge
    assert badge.isVisible() and badge.text() == "轮巡中 · 6 秒后翻页"
    qtbot.waitUntil(lambda: badge.text() == "轮巡中 · 5 秒后翻页", timeout=3000)
    qtbot.waitUntil(
        lambda: "轮巡中 · 5 秒后翻页" in win._status.text(), timeout=1000
    )  # in step with the wall
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        win.grab().save(str(Path(SHOTS) / "wall_tour_countdown_zh.png"))
    win.actions_by_id["pause_tour"].trigger()
    assert badge.text() == "轮巡已暂停"
    win.toggle_tour()
    assert not badge.isVisible() and "轮巡" not in win._status.text()


def test_f1_lists_the_ptz_keys_and_the_digit_timeout(rig: Rig) -> None:
    texts = rig.win.help.texts()
    joined = "\n".join(texts)
    for word in ("云台", "归位", "缩小", "拉框", "预置位", "摇杆"):
        assert word in joined, word
    assert any("3 秒" in t for t in texts)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        rig.win.help.show()
        rig.win.grab().save(str(Path(SHOTS) / "wall_f1_help_zh.png"))
        rig.win.help.hide()


def test_the_countdown_names_a_view_when_the_tour_goes_through_views(rig: Rig) -> None:
    assert (
        tour_text(touring=True, paused=False, remaining_ms=11_800, mode="views") == "轮巡中 · 12 秒后换视图"
    )
    assert tour_text(touring=True, paused=False, remaining_ms=200, mode="pages") == "轮巡中 · 1 秒后翻页"
    assert tour_text(touring=False, paused=False, remaining_ms=-1, mode="pages") == ""
