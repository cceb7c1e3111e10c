"""Deadline arithmetic (处理时限) on the working calendar, with China's real 2026 holidays.

2026 as chinesecalendar 1.11 has it (checked in ``test_the_2026_days_these_tests_rely_on``):
中秋 Fri 09-25 off; 国庆 Thu 10-01 to Wed 10-07 off; 调休 make-up days Sun 09-20 and Sat 10-10.
Working hours are the default 08:30-12:00 and 14:00-17:30 (7 h a day).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.adapters.holidays import national_holidays
from app.core.supervision import Supervision, supervision_level
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.core.work_calendar import NationalHolidays, WorkCalendar, WorkingInterval

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
WH = DeadlineUnit.WORK_HOURS
UH = DeadlineUnit.URGENT_HOURS
WD = DeadlineUnit.WORK_DAYS
HOUR = 3600.0


def at(text: str, zone: ZoneInfo = SHANGHAI) -> float:
    """``"2026-03-06 17:00"`` on the site's wall clock, as epoch seconds."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).timestamp()


def wall(epoch: float, zone: ZoneInfo = SHANGHAI) -> str:
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def national() -> NationalHolidays:
    data = national_holidays()
    assert data is not None, "the chinesecalendar package is a dependency"
    return data


@pytest.fixture(scope="module")
def china(national: NationalHolidays) -> WorkCalendar:
    return WorkCalendar(
        holidays=national.holidays, make_up_days=national.make_up_days, covered_years=national.years
    )


def test_the_2026_days_these_tests_rely_on(national: NationalHolidays) -> None:
    assert 2026 in national.years
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= national.make_up_days
    national_day = {date(2026, 10, d) for d in range(1, 8)}
    assert date(2026, 9, 25) in national.holidays and national_day <= national.holidays
    assert date(2026, 10, 8) not in national.holidays and date(2026, 10, 9) not in national.holidays
    assert national.source.startswith("chinesecalendar ")


@pytest.mark.parametrize(
    ("day", "works"),
    [
        ("2026-03-06", True),  # a Friday
        ("2026-03-07", False),  # Saturday
        ("2026-09-20", True),  # Sunday, 调休 make-up day
        ("2026-09-25", False),  # Friday, 中秋
        ("2026-10-01", False),  # 国庆
        ("2026-10-03", False),  # Saturday inside 国庆
        ("2026-10-07", False),  # Wednesday, last day of 国庆
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, 调休 make-up day
        ("2026-10-11", False),  # an ordinary Sunday
    ],
)
def test_working_days_follow_weekends_holidays_and_make_up_days(
    china: WorkCalendar, day: str, works: bool
) -> None:
    assert china.is_working_day(date.fromisoformat(day)) is works


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # 工作时: across the night, the lunch break, a weekend
        ("2026-03-06 17:00", TimeLimit(4, WH), "2026-03-09 12:00"),  # Fri 0.5 h + Mon 3.5 h
        ("2026-03-10 16:00", TimeLimit(4, WH), "2026-03-11 11:00"),  # Tue 1.5 h + Wed 2.5 h
        ("2026-03-10 11:00", TimeLimit(2, WH), "2026-03-10 15:00"),  # 1 h, lunch, 1 h
        ("2026-03-10 14:00", TimeLimit(3.5, WH), "2026-03-10 17:30"),  # used up at the close: due then
        ("2026-03-10 09:00", TimeLimit(0.25, WH), "2026-03-10 09:15"),
        ("2026-03-10 08:30", TimeLimit(14, WH), "2026-03-11 17:30"),  # two whole days
        # 工作时 started outside working hours: the clock starts with the next interval
        ("2026-03-10 07:00", TimeLimit(1, WH), "2026-03-10 09:30"),
        ("2026-03-10 12:30", TimeLimit(1, WH), "2026-03-10 15:00"),
        ("2026-03-10 20:00", TimeLimit(1, WH), "2026-03-11 09:30"),
        ("2026-03-07 10:00", TimeLimit(1, WH), "2026-03-09 09:30"),  # a Saturday
        # 工作时 across holidays and 调休
        ("2026-09-24 17:00", TimeLimit(4, WH), "2026-09-28 12:00"),  # 中秋 Friday and the weekend off
        ("2026-09-30 16:00", TimeLimit(4, WH), "2026-10-08 11:00"),  # the whole 国庆 week off
        ("2026-10-09 17:00", TimeLimit(4, WH), "2026-10-10 12:00"),  # make-up Saturday works
        ("2026-09-19 10:00", TimeLimit(1, WH), "2026-09-20 09:30"),  # Saturday -> make-up Sunday
        ("2026-10-03 10:00", TimeLimit(1, WH), "2026-10-08 09:30"),  # started on a holiday
        ("2026-10-05 09:00", TimeLimit(1, WH), "2026-10-08 09:30"),  # a Monday holiday
        # 紧急工作时: around the clock, holidays included
        ("2026-09-30 16:00", TimeLimit(2, UH), "2026-09-30 18:00"),
        ("2026-10-01 10:00", TimeLimit(24, UH), "2026-10-02 10:00"),
        ("2026-10-03 23:30", TimeLimit(1, UH), "2026-10-04 00:30"),
        # 工作日: the end of the Nth working day after the day of dispatch
        ("2026-03-06 09:00", TimeLimit(1, WD), "2026-03-09 17:30"),  # Friday morning
        ("2026-03-06 23:00", TimeLimit(1, WD), "2026-03-09 17:30"),  # Friday night: same
        ("2026-03-07 10:00", TimeLimit(1, WD), "2026-03-09 17:30"),  # Saturday
        ("2026-03-09 07:00", TimeLimit(2, WD), "2026-03-11 17:30"),  # before Monday's work
        ("2026-09-30 10:00", TimeLimit(1, WD), "2026-10-08 17:30"),  # over 国庆
        ("2026-09-30 10:00", TimeLimit(3, WD), "2026-10-10 17:30"),  # the make-up Saturday counts
        ("2026-10-03 10:00", TimeLimit(1, WD), "2026-10-08 17:30"),  # started on a holiday
        ("2026-09-24 10:00", TimeLimit(1, WD), "2026-09-28 17:30"),  # 中秋 Friday skipped
    ],
)
def test_deadlines(china: WorkCalendar, start: str, limit: TimeLimit, due: str) -> None:
    assert wall(china.deadline(at(start), limit)) == due


