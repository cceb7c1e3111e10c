"""What the operator reads about voice on an alert row and on a tile: the escalation ladder's step
with its live countdown, how many prompts were played, a prompt playing, a speaker down.

Pure functions over the alerts and the voice service's state (the hub calls them once a second
and on every play's start and end); the words come from :mod:`app.ui.voice.words`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.alerts import Alert
from app.core.voice import Speaker, VoicePriority
from app.core.voice_ladder import Ladder, LadderStep
from app.ui.voice.words import STEPS, countdown
from app.ui.wall.tiles import MarkTone, VoiceMark

translate = QCoreApplication.translate

# The ladder on a tile, in as few words as a 100-tile wall leaves room for.
S = LadderStep
TILE_STEPS: dict[LadderStep, str] = {
    S.PROMPTING: str(QT_TRANSLATE_NOOP("Voice", "Prompt {0} playing")),
    S.WAITING: str(QT_TRANSLATE_NOOP("Voice", "Recheck {1}")),
    S.RECHECKING: str(QT_TRANSLATE_NOOP("Voice", "Rechecking")),
}
PLAYING: dict[VoicePriority, str] = {
    VoicePriority.AUTOMATIC: str(QT_TRANSLATE_NOOP("Voice", "Prompt playing")),
    VoicePriority.OPERATOR: str(QT_TRANSLATE_NOOP("Voice", "Prompt playing")),
    VoicePriority.LIVE: str(QT_TRANSLATE_NOOP("Voice", "Live talk")),
    VoicePriority.EMERGENCY: str(QT_TRANSLATE_NOOP("Voice", "Emergency broadcast")),
}
# Ladder steps worth a line on a row once the ladder is over (resolved reads in the state itself).
SHOWN_AFTER = frozenset({LadderStep.STOPPED, LadderStep.ESCALATED})


def ladder_words(ladder: Ladder, now: float) -> str:
    """第 1 次喊话已播放，0:42 后复核: the step, its countdown where it has one, who stopped it."""
    remaining = ladder.remaining_s(now)
    return translate("Voice", STEPS[ladder.step]).format(
        ladder.attempt, countdown(remaining or 0.0), ladder.by or translate("Voice", "an operator")
    )


def plays_words(alert: Alert) -> str:
    return translate("Voice", "prompted {0} time(s)").format(len(alert.plays)) if alert.plays else ""


def ladder_line(alert: Alert, now: float) -> str:
    """Where the alert's escalation is ('' when it has none, or it ended in the alert's state)."""
    ladder = alert.ladder
    if ladder is not None and (ladder.active or ladder.step in SHOWN_AFTER):
        return ladder_words(ladder, now)
    return ""


def voice_line(alert: Alert, now: float) -> str:
    """The voice line ('' when nothing was played and no ladder runs): where the ladder is, and
    how many prompts were played."""
    ladder = ladder_line(alert, now)
    parts = [ladder] if ladder else []
    plays = plays_words(alert)
    if plays:
        parts.append(plays)
    return translate("Voice", " · ").join(parts)


def ladder_tile_words(ladder: Ladder, now: float) -> str:
    remaining = ladder.remaining_s(now)
    return translate("Voice", TILE_STEPS[ladder.step]).format(ladder.attempt, countdown(remaining or 0.0))


def ladder_mark(alert: Alert, now: float) -> VoiceMark | None:
    """The badge of an alert whose escalation runs (the same as its tile's)."""
    ladder = alert.ladder
    if ladder is None or not ladder.active:
        return None
    return VoiceMark(ladder_tile_words(ladder, now), MarkTone.LADDER)


def speakers_by_camera(speakers: Iterable[Speaker]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for speaker in speakers:
        for camera in speaker.cameras:
            out.setdefault(camera, []).append(speaker.id)
    return out


def tile_marks(
    alerts: Iterable[Alert],
    speakers: Sequence[Speaker],
    playing: Mapping[str, VoicePriority],
    down: Iterable[str],
    now: float,
) -> dict[str, VoiceMark]:
    """The badge of every camera that needs one: its alert's active ladder (step and countdown),
    else what plays on its speakers; '喇叭故障' added (in amber) when one of its speakers is down."""
    ladders: dict[str, Ladder] = {}
    for alert in alerts:
        ladder = alert.ladder
        if ladder is None or not ladder.active:
            continue
        known = ladders.get(alert.camera_id)
        if known is None or _sooner(ladder, known):  # two alerts at one camera: the next step first
            ladders[alert.camera_id] = ladder
    by_camera = speakers_by_camera(speakers)
    dead = set(down)
    marks: dict[str, VoiceMark] = {}
    sounding = {c for c, ids in by_camera.items() if dead.intersection(ids) or playing.keys() & set(ids)}
    for camera in set(ladders) | sounding:
        ids = by_camera.get(camera, [])
        texts: list[str] = []
        tone = MarkTone.LADDER
        ladder = ladders.get(camera)
        if ladder is not None:
            texts.append(ladder_tile_words(ladder, now))
        else:
            heard = [playing[s] for s in ids if s in playing]
            if heard:
                texts.append(translate("Voice", PLAYING[max(heard)]))
                tone = MarkTone.PLAYING
        if dead.intersection(ids):
            texts.append(translate("Voice", "Speaker fault"))
            tone = MarkTone.FAULT
        if texts:
            short = texts[0] if len(texts) > 1 else ""
            marks[camera] = VoiceMark(translate("Voice", " · ").join(texts), tone, short)
    return marks


def _sooner(a: Ladder, b: Ladder) -> bool:
    return (a.until if a.until is not None else float("inf")) < (
        b.until if b.until is not None else float("inf")
    )
