"""Replay: a view's whole pipeline over recorded footage, and how its alerts compare with the truth.

:func:`replay` feeds (frame, video time) samples through a pipeline (in the app, a
:class:`~detectors.pipeline.ScenePipeline`: motion gate, detectors, rules with dwell and clear) and
collects the alerts it raises and clears, with their video times. :func:`score` compares them with
labelled intervals (when a vendor is there, when a bin is full) at the level operators see: events,
not frames.

Labels file (CSV, UTF-8; ``#`` starts a comment; times in seconds or ``mm:ss``, clip time)::

    kind,start_s,end_s[,zone]
    vending,0:15,1:55,no-vending-1
    bin,70,140

``kind`` is ``vending`` or ``bin``; ``zone`` (optional) is the zone or bin id the event belongs in.
An empty file (or comments only) says the clip is negative footage: no vendor, no full bin, so
every alert is a false one. A header line ``kind,start_s,end_s,zone`` may be kept.

Matching: an alert is *true* when it was raised inside an interval of its kind (and zone, when the
label names one), up to ``slack_s`` after the interval ended (one check late); a labelled interval
is *found* when at least one alert was raised so. Event precision = true alerts / alerts; event
recall = found intervals / intervals; false alerts per camera-hour = alerts that are not true /
replayed hours. A clip played ``loops`` times has its labels repeated each loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from detectors.types import Frame, Hit, HitState

Kind = Literal["vending", "bin"]
KINDS: tuple[Kind, ...] = ("vending", "bin")
RULE_KINDS: dict[str, Kind] = {"vending": "vending", "bin_overflow": "bin"}


# --- what is replayed -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """One checked frame: ``t`` the time into the replay (loops add up), ``clip_t`` into the clip."""

    frame: Frame
    t: float
    clip_t: float
    loop: int = 0


class HasHits(Protocol):
    @property
    def hits(self) -> list[Hit]: ...


class Replayable(Protocol):
    """What :func:`replay` drives (a :class:`~detectors.pipeline.ScenePipeline` is one)."""

    def process(self, frame: Frame, t: float) -> HasHits: ...


@dataclass
class Alert:
    """One alert of the replay: raised at ``raised_s`` (replay time), cleared at ``cleared_s``."""

    kind: Kind | str
    rule: str
    event: str
    zone_id: str
    raised_s: float
    raised_clip_s: float
    loop: int
    score: float
    box: tuple[float, float, float, float] | None  # what raised it, picture pixels (x1, y1, x2, y2)
    cleared_s: float | None = None
    cleared_clip_s: float | None = None
    cleared_loop: int | None = None


@dataclass
class ReplayRun:
    alerts: list[Alert] = field(default_factory=list)
    checks: int = 0
    video_s: float = 0.0  # replayed video time (all loops)


HitCallback = Callable[[Alert, HitState], None]


def replay(
    pipeline: Replayable,
    samples: Iterable[Sample],
    *,
    first_check: Callable[[Frame], None] | None = None,
    on_hit: HitCallback | None = None,
    video_s: float | None = None,
    into: ReplayRun | None = None,
) -> ReplayRun:
    """Check every sample in turn; ``first_check`` sees the first frame before it is processed (the
    worker takes the bins' clean reference there); ``on_hit`` hears each raise and clear as it
    happens. ``video_s``: the replayed length when known (else the last sample's time). ``into``:
    the run to fill as it goes (what was replayed stays there when the replay is interrupted)."""
    run = into if into is not None else ReplayRun()
    open_: dict[tuple[str, str], Alert] = {}
    last_t = run.video_s
    for sample in samples:
        if run.checks == 0 and first_check is not None:
            first_check(sample.frame)
        result = pipeline.process(sample.frame, sample.t)
        run.checks += 1
        last_t = run.video_s = sample.t
        for hit in result.hits:
            key = (hit.rule, hit.zone_id)
            if hit.state is HitState.RAISED:
                alert = Alert(
                    RULE_KINDS.get(hit.rule, hit.rule),
                    hit.rule,
                    hit.event,
                    hit.zone_id,
                    sample.t,
                    sample.clip_t,
                    sample.loop,
                    hit.score,
                    _first_box(hit),
                )
                open_[key] = alert
                run.alerts.append(alert)
            else:
                found = open_.pop(key, None)
                if found is None:
                    continue  # a clear of an alert raised before the replay began: nothing to count
                alert = found
                alert.cleared_s, alert.cleared_clip_s, alert.cleared_loop = (
                    sample.t,
                    sample.clip_t,
                    sample.loop,
                )
            if on_hit is not None:
                on_hit(alert, hit.state)
    run.video_s = video_s if video_s is not None else last_t
    return run


def _first_box(hit: Hit) -> tuple[float, float, float, float] | None:
    boxes = hit.evidence.boxes
    if len(boxes) == 0:
        return None
    x1, y1, x2, y2 = (float(v) for v in boxes[0][:4])
    return (x1, y1, x2, y2)


# --- labels -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    """A labelled stretch of the clip: a vendor present / a bin full, from ``start_s`` to ``end_s``."""

    kind: Kind
    start_s: float
    end_s: float
    zone: str | None = None


class LabelsError(ValueError):
    """A labels file that cannot be used; the message names file and line."""


LABELS_HELP = (
    "CSV, one interval a line: kind,start_s,end_s[,zone] with kind vending or bin, times in seconds "
    "or mm:ss of clip time, zone optional (a zone or bin id); # starts a comment; an empty file means "
    "negative footage (no vendor, no full bin: every alert is false)"
)


def parse_labels(text: str, source: str = "labels") -> list[Interval]:
    """The intervals of a labels file's text; :class:`LabelsError` names ``source`` and the line."""
    out: list[Interval] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cells = [c.strip() for c in line.split(",")]
        if [c.lower() for c in cells[:3]] == ["kind", "start_s", "end_s"]:
            continue  # a header
        where = f"{source}:{number}"
        if len(cells) not in (3, 4):
            raise LabelsError(f"{where}: expected kind,start_s,end_s[,zone], got {len(cells)} field(s)")
        kind = cells[0].lower()
        if kind not in KINDS:
            raise LabelsError(f"{where}: kind {cells[0]!r} is not one of {', '.join(KINDS)}")
        start, end = _seconds(cells[1], where, "start_s"), _seconds(cells[2], where, "end_s")
        if end <= start:
            raise LabelsError(f"{where}: end_s ({cells[2]}) must be after start_s ({cells[1]})")
        zone = cells[3] if len(cells) == 4 and cells[3] else None
        out.append(Interval(kind, start, end, zone))
    return out


def read_labels(path: Path) -> list[Interval]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read: {exc.strerror or type(exc).__name__}") from exc
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_labels(text, str(path))


def _seconds(text: str, where: str, name: str) -> float:
    try:
        if ":" in text:
            minutes, _, secs = text.partition(":")
            value = int(minutes) * 60 + float(secs)
            if float(secs) >= 60 or float(secs) < 0:
                raise ValueError(text)
        else:
            value = float(text)
    except ValueError:
        raise LabelsError(f"{where}: {name} {text!r} is not a time (seconds, or mm:ss)") from None
    if not math.isfinite(value) or value < 0:
        raise LabelsError(f"{where}: {name} {text!r} must be a time of the clip (0 or more)")
    return value


def looped(intervals: Sequence[Interval], clip_s: float, loops: int) -> list[Interval]:
    """The clip's labels repeated for each of ``loops`` plays (replay times)."""
    return [
        Interval(i.kind, i.start_s + n * clip_s, i.end_s + n * clip_s, i.zone)
        for n in range(loops)
        for i in intervals
    ]


# --- scoring ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    alerts: int
    true_alerts: int
    intervals: int
    found: int
    hours: float

    @property
    def false_alerts(self) -> int:
        return self.alerts - self.true_alerts

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerts if self.alerts else math.nan

    @property
    def recall(self) -> float:
        return self.found / self.intervals if self.intervals else math.nan

    @property
    def false_per_hour(self) -> float:
        return self.false_alerts / self.hours if self.hours > 0 else math.nan


def _matches(alert: Alert, interval: Interval, slack_s: float) -> bool:
    return (
        alert.kind == interval.kind
        and (interval.zone is None or interval.zone == alert.zone_id)
        and interval.start_s <= alert.raised_s <= interval.end_s + slack_s
    )


def score(
    alerts: Sequence[Alert],
    intervals: Sequence[Interval],
    video_s: float,
    *,
    slack_s: float = 0.0,
    kinds: Iterable[str] | None = None,
) -> Score:
    """Event-level figures of ``alerts`` against ``intervals`` (both in replay time; see the module
    notes). ``kinds``: only alerts and intervals of these kinds count (default: all)."""
    wanted = set(kinds) if kinds is not None else None
    mine = [a for a in alerts if wanted is None or a.kind in wanted]
    labels = [i for i in intervals if wanted is None or i.kind in wanted]
    true = sum(any(_matches(a, i, slack_s) for i in labels) for a in mine)
    found = sum(any(_matches(a, i, slack_s) for a in mine) for i in labels)
    return Score(len(mine), true, len(labels), found, video_s / 3600.0)


def clock(seconds: float) -> str:
    """``75.4`` → ``01:15`` (clip times as a player shows them; hours when needed)."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"
