"""The wall's keys from the application's other windows (issue 21, left over): with the alarm window
in front, digits + Enter and PgUp/PgDn still act on the wall, while the window keeps its own keys
(A, arrows, Esc); the application-wide keys (L, F7) reach the wall from there too.

Keys go to the window as a keyboard sends them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.ui.alerts.alarm_window import AlarmWindow
from tests.ui.test_wall_keys import SHOTS, K, Rig, rig

__all__ = ["rig"]  # the fixture


def press(window: QWidget, k: Qt.Key, text: str = "") -> None:
    """Keys as the keyboard sends them: to the window, which gives them to its focused control."""
    for k_ in [Qt.Key(ord(c.upper())) for c in text] if text else [k]:
        QTest.keyClick(window.windowHandle(), k_)


def focus_window() -> QWidget | None:
    widget = QApplication.focusWidget()
    return widget.window() if widget is not None else None


def alarm_in_front(rig: Rig, qtbot: QtBot) -> AlarmWindow:
    workspace = rig.win.alerts
    assert workspace is not None
    workspace.show_alarm_window(True)
    alarm = workspace.alarm_window
    assert alarm is not None
    alarm.activateWindow()
    alarm.take.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is alarm and QApplication.focusWidget() is alarm.take)
    return alarm


def test_digits_enter_and_page_keys_reach_the_wall_from_the_alarm_window(rig: Rig, qtbot: QtBot) -> None:
    pane = rig.win.pane
    alarm = alarm_in_front(rig, qtbot)
    press(alarm, K.Key_PageDown)
    assert pane.page == 1
    press(alarm, K.Key_PageUp)
    assert pane.page == 0
    press(alarm, K.Key_unknown, "18")
    assert pane.has_pending_number() and pane.number_entry.label.isVisible()
    if SHOTS:
        rig.win.grab().save(str(Path(SHOTS) / "wall_number_from_alarm_window.png"))
    press(alarm, K.Key_Return)
    assert pane.page == 1 and pane.compositor.selected == 1  # tile 18
    assert QApplication.focusWidget() is alarm.take  # the alarm window kept the keyboard


def test_the_alarm_window_keeps_its_own_keys_and_the_wall_its_application_keys(
    rig: Rig, qtbot: QtBot
) -> None:
    pane = rig.win.pane
    pane.compositor.set_selected(2)
    alarm = alarm_in_front(rig, qtbot)
    press(alarm, K.Key_Right)
    assert pane.compositor.selected == 2  # the arrows are not the wall's here …
    assert focus_window() is alarm  # … they move in the window (Qt's way)
    layout = pane.layout_.name
    press(alarm, K.Key_L)
    assert pane.layout_.name != layout  # application-wide: the next layout
    shown = rig.win.tree_dock.isVisible()
    press(alarm, K.Key_F7)
    assert rig.win.tree_dock.isVisible() != shown
    assert alarm.alert is not None
    taken = alarm.alert.id
    press(alarm, K.Key_A)
    qtbot.waitUntil(lambda: getattr(rig.alerts.find(taken), "acknowledged_by", None) == "王芳")
    pane.focus_selected()
    focused = pane.focused_camera
    assert focused is not None and focus_window() is alarm
    press(alarm, K.Key_Escape)
    assert not alarm.isVisible()  # Esc closed the alarm window …
    assert pane.focused_camera == focused  # … and left the wall's focused picture alone
    assert not pane.has_pending_number()
