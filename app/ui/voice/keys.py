"""The voice keys, in one table: the window's actions, the 喊话 menu, the alert list's context menu
and the F1 help read it.

None of them is a wall or triage key (PgUp/PgDn, Enter, Esc, arrows, L, V, T, Space, J K A C X S
P U E G O F stay theirs): H (喊) plays, Shift+H chooses, Ctrl+H stops; F8 is held to talk; Z (止)
stops the escalation ladder, W skips its wait; Ctrl+Shift+H is the shift leader's emergency
broadcast. They act in the window where the wall or the alert list is (not in the case window).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from app.ui.actions import ActionSpec
from app.ui.help_overlay import HelpGroup, HelpRow

VOICE = str(QT_TRANSLATE_NOOP("Actions", "Voice prompts"))
TALK_KEY = Qt.Key.Key_F8  # held down: live talk (the key's release ends it)


def _spec(id_: str, text: object, shortcuts: tuple[str, ...]) -> ActionSpec:
    return ActionSpec(id_, str(text), shortcuts, VOICE)


VOICE_ACTIONS: tuple[ActionSpec, ...] = (
    _spec(
        "voice_play", QT_TRANSLATE_NOOP("Actions", "Play the prompt at the selected tile or alert"), ("H",)
    ),
    _spec(
        "voice_choose", QT_TRANSLATE_NOOP("Actions", "Choose the prompt and how many times…"), ("Shift+H",)
    ),
    _spec("voice_stop", QT_TRANSLATE_NOOP("Actions", "Stop what plays at the selected camera"), ("Ctrl+H",)),
    _spec("voice_talk", QT_TRANSLATE_NOOP("Actions", "Talk live while the key is held"), ("F8",)),
    _spec(
        "ladder_stop", QT_TRANSLATE_NOOP("Actions", "Stop the voice escalation of the selected alert"), ("Z",)
    ),
    _spec("ladder_skip", QT_TRANSLATE_NOOP("Actions", "Skip the escalation's wait: recheck now"), ("W",)),
    _spec(
        "voice_emergency",
        QT_TRANSLATE_NOOP("Actions", "Emergency broadcast to every speaker (shift leader)…"),
        ("Ctrl+Shift+H",),
    ),
    _spec(
        "voice_library", QT_TRANSLATE_NOOP("Actions", "Prompt library: add, listen, rename…"), ("Ctrl+Alt+H",)
    ),
)
BY_ID = {spec.id: spec for spec in VOICE_ACTIONS}
# What the alert list's context menu offers (about the alert under the mouse).
ALERT_MENU = ("voice_play", "voice_choose", "voice_stop", "ladder_stop", "ladder_skip")


def voice_help_group() -> HelpGroup:
    native = QKeySequence.SequenceFormat.NativeText
    rows = tuple(
        HelpRow(tuple(QKeySequence(s).toString(native) for s in spec.shortcuts), spec.label())
        for spec in VOICE_ACTIONS
    )
    return HelpGroup(QCoreApplication.translate("Actions", VOICE), rows)
