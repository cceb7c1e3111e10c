"""The catalogue, dispatch table and calendar in force: a bad edit keeps the last good one and is
told (file, line, field); fixing it is told too; the dispatch table follows a catalogue change."""

from __future__ import annotations

from pathlib import Path

from app.adapters.holidays import calendar_from_settings
from app.core.system_events import SystemEvent, SystemEventKind
from app.core.work_calendar import WorkCalendar
from app.services.case_config import DEFAULT_CATALOGUE, DEFAULT_ROUTING
from app.services.case_rules import DEFAULT_CALENDAR, CaseRules
from camera_config.calendar_file import parse_calendar_text
from camera_config.case_settings import CaseSettings


def calendar(text: str, path: Path) -> WorkCalendar:
    return calendar_from_settings(parse_calendar_text(text, path), None)


def rules_in(tmp_path: Path) -> tuple[CaseRules, list[SystemEvent], Path, Path]:
    catalogue, routing = tmp_path / "catalogue.yaml", tmp_path / "routing.yaml"
    catalogue.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    routing.write_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), encoding="utf-8")
    events: list[SystemEvent] = []
    settings = CaseSettings(catalogue=catalogue, routing=routing)
    return CaseRules(settings, tmp_path / "keep", calendar, events=events.append), events, catalogue, routing


def test_the_shipped_files_are_in_force(tmp_path: Path) -> None:
    rules, events, _, _ = rules_in(tmp_path)
    assert rules.catalogue().category("0501").name.zh == "无照经营游商"
    assert rules.routing().department("huanwei") is not None
    assert isinstance(rules.calendar(), WorkCalendar) and DEFAULT_CALENDAR.is_file()
    assert events == [] and rules.problems() == []


def test_a_typo_keeps_the_last_good_table_and_says_where(tmp_path: Path) -> None:
    rules, events, _, routing = rules_in(tmp_path)
    good = [(r.category, r.grid_prefix, r.department_id) for r in rules.routing().rules]
    text = routing.read_text(encoding="utf-8").replace("department: huanwei}", "department: nobody}", 1)
    routing.write_text(text + "\n", encoding="utf-8")
    rules.refresh()
    assert [(r.category, r.grid_prefix, r.department_id) for r in rules.routing().rules] == good  # kept
    [event] = events
    assert event.kind is SystemEventKind.CASE_SETTINGS_INVALID and "routing.yaml:" in event.detail
    assert "department" in event.detail
    routing.write_text(DEFAULT_ROUTING.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    rules.refresh()
    assert events[-1].kind is SystemEventKind.CASE_SETTINGS_OK and events[-1].resolves(event)
    assert rules.problems() == []


def test_the_dispatch_table_is_read_again_after_a_catalogue_change(tmp_path: Path) -> None:
    rules, events, catalogue, _ = rules_in(tmp_path)
    text = catalogue.read_text(encoding="utf-8")
    # drop the 0303 subclass the dispatch table names: the table is now wrong, the last good one stays
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if 'code: "0303"' in line)
    catalogue.write_text("\n".join(lines[:at] + lines[at + 4 :]) + "\n", encoding="utf-8")
    rules.refresh()
    assert any(
        "routing.yaml" in e.subject and e.kind is SystemEventKind.CASE_SETTINGS_INVALID for e in events
    )


def test_a_year_without_known_holidays_is_told_once(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.core.work_calendar import NationalHolidays

    national = NationalHolidays(frozenset(), frozenset(), frozenset({2026}), "test")
    events: list[SystemEvent] = []

    def parse(text: str, path: Path) -> WorkCalendar:
        return calendar_from_settings(parse_calendar_text(text, path), national)

    rules = CaseRules(CaseSettings(), tmp_path, parse, events=events.append)
    december = datetime(2026, 12, 7, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    assert rules.check_years(december - 90 * 86400) == []
    assert rules.check_years(december) == [2027] and rules.check_years(december) == [2027]
    assert [(e.kind, e.subject) for e in events] == [(SystemEventKind.HOLIDAYS_UNKNOWN, "2027")]
