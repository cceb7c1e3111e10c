"""督办 on the site's working calendar: a case's colour and the time it has left, measured like its
limit — working time for 工作时 and 工作日, clock time for 紧急工作时 (app.core.supervision). A case
dispatched on a Friday evening is not "due soon" over the weekend when Monday's hours are enough.

Without a calendar (tests, a site without one configured) the clock rule of
:func:`~app.ui.cases.words.supervision` applies: nights and weekends count as time too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.core.cases import CLOCK_STATES, Case, CaseState
from app.core.supervision import Supervision as Level
from app.core.supervision import supervision_level
from app.core.time_limits import HOUR_SECONDS, DeadlineUnit
from app.core.work_calendar import WorkCalendar
from app.ui.cases.words import DUE_SOON_SHARE, Supervision, supervision, time_left_words

translate = QCoreApplication.translate
log = logging.getLogger(__name__)
LEVELS = {
    Level.NORMAL: Supervision.NORMAL,
    Level.DUE_SOON: Supervision.DUE_SOON,
    Level.OVERDUE: Supervision.OVERDUE,
}


@dataclass(frozen=True)
class Supervisor:
    calendar: Callable[[], WorkCalendar] | None = None
    due_soon_share: float = DUE_SOON_SHARE

    def level(self, case: Case, now: float) -> Supervision:
        if case.overdue(now):
            return Supervision.OVERDUE
        if case.state not in CLOCK_STATES or case.due_at is None or case.state is CaseState.HANDLED:
            return Supervision.NONE
        calendar = self._calendar_for(case)
        if calendar is None or case.time_limit is None:
            return supervision(case, now, self.due_soon_share)
        start = case.dispatched_at if case.dispatched_at is not None else case.due_at
        level = supervision_level(now, start, case.due_at, calendar, case.time_limit, self.due_soon_share)
        return LEVELS[level]

    def left_words(self, case: Case, now: float) -> str:
        """剩余 2.5 工作时 / 超期 1.5 工作时 for working-time limits; clock time otherwise."""
        calendar = self._calendar_for(case)
        limit = case.time_limit
        if (
            calendar is None
            or limit is None
            or limit.unit is DeadlineUnit.URGENT_HOURS
            or case.due_at is None
            or case.state not in CLOCK_STATES
            or case.state is CaseState.DEFERRED
            or (case.state is CaseState.HANDLED and not case.overdue(now))
        ):
            return time_left_words(case, now)
        if case.overdue(now):
            late_at = case.handled_at if case.state is CaseState.HANDLED and case.handled_at else now
            late = calendar.working_seconds_between(case.due_at, late_at)
            return translate("Cases", "overdue by {0}").format(self._amount(calendar, limit.unit, late))
        left = self._amount(calendar, limit.unit, calendar.working_seconds_between(now, case.due_at))
        return translate("Cases", "{0} left").format(left)

    def _calendar_for(self, case: Case) -> WorkCalendar | None:
        if self.calendar is None or case.time_limit is None:
            return None
        try:
            return self.calendar()
        except Exception:  # a list cell must never raise into Qt: the clock rule then, and a log line
            log.exception("the working calendar could not be read; supervision on the clock")
            return None

    @staticmethod
    def _amount(calendar: WorkCalendar, unit: DeadlineUnit, seconds: float) -> str:
        if unit is DeadlineUnit.WORK_DAYS:
            return translate("Cases", "{0:g} working days").format(
                _tenths(seconds / calendar.working_seconds_per_day)
            )
        return translate("Cases", "{0:g} working hours").format(_tenths(seconds / HOUR_SECONDS))


def _tenths(value: float) -> float:
    """2.5, 3, 0.1 (a little time left is never shown as none)."""
    rounded = round(max(value, 0.0), 1)
    return 0.1 if rounded == 0 and value > 0 else rounded
