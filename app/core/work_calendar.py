"""The site's working calendar and deadline arithmetic (处理时限) on it (stdlib only, no I/O).

Working hours are local wall-clock intervals (08:30–12:00 and 14:00–17:30 by default) on working
days. A day is a working day when it is a make-up working day (调休), or else when it is neither a
weekend day nor a public holiday. Times in and out are epoch seconds; each working interval is
turned into epoch seconds through the site's zone, so "Monday 08:30" stays 08:30 on the wall
across a daylight-saving change, and working time is real elapsed time inside those intervals.

Deadlines, per unit (:class:`~app.core.time_limits.DeadlineUnit`):

* 工作时: the clock runs only inside working intervals. A case dispatched at 17:00 on a Friday
  with 4 工作时 has 0.5 h on Friday and is due on Monday at 12:00 (3.5 h of the morning).
  Dispatched outside working hours (a night, a holiday), the clock starts with the next interval.
  A limit used up exactly at the end of an interval is due then (17:30), not the next morning.
* 紧急工作时: elapsed hours around the clock, nights, weekends and holidays included.
* 工作日: due at the end of the working hours (the last interval's end) of the Nth working day
  *after* the day of dispatch; the rest of the dispatch day is a bonus, whatever the hour. A case
  dispatched on Friday at 09:00 or at 23:00 with 1 工作日 is due at Monday's 17:30; dispatched on a
  Saturday, also Monday 17:30 (the 1st working day after Saturday).

Holiday data (a maintained library, see :mod:`app.adapters.holidays`) only knows the years up to
its release: :meth:`WorkCalendar.unknown_year` says when a date falls outside them, so the app
can warn that deadlines there count only weekends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from app.core.time_limits import HOUR_SECONDS, DeadlineUnit, TimeLimit

MINUTES_PER_DAY = 24 * 60
# Enough to cross any real run of days off; a calendar with no working day in a year is a mistake.
MAX_DAYS_WITHOUT_WORK = 366


@dataclass(frozen=True, order=True)
class WorkingInterval:
    """Working hours within one day, in minutes after local midnight (``end`` may be 1440, 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"working hours must run forwards within one day (got {self})")

    @property
    def seconds(self) -> float:
        return (self.end - self.start) * 60.0

    def __str__(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"


DEFAULT_WORKING_HOURS = (WorkingInterval(8 * 60 + 30, 12 * 60), WorkingInterval(14 * 60, 17 * 60 + 30))
DEFAULT_WEEKEND = frozenset({5, 6})  # date.weekday(): Saturday, Sunday


@dataclass(frozen=True)
class NationalHolidays:
    """Public holidays and make-up working days (调休) as a holiday source knows them."""

    holidays: frozenset[date]  # days off (weekend days inside a holiday run may be listed too)
    make_up_days: frozenset[date]  # weekend days that are working days
    years: frozenset[int]  # the years the source knows in full
    source: str  # e.g. "chinesecalendar 1.11.0", for the log and the settings screen


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours of one site. ValueError when built inconsistent; an unknown
    ``time_zone`` raises ``zoneinfo.ZoneInfoNotFoundError`` (the calendar file checks it first)."""

    time_zone: str = "Asia/Shanghai"
    working_hours: tuple[WorkingInterval, ...] = DEFAULT_WORKING_HOURS
    weekend: frozenset[int] = DEFAULT_WEEKEND  # 0 = Monday … 6 = Sunday
    holidays: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()
    # Years whose holidays are known in full; None: the calendar claims every year (no holiday data).
    covered_years: frozenset[int] | None = None
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _days: dict[date, tuple[tuple[float, float], ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))  # ZoneInfoNotFoundError if unknown
        hours = tuple(sorted(self.working_hours))
        if not hours:
            raise ValueError("a working calendar needs at least one interval of working hours")
        for before, after in pairwise(hours):
            if after.start < before.end:
                raise ValueError(f"working hours {before} and {after} overlap")
        object.__setattr__(self, "working_hours", hours)
        if not all(0 <= d <= 6 for d in self.weekend) or len(self.weekend) >= 7:
            raise ValueError("weekend days are 0 (Monday) to 6 (Sunday), and at least one day must work")
        both = self.holidays & self.make_up_days
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a working day")

    # --- days ------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def unknown_year(self, day: date) -> bool:
        """True when the holiday data does not cover ``day``'s year (only weekends count there)."""
        return self.covered_years is not None and day.year not in self.covered_years

    def unknown_years_between(self, a: float, b: float) -> list[int]:
        """The years from ``a``'s local date to ``b``'s that the holiday data does not know."""
        first, last = sorted((self.local_date(a).year, self.local_date(b).year))
        return [y for y in range(first, last + 1) if self.unknown_year(date(y, 1, 1))]

    def local_date(self, at: float) -> date:
        return datetime.fromtimestamp(at, self._zone).date()

    @property
    def working_seconds_per_day(self) -> float:
        return sum(i.seconds for i in self.working_hours)

    # --- deadlines -------------------------------------------------------------------------------

    def deadline(self, start: float, limit: TimeLimit) -> float:
        """When a case dispatched at ``start`` with ``limit`` is due (see the module's rules)."""
        if limit.unit is DeadlineUnit.URGENT_HOURS:
            return start + limit.amount * HOUR_SECONDS
        if limit.unit is DeadlineUnit.WORK_HOURS:
            return self.add_working_seconds(start, limit.amount * HOUR_SECONDS)
        days = int(limit.amount)  # TimeLimit allows whole working days only
        day = self.local_date(start)
        for _ in range(days):
            day = self._next_working_day(day)
        return self._day_segments(day)[-1][1]

    def extend(self, due_at: float, extension: TimeLimit) -> float:
        """The due time after an extension (延期) of ``extension`` granted on top of ``due_at``.

        Working hours run on from ``due_at``; working days add whole days after its day.
        """
        return self.deadline(due_at, extension)

    def resume(self, due_at: float, paused_at: float, resumed_at: float, unit: DeadlineUnit) -> float:
        """The due time after a pause (缓办) from ``paused_at`` to ``resumed_at``.

        What was left at the pause is left again at the resumption: clock time for urgent hours,
        working time otherwise. A case already overdue when paused stays due when it was.
        """
        if paused_at >= due_at:
            return due_at
        if unit is DeadlineUnit.URGENT_HOURS:
            return resumed_at + (due_at - paused_at)
        return self.add_working_seconds(resumed_at, self.working_seconds_between(paused_at, due_at))

    def add_working_seconds(self, start: float, seconds: float) -> float:
        """The moment ``seconds`` of working time after ``start`` (at ``start`` for 0)."""
        if seconds < 0:
            raise ValueError("working time to add must not be negative")
        if seconds == 0:
            return start
        left = seconds
        for begin, end in self._segments_from(start):
            begin = max(begin, start)
            if begin >= end:
                continue
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: _segments_from never ends")  # pragma: no cover

    def working_seconds_between(self, a: float, b: float) -> float:
        """Working time from ``a`` to ``b``; negative when ``b`` is before ``a`` (time overdue)."""
        if b < a:
            return -self.working_seconds_between(b, a)
        total = 0.0
        for begin, end in self._segments_from(a):
            if begin >= b:
                break
            total += max(0.0, min(end, b) - max(begin, a))
        return total

    # --- internals -------------------------------------------------------------------------------

    def _next_working_day(self, day: date) -> date:
        for _ in range(MAX_DAYS_WITHOUT_WORK):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {MAX_DAYS_WITHOUT_WORK} days after {day}")

    def _segments_from(self, at: float) -> Iterator[tuple[float, float]]:
        """Working intervals as epoch seconds, in order, from the local day of ``at`` on, forever."""
        day = self.local_date(at) - timedelta(days=1)  # a day's 24:00 interval may reach past it
        idle = 0
        while True:
            if self.is_working_day(day):
                idle = 0
                yield from self._day_segments(day)
            else:
                idle += 1
                if idle > MAX_DAYS_WITHOUT_WORK:
                    raise ValueError(f"no working day within {MAX_DAYS_WITHOUT_WORK} days after {day}")
            day += timedelta(days=1)

    def _day_segments(self, day: date) -> tuple[tuple[float, float], ...]:
        cached = self._days.get(day)
        if cached is None:
            cached = tuple((self._epoch(day, i.start), self._epoch(day, i.end)) for i in self.working_hours)
            if len(self._days) > 4096:  # a long-running app: keep the cache small
                self._days.clear()
            self._days[day] = cached
        return cached

    def _epoch(self, day: date, minute: int) -> float:
        """Local wall time ``minute`` after midnight of ``day`` as epoch seconds (fold 0 in a
        repeated hour; a time in a skipped hour lands just after the gap)."""
        moment = datetime.combine(day, time(), self._zone) + timedelta(minutes=minute)
        # Adding to an aware datetime is wall-clock arithmetic; re-attach the zone for the offset.
        return moment.replace(tzinfo=self._zone).timestamp()
