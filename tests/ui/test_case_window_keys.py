"""Keys in the case and figures windows opened beside the wall: the case window's own F1 and Ctrl+F
win over the main window's application-wide ones (Qt alone fired neither: "ambiguous"), its search
field and its list keep their digits, and from a button digits + Enter and PgDn still act on the
wall, as PgDn and F7 do from the figures window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.cases.window import CaseWindow
from tests.ui.test_window_cases import Rig, rig

__all__ = ["rig"]  # the fixture
K = Qt.Key


def press(
    window: CaseWindow, k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key as the keyboard sends it: to the window, which gives it to its focused control."""
    QTest.keyClick(window.windowHandle(), k, modifiers)


def test_the_case_windows_own_keys_win_and_its_fields_keep_their_digits(qtbot: QtBot, rig: Rig) -> None:
    win = rig[0]
    pane = win.pane
    assert win.cases is not None
    cases = win.cases.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cases)
    cases.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is cases.table)

    press(cases, K.Key_F1)
    assert cases.help.isVisible() and not win.help.isVisible()  # the case window's keys, not the wall's
    press(cases, K.Key_F1)
    assert not cases.help.isVisible()
    press(cases, K.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is cases.filters.text)  # its search, not the tree's

    for k in (K.Key_1, K.Key_2):
        press(cases, k)
    assert cases.filters.text.text() == "12" and not pane.has_pending_number()  # typed into the field
    cases.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is cases.table)
    press(cases, K.Key_3)
    assert not pane.has_pending_number()  # a list's digits find its rows

    win.set_layout("1")
    cases.next.setEnabled(True)  # any button of the window (the list has one page)
    cases.next.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is cases.next)
    press(cases, K.Key_PageDown)
    assert pane.page == 1
    press(cases, K.Key_3)
    assert pane.has_pending_number()
    press(cases, K.Key_Return)
    assert pane.page == 2 and QApplication.focusWidget() is cases.next


def test_from_the_figures_window_page_keys_and_f7_reach_the_wall(qtbot: QtBot, rig: Rig) -> None:
    win = rig[0]
    assert win.cases is not None
    win.set_layout("1")
    win.cases.show_figures()
    figures = win.cases.figures_window
    assert figures is not None
    figures.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is figures and QApplication.focusWidget() is not None)
    focused = QApplication.focusWidget()
    QTest.keyClick(figures.windowHandle(), K.Key_PageDown)
    assert win.pane.page == 1
    shown = win.tree_dock.isVisible()
    QTest.keyClick(figures.windowHandle(), K.Key_F7)
    assert win.tree_dock.isVisible() != shown
    assert QApplication.focusWidget() is focused  # the figures window kept the keyboard
