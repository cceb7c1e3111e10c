"""The site's working calendar file (工作日历): working hours, weekend, local holidays and 调休.

National public holidays come from a maintained library (``app.adapters.holidays``); this file
says how the city differs: its hours, its weekend, holidays of its own, days it works. Problems are
reported like the site file's, with file, line and field (:class:`ConfigError`).

The file's days, in the order they win:
``extra_holidays`` and ``extra_working_days`` (never both for one day) over the library's days;
``removed_holidays`` are library holidays this city does not take: they become ordinary days
(a working day Monday to Friday; a weekend day stays off unless listed in ``extra_working_days``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from yaml.nodes import MappingNode, Node

from camera_config import yaml_nodes
from camera_config.explain import explain
from camera_config.issues import ConfigError, ConfigIssue, format_path
from camera_config.loader import known_timezone, read_site_file
from camera_config.model_base import Model
from camera_config.models import TIMEZONE_PATTERN
from camera_config.rules import RuleViolation, SiteRuleError

__all__ = ["WEEKDAYS", "CalendarSettings", "load_calendar_file", "parse_calendar_text"]


class Text:
    """Every message of this module, in one place for translation."""

    EMPTY = "the file is empty; a calendar file needs at least `working_hours:` (see the shipped example)"
    NOT_MAPPING = "the top level must be a mapping with keys such as working_hours, weekend; got {what}"
    BAD_RANGE = "must be HH:MM-HH:MM, e.g. 08:30-12:00"
    BAD_TIME = "holds a time that does not exist (hours 00-24, minutes 00-59)"
    BACKWARDS = "ends before it starts; working hours stay within one day (24:00 is the latest end)"
    NO_HOURS = "needs at least one range of working hours, e.g. 08:30-12:00"
    OVERLAP = "overlaps working_hours[{other}] ({text})"
    BAD_DATE = "must be a date written YYYY-MM-DD, e.g. 2026-10-08"
    BOTH = "{day} is also listed under {other}; a day is either a holiday or a working day"
    ALL_WEEK = "every day of the week is a weekend day; at least one day must be a working day"
    UNKNOWN_TIMEZONE = (
        "unknown time zone {name!r}; use a name of the IANA time zone database, e.g. Asia/Shanghai"
    )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def range_minutes(text: str) -> tuple[int, int]:
    """``"08:30-12:00"`` -> ``(510, 720)``, minutes after midnight; ValueError with the rule broken."""
    match = _RANGE.match(text.strip())
    if match is None:
        raise ValueError(Text.BAD_RANGE)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    for hours, minutes in ((h1, m1), (h2, m2)):
        if minutes > 59 or hours > 24 or (hours == 24 and minutes):
            raise ValueError(Text.BAD_TIME)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise ValueError(Text.BACKWARDS)
    return start, end


def _check_range(text: str) -> str:
    range_minutes(text)
    return text


def _plain_date(value: Any) -> Any:
    """Dates only: YAML's own dates or quoted YYYY-MM-DD text (pydantic would take 20261008 as a
    Unix time, and a date with a time of day is not a day)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(Text.BAD_DATE)


