"""A case's whole story: its own audit events and those of the alerts it holds, in time order
(stdlib only, no I/O).

A case made from a vending alert begins before the case does: the detector raised the alert, the
escalation ladder played a prompt, waited, rechecked, played again, and only then was the case
reported. Those steps are the alert's audit events (subject ``alert:<id>``); the case's own are
``case:<id>``. :func:`merged` puts both in the order they happened (by time, then by their place in
the chain: two events of one moment keep the order they were written in). :func:`play_of_event`
and :func:`ladder_of_event` read back what a voice-prompt or ladder event recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.core.audit import AuditEvent
from app.core.voice import VoicePlay
from app.core.voice_ladder import Ladder

ALERT_PREFIX = "alert:"
CASE_PREFIX = "case:"
VOICE_PROMPT = "voice_prompt"
LADDER_PREFIX = "ladder_"


def merged(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Events of a case and of its alerts, once each, in time order (ties by chain order)."""
    unique = {e.seq: e for e in events}
    return sorted(unique.values(), key=lambda e: (e.at, e.seq))


def alert_id_of(event: AuditEvent) -> str | None:
    """The alert an event is about (None: the case's own, or a camera's)."""
    return event.subject[len(ALERT_PREFIX) :] if event.subject.startswith(ALERT_PREFIX) else None


def play_of_event(event: AuditEvent) -> VoicePlay | None:
    """The play a ``voice_prompt`` event recorded (None for any other event, or a record this
    version cannot read). On an alert the event's data is the alert after the play: the play is
    the one that started at the event's time (the latest, failing that); a play with no alert
    held carries its own ``play``."""
    if event.action != VOICE_PROMPT:
        return None
    own = event.data.get("play")
    if isinstance(own, Mapping):
        return _play(own)
    plays = event.data.get("plays")
    if not isinstance(plays, list) or not plays:
        return None
    records = [p for p in plays if isinstance(p, Mapping)]
    chosen = next((p for p in reversed(records) if p.get("at") == event.at), records[-1] if records else None)
    return _play(chosen) if chosen is not None else None


def audio_of_event(event: AuditEvent) -> str | None:
    """The sha256 of the audio a voice-prompt event kept as evidence (None: none kept)."""
    play = play_of_event(event)
    if play is not None and play.audio_sha256:
        return play.audio_sha256
    audio = event.data.get("audio")
    return audio if isinstance(audio, str) and audio else None


def ladder_of_event(event: AuditEvent) -> Ladder | None:
    """The ladder as a ``ladder_<step>`` event left it (None for any other event)."""
    if not event.action.startswith(LADDER_PREFIX):
        return None
    record = event.data.get("ladder")
    if not isinstance(record, Mapping):
        return None
    try:
        return Ladder.from_record(record)
    except (KeyError, TypeError, ValueError):
        return None


def _play(record: Mapping[str, Any]) -> VoicePlay | None:
    try:
        return VoicePlay.from_record(record)
    except (KeyError, TypeError, ValueError):
        return None
