"""The triage keys, in one table: the list's key handling, its buttons' tooltips and the F1 help read it.

They act while the alert list has the keyboard, and none of them is a wall key (arrows, PgUp/PgDn,
Enter, Esc, digits + Enter, L, V, T, Space stay the wall's): J/K step through the list as in mail
readers, one letter per verdict, and a digit after X or S picks the reason or the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt


@dataclass(frozen=True)
class TriageKey:
    id: str
    text: str  # English source, translated in context "Triage"
    keys: tuple[Qt.Key, ...]
    caps: tuple[str, ...]  # as printed on the key caps
    then: str = ""  # what follows the key (the digits of a reason), as printed

    def label(self) -> str:
        return QCoreApplication.translate("Triage", self.text)


def _key(
    id_: str, text: object, keys: tuple[Qt.Key, ...], caps: tuple[str, ...], then: str = ""
) -> TriageKey:
    return TriageKey(id_, str(text), keys, caps, then)


K = Qt.Key
TRIAGE_KEYS: tuple[TriageKey, ...] = (
    _key("next", QT_TRANSLATE_NOOP("Triage", "Next alert"), (K.Key_J,), ("J", "↓")),
    _key("previous", QT_TRANSLATE_NOOP("Triage", "Previous alert"), (K.Key_K,), ("K", "↑")),
    _key("acknowledge", QT_TRANSLATE_NOOP("Triage", "Take it (I have seen it)"), (K.Key_A,), ("A",)),
    _key("confirm", QT_TRANSLATE_NOOP("Triage", "Confirm: a real violation"), (K.Key_C,), ("C",)),
    _key(
        "dismiss",
        QT_TRANSLATE_NOOP(
            "Triage",
            "Dismiss as false; the digit is the reason: 1 false detection, 2 fixed object, "
            "3 inside the shop, 4 permitted, 5 gone, 6 other (type why)",
        ),
        (K.Key_X,),
        ("X",),
        "1–6",
    ),
    _key(
        "snooze",
        QT_TRANSLATE_NOOP(
            "Triage", "Mute it and its zone: 1 for 10 min, 2 for 30 min, 3 for 60 min, 0 unmute"
        ),
        (K.Key_S,),
        ("S",),
        "0–3",
    ),
    _key("assign", QT_TRANSLATE_NOOP("Triage", "Assign to an operator…"), (K.Key_P,), ("P",)),
    _key("escalate", QT_TRANSLATE_NOOP("Triage", "Send to the shift leader"), (K.Key_U,), ("U",)),
    _key("evidence", QT_TRANSLATE_NOOP("Triage", "Open the evidence"), (K.Key_E,), ("E",)),
    _key(
        "goto",
        QT_TRANSLATE_NOOP("Triage", "Show its camera in focus (the saved view stays as it is)"),
        (K.Key_G, K.Key_Return, K.Key_Enter),
        ("G", "Enter"),
    ),
    _key("case", QT_TRANSLATE_NOOP("Triage", "Show its case in the case window"), (K.Key_O,), ("O",)),
    _key(
        "filter",
        QT_TRANSLATE_NOOP("Triage", "Next list (open, not yet taken, confirmed …)"),
        (K.Key_F,),
        ("F",),
    ),
)
TRIAGE_GROUP = str(QT_TRANSLATE_NOOP("Triage", "Alert list (while it has the keyboard)"))
BY_KEY: dict[Qt.Key, str] = {key: spec.id for spec in TRIAGE_KEYS for key in spec.keys}
BY_ID: dict[str, TriageKey] = {spec.id: spec for spec in TRIAGE_KEYS}
SNOOZE_MINUTES: dict[int, float] = {1: 10, 2: 30, 3: 60, 0: 0}
