"""The site's calendar file: the shipped default, overrides of the national days, and errors that
name file, line and field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.adapters.holidays import calendar_from_settings, national_holidays
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.core.work_calendar import NationalHolidays, WorkingInterval
from camera_config.calendar_file import CalendarSettings, load_calendar_file, parse_calendar_text
from camera_config.issues import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "cases" / "calendar.yaml"
FILE = Path("calendar.yaml")


@pytest.fixture(scope="module")
def national() -> NationalHolidays:
    data = national_holidays()
    assert data is not None
    return data


def parse(text: str) -> CalendarSettings:
    return parse_calendar_text(text, FILE)


def test_the_shipped_file_is_china_s_default_calendar(national: NationalHolidays) -> None:
    settings = load_calendar_file(SHIPPED)
    assert settings == CalendarSettings()
    calendar = calendar_from_settings(settings, national, site_time_zone="Asia/Shanghai")
    assert calendar.working_hours == (WorkingInterval(510, 720), WorkingInterval(840, 1050))
    assert calendar.weekend == frozenset({5, 6})
    assert calendar.is_working_day(date(2026, 10, 10))  # 调休 Saturday
    assert not calendar.is_working_day(date(2026, 10, 5))  # 国庆
    assert calendar.covered_years == national.years
    text = SHIPPED.read_text(encoding="utf-8")
    assert "请按本市规定核对" in text and "verify locally" in text


def test_the_file_changes_the_national_days(national: NationalHolidays) -> None:
    settings = parse(
        """
extra_holidays: [2026-10-10, "2026-03-09"]   # the make-up Saturday is off here; a local day off
extra_working_days: [2026-10-07]              # a national holiday this city works
removed_holidays: [2026-10-06, 2026-10-03]    # a Tuesday and a Saturday the library calls holidays
known_years: [2027]
"""
    )
    calendar = calendar_from_settings(settings, national)
    works = {d: calendar.is_working_day(date.fromisoformat(d)) for d in (
        "2026-10-10", "2026-03-09", "2026-10-07", "2026-10-06", "2026-10-03", "2026-10-05", "2026-09-20"
    )}  # fmt: skip
    assert works == {
        "2026-10-10": False,
        "2026-03-09": False,
        "2026-10-07": True,
        "2026-10-06": True,
        "2026-10-03": False,  # a weekend day stays off unless listed as an extra working day
        "2026-10-05": False,
        "2026-09-20": True,
    }
    assert calendar.covered_years == national.years | {2027}


def test_without_national_holidays_only_the_file_counts(national: NationalHolidays) -> None:
    calendar = calendar_from_settings(parse("use_national_holidays: false\n"), national)
    assert calendar.is_working_day(date(2026, 10, 1))  # an ordinary Thursday here
    assert not calendar.is_working_day(date(2026, 10, 10))  # an ordinary Saturday
    assert calendar.covered_years is None and not calendar.unknown_year(date(2099, 1, 1))
    listed = calendar_from_settings(parse("use_national_holidays: false\nknown_years: [2026]\n"), national)
    assert listed.unknown_year(date(2027, 1, 1)) and not listed.unknown_year(date(2026, 1, 1))


def test_without_the_library_every_year_is_unknown() -> None:
    calendar = calendar_from_settings(CalendarSettings(), None)
    assert calendar.unknown_year(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 1))  # weekends only: the app must warn


def test_hours_weekend_and_time_zone(national: NationalHolidays) -> None:
    settings = parse(
        """
