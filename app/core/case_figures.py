"""The figures a centre is judged by (考核评价), from its cases and alerts (stdlib only, no I/O).

**Which cases a period judges.** A case counts once, in one period, at its *reckoning time*: its
closure (结案) when it closed by its deadline, otherwise its deadline (``due_at``). So a case closed
early counts in the period it closed in; one still open, or closed late, counts in the period its
deadline fell in, and only once that deadline has passed (``now``). Consecutive periods never count
a case twice. Only dispatched cases have a deadline; cases never dispatched (reported, filed,
cancelled) are not judged. An approved extension (延期) moves the deadline: the new one is judged.

**Deferred cases are left out.** A case that was ever deferred (缓办, ``was_deferred``) is excluded
from every rate and group (as DOMAIN.md's "due − deferred"); how many were excluded is reported.

With *due* the judged cases of the period (deferred ones excluded):

* 结案率 (``closure_rate``) = closed / due, where closed = state CLOSED with ``closed_at ≤ now``.
  A case closed after its deadline still counts as closed (late), so a past period's 结案率 can
  rise while its late cases are closed; its 按期结案率 cannot.
* 按期结案率 (``on_time_rate``) = closed on time / due. **On time** = closed, and the department's
  final feedback (反馈, ``handled_at``, the latest one after any rework) came at or before
  ``due_at``. The deadline (处理时限) is the department's: the centre's own check and closure
  after a timely feedback do not make the department late. This is how ``Case.overdue`` judges a
  case too.
* 返工率 (``rework_rate``) = due cases returned for rework at least once (``rework_count ≥ 1``) /
  due cases that gave feedback at least once (``handled_at`` set). A case returned twice counts once.
* Mean handling time: dispatch → final feedback over due cases with a feedback, dispatch → closure
  over closed due cases; wall-clock seconds (not working hours: the calendar is the caller's).

All rates are fractions 0–1, and ``None`` when their denominator is 0 (no case was due: nothing to
judge, which is not 0 %). Groups by source, category, grid and department carry the same figures,
so departments can be ranked; urgent cases have their own group (DOMAIN.md: they need 100 %).
``created`` counts the cases reported in the period (any state): the intake per source or category.

Pass every case that may be reckoned in the period (e.g. the store's facts for cases created
before ``period.end``); cases neither created nor judged in the period are ignored, so a group
(a department …) appears only when it has a case in the period.

**Alerts** (:func:`alert_figures`): alerts raised in the period, per rule and per camera, judged by
what the operator did. *False alarms* are dismissals as 误检 (false detection), 固定设施 (a fixed
object) and 店内经营 (trading inside the shop: the rule claims trading outside it, so it judged the
scene wrong; DOMAIN.md lists it among the negatives detection must learn). 合规经营 (permitted,
e.g. a licensed breakfast cart) is a *correct detection of something permitted*: the stall was
there, the permit makes it lawful; it is not held against the detector. Confirmed alerts are real
violations. *Judged* = confirmed + false alarms + permitted; the shares are over the judged ones,
so they add up to 1. Dismissed as 已离开 (gone before anyone looked) or 其他, still open, or
cleared by the detector without a decision: not judged, counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from app.core.alerts import Alert, AlertState, DismissReason, Rule
from app.core.cases import CaseFacts, CaseState


# --- periods ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """``[start, end)`` in wall-clock (epoch) seconds; the helpers cut it in the site's time zone."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if not self.end > self.start:
            raise ValueError(f"a period ends after it starts (start {self.start}, end {self.end})")

    def __contains__(self, at: object) -> bool:
        return isinstance(at, int | float) and self.start <= at < self.end

    @classmethod
    def day(cls, day: date, zone: tzinfo) -> Period:
        """The site's calendar day (23 or 25 hours on a daylight-saving change)."""
        return cls(_at(day, time(0), zone), _at(day + timedelta(days=1), time(0), zone))

    @classmethod
    def month(cls, year: int, month: int, zone: tzinfo) -> Period:
        after = date(year + month // 12, month % 12 + 1, 1)
        return cls(_at(date(year, month, 1), time(0), zone), _at(after, time(0), zone))

    @classmethod
    def shift(cls, day: date, starts: time, hours: float, zone: tzinfo) -> Period:
        """A shift starting at ``starts`` on ``day`` (site time), ``hours`` long (a night shift
        runs into the next day)."""
        start = _at(day, starts, zone)
        return cls(start, start + hours * 3600.0)

    @classmethod
    def day_of(cls, at: float, zone: tzinfo) -> Period:
        """The site day that ``at`` falls in."""
        return cls.day(datetime.fromtimestamp(at, zone).date(), zone)

    @classmethod
    def month_of(cls, at: float, zone: tzinfo) -> Period:
        moment = datetime.fromtimestamp(at, zone)
        return cls.month(moment.year, moment.month, zone)


def _at(day: date, clock: time, zone: tzinfo) -> float:
    return datetime.combine(day, clock, tzinfo=zone).timestamp()


# --- one case's outcome -----------------------------------------------------------------------------
def reckoned_at(case: CaseFacts, now: float) -> float | None:
    """When the case is judged (see the module's docstring); None when it is not (yet): never
    dispatched, or its deadline still ahead and not closed."""
    if case.dispatched_at is None or case.due_at is None or case.state is CaseState.CANCELLED:
        return None
    closed = closed_by(case, now)
    at = (
        case.closed_at
        if closed and case.closed_at is not None and case.closed_at <= case.due_at
        else case.due_at
    )
    return at if at <= now else None


def closed_by(case: CaseFacts, now: float) -> bool:
    return case.state is CaseState.CLOSED and case.closed_at is not None and case.closed_at <= now


def on_time(case: CaseFacts, now: float) -> bool:
    """Closed, its final feedback at or before its deadline."""
    return (
        closed_by(case, now)
        and case.handled_at is not None
        and case.due_at is not None
        and case.handled_at <= case.due_at
    )


# --- figures of a set of cases ----------------------------------------------------------------------
def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Group:
    """The figures of some cases: all of them, one department, one category …"""

    key: str | None = None  # the department id, category code, grid code, source; None: not set
    created: int = 0  # reported in the period (any state)
    due: int = 0  # judged in the period, deferred ones excluded
    closed: int = 0
    closed_on_time: int = 0
    handled: int = 0  # gave feedback at least once
    reworked: int = 0  # returned at least once
    deferred: int = 0  # would have been judged in the period, left out as deferred
    _to_feedback: float = 0.0
    _to_close: float = 0.0

    @property
    def closure_rate(self) -> float | None:
        return _rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.closed_on_time, self.due)

    @property
    def rework_rate(self) -> float | None:
        return _rate(self.reworked, self.handled)

    @property
    def open_due(self) -> int:
        """Judged but not closed: overdue, still with the department or awaiting its check."""
        return self.due - self.closed

    @property
    def mean_to_feedback(self) -> float | None:
        """Mean seconds from dispatch to the final feedback."""
        return self._to_feedback / self.handled if self.handled else None

    @property
    def mean_to_close(self) -> float | None:
        """Mean seconds from dispatch to closure."""
        return self._to_close / self.closed if self.closed else None

    def meets(self, targets: Targets) -> bool | None:
        """Both rates at or above the targets; None when nothing was due."""
        if self.closure_rate is None or self.on_time_rate is None:
            return None
        return self.closure_rate >= targets.closure and self.on_time_rate >= targets.on_time

    def _add(self, outcome: _Outcome) -> None:
        self.due += 1
        self.handled += outcome.handled
        self.reworked += outcome.reworked
        self.closed += outcome.closed
        self.closed_on_time += outcome.on_time
        self._to_feedback += outcome.to_feedback
        self._to_close += outcome.to_close