WorkingRange = Annotated[str, AfterValidator(_check_range)]
Day = Annotated[date, BeforeValidator(_plain_date)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class CalendarSettings(Model):
    """A working calendar file as written. All fields are optional; the defaults are China's."""

    time_zone: Annotated[str, Field(pattern=TIMEZONE_PATTERN, max_length=64)] | None = None  # site's
    working_hours: tuple[WorkingRange, ...] = ("08:30-12:00", "14:00-17:30")
    weekend: tuple[Weekday, ...] = ("saturday", "sunday")
    use_national_holidays: bool = True
    extra_holidays: tuple[Day, ...] = ()
    extra_working_days: tuple[Day, ...] = ()
    removed_holidays: tuple[Day, ...] = ()
    # Years whose holidays this file lists in full (a year the library does not know yet).
    known_years: tuple[Year, ...] = ()

    # Field validators, not one model validator: each runs even when another field is wrong, so
    # every problem of the file is reported in one pass.
    @field_validator("working_hours")
    @classmethod
    def _no_overlaps(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise SiteRuleError([RuleViolation((), Text.NO_HOURS)])
        violations: list[RuleViolation] = []
        ranges = [range_minutes(text) for text in value]
        for index, (start, end) in enumerate(ranges):
            for other, (o_start, o_end) in enumerate(ranges[:index]):
                if start < o_end and o_start < end:
                    message = Text.OVERLAP.format(other=other, text=value[other])
                    violations.append(RuleViolation((index,), message))
                    break
        if violations:
            raise SiteRuleError(violations)
        return value

    @field_validator("weekend")
    @classmethod
    def _some_day_works(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) >= len(WEEKDAYS):
            raise ValueError(Text.ALL_WEEK)
        return value

    @field_validator("extra_working_days", "removed_holidays")
    @classmethod
    def _not_also_a_holiday(cls, value: tuple[date, ...], info: ValidationInfo) -> tuple[date, ...]:
        holidays = set(info.data.get("extra_holidays", ()))
        violations = [
            RuleViolation((index,), Text.BOTH.format(day=day.isoformat(), other="extra_holidays"))
            for index, day in enumerate(value)
            if day in holidays
        ]
        if violations:
            raise SiteRuleError(violations)
        return value

    def intervals(self) -> tuple[tuple[int, int], ...]:
        """Working hours as (start, end) minutes after midnight, in the order written."""
        return tuple(range_minutes(text) for text in self.working_hours)

    def weekend_numbers(self) -> frozenset[int]:
        """The weekend as ``date.weekday()`` numbers (0 = Monday)."""
        return frozenset(WEEKDAYS.index(day) for day in self.weekend)


def load_calendar_file(path: Path) -> CalendarSettings:
    """Read and validate a calendar file; :class:`ConfigError` lists every problem."""
    path = Path(path)
    _, text = read_site_file(path)
    return parse_calendar_text(text, path)


def parse_calendar_text(text: str, path: Path) -> CalendarSettings:
    """Validate ``text`` as the content of ``path``; :class:`ConfigError` names file, line, field."""
    try:
        root, data = yaml_nodes.parse(text)
    except yaml_nodes.YamlSyntaxError as exc:
        raise ConfigError([_issue(path, exc.problem)]) from None
    if root is None:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.EMPTY)])
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        mark = yaml_nodes.mark_of(root)
        message = Text.NOT_MAPPING.format(what=yaml_nodes.describe(root))
        raise ConfigError([ConfigIssue(path, mark.line, mark.column, "", message)])
    issues = [_issue(path, p) for p in yaml_nodes.duplicate_keys(root)]
    issues.extend(_timezone_issues(path, root, data))
    try:
        settings = CalendarSettings.model_validate(data)
    except ValidationError as exc:
        for problem in explain(exc, CalendarSettings):
            mark, _ = yaml_nodes.locate(root, problem.loc, at_parent=problem.at_parent)
            where = format_path(problem.loc)
            issues.append(ConfigIssue(path, mark.line, mark.column, where, problem.message))
        raise ConfigError(issues) from None
    if issues:
        raise ConfigError(issues)
    return settings


def _issue(path: Path, problem: yaml_nodes.YamlProblem) -> ConfigIssue:
    mark = problem.mark
    line, column = (mark.line, mark.column) if mark else (None, None)
    return ConfigIssue(path, line, column, problem.path, problem.message)


def _timezone_issues(path: Path, root: Node, data: Mapping[str, Any]) -> list[ConfigIssue]:
    """An unknown zone passes the model (which does no I/O) and would fail when the calendar is built."""
    name = data.get("time_zone")
    if not isinstance(name, str) or not re.match(TIMEZONE_PATTERN, name) or known_timezone(name):
        return []
    mark, _ = yaml_nodes.locate(root, ("time_zone",), at_parent=False)
    return [ConfigIssue(path, mark.line, mark.column, "time_zone", Text.UNKNOWN_TIMEZONE.format(name=name))]
