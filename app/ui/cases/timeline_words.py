"""A case's timeline in the control room's words: its own events (立案, 派遣 …) and those of the alerts
it holds — the raise, each voice prompt (who, which prompt, which speakers, reached or not and
why), the escalation ladder's steps, the operator's decisions — one row each.

The alert's words are the triage's (签收, 确认违规, 误报已排除, 目标已离开（自动解除）); the ladder's are
the voice panel's (:data:`app.ui.voice.words.STEPS`), so a step reads the same on the tile and here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo

from PySide6.QtCore import QCoreApplication

from app.core.alerts import DismissReason, Rule
from app.core.audit import AuditEvent
from app.core.case_timeline import alert_id_of, audio_of_event, ladder_of_event, play_of_event
from app.core.voice import VoicePlay
from app.core.voice_ladder import Ladder
from app.ui.alerts.words import reason_words, rule_words
from app.ui.cases.words import CaseNames, action_words, department_words, role_words, seconds_words
from app.ui.voice.words import STEPS, countdown, failure_word

translate = QCoreApplication.translate
SpeakerName = Callable[[str], str]


@dataclass(frozen=True)
class TimelineRow:
    when: str
    who: str
    role: str
    action: str
    note: str
    tip: str = ""  # the whole story of the row (the alert's id, every speaker's outcome)
    audio: str | None = None  # the sha256 of the audio a prompt kept (a double click plays it)
    alert_id: str | None = None  # the row is the alert's, not the case's
    failed: bool = False  # a prompt that reached no speaker: shown in the warning colour


def list_words(items: Iterable[str]) -> str:
    """北门音柱、北门摄像机喇叭 (a comma in English)."""
    return translate("Cases", ", ", "a list's separator").join(items)


def who_words(actor: str) -> str:
    """A person's name as it is; the detector and the system in words."""
    return {
        "detector": translate("Cases", "Detection"),
        "system": translate("Cases", "System"),
    }.get(actor, actor)


def alert_action_words(action: str) -> str:
    """An alert event's action (a ladder step or a prompt: see :func:`timeline_row`)."""
    words = {
        "raise": translate("Cases", "Alert raised"),
        "continue": translate("Cases", "Seen again by detection"),
        "clear": translate("Cases", "Target gone (cleared by itself)"),
        "acknowledge": translate("Cases", "Alert taken"),
        "assign": translate("Cases", "Alert assigned"),
        "escalate": translate("Cases", "Alert sent to the shift leader"),
        "confirm": translate("Cases", "Confirmed violation"),
        "dismiss": translate("Cases", "Dismissed as false"),
        "snooze": translate("Cases", "Alert muted"),
        "snooze_ended": translate("Cases", "Mute ended"),
        "evidence": translate("Cases", "Evidence kept"),
        "voice_prompt": translate("Cases", "Voice prompt"),
    }
    return words.get(action, action)


def ladder_words(ladder: Ladder) -> str:
    """The ladder's step as the voice panel words it (the wait as its length, not a countdown)."""
    wait = countdown((ladder.until or ladder.since) - ladder.since)
    return translate("Voice", STEPS[ladder.step]).format(ladder.attempt, wait, ladder.by)


def play_words(play: VoicePlay, speaker_name: SpeakerName) -> tuple[str, str, str]:
    """(action, note, tip) of one prompt: reached all, some or none of its speakers, and why not."""
    total, reached = len(play.speakers), len(play.delivered)
    if total and reached == total:
        action = translate("Cases", "Voice prompt reached the speakers")
    elif reached:
        action = translate("Cases", "Voice prompt reached {0} of {1} speakers").format(reached, total)
    else:
        action = translate("Cases", "Voice prompt reached no speaker")
    name = play.prompt_name
    if play.repeats > 1 and "×" not in name:
        name = f"{name} ×{play.repeats}"
    names = list_words(speaker_name(s) for s in play.speakers) or translate("Cases", "no speaker")
    failures = "；".join(
        translate("Cases", "{0}: {1}").format(speaker_name(s), failure_word(why)) for s, why in play.failures
    )
    note = translate("Cases", "“{0}” to {1}").format(name, names)
    if play.ladder_attempt:
        note = translate("Cases", "Prompt {0} of the escalation: {1}").format(play.ladder_attempt, note)
    if failures:
        note = translate("Cases", "{0}; not reached: {1}").format(note, failures)
    tip = "\n".join(
        p for p in (
            play.text,
            *(translate("Cases", "{0}: reached").format(speaker_name(s)) for s in play.delivered),
            *(f"{speaker_name(s)}: {why}" for s, why in play.failures),
        ) if p
    )  # fmt: skip
    return action, note, tip


def _alert_note(event: AuditEvent) -> str:
    data, note = event.data, event.note
    if event.action == "raise":
        try:
            rule = rule_words(Rule(str(data.get("rule", ""))))
        except ValueError:
            rule = str(data.get("rule", ""))
        zone = str(data.get("zone_name") or data.get("zone_id") or "")
        return " · ".join(p for p in (rule, zone) if p)
    if event.action == "dismiss":
        try:
            reason = reason_words(DismissReason(event.reason))
        except ValueError:
            reason = event.reason
        return translate("Cases", "{0}: {1}").format(reason, note) if note else reason
    if event.action == "snooze":
        return translate("Cases", "{0} min").format(note) if note and note != "0" else ""
    if event.action == "continue":
        return ""  # the continuing raise's own id: nothing an operator needs
    if event.action == "evidence":
        return _evidence_note(note)
    return note


def _evidence_note(note: str) -> str:
    """ "still 314b0d0c6cb3, clip 9a…" (the alert's record) in words: 抓拍 314b0d0c6cb3 …"""
    kinds = {
        "still": translate("Cases", "snapshot"),
        "clip": translate("Cases", "clip"),
        "clear_still": translate("Cases", "snapshot when gone"),
        "audio": translate("Cases", "voice prompt recording"),
    }
    parts = []
    for part in (p.strip() for p in note.split(",") if p.strip()):
        kind, _, sha = part.partition(" ")
        parts.append(f"{kinds[kind]} {sha}".strip() if kind in kinds else part)
    return list_words(parts)


def timeline_row(
    event: AuditEvent, tz: tzinfo, names: CaseNames, speaker_name: SpeakerName = str
) -> TimelineRow:
    when, who = seconds_words(event.at, tz), who_words(event.actor)
    alert_id = alert_id_of(event)
    if alert_id is None:  # the case's own event
        note = event.note
        if event.action in ("dispatch", "redispatch"):
            department = department_words(names, str(event.data.get("department_id") or ""))
            note = "; ".join(p for p in (department, event.note if event.action == "redispatch" else "") if p)
        role = role_words(str(event.data.get("by_role", "")))
        return TimelineRow(when, who, role, action_words(event.action, event.reason), note, note)
    tip = translate("Cases", "Alert {0}").format(alert_id)
    role = role_words("system") if event.actor in ("system", "detector") else ""
    play = play_of_event(event)
    if play is not None:
        action, note, detail = play_words(play, speaker_name)
        return TimelineRow(
            when, who, role, action, note, f"{tip}\n{detail}".rstrip(), audio_of_event(event), alert_id,
            failed=not play.reached,
        )  # fmt: skip
    ladder = ladder_of_event(event)
    if ladder is not None:
        return TimelineRow(when, who, role, ladder_words(ladder), ladder.note, tip, None, alert_id)
    action = alert_action_words(event.action)
    return TimelineRow(when, who, role, action, _alert_note(event), tip, None, alert_id)