@dataclass(frozen=True)
class Targets:
    """One published scheme's full marks (DOMAIN.md); a site sets its own."""

    closure: float = 0.9
    on_time: float = 0.7
    urgent: float = 1.0  # urgent cases: both rates


@dataclass
class Figures:
    period: Period
    now: float
    all: Group = field(default_factory=Group)
    urgent: Group = field(default_factory=Group)
    by_source: dict[str | None, Group] = field(default_factory=dict)
    by_category: dict[str | None, Group] = field(default_factory=dict)
    by_grid: dict[str | None, Group] = field(default_factory=dict)
    by_department: dict[str | None, Group] = field(default_factory=dict)

    def departments_ranked(self) -> list[Group]:
        """Best first: on-time rate, then closure rate, then more cases; none due last."""
        return ranked(self.by_department.values())

    def urgent_met(self, targets: Targets | None = None) -> bool | None:
        """Every urgent case closed on time (by default); None when no urgent case was due."""
        targets = targets or Targets()
        if self.urgent.closure_rate is None or self.urgent.on_time_rate is None:
            return None
        return self.urgent.closure_rate >= targets.urgent and self.urgent.on_time_rate >= targets.urgent


def ranked(groups: Iterable[Group]) -> list[Group]:
    def order(g: Group) -> tuple[bool, float, float, int, str]:
        return (g.due == 0, -(g.on_time_rate or 0.0), -(g.closure_rate or 0.0), -g.due, g.key or "\uffff")

    return sorted(groups, key=order)