def test_working_hours_are_configurable() -> None:
    # A 24-hour control room that still rests on weekends: one interval 00:00-24:00.
    round_the_clock = WorkCalendar(working_hours=(WorkingInterval(0, 24 * 60),))
    assert wall(round_the_clock.deadline(at("2026-03-06 20:00"), TimeLimit(4, WH))) == "2026-03-07 00:00"
    assert wall(round_the_clock.deadline(at("2026-03-06 20:00"), TimeLimit(5, WH))) == "2026-03-09 01:00"
    # Summer hours with a longer lunch, and a six-day week (only Sunday off).
    summer = WorkCalendar(
        working_hours=(WorkingInterval(8 * 60, 12 * 60), WorkingInterval(15 * 60, 18 * 60)),
        weekend=frozenset({6}),
    )
    assert wall(summer.deadline(at("2026-03-06 17:00"), TimeLimit(4, WH))) == "2026-03-07 11:00"
    assert wall(summer.deadline(at("2026-03-07 10:00"), TimeLimit(1, WD))) == "2026-03-09 18:00"


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # Summer time starts on Sunday 2026-03-29 (02:00 -> 03:00): Monday 08:30 is still 08:30.
        ("2026-03-27 17:00", TimeLimit(4, WH), "2026-03-30 12:00"),
        ("2026-03-27 10:00", TimeLimit(1, WD), "2026-03-30 17:30"),
        # Summer time ends on Sunday 2026-10-25 (03:00 -> 02:00).
        ("2026-10-23 17:00", TimeLimit(4, WH), "2026-10-26 12:00"),
        # Urgent hours are elapsed time: 24 h over the short night end an hour later on the wall.
        ("2026-03-28 10:00", TimeLimit(24, UH), "2026-03-29 11:00"),
        ("2026-10-24 10:00", TimeLimit(24, UH), "2026-10-25 09:00"),
    ],
)
def test_deadlines_are_on_local_wall_time_across_daylight_saving(
    start: str, limit: TimeLimit, due: str
) -> None:
    berlin = WorkCalendar(time_zone="Europe/Berlin")
    assert wall(berlin.deadline(at(start, BERLIN), limit), BERLIN) == due


