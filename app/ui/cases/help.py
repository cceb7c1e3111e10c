"""F1 in the case window: its own keys (the list's and the commands') in the wall's help overlay."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

from app.ui.cases.keys import COMMAND_KEYS, COMMANDS_GROUP, WINDOW_GROUP, WINDOW_KEYS
from app.ui.cases.words import command_words
from app.ui.help_overlay import HelpGroup, HelpOverlay, HelpRow

NATIVE = QKeySequence.SequenceFormat.NativeText


def case_help_groups() -> list[HelpGroup]:
    translate = QCoreApplication.translate
    window = tuple(
        HelpRow((QKeySequence(key).toString(NATIVE),), translate("Cases", text))
        for key, text in WINDOW_KEYS.values()
    )
    commands = tuple(
        HelpRow((QKeySequence(key).toString(NATIVE),), command_words(command))
        for command, key in COMMAND_KEYS.items()
    )
    return [
        HelpGroup(translate("Cases", WINDOW_GROUP), window),
        HelpGroup(translate("Cases", COMMANDS_GROUP), commands),
    ]


class CaseHelp(HelpOverlay):
    """The overlay's painting and closing (Esc, F1, a click), with the case window's keys."""

    def retranslate(self) -> None:
        self._groups = case_help_groups()  # what the overlay lays out and paints
        self.setAccessibleName(self._title())
        self._cache = None
        self.update()
