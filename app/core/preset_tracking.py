"""Where a PTZ camera points: settled on a known preset (which, since when), moving, or off-preset.

Detection zones are drawn per preset, so detection runs only while a camera is SETTLED on a known
preset, and only after a warm-up from ``settled_since`` (the picture has stopped swimming, the
background model has caught up). Anything else pauses it: MOVING, OFF_PRESET, UNKNOWN.

Pure and clock-injected. The tracker is fed three things:

* our own commands (:meth:`PresetTracker.move_commanded`): the camera goes MOVING at once;
* status reports (:meth:`PresetTracker.status`): position and whether it moves, as GetStatus
  answers. Idle within :class:`Tolerance` of a preset's position is SETTLED on it, idle elsewhere
  OFF_PRESET. A camera that moves or stands elsewhere without a command of ours (someone moved it
  from the camera's own keyboard, another client, a park action) leaves SETTLED by itself;
* the preset list (:meth:`PresetTracker.presets_changed`): a settled camera is judged again.

Each input is first classified into an :class:`Observation`; the new :class:`Place` is then read
from the explicit table ``TRANSITIONS``. Two kinds of report are STALE and change nothing: one
asked for before our latest command (``seq``), and an IDLE at the very spot where our latest
command found the camera, within ``command_grace_s`` of it (cameras report IDLE for a moment
before a commanded move starts).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Place(StrEnum):
    UNKNOWN = "unknown"  # no usable report yet, or the camera stopped answering
    MOVING = "moving"
    SETTLED = "settled"  # idle on a known preset
    OFF_PRESET = "off_preset"  # idle, but not on any known preset


class Observation(StrEnum):
    COMMAND = "command"  # we commanded a move (continuous, relative, absolute, preset, home, stop)
    REPORT_MOVING = "report_moving"  # the camera says it moves (or its position keeps changing)
    IDLE_ON_PRESET = "idle_on_preset"
    IDLE_OFF_PRESET = "idle_off_preset"
    STALE = "stale"  # a report from before our latest command took effect: ignored
    LOST = "lost"  # no answer, or an answer without anything usable


class MoveKind(StrEnum):
    CONTINUOUS = "continuous"
    RELATIVE = "relative"
    ABSOLUTE = "absolute"
    PRESET = "preset"
    HOME = "home"
    STOP = "stop"


PL, OB = Place, Observation

# Every (place, observation) pair; the tests check each one.
TRANSITIONS: dict[tuple[Place, Observation], Place] = {
    (PL.UNKNOWN, OB.COMMAND): PL.MOVING,
    (PL.UNKNOWN, OB.REPORT_MOVING): PL.MOVING,
    (PL.UNKNOWN, OB.IDLE_ON_PRESET): PL.SETTLED,
    (PL.UNKNOWN, OB.IDLE_OFF_PRESET): PL.OFF_PRESET,
    (PL.UNKNOWN, OB.STALE): PL.UNKNOWN,
    (PL.UNKNOWN, OB.LOST): PL.UNKNOWN,
    (PL.MOVING, OB.COMMAND): PL.MOVING,
    (PL.MOVING, OB.REPORT_MOVING): PL.MOVING,
    (PL.MOVING, OB.IDLE_ON_PRESET): PL.SETTLED,
    (PL.MOVING, OB.IDLE_OFF_PRESET): PL.OFF_PRESET,
    (PL.MOVING, OB.STALE): PL.MOVING,
    (PL.MOVING, OB.LOST): PL.UNKNOWN,
    (PL.SETTLED, OB.COMMAND): PL.MOVING,
    (PL.SETTLED, OB.REPORT_MOVING): PL.MOVING,  # moved without us: drift
    (PL.SETTLED, OB.IDLE_ON_PRESET): PL.SETTLED,  # the same preset, or another one (since restarts)
    (PL.SETTLED, OB.IDLE_OFF_PRESET): PL.OFF_PRESET,  # drift
    (PL.SETTLED, OB.STALE): PL.SETTLED,
    (PL.SETTLED, OB.LOST): PL.UNKNOWN,
    (PL.OFF_PRESET, OB.COMMAND): PL.MOVING,
    (PL.OFF_PRESET, OB.REPORT_MOVING): PL.MOVING,
    (PL.OFF_PRESET, OB.IDLE_ON_PRESET): PL.SETTLED,
    (PL.OFF_PRESET, OB.IDLE_OFF_PRESET): PL.OFF_PRESET,
    (PL.OFF_PRESET, OB.STALE): PL.OFF_PRESET,
    (PL.OFF_PRESET, OB.LOST): PL.UNKNOWN,
}


class InvalidTransition(RuntimeError):
    def __init__(self, place: Place, observation: Observation) -> None:
        super().__init__(f"observation {observation.value!r} is not allowed in place {place.value!r}")
        self.place, self.observation = place, observation


def next_place(place: Place, observation: Observation) -> Place:
    try:
        return TRANSITIONS[(place, observation)]
    except KeyError:
        raise InvalidTransition(place, observation) from None


# -- positions ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Position:
    """ONVIF generic position: pan, tilt -1..1, zoom 0..1; None where the camera does not say."""

    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None


@dataclass(frozen=True)
class PresetPoint:
    token: str
    name: str = ""
    position: Position | None = None  # None: the camera did not say where the preset is


@dataclass(frozen=True)
class Tolerance:
    """How close to a preset's position counts as on it (generic units).

    The defaults are 0.9 degree of pan on a 360-degree head, 0.3 degree of tilt over 120 degrees
    and 1/100 of the zoom range: well above a dome's repeat accuracy, well below a zone's size.
    """

    pan: float = 0.005
    tilt: float = 0.005
    zoom: float = 0.01
    pan_wraps: bool = True  # generic pan -1 and 1 are one direction (a 360-degree head)

    def __post_init__(self) -> None:
        if min(self.pan, self.tilt, self.zoom) < 0:
            raise ValueError("tolerances are not negative")

    def distance(self, a: Position, b: Position) -> float | None:
        """The largest per-axis distance in tolerances (<= 1: near); None when no axis compares."""
        parts = []
        for x, y, tol, wraps in (
            (a.pan, b.pan, self.pan, self.pan_wraps),
            (a.tilt, b.tilt, self.tilt, False),
            (a.zoom, b.zoom, self.zoom, False),
        ):
            if x is None or y is None:
                continue
            d = abs(x - y)
            if wraps:
                d = min(d, abs(2.0 - d))
            parts.append(d / tol if tol > 0 else (0.0 if d == 0 else math.inf))
        return max(parts) if parts else None

    def near(self, a: Position, b: Position) -> bool:
        d = self.distance(a, b)
        return d is not None and d <= 1.0


@dataclass(frozen=True)
class PlaceSnapshot:
    """What a UI and the detection scheduler need to know about where a camera points."""

    place: Place = Place.UNKNOWN
    since: float = 0.0  # when this place (for SETTLED: this preset) was entered
    preset: PresetPoint | None = None  # SETTLED: the preset it is on
    target: str | None = None  # MOVING after goto_preset: the preset token it goes to
    position: Position | None = None  # the last reported position
    error: str | None = None  # UNKNOWN after a failure: why

    @property
    def settled_since(self) -> float | None:
        return self.since if self.place is Place.SETTLED else None

    def settled_for(self, now: float) -> float:
        """Seconds settled on the current preset (0 when not settled)."""
        return max(0.0, now - self.since) if self.place is Place.SETTLED else 0.0

    def on_preset(self, token: str) -> bool:
        return self.place is Place.SETTLED and self.preset is not None and self.preset.token == token

    def ready(self, now: float, warmup_s: float, token: str | None = None) -> bool:
        """Settled (on ``token``, if given) for at least ``warmup_s``: detection may run."""
        if self.place is not Place.SETTLED or self.preset is None:
            return False
        if token is not None and self.preset.token != token:
            return False
        return now - self.since >= warmup_s


class PresetTracker:
    """The position state machine of one camera."""

    def __init__(
        self,
        tolerance: Tolerance | None = None,
        *,
        command_grace_s: float = 1.0,
        presets: Iterable[PresetPoint] = (),
        now: float = 0.0,
    ) -> None:
        self.tolerance = tolerance or Tolerance()
        self.command_grace_s = command_grace_s
        self._presets: dict[str, PresetPoint] = {p.token: p for p in presets}
        self._learned: dict[str, Position] = {}  # positions of presets the camera did not describe
        self._snapshot = PlaceSnapshot(since=now)
        self._commands = 0
        self._goto: str | None = None  # target of our last command, until it arrives
        self._pending_from: Position | None = None  # where our last command found the camera
        self._pending_until: float | None = None
        self._last_report: Position | None = None  # for cameras that do not report move status

    @property
    def snapshot(self) -> PlaceSnapshot:
        return self._snapshot

    @property
    def command_seq(self) -> int:
        """Counts our commands: tag a status request with it, pass it back as ``seq``."""
        return self._commands

    @property
    def presets(self) -> tuple[PresetPoint, ...]:
        return tuple(self._presets.values())

    @property
    def awaiting_report(self) -> bool:
        """A command of ours has not been followed by a fresh report yet (poll the camera soon)."""
        return self._pending_until is not None

    # -- inputs ---------------------------------------------------------------------------------------
    def move_commanded(self, kind: MoveKind, now: float, *, target: str | None = None) -> bool:
        """We sent a move (``target``: the preset token of a goto). True if the place changed."""
        if target is not None and kind is not MoveKind.PRESET:
            raise ValueError("only a preset move has a target preset")
        self._commands += 1
        self._goto = target
        self._pending_from = self._snapshot.position
        self._pending_until = now + self.command_grace_s
        return self._apply(OB.COMMAND, now, target=target)

    def goto_preset(self, token: str, now: float) -> bool:
        return self.move_commanded(MoveKind.PRESET, now, target=token)

    def status(
        self, position: Position | None, moving: bool | None, now: float, *, seq: int | None = None
    ) -> bool:
        """A status report: ``moving`` None when the camera does not say (then a position that stays
        put between two reports counts as idle). ``seq``: :attr:`command_seq` when it was asked."""
        if seq is not None and seq < self._commands:
            return self._apply(OB.STALE, now)
        if moving is None:
            if position is None:
                return self.lost(now, "camera reports neither position nor movement")
            previous, self._last_report = self._last_report, position
            exact = Tolerance(self.tolerance.pan / 5, self.tolerance.tilt / 5, self.tolerance.zoom / 5)
            moving = previous is None or not exact.near(previous, position)
        else:
            self._last_report = position
        if moving:
            self._pending_from = self._pending_until = None
            return self._apply(OB.REPORT_MOVING, now, position=position, target=self._goto)
        if self._stale_idle(position, now):
            return self._apply(OB.STALE, now, position=position)
        self._pending_from = self._pending_until = None
        return self._arrive(position, now)

    def lost(self, now: float, error: str = "no answer") -> bool:
        """The status request failed (or said nothing usable)."""
        return self._apply(OB.LOST, now, error=error)

    def presets_changed(self, presets: Iterable[PresetPoint], now: float) -> bool:
        """The camera's presets (re)read, or one was set or removed: a standing camera is re-judged."""
        self._presets = {p.token: p for p in presets}
        self._learned = {
            t: pos for t, pos in self._learned.items() if t in self._presets and not self._presets[t].position
        }
        snap = self._snapshot
        if snap.place not in (PL.SETTLED, PL.OFF_PRESET):
            return False
        if snap.place is PL.SETTLED and snap.preset is not None and snap.preset.token in self._presets:
            known = self._presets[snap.preset.token]
            if known.position is None or snap.position is None:
                return self._apply(OB.IDLE_ON_PRESET, now, preset=known)
        return self._judge(snap.position, now, goto=None)

    # -- internals --------------------------------------------------------------------------------------
    def _stale_idle(self, position: Position | None, now: float) -> bool:
        if self._pending_until is None or now >= self._pending_until:
            return False
        start = self._pending_from
        return position is None or start is None or self.tolerance.near(start, position)

    def _arrive(self, position: Position | None, now: float) -> bool:
        goto, self._goto = self._goto, None
        return self._judge(position, now, goto=goto)

    def _judge(self, position: Position | None, now: float, goto: str | None) -> bool:
        if position is None:
            if goto is not None and goto in self._presets:  # nothing to compare: trust our own goto
                return self._apply(OB.IDLE_ON_PRESET, now, preset=self._presets[goto])
            return self.lost(now, "camera reports no position")
        match = self._match(position, goto)
        if match is None and goto is not None and goto in self._presets:
            preset = self._presets[goto]
            if preset.position is None and goto not in self._learned:
                self._learned[goto] = position  # first arrival at a preset the camera did not place
                match = preset
        if match is not None:
            return self._apply(OB.IDLE_ON_PRESET, now, position=position, preset=match)
        return self._apply(OB.IDLE_OFF_PRESET, now, position=position)

    def _match(self, position: Position, prefer: str | None) -> PresetPoint | None:
        best: tuple[float, int, PresetPoint] | None = None
        for preset in self._presets.values():
            where = preset.position or self._learned.get(preset.token)
            if where is None:
                continue
            d = self.tolerance.distance(where, position)
            if d is None or d > 1.0:
                continue
            rank = (d, 0 if preset.token == prefer else 1, preset)
            if best is None or rank[:2] < best[:2]:
                best = rank
        return None if best is None else best[2]

    def _apply(
        self,
        observation: Observation,
        now: float,
        *,
        position: Position | None = None,
        preset: PresetPoint | None = None,
        target: str | None = None,
        error: str | None = None,
    ) -> bool:
        old = self._snapshot
        place = next_place(old.place, observation)
        if observation is OB.STALE:
            return False
        if place is not PL.SETTLED:
            preset = None
        if place is not PL.MOVING:
            target = None
        if place is not PL.UNKNOWN:
            error = None
        changed = (
            place is not old.place
            or (preset is not None and (old.preset is None or preset.token != old.preset.token))
            or target != old.target
        )
        self._snapshot = PlaceSnapshot(
            place=place,
            since=now if changed else old.since,
            preset=preset,
            target=target,
            position=position if position is not None else old.position,
            error=error if place is PL.UNKNOWN else None,
        )
        return changed
