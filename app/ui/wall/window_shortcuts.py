"""A window's own shortcuts (QShortcut, QAction, a button's key), found for one key press.

The main window's keys are application-wide (F1, Ctrl+F, L, F7 … work from every window of the
application). Where another window has a shortcut of its own on the same key (the case window's
F1 help and Ctrl+F search), Qt finds two shortcuts and fires neither ("ambiguous"); the wall's key
filter then gives the key to the window's own shortcut, found here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QWidget


def pressed(event: QKeyEvent) -> QKeySequence:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))


def _matches(sequence: QKeySequence, shortcuts: list[QKeySequence]) -> bool:
    return any(
        sequence.matches(s) == QKeySequence.SequenceMatch.ExactMatch for s in shortcuts if not s.isEmpty()
    )


def _live(widget: QWidget | None) -> bool:
    return widget is not None and widget.isVisible() and widget.isEnabled()


def own_shortcut(window: QWidget, event: QKeyEvent) -> Callable[[], None] | None:
    """What ``window``'s own shortcut for the key does (None: the window has none for it)."""
    sequence = pressed(event)
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        live = shortcut.isEnabled() and _live(parent if isinstance(parent, QWidget) else None)
        if live and _matches(sequence, shortcut.keys()):
            return shortcut.activated.emit
    for action in window.findChildren(QAction):
        if action.isEnabled() and _matches(sequence, action.shortcuts()):
            return action.trigger
    for button in window.findChildren(QAbstractButton):
        if _live(button) and _matches(sequence, [button.shortcut()]):
            return button.click
    return None


def application_action(window: QWidget, event: QKeyEvent) -> QAction | None:
    """``window``'s enabled application-wide action on the key (one Qt would also fire)."""
    sequence = pressed(event)
    for action in window.actions():
        wide = action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut and action.isEnabled()
        if wide and _matches(sequence, action.shortcuts()):
            return action
    return None