def test_working_time_across_daylight_saving_is_real_time() -> None:
    berlin = WorkCalendar(time_zone="Europe/Berlin")
    start, due = at("2026-03-27 17:00", BERLIN), at("2026-03-30 12:00", BERLIN)
    assert due - start == (67 - 1) * HOUR  # the wall says 67 h; an hour of the night was skipped
    assert berlin.working_seconds_between(start, due) == 4 * HOUR


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        ("2026-03-10 08:00", "2026-03-10 18:00", 7),
        ("2026-03-10 11:00", "2026-03-10 14:30", 1.5),  # lunch does not count
        ("2026-03-10 12:10", "2026-03-10 13:50", 0),
        ("2026-03-06 17:00", "2026-03-09 12:00", 4),  # over a weekend
        ("2026-09-30 00:00", "2026-10-09 00:00", 14),  # 09-30 and 10-08 only
        ("2026-10-09 12:00", "2026-10-11 00:00", 3.5 + 7),  # Friday afternoon + make-up Saturday
        ("2026-03-09 12:00", "2026-03-06 17:00", -4),  # reversed: time overdue
    ],
)
def test_working_seconds_between(china: WorkCalendar, a: str, b: str, hours: float) -> None:
    assert china.working_seconds_between(at(a), at(b)) == hours * HOUR


@pytest.mark.parametrize("start", ["2026-09-29 16:45", "2026-10-02 03:00", "2026-10-09 12:01"])
@pytest.mark.parametrize("hours", [0.5, 1, 3.5, 7, 10, 21])
def test_a_work_hour_deadline_leaves_exactly_the_limit_of_working_time(
    china: WorkCalendar, start: str, hours: float
) -> None:
    due = china.deadline(at(start), TimeLimit(hours, WH))
    assert china.working_seconds_between(at(start), due) == pytest.approx(hours * HOUR)


def test_extension_runs_on_from_the_current_due_time(china: WorkCalendar) -> None:
    due = china.deadline(at("2026-03-06 17:00"), TimeLimit(4, WH))  # Monday 12:00
    assert wall(china.extend(due, TimeLimit(2, WH))) == "2026-03-09 16:00"  # lunch skipped
    assert wall(china.extend(at("2026-09-30 17:30"), TimeLimit(1, WD))) == "2026-10-08 17:30"
    assert wall(china.extend(at("2026-10-08 17:30"), TimeLimit(1, WD))) == "2026-10-09 17:30"
    assert wall(china.extend(at("2026-09-30 17:00"), TimeLimit(8, UH))) == "2026-10-01 01:00"


def test_a_pause_keeps_what_was_left(china: WorkCalendar) -> None:
    # Due Tue 15:00, paused Tue 11:00 with 2 working hours left, resumed Thu 17:00.
    due = at("2026-03-10 15:00")
    resumed = china.resume(due, at("2026-03-10 11:00"), at("2026-03-12 17:00"), WH)
    assert wall(resumed) == "2026-03-13 10:00"
    # Across 国庆: paused on 09-30 at 17:00 with 1 h left of an urgent limit, resumed on 10-08.
    assert wall(china.resume(at("2026-09-30 18:00"), at("2026-09-30 17:00"), at("2026-10-08 09:00"), UH)) == (
        "2026-10-08 10:00"
    )
    # Paused when already overdue: the due time does not move.
    assert china.resume(due, at("2026-03-10 16:00"), at("2026-03-12 09:00"), WH) == due


def test_years_the_holiday_data_does_not_know(china: WorkCalendar) -> None:
    assert not china.unknown_year(date(2026, 12, 31))
    assert china.unknown_year(date(2099, 1, 1))
    assert china.unknown_years_between(at("2026-12-30 10:00"), at("2026-12-31 10:00")) == []
    newest = max(china.covered_years or {2026})
    span = (at(f"{newest}-12-30 10:00"), at(f"{newest + 1}-01-05 10:00"))
    assert china.unknown_years_between(*span) == [newest + 1]
    # A calendar without holiday data makes no claim about years.
    assert not WorkCalendar().unknown_year(date(2099, 1, 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"working_hours": ()}, "at least one interval"),
        (
            {"working_hours": (WorkingInterval(510, 720), WorkingInterval(700, 800))},
            "08:30-12:00 and 11:40-13:20 overlap",
        ),
        ({"weekend": frozenset(range(7))}, "at least one day must work"),
        ({"holidays": frozenset({date(2026, 1, 5)}), "make_up_days": frozenset({date(2026, 1, 5)})}, "both"),
    ],
)
def test_an_inconsistent_calendar_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar(**kwargs)  # type: ignore[arg-type]


