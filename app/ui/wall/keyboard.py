"""The wall's keys work whatever control was clicked last.

A click on the layout box, a PTZ button, the alert list or the camera tree gives that control the
keyboard; PgDn then changed the layout instead of the page, +/− zoomed nothing after 归位 and Esc did
not leave a focused tile. One mechanism fixes that for every control: while a control of the window
(not the wall itself) has the keyboard, a filter on it hands the wall's keys to the active wall —
PgUp/PgDn, Esc, Enter, arrows, Del, digits, +/−, Home and every other key of the wall's actions —
and leaves the control its keyboard (the keys that are not the wall's still reach it).

What stays with the control:
- every key while the operator types in a text field (line edits, editable boxes, spin boxes, text
  edits): the camera search gets "12" and Enter, not the wall;
- keys the control claims the Qt way, by accepting the ShortcutOverride event (the alert list's
  J/K/A/C/X…, a reason's digit after X; the F1 help's Esc);
- in a list or tree, the keys that move in it: arrows, Home/End, and Enter (open the item).
Enter, Backspace, Esc and digits always go to the wall while a tile number is being typed.

From the application's other windows (the alarm window, the case and figures windows) the wall
gets fewer keys, those that mean nothing there: digits (a tile number, finished with Enter) and
PgUp/PgDn; never from a text field, a list (whose digits find a row), a scrolled area or a slider
(whose PgUp/PgDn are their own); never a key the window has a shortcut for. Arrows, Enter, Esc and
Del stay the window's; modal dialogs keep every key. The main window's application-wide keys (F7,
L, T, Ctrl+1 …) reach the wall from every window by themselves; where the window has a shortcut
of its own on such a key (the case window's F1 and Ctrl+F), the window's wins (Qt alone would
fire neither).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.ui.wall.pane import WallPane
from app.ui.wall.window_shortcuts import application_action, own_shortcut, pressed

K = Qt.Key
PTZ_KEYS = frozenset({K.Key_Plus, K.Key_Equal, K.Key_Minus, K.Key_Home})  # on a focused PTZ picture
ENTRY_KEYS = frozenset({K.Key_Return, K.Key_Enter, K.Key_Backspace, K.Key_Escape})  # finish a number
LIST_KEYS = frozenset(
    {K.Key_Up, K.Key_Down, K.Key_Left, K.Key_Right, K.Key_Home, K.Key_End, K.Key_Return, K.Key_Enter}
)
PAGE_KEYS = frozenset({K.Key_PageUp, K.Key_PageDown})
COMMAND = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
OWNS_KEYBOARD = "ownsKeyboard"  # a widget with this property True keeps every key (the F1 help)


def is_text_field(widget: QWidget) -> bool:
    """Where the operator types: every key is the field's."""
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, (QAbstractSpinBox, QKeySequenceEdit))


def in_wall(widget: QWidget) -> bool:
    while widget is not None:
        if isinstance(widget, WallPane):
            return True
        widget = widget.parentWidget()  # type: ignore[assignment]
    return False


def _copy(event: QKeyEvent, kind: QEvent.Type) -> QKeyEvent:
    copy = QKeyEvent(kind, event.key(), event.modifiers(), event.text(), event.isAutoRepeat(), event.count())
    if kind == QEvent.Type.ShortcutOverride:
        copy.ignore()  # accepted only by a widget that wants the key
    return copy