def figures(facts: Sequence[CaseFacts] | Iterable[CaseFacts], period: Period, now: float) -> Figures:
    """The period's figures as known at ``now`` (definitions: the module's docstring)."""
    out = Figures(period, now)
    start, end = period.start, period.end
    tables = (out.by_source, out.by_category, out.by_grid, out.by_department)
    for case in facts:
        created = start <= case.created_at < end
        at = reckoned_at(case, now)
        judged = at is not None and start <= at < end
        if not (created or judged):
            continue  # most of a year's cases, for a month's figures
        keys = (case.source.value, case.category_code, case.grid_code, case.department_id)
        groups = [out.all, *(_group(table, key) for table, key in zip(tables, keys, strict=True))]
        if case.urgent:
            groups.append(out.urgent)
        for g in groups:
            g.created += created
        if not judged:
            continue
        if case.was_deferred:
            for g in groups:
                g.deferred += 1
            continue
        outcome = _Outcome.of(case, now)
        for g in groups:
            g._add(outcome)
    return out


@dataclass(frozen=True)
class _Outcome:
    """One judged case, worked out once for all its groups."""

    handled: bool
    reworked: bool
    closed: bool
    on_time: bool
    to_feedback: float
    to_close: float

    @classmethod
    def of(cls, case: CaseFacts, now: float) -> _Outcome:
        dispatched = case.dispatched_at or 0.0
        handled = case.handled_at is not None and case.handled_at <= now
        closed = closed_by(case, now)
        return cls(
            handled, handled and case.rework_count > 0, closed, on_time(case, now),
            (case.handled_at or 0.0) - dispatched if handled else 0.0,
            (case.closed_at or 0.0) - dispatched if closed else 0.0,
        )  # fmt: skip


def _group(groups: dict[str | None, Group], key: str | None) -> Group:
    found = groups.get(key)
    if found is None:
        found = groups[key] = Group(key)
    return found


def judged_cases(facts: Iterable[CaseFacts], period: Period, now: float) -> list[CaseFacts]:
    """The cases reckoned in the period, deferred ones included (the export's case list marks
    them as excluded), by deadline."""
    found = [c for c in facts if (at := reckoned_at(c, now)) is not None and at in period]
    return sorted(found, key=lambda c: (c.due_at or 0.0, c.id))


# --- alerts -----------------------------------------------------------------------------------------
FALSE_ALARM = frozenset(
    {DismissReason.FALSE_DETECTION, DismissReason.FIXED_OBJECT, DismissReason.INSIDE_SHOP}
)
PERMITTED = frozenset({DismissReason.PERMITTED})


@dataclass
class AlertGroup:
    key: str  # the rule's value, or the camera id
    raised: int = 0
    confirmed: int = 0
    false_alarms: int = 0
    permitted: int = 0  # correctly detected, but permitted
    unjudged: int = 0  # open, cleared without a decision, dismissed as gone or other
    reasons: dict[DismissReason, int] = field(default_factory=dict)

    @property
    def judged(self) -> int:
        return self.confirmed + self.false_alarms + self.permitted

    @property
    def false_alarm_share(self) -> float | None:
        return _rate(self.false_alarms, self.judged)

    @property
    def confirmed_share(self) -> float | None:
        return _rate(self.confirmed, self.judged)

    @property
    def permitted_share(self) -> float | None:
        return _rate(self.permitted, self.judged)

    def _add(self, alert: Alert) -> None:
        self.raised += 1
        reason = alert.dismiss_reason if alert.state is AlertState.DISMISSED else None
        if alert.state is AlertState.CONFIRMED:
            self.confirmed += 1
        elif reason in FALSE_ALARM:
            self.false_alarms += 1
        elif reason in PERMITTED:
            self.permitted += 1
        else:
            self.unjudged += 1
        if reason is not None:
            self.reasons[reason] = self.reasons.get(reason, 0) + 1


@dataclass
class AlertFigures:
    period: Period
    all: AlertGroup = field(default_factory=lambda: AlertGroup("all"))
    by_rule: dict[Rule, AlertGroup] = field(default_factory=dict)
    by_camera: dict[str, AlertGroup] = field(default_factory=dict)

    def cameras_by_false_alarms(self) -> list[AlertGroup]:
        """The noisiest cameras first (highest false-alarm share, then most false alarms)."""
        return sorted(
            self.by_camera.values(),
            key=lambda g: (
                g.false_alarm_share is None,
                -(g.false_alarm_share or 0.0),
                -g.false_alarms,
                g.key,
            ),
        )


def alert_figures(alerts: Iterable[Alert], period: Period) -> AlertFigures:
    """Alerts raised in the period, as their state stands (definitions: the module's docstring)."""
    out = AlertFigures(period)
    for alert in alerts:
        if alert.raised_at not in period:
            continue
        out.all._add(alert)
        rule = out.by_rule.get(alert.rule) or out.by_rule.setdefault(alert.rule, AlertGroup(alert.rule.value))
        rule._add(alert)
        camera = out.by_camera.get(alert.camera_id)
        if camera is None:
            camera = out.by_camera[alert.camera_id] = AlertGroup(alert.camera_id)
        camera._add(alert)
    return out
