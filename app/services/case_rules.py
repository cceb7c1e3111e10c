"""The case catalogue, dispatch table and working calendar in force, read from the files people
edit while the app runs (no Qt).

Each file is kept "last good" (:mod:`app.services.settings_files`): a typo never stops the case
workflow, the last good version goes on being used, and the problems (file:line: field: why) are a
system event the operator sees until the file is fixed. The dispatch table names the catalogue's
codes, so it is read again whenever the catalogue changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.case_catalogue import Catalogue, Routing
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.core.work_calendar import WorkCalendar
from app.services.case_config import (
    DEFAULT_CATALOGUE,
    DEFAULT_ROUTING,
    catalogue_from_text,
    catalogue_path,
    routing_from_text,
    routing_path,
)
from app.services.settings_files import LastGoodFile, Loaded
from camera_config.case_settings import CaseSettings

log = logging.getLogger(__name__)

DEFAULT_CALENDAR = DEFAULT_CATALOGUE.parent / "calendar.yaml"
CalendarParse = Callable[[str, Path], WorkCalendar]
YEAR_AHEAD_S = 45 * 86400.0  # deadlines are days, extensions weeks: warn this far ahead


class CaseRules:
    def __init__(
        self,
        settings: CaseSettings,
        keep_dir: Path,
        calendar_parse: CalendarParse,
        *,
        grid_digits: int | None = None,
        events: EventSink | None = None,
    ) -> None:
        self._events = events
        self._grid_digits = grid_digits
        self._catalogue = LastGoodFile(
            catalogue_path(settings), catalogue_from_text, keep_dir,
            lambda: catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE),
            name="case-catalogue",
        )  # fmt: skip
        self._routing = LastGoodFile(
            routing_path(settings), self._parse_routing, keep_dir,
            # unchecked: when the catalogue dropped a code the shipped table names, it still loads
            lambda: routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING),
            name="case-routing",
        )  # fmt: skip
        self._calendar = LastGoodFile(
            settings.calendar or DEFAULT_CALENDAR, calendar_parse, keep_dir,
            lambda: calendar_parse(DEFAULT_CALENDAR.read_text(encoding="utf-8"), DEFAULT_CALENDAR),
            name="case-calendar",
        )  # fmt: skip
        self._bad: set[Path] = set()
        self._report(self._catalogue.path, self._catalogue.load())
        self._report(self._routing.path, self._routing.load())
        self._report(self._calendar.path, self._calendar.load())
        self._told_years: set[int] = set()

    def check_years(self, now: float, ahead_s: float = YEAR_AHEAD_S) -> list[int]:
        """Years from now to ``ahead_s`` later whose public holidays the calendar does not know:
        each told once (a deadline there counts only weekends as days off)."""
        unknown = self.calendar().unknown_years_between(now, now + ahead_s)
        for year in unknown:
            if year not in self._told_years:
                self._told_years.add(year)
                log.warning("public holidays of %d are not known: deadlines count only weekends", year)
                if self._events is not None:
                    self._events(SystemEvent.of(SystemEventKind.HOLIDAYS_UNKNOWN, subject=str(year)))
        return unknown

    def catalogue(self) -> Catalogue:
        return self._catalogue.current.value

    def routing(self) -> Routing:
        return self._routing.current.value

    def calendar(self) -> WorkCalendar:
        return self._calendar.current.value

    def problems(self) -> list[str]:
        """Every problem of the three files now (file:line: field: why)."""
        loaded = (self._catalogue.current, self._routing.current, self._calendar.current)
        return [str(issue) for one in loaded for issue in one.issues]

    def refresh(self) -> None:
        """Read again the files that changed (call every few seconds)."""
        catalogue = self._catalogue.refresh()
        if catalogue is not None:
            self._report(self._catalogue.path, catalogue)
            self._report(self._routing.path, self._routing.load())  # it names the catalogue's codes
        else:
            routing = self._routing.refresh()
            if routing is not None:
                self._report(self._routing.path, routing)
        calendar = self._calendar.refresh()
        if calendar is not None:
            self._report(self._calendar.path, calendar)

    def _parse_routing(self, text: str, path: Path) -> Routing:
        return routing_from_text(text, path, self._catalogue.current.value, grid_digits=self._grid_digits)

    def _report(self, path: Path, loaded: Loaded[Any]) -> None:
        if loaded.issues:
            detail = "; ".join(str(issue) for issue in loaded.issues)
            log.warning("case settings %s: %s", path, detail)
            self._bad.add(path)
            if self._events is not None:
                kind = SystemEventKind.CASE_SETTINGS_INVALID
                self._events(SystemEvent.of(kind, subject=str(path), detail=detail))
        elif path in self._bad:
            self._bad.discard(path)
            log.info("case settings %s read again without problems", path)
            if self._events is not None:
                self._events(SystemEvent.of(SystemEventKind.CASE_SETTINGS_OK, subject=str(path)))
