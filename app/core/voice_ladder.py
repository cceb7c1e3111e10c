"""The escalation ladder: detect → prompt → wait → recheck → gone (resolved by prompt) or prompt
again → still there: a case (stdlib only, no I/O, no clock of its own).

One :class:`Ladder` per alert, kept on the alert itself (it is stored, shown on the alert row and
the tile, and survives a restart with it). Each function takes the ladder and the time and returns
the ladder after, with the :class:`LadderAction` the driver must carry out (play a prompt, ask the
scheduler for a recheck, create the case, count the alert as resolved by prompt).

A prompt that reached no speaker (speaker down) is noted on the ladder and the ladder goes on to
the wait and the recheck all the same: what counts is whether the vendor is still there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class LadderStep(StrEnum):
    PROMPTING = "prompting"  # prompt number ``attempt`` is playing
    WAITING = "waiting"  # giving the prompt time to work (``until`` is the countdown's end)
    RECHECKING = "rechecking"  # the scheduler checks the zone first; ``until``: the longest wait
    RESOLVED = "resolved"  # gone after a prompt: resolved by prompt (小事情不大循环)
    ESCALATED = "escalated"  # still there after the last prompt: a case was created
    STOPPED = "stopped"  # an operator stopped it
    ENDED = "ended"  # a person handled the alert (confirmed, dismissed) or it cleared unprompted


ACTIVE_STEPS = frozenset({LadderStep.PROMPTING, LadderStep.WAITING, LadderStep.RECHECKING})


@dataclass(frozen=True)
class LadderConfig:
    """Per rule (a zone may override): off by default."""

    enabled: bool = False
    prompts: int = 2  # prompts before a case
    wait_s: float = 120.0  # after each prompt, before the recheck
    recheck_s: float = 60.0  # longest wait for the scheduler's fresh check of the zone
    create_case: bool = True  # still there after the last prompt: create the case
    prompt_id: str = "no_vending"

    def __post_init__(self) -> None:
        if self.prompts < 1:
            raise ValueError("the ladder needs at least one prompt")
        if self.wait_s < 0 or self.recheck_s < 0:
            raise ValueError("ladder waits must not be negative")


class LadderActionKind(StrEnum):
    PLAY = "play"  # play prompt number ``attempt``
    RECHECK = "recheck"  # give the camera priority now
    CREATE_CASE = "create_case"
    RESOLVED = "resolved"  # the alert is counted resolved by prompt


@dataclass(frozen=True)
class LadderAction:
    kind: LadderActionKind
    alert_id: str
    attempt: int = 0


@dataclass(frozen=True)
class Ladder:
    alert_id: str
    step: LadderStep
    attempt: int  # the prompt the ladder is at (1-based)
    since: float  # when the step began (wall-clock seconds)
    until: float | None = None  # when the step ends (the countdown), None: when the play ends
    delivered: int = 0  # prompts that reached at least one speaker
    note: str = ""  # why it stopped, or the latest delivery problem ("speaker down: …")
    by: str = ""  # who stopped or skipped it

    @property
    def active(self) -> bool:
        return self.step in ACTIVE_STEPS

    def remaining_s(self, now: float) -> float | None:
        return None if self.until is None else max(0.0, self.until - now)

    def to_record(self) -> dict[str, Any]:
        return {**self.__dict__, "step": self.step.value}

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> Ladder:
        known = {k: v for k, v in record.items() if k in Ladder.__dataclass_fields__}
        return Ladder(**{**known, "step": LadderStep(record["step"])})


Outcome = tuple[Ladder, tuple[LadderAction, ...]]
A = LadderActionKind


def start(alert_id: str, now: float) -> Outcome:
    """A new alert under a ladder: the first prompt plays."""
    ladder = Ladder(alert_id, LadderStep.PROMPTING, attempt=1, since=now)
    return ladder, (LadderAction(A.PLAY, alert_id, 1),)


def prompt_finished(
    ladder: Ladder, config: LadderConfig, now: float, delivered: bool, problem: str = ""
) -> Outcome:
    """The play ended (delivered to at least one speaker, or not: ``problem`` says why): wait."""
    if ladder.step is not LadderStep.PROMPTING:
        return ladder, ()
    after = replace(
        ladder, step=LadderStep.WAITING, since=now, until=now + config.wait_s,
        delivered=ladder.delivered + (1 if delivered else 0), note="" if delivered else problem,
    )  # fmt: skip
    return after, ()


def tick(ladder: Ladder, config: LadderConfig, now: float, checked_at: float | None) -> Outcome:
    """Time passes. ``checked_at``: the camera's latest detection check (wall-clock), if any.
    The wait ends in a recheck; a recheck ends at the first fresh check (or its longest wait) with
    the alert still open (a cleared alert ends the ladder through :func:`alert_cleared` first)."""
    if ladder.step is LadderStep.WAITING and ladder.until is not None and now >= ladder.until:
        after = replace(ladder, step=LadderStep.RECHECKING, since=now, until=now + config.recheck_s)
        return after, (LadderAction(A.RECHECK, ladder.alert_id),)
    if ladder.step is LadderStep.RECHECKING:
        fresh = checked_at is not None and checked_at > ladder.since
        if fresh or (ladder.until is not None and now >= ladder.until):
            return still_there(ladder, config, now)
    return ladder, ()


def still_there(ladder: Ladder, config: LadderConfig, now: float) -> Outcome:
    """The recheck found the alert still open: prompt again, or (after the last) the case."""
    if ladder.attempt < config.prompts:
        n = ladder.attempt + 1
        after = replace(ladder, step=LadderStep.PROMPTING, attempt=n, since=now, until=None)
        return after, (LadderAction(A.PLAY, ladder.alert_id, n),)
    after = replace(ladder, step=LadderStep.ESCALATED, since=now, until=None)
    return after, ((LadderAction(A.CREATE_CASE, ladder.alert_id),) if config.create_case else ())


def alert_cleared(ladder: Ladder, now: float) -> Outcome:
    """The detector saw it go: resolved by prompt when a prompt reached a speaker, else just ended."""
    if not ladder.active:
        return ladder, ()
    if ladder.delivered > 0:  # even while a later prompt plays: an earlier one worked
        after = replace(ladder, step=LadderStep.RESOLVED, since=now, until=None)
        return after, (LadderAction(A.RESOLVED, ladder.alert_id),)
    return replace(ladder, step=LadderStep.ENDED, since=now, until=None, note="cleared"), ()


def alert_handled(ladder: Ladder, now: float, by: str) -> Outcome:
    """A person confirmed or dismissed the alert: the ladder has nothing left to do."""
    if not ladder.active:
        return ladder, ()
    return replace(ladder, step=LadderStep.ENDED, since=now, until=None, by=by), ()


def stop(ladder: Ladder, now: float, by: str) -> Outcome:
    if not ladder.active:
        return ladder, ()
    return replace(ladder, step=LadderStep.STOPPED, since=now, until=None, by=by, note="stopped"), ()


def skip(ladder: Ladder, config: LadderConfig, now: float, by: str) -> Outcome:
    """The operator skips the step: a wait goes to the recheck now, a recheck decides now (the
    alert is still open), a playing prompt is left to finish."""
    if ladder.step is LadderStep.WAITING:
        after = replace(ladder, step=LadderStep.RECHECKING, since=now, until=now + config.recheck_s, by=by)
        return after, (LadderAction(A.RECHECK, ladder.alert_id),)
    if ladder.step is LadderStep.RECHECKING:
        after, actions = still_there(ladder, config, now)
        return replace(after, by=by), actions
    return ladder, ()
