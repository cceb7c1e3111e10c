"""The voice words an operator reads: why a speaker failed, where the escalation ladder is."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.voice import DeliveryFailure
from app.core.voice_ladder import LadderStep

translate = QCoreApplication.translate

F = DeliveryFailure
FAILURES: dict[DeliveryFailure, str] = {
    F.UNREACHABLE: str(QT_TRANSLATE_NOOP("Voice", "no connection")),
    F.TIMEOUT: str(QT_TRANSLATE_NOOP("Voice", "no answer in time")),
    F.BUSY: str(QT_TRANSLATE_NOOP("Voice", "busy")),
    F.NO_ANSWER: str(QT_TRANSLATE_NOOP("Voice", "call not answered")),
    F.REFUSED: str(QT_TRANSLATE_NOOP("Voice", "refused by the speaker")),
    F.AUTH: str(QT_TRANSLATE_NOOP("Voice", "user name or password refused")),
    F.BAD_RESPONSE: str(QT_TRANSLATE_NOOP("Voice", "unexpected answer")),
    F.NO_AUDIO: str(QT_TRANSLATE_NOOP("Voice", "the device has no audio output")),
    F.PREEMPTED: str(QT_TRANSLATE_NOOP("Voice", "interrupted by a more urgent announcement")),
    F.STOPPED: str(QT_TRANSLATE_NOOP("Voice", "stopped")),
    F.NOT_CONFIGURED: str(QT_TRANSLATE_NOOP("Voice", "not set up (delivery type or password missing)")),
}

S = LadderStep
STEPS: dict[LadderStep, str] = {
    S.PROMPTING: str(QT_TRANSLATE_NOOP("Voice", "Voice prompt {0} playing")),
    S.WAITING: str(QT_TRANSLATE_NOOP("Voice", "Prompt {0} played, recheck in {1}")),
    S.RECHECKING: str(QT_TRANSLATE_NOOP("Voice", "Rechecking after prompt {0}")),
    S.RESOLVED: str(QT_TRANSLATE_NOOP("Voice", "Resolved by voice prompt")),
    S.ESCALATED: str(QT_TRANSLATE_NOOP("Voice", "Still there after {0} prompts: case created")),
    S.STOPPED: str(QT_TRANSLATE_NOOP("Voice", "Voice escalation stopped by {2}")),
    S.ENDED: str(QT_TRANSLATE_NOOP("Voice", "Voice escalation ended")),
}


def failure_word(value: str) -> str:
    """A DeliveryFailure value ("unreachable: detail" allowed) in the operator's language."""
    head = value.split(":", 1)[0].strip()
    try:
        return translate("Voice", FAILURES[DeliveryFailure(head)])
    except ValueError:
        return value


def countdown(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