time_zone: Asia/Urumqi
working_hours: ["10:00-14:00", "16:00-20:00"]   # local hours in Xinjiang
weekend: [sunday]
"""
    )
    calendar = calendar_from_settings(settings, national, site_time_zone="Asia/Shanghai")
    assert calendar.time_zone == "Asia/Urumqi"
    zone = ZoneInfo("Asia/Urumqi")
    start = datetime(2026, 3, 6, 19, 0, tzinfo=zone).timestamp()  # Friday 19:00 Urumqi time
    due = calendar.deadline(start, TimeLimit(2, DeadlineUnit.WORK_HOURS))
    assert datetime.fromtimestamp(due, zone) == datetime(2026, 3, 7, 11, 0, tzinfo=zone)  # Saturday works
    default_zone = calendar_from_settings(CalendarSettings(), national, site_time_zone="Europe/Berlin")
    assert default_zone.time_zone == "Europe/Berlin"


BAD_FILES = [
    # (text, line, field, part of the message)
    ('working_hours:\n  - "08:30-12:00"\n  - "8:30-12"\n', 3, "working_hours[1]", "HH:MM-HH:MM"),
    ('working_hours: ["25:00-26:00"]\n', 1, "working_hours[0]", "does not exist"),
    ('working_hours: ["08:60-12:00"]\n', 1, "working_hours[0]", "does not exist"),
    ('working_hours:\n  - "17:30-14:00"\n', 2, "working_hours[0]", "ends before it starts"),
    (
        'working_hours:\n  - "08:30-12:00"\n  - "11:00-13:00"\n',
        3,
        "working_hours[1]",
        "overlaps working_hours[0]",
    ),
    ("working_hours: []\n", 1, "working_hours", "at least one range"),
    ("working_hours: 08:30-12:00\n", 1, "working_hours", "expected a list"),
    (
        "extra_holidays:\n  - 2026-10-08\nextra_working_days:\n  - 2026-10-09\n  - 2026-10-08\n",
        5,
        "extra_working_days[1]",
        "2026-10-08 is also listed under extra_holidays",
    ),
    (
        "extra_holidays: [2026-10-08]\nremoved_holidays: [2026-10-08]\n",
        2,
        "removed_holidays[0]",
        "either a holiday",
    ),
    ("extra_holidays:\n  - 2026-02-30\n", 2, "extra_holidays[0]", "not a date that exists"),
    ('extra_holidays:\n  - "2026-02-30"\n', 2, "extra_holidays[0]", "YYYY-MM-DD"),
    ("extra_holidays:\n  - tomorrow\n", 2, "extra_holidays[0]", "YYYY-MM-DD"),
    ("extra_holidays:\n  - 20261008\n", 2, "extra_holidays[0]", "YYYY-MM-DD"),
    ("extra_working_days:\n  - 2026-10-10 08:30\n", 2, "extra_working_days[0]", "YYYY-MM-DD"),
    ("weekend: [saturday, sundy]\n", 1, "weekend[1]", "'sunday'"),
    (
        "weekend: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]\n",
        1,
        "weekend",
        "every day",
    ),
    ("use_national_holidays: maybe\n", 1, "use_national_holidays", "boolean"),
    ("known_years: [26]\n", 1, "known_years[0]", "greater than or equal to 1900"),
    ("time_zone: Asia/Shangai\n", 1, "time_zone", "unknown time zone 'Asia/Shangai'"),
    ("time_zone: 'Shanghai time'\n", 1, "time_zone", "time zone name such as Asia/Shanghai"),
    ("working_hour: []\n", 1, "working_hour", "unknown key 'working_hour'; allowed keys here: time_zone"),
    ("weekend: [sunday]\nweekend: [saturday]\n", 2, "weekend", "duplicate key 'weekend' (first on line 1)"),
    ("working_hours:\n\t- 08:30-12:00\n", 2, "", "tab"),
    ("- 08:30-12:00\n", 1, "", "must be a mapping"),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD_FILES)
def test_a_bad_file_names_line_and_field(text: str, line: int, field: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    issues = caught.value.issues
    assert [(i.file, i.line, i.path) for i in issues] == [(FILE, line, field)], str(caught.value)
    assert message in issues[0].message
    prefix = f"{FILE}:{line}:"
    assert str(caught.value).startswith(prefix) and (f": {field}: " in str(caught.value) or not field)


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = """working_hours:
  - "08:30-12:00"
  - "11:00-13:00"
weekend: [caturday]
extra_holidays: [tomorrow]
"""
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert [(i.line, i.path) for i in caught.value.issues] == [
        (3, "working_hours[1]"),
        (4, "weekend[0]"),
        (5, "extra_holidays[0]"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "file not found"), (b"", "the file is empty"), (b"# only a comment\n", "the file is empty")],
)
def test_a_missing_or_empty_file_is_an_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "calendar.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_calendar_file(path)
    assert caught.value.issues[0].file == path


def test_a_file_saved_in_gbk_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_bytes("use_national_holidays: true\n# 本市调休\n".encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8") as caught:
        load_calendar_file(path)
    assert caught.value.issues[0].line == 2