def test_bad_limits_and_intervals_are_refused() -> None:
    with pytest.raises(ValueError, match="whole days"):
        TimeLimit(0.5, WD)
    with pytest.raises(ValueError, match="forwards"):
        WorkingInterval(720, 510)
    with pytest.raises(ValueError, match="forwards"):
        WorkingInterval(0, 24 * 60 + 1)


def test_a_calendar_where_nobody_ever_works_does_not_hang() -> None:
    weekend_only = WorkCalendar(
        holidays=frozenset(date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(800))
    )
    with pytest.raises(ValueError, match="no working day"):
        weekend_only.deadline(at("2026-01-01 09:00"), TimeLimit(1, WH))


# --- supervision colours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dispatched", "limit", "now", "level"),
    [
        # 4 工作时 dispatched Tue 09:00 -> due Tue 15:00; due soon with 1 working hour left.
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 11:00", Supervision.NORMAL),
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 11:59", Supervision.NORMAL),
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 12:30", Supervision.DUE_SOON),  # lunch
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 14:00", Supervision.DUE_SOON),
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 15:00", Supervision.DUE_SOON),
        ("2026-03-10 09:00", TimeLimit(4, WH), "2026-03-10 15:01", Supervision.OVERDUE),
        # 4 工作时 from Thursday 09-24 17:00 -> due Monday 09-28 12:00, over 中秋 and a weekend.
        ("2026-09-24 17:00", TimeLimit(4, WH), "2026-09-26 10:00", Supervision.NORMAL),
        ("2026-09-24 17:00", TimeLimit(4, WH), "2026-09-28 11:00", Supervision.DUE_SOON),
        # 2 紧急工作时 at 10:00 -> due 12:00; due soon for the last 30 minutes, holiday or not.
        ("2026-10-02 10:00", TimeLimit(2, UH), "2026-10-02 11:29", Supervision.NORMAL),
        ("2026-10-02 10:00", TimeLimit(2, UH), "2026-10-02 11:30", Supervision.DUE_SOON),
        ("2026-10-02 10:00", TimeLimit(2, UH), "2026-10-02 12:01", Supervision.OVERDUE),
        # 2 工作日 from Fri 03-06 -> due Tue 03-10 17:30; due soon with half a day (3.5 h) left.
        ("2026-03-06 10:00", TimeLimit(2, WD), "2026-03-07 12:00", Supervision.NORMAL),
        ("2026-03-06 10:00", TimeLimit(2, WD), "2026-03-10 11:59", Supervision.NORMAL),
        ("2026-03-06 10:00", TimeLimit(2, WD), "2026-03-10 14:00", Supervision.DUE_SOON),
        ("2026-03-06 10:00", TimeLimit(2, WD), "2026-03-11 08:00", Supervision.OVERDUE),
    ],
)
def test_supervision_levels(
    china: WorkCalendar, dispatched: str, limit: TimeLimit, now: str, level: Supervision
) -> None:
    due = china.deadline(at(dispatched), limit)
    assert supervision_level(at(now), at(dispatched), due, china, limit) is level


def test_a_due_time_set_by_hand_shorter_than_the_limit_scales_due_soon(china: WorkCalendar) -> None:
    dispatched, due, limit = at("2026-03-10 09:00"), at("2026-03-10 10:00"), TimeLimit(4, WH)
    assert supervision_level(at("2026-03-10 09:40"), dispatched, due, china, limit) is Supervision.NORMAL
    assert supervision_level(at("2026-03-10 09:45"), dispatched, due, china, limit) is Supervision.DUE_SOON


def test_the_due_soon_share_is_configurable(china: WorkCalendar) -> None:
    dispatched, limit = at("2026-03-10 09:00"), TimeLimit(4, WH)
    due = china.deadline(dispatched, limit)
    now = at("2026-03-10 11:00")  # 2 of 4 working hours left
    assert supervision_level(now, dispatched, due, china, limit, due_soon_share=0.5) is Supervision.DUE_SOON
    assert supervision_level(now, dispatched, due, china, limit, due_soon_share=0.0) is Supervision.NORMAL
    with pytest.raises(ValueError, match="share"):
        supervision_level(now, dispatched, due, china, limit, due_soon_share=1.5)
