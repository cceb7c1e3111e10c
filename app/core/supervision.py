"""Supervision colours (督办) of a dispatched case: normal, due soon, overdue (stdlib only).

Due soon means that what is left, measured like the limit (working time for 工作时 and 工作日,
clock time for 紧急工作时), is at most a share of the limit: with the default quarter, a
4 工作时 case turns due soon with 1 working hour left, a 2 工作日 case with half a working day
left, a 2 紧急工作时 case 30 minutes before it is due. Paused (缓办) cases are the caller's
business: it moves the due time (:meth:`WorkCalendar.resume`) and does not ask while paused.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.time_limits import HOUR_SECONDS, DeadlineUnit, TimeLimit
from app.core.work_calendar import WorkCalendar


class Supervision(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def supervision_level(
    now: float,
    dispatched_at: float,
    due_at: float,
    calendar: WorkCalendar,
    limit: TimeLimit,
    due_soon_share: float = 0.25,
) -> Supervision:
    """The case's colour at ``now``. The share is of the limit, or of the time actually granted
    between dispatch and the due time when that is shorter (a due time set by hand)."""
    if not 0 <= due_soon_share < 1:
        raise ValueError(f"due_soon_share is a share of the limit, from 0 to below 1 (got {due_soon_share})")
    if now > due_at:
        return Supervision.OVERDUE
    if limit.unit is DeadlineUnit.URGENT_HOURS:
        left = due_at - now
        granted = due_at - dispatched_at
        nominal = limit.amount * HOUR_SECONDS
    else:
        left = calendar.working_seconds_between(now, due_at)
        granted = calendar.working_seconds_between(dispatched_at, due_at)
        per_unit = HOUR_SECONDS if limit.unit is DeadlineUnit.WORK_HOURS else calendar.working_seconds_per_day
        nominal = limit.amount * per_unit
    base = min(nominal, granted) if granted > 0 else nominal
    return Supervision.DUE_SOON if left <= due_soon_share * base else Supervision.NORMAL
