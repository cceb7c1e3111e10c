"""China's public holidays and make-up working days (调休) from the ``chinesecalendar`` package,
and the site's working calendar built from them and the calendar file.

The package ships its data (no network); it knows the years up to its release, announced each
December by the State Council. :attr:`NationalHolidays.years` says which: deadlines in a later
year count weekends only until the package is updated or the calendar file lists that year.
"""

from __future__ import annotations

import logging
from datetime import date

from app.core.work_calendar import NationalHolidays, WorkCalendar, WorkingInterval
from camera_config.calendar_file import CalendarSettings

log = logging.getLogger(__name__)

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def national_holidays() -> NationalHolidays | None:
    """The package's holidays and make-up days; None (said in the log) when it cannot be loaded."""
    try:
        import chinese_calendar
    except Exception as exc:  # a broken install must not stop the app: cases then count weekends only
        log.error("public holidays unavailable: the chinesecalendar package cannot be loaded (%s)", exc)
        return None
    holidays = frozenset(chinese_calendar.holidays)
    make_up = frozenset(chinese_calendar.workdays)
    years = frozenset(range(min(holidays).year, max(holidays).year + 1))
    return NationalHolidays(holidays, make_up, years, f"chinesecalendar {chinese_calendar.__version__}")


def calendar_from_settings(
    settings: CalendarSettings, national: NationalHolidays | None, *, site_time_zone: str = DEFAULT_TIME_ZONE
) -> WorkCalendar:
    """The site's calendar: the national days (when used and available) changed by the file.

    Covered years: the national data's (when used) and the file's ``known_years``. A file that
    does not use national holidays and names no years claims every year (it has no year data).
    """
    holidays: set[date] = set()
    make_up: set[date] = set()
    years: set[int] = set(settings.known_years)
    if settings.use_national_holidays and national is not None:
        holidays = set(national.holidays)
        make_up = set(national.make_up_days)
        years |= national.years
    holidays -= set(settings.removed_holidays)
    holidays -= set(settings.extra_working_days)
    make_up -= set(settings.extra_holidays)
    holidays |= set(settings.extra_holidays)
    make_up |= set(settings.extra_working_days)
    claims_all = not settings.use_national_holidays and not settings.known_years
    return WorkCalendar(
        time_zone=settings.time_zone or site_time_zone,
        working_hours=tuple(WorkingInterval(start, end) for start, end in settings.intervals()),
        weekend=settings.weekend_numbers(),
        holidays=frozenset(holidays),
        make_up_days=frozenset(make_up),
        covered_years=None if claims_all else frozenset(years),
    )
