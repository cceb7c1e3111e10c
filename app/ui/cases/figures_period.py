"""Which period the dashboard shows: this shift, today, this month, the previous month or chosen days,
cut in the site's time zone (app.core.case_figures.Period does the cutting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from app.core.case_figures import Period


class PeriodChoice(StrEnum):
    SHIFT = "shift"
    TODAY = "today"
    MONTH = "month"
    PREVIOUS_MONTH = "previous_month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Shifts:
    """Shifts follow each other from ``starts`` every ``hours`` (08:00 + 12 h: a day and a night shift)."""

    starts: time = time(8)
    hours: float = 12.0

    def __post_init__(self) -> None:
        if not 0 < self.hours <= 24:
            raise ValueError(f"a shift lasts more than 0 and at most 24 hours (got {self.hours})")


def shift_of(at: float, zone: tzinfo, shifts: Shifts) -> Period:
    """The shift that ``at`` falls in."""
    today = datetime.fromtimestamp(at, zone).date()
    start = Period.shift(today, shifts.starts, shifts.hours, zone).start
    if start > at:  # before today's first shift: the day's cycle began yesterday
        start = Period.shift(today - timedelta(days=1), shifts.starts, shifts.hours, zone).start
    length = shifts.hours * 3600.0
    start += ((at - start) // length) * length
    return Period(start, start + length)


def period_for(
    choice: PeriodChoice,
    now: float,
    zone: tzinfo,
    shifts: Shifts = Shifts(),
    days: tuple[date, date] | None = None,
) -> Period:
    """The period of ``choice`` at ``now``; CUSTOM takes ``days`` (first and last, both included)."""
    if choice is PeriodChoice.SHIFT:
        return shift_of(now, zone, shifts)
    if choice is PeriodChoice.TODAY:
        return Period.day_of(now, zone)
    if choice is PeriodChoice.MONTH:
        return Period.month_of(now, zone)
    if choice is PeriodChoice.PREVIOUS_MONTH:
        first = datetime.fromtimestamp(now, zone).date().replace(day=1)
        before = first - timedelta(days=1)
        return Period.month(before.year, before.month, zone)
    if days is None:
        raise ValueError("a custom period needs its first and last day")
    first, last = sorted(days)
    return Period(Period.day(first, zone).start, Period.day(last, zone).end)