class WallKeys(QObject):
    """Hands the wall's keys to ``pane()`` (the active wall) from whatever control of ``window``
    has the keyboard. The filter sits on the focused control alone, never on the application."""

    def __init__(self, window: QWidget, pane: Callable[[], WallPane]) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        self._watched: QWidget | None = None
        self._elsewhere = False  # the watched control is in another window of the application
        self._held: dict[int, WallPane] = {}  # keys handed to a wall whose release must follow
        self._probing = False
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        window.destroyed.connect(lambda: self._unhook(app))
        self._focus_changed(None, QApplication.focusWidget())

    def _unhook(self, app: QApplication) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # already gone with the window
            app.focusChanged.disconnect(self._focus_changed)

    @property
    def watched(self) -> QWidget | None:
        """The control whose keys are being watched now (None while the wall or a text field has them)."""
        return self._watched

    # --- which control to watch -------------------------------------------------------------------
    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        self._release_held()
        left = self._watched
        if left is not None:
            with contextlib.suppress(RuntimeError):  # deleted meanwhile
                left.removeEventFilter(self)
            self._watched = None
            if old is left and not self._elsewhere and self._gone(left) and (new is None or not in_wall(new)):
                # The control was disabled or hidden under the keyboard (a PTZ button once a camera
                # without PTZ is selected): Qt hands it to the next control in the tab chain, some
                # list whose arrows would then be its own. The wall takes it instead.
                self._pane().setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if new is None or in_wall(new) or new.property(OWNS_KEYBOARD):
            return
        here = new.window() is self._window
        if (here and is_text_field(new)) or (not here and not self._other_window(new.window())):
            return
        new.installEventFilter(self)
        self._watched, self._elsewhere = new, not here

    def _other_window(self, window: QWidget) -> bool:
        """Another window of the application the wall takes some keys from: not a wall (another
        main window, a wall on another screen), not a menu, not a modal dialog."""
        kind = window.windowType()
        return (
            kind in (Qt.WindowType.Window, Qt.WindowType.Dialog)
            and window.findChild(WallPane) is None
            and not window.isModal()
            and QApplication.activeModalWidget() is None
        )

    @staticmethod
    def _gone(widget: QWidget) -> bool:
        try:
            return not widget.isEnabled() or not widget.isVisible()
        except RuntimeError:  # deleted
            return True

    # --- the keys -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._probing or watched is not self._watched or not isinstance(event, QKeyEvent):
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyRelease:
            return self._release(event)
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if self._elsewhere and self._own_key(watched, event):
            return True
        pane = self._pane()
        if not self._for_wall(watched, event, pane):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key press comes to this filter; no other shortcut takes it
        else:
            self._deliver(pane, event)
        return True

    def _own_key(self, widget: QWidget, event: QKeyEvent) -> bool:
        """In another window: a key both its own shortcut and an application-wide one of the
        main window goes to the window's own (taken here, or Qt would fire neither)."""
        if application_action(self._window, event) is None or self._claimed(widget, event):
            return False
        own = own_shortcut(widget.window(), event)
        if own is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key press comes to this filter
        else:
            own()
        return True

    def _for_wall(self, widget: QWidget, event: QKeyEvent, pane: WallPane) -> bool:
        if pane._layout is None or not self._is_wall_key(pane, event):
            return False
        if self._elsewhere and (
            is_text_field(widget) or isinstance(widget, (QAbstractScrollArea, QAbstractSlider))
        ):
            return False
        key = event.key()
        if pane.has_pending_number() and (key in ENTRY_KEYS or event.text().isdigit()):
            return True
        if self._claimed(widget, event):
            return False
        if self._elsewhere:
            plain = not event.modifiers() & COMMAND and own_shortcut(widget.window(), event) is None
            return plain and (event.text().isdigit() or key in PAGE_KEYS)
        return not (
            isinstance(widget, QAbstractItemView) and key in LIST_KEYS and not event.modifiers() & COMMAND
        )

    def _is_wall_key(self, pane: WallPane, event: QKeyEvent) -> bool:
        key = event.key()
        if not event.modifiers() & COMMAND:
            if event.text().isdigit() or key in PTZ_KEYS:
                return True
            if key == K.Key_Backspace:
                return pane.has_pending_number()
        return self._action(pane, event) is not None

    @staticmethod
    def _action(pane: WallPane, event: QKeyEvent) -> QAction | None:
        sequence = pressed(event)
        for action in pane.actions():
            if any(sequence.matches(s) == QKeySequence.SequenceMatch.ExactMatch for s in action.shortcuts()):
                return action
        return None

    def _claimed(self, widget: QWidget, event: QKeyEvent) -> bool:
        """Whether the control (or a parent) wants the key, asked as Qt asks before a shortcut."""
        probe = _copy(event, QEvent.Type.ShortcutOverride)
        self._probing = True
        try:
            QCoreApplication.sendEvent(widget, probe)
        finally:
            self._probing = False
        return probe.isAccepted()

    def _deliver(self, pane: WallPane, event: QKeyEvent) -> None:
        """The key as if the wall had the keyboard: a focused PTZ picture's keys first, then the
        wall's actions (PgDn, Esc …), then the wall's own key handling (digits, Home)."""
        compositor = pane.compositor
        override = _copy(event, QEvent.Type.ShortcutOverride)
        QCoreApplication.sendEvent(compositor, override)
        action = None if override.isAccepted() else self._action(pane, event)
        if action is not None:
            if action.isEnabled():
                action.trigger()
            return
        QCoreApplication.sendEvent(compositor, _copy(event, QEvent.Type.KeyPress))
        if override.isAccepted() and not event.isAutoRepeat():
            self._held[event.key()] = pane

    def _release(self, event: QKeyEvent) -> bool:
        pane = self._held.get(event.key())
        if pane is None:
            return False
        if not event.isAutoRepeat():
            del self._held[event.key()]
        QCoreApplication.sendEvent(pane.compositor, _copy(event, QEvent.Type.KeyRelease))
        return True

    def _release_held(self) -> None:
        """The keyboard moved on while a PTZ key was held: the camera must not keep turning."""
        held, self._held = self._held, {}
        for key, pane in held.items():
            release = QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier)
            with contextlib.suppress(RuntimeError):  # the wall was closed meanwhile
                QCoreApplication.sendEvent(pane.compositor, release)
