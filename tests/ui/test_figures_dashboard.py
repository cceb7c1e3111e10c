"""The 考核评价 dashboard: the hand-computed figures shown, "—" where nothing was due, a period
switch recomputing off the GUI thread, and a realistic month rendered in Chinese."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.core.alerts import Alert
from app.core.case_figures import Period
from app.core.cases import CaseFacts
from app.ui.cases.dashboard import FiguresDashboard
from app.ui.cases.figures_period import PeriodChoice, Shifts, period_for, shift_of
from tests.ui.figures_fakes import (
    NOW,
    SH,
    at,
    catalogue,
    four_cases,
    month_of_alerts,
    month_of_cases,
    month_of_voice_alerts,
    routing,
)


class Facts:
    """CaseService.facts_in_period over a list (more than asked: compute keeps what it needs),
    recording which thread asked (never the GUI's)."""

    def __init__(self, cases: Sequence[CaseFacts]) -> None:
        self.cases, self.gate = list(cases), threading.Event()
        self.threads: list[str] = []
        self.gate.set()

    def __call__(self, start: float, created_to: float) -> list[CaseFacts]:
        self.threads.append(threading.current_thread().name)
        assert self.gate.wait(10)
        return [c for c in self.cases if created_to is None or c.created_at < created_to]


def dashboard(
    qtbot: QtBot, facts: Facts, choice: PeriodChoice = PeriodChoice.PREVIOUS_MONTH, **kw
) -> FiguresDashboard:
    view = FiguresDashboard(facts, lambda: NOW, SH, catalogue=catalogue, routing=routing, **kw)
    qtbot.addWidget(view)
    view.set_period(choice)
    qtbot.waitUntil(lambda: not view.jobs.running and view.result is not None)
    return view


def test_the_headline_shows_the_hand_computed_figures_with_their_targets(qtbot: QtBot) -> None:
    facts = Facts(four_cases())
    view = dashboard(qtbot, facts)
    assert view.result is not None and view.result.period == Period.month(2024, 5, SH)
    assert view.closure.value.text() == "66.7%"
    assert "target ≥ 90%" in view.closure.note.text() and "not met" in view.closure.note.text()
    assert "2/3" in view.closure.note.text()
    assert view.on_time.value.text() == "33.3%" and "1/3" in view.on_time.note.text()
    assert view.rework.value.text() == "50.0%"  # B returned once, of A and B with feedback
    assert view.handling.value.text() == "48.0"  # feedback after 1 and 3 days
    assert view.counts.value.text() == "3"
    assert "2 closed · 1 not closed" in view.counts.note.text() and "4 new" in view.counts.note.text()
    assert view.urgent.value.text() == "—" and "no urgent case due" in view.urgent.note.text()
    assert threading.main_thread().name not in facts.threads


def test_nothing_due_shows_a_dash_with_its_reason_never_zero(qtbot: QtBot) -> None:
    view = dashboard(qtbot, Facts(four_cases()), PeriodChoice.MONTH)  # June: nothing due yet
    for tile in (view.closure, view.on_time, view.rework):
        assert tile.value.text() == "—"
        assert "not 0%" in tile.toolTip()
    assert "no case due" in view.closure.note.text()
    assert "0.0%" not in view.closure.value.text()


def test_a_period_switch_recomputes_and_the_newest_request_wins(qtbot: QtBot) -> None:
    facts = Facts(four_cases())
    view = dashboard(qtbot, facts, PeriodChoice.MONTH)
    assert view.closure.value.text() == "—"
    facts.gate.clear()  # the store is slow: two requests are under way at once
    view.set_period(PeriodChoice.CUSTOM, (date(2024, 5, 1), date(2024, 5, 5)))
    view.set_period(PeriodChoice.PREVIOUS_MONTH)
    assert view.busy.isVisibleTo(view) and "Working out" in view.status.text()
    assert not view.xlsx_button.isEnabled()  # what is shown is not the period asked for
    facts.gate.set()
    qtbot.waitUntil(lambda: not view.jobs.running)
    assert view.result is not None and view.result.period == Period.month(2024, 5, SH)
    assert view.closure.value.text() == "66.7%" and not view.busy.isVisibleTo(view)
    view.set_period(PeriodChoice.CUSTOM, (date(2024, 5, 1), date(2024, 5, 5)))  # A alone: closed on time
    qtbot.waitUntil(lambda: view.result is not None and view.result.period.end == at(5, 6, 0))
    assert view.closure.value.text() == "100.0%" and "met" in view.closure.note.text()


def test_a_store_that_fails_is_said_on_the_dashboard(qtbot: QtBot) -> None:
    def broken(start: float, end: float) -> list[CaseFacts]:
        raise OSError("database is locked")

    view = FiguresDashboard(broken, lambda: NOW, SH)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.jobs.running)
    assert "database is locked" in view.status.text() and not view.busy.isVisibleTo(view)


def test_shifts_follow_each_other_from_their_start() -> None:
    day = Shifts()  # 08:00 + 12 h
    assert shift_of(at(5, 3, 9), SH, day) == Period(at(5, 3, 8), at(5, 3, 20))
    assert shift_of(at(5, 3, 21), SH, day) == Period(at(5, 3, 20), at(5, 4, 8))
    assert shift_of(at(5, 3, 2), SH, day) == Period(at(5, 2, 20), at(5, 3, 8))  # last night's
    assert period_for(PeriodChoice.PREVIOUS_MONTH, at(1, 15), SH) == Period.month(2023, 12, SH)
    assert period_for(PeriodChoice.CUSTOM, NOW, SH, days=(date(2024, 5, 2), date(2024, 5, 1))) == Period(
        at(5, 1, 0), at(5, 3, 0)
    )


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def voice_alerts() -> list[Alert]:
    """May 2024, by hand: 北门 (cam012/z1) a1 resolved after a heard prompt at 09:10, a2 two prompts
    at 09:50 and then a case; 菜场 (cam031/z1) a3 a prompt nobody heard at 23:30, a4 no prompt at
    14:00. Left out: a bin alert with a prompt, and a vending alert of June 1st 00:10."""
    from dataclasses import replace

    from app.core.alerts import Rule
    from app.core.voice import VoicePlay, VoicePriority
    from app.core.voice_ladder import Ladder, LadderStep

    def play(at_: float, heard: bool = True) -> VoicePlay:
        failures = () if heard else (("spk-2", "timeout: no answer"),)
        return VoicePlay("请勿占道经营", "system", at_, VoicePriority.AUTOMATIC, ("spk-2",),
                         ("spk-2",) if heard else (), failures)  # fmt: skip

    def alert(n: str, camera: str, name: str, raised: float, rule: Rule = Rule.VENDING) -> Alert:
        return Alert(n, camera, "1", "z1", rule, "0501", raised, 0.8, zone_name=name)

    def ladder(n: str, step: LadderStep) -> Ladder:
        return Ladder(n, step, 1, 0.0)

    return [
        replace(alert("a1", "cam012", "北门禁摆区", at(5, 3, 9 + 10 / 60)), plays=(play(at(5, 3, 9.2)),),
                ladder=ladder("a1", LadderStep.RESOLVED), resolved_by_prompt=True),
        replace(alert("a2", "cam012", "北门禁摆区", at(5, 3, 9 + 50 / 60)),
                plays=(play(at(5, 3, 9.9)), play(at(5, 3, 9.95))), ladder=ladder("a2", LadderStep.ESCALATED)),
        replace(alert("a3", "cam031", "菜场路口", at(5, 4, 23.5)), plays=(play(at(5, 4, 23.5), heard=False),),
                ladder=ladder("a3", LadderStep.ENDED)),
        alert("a4", "cam031", "菜场路口", at(5, 10, 14)),
        replace(alert("b1", "cam031", "菜场路口", at(5, 10, 15), Rule.BIN_OVERFLOW),
                plays=(play(at(5, 10, 15)),), resolved_by_prompt=True),
        replace(alert("a5", "cam012", "北门禁摆区", at(6, 1, 0 + 10 / 60)), plays=(play(at(6, 1, 0.2)),),
                resolved_by_prompt=True),
    ]  # fmt: skip


def test_the_voice_section_shows_resolved_by_prompt_per_zone_and_hour(qtbot: QtBot) -> None:
    alerts, asked = voice_alerts(), list[str]()

    def alerts_in(period: Period) -> list[Alert]:
        return [a for a in alerts if a.raised_at in period]

    def cased(start: float, end: float) -> set[str]:
        asked.append(threading.current_thread().name)
        return {"a2"}

    names = {"cam012": "北门广场", "cam031": "菜场"}
    view = dashboard(qtbot, Facts(four_cases()), alerts=alerts_in, cased=cased, camera_name=names.get)
    voice = view.voice
    assert voice.isVisibleTo(view) and asked and threading.main_thread().name not in asked
    assert voice.share.text() == "25.0%"  # a1 alone, of 4 vending alerts
    assert voice.share_note.text() == "1 of 4 vending alerts; 33.3% of the prompted ones"
    assert voice.totals.text() == (
        "4 vending alerts · 4 prompts played, 3 reached a speaker · 3 with escalation · "
        "1 resolved by prompt alone · 1 prompted, then a case"
    )
    table = [[cell(voice.zones, r, c) for c in range(6)] for r in range(voice.zones.rowCount())]
    assert table == [
        ["北门禁摆区 (北门广场)", "2", "2", "1", "50.0%", "1"],
        ["菜场路口 (菜场)", "2", "1", "0", "0.0%", "0"],
    ]
    resolved, escalated, other = voice.hour_sets
    assert (resolved.at(9), escalated.at(9), other.at(9)) == (1, 1, 0)
    assert (other.at(14), other.at(23), resolved.count()) == (1, 1, 24)
    assert "Vending alerts by hour" in voice.hour_chart.chart().title()


def test_no_voice_section_without_the_alerts(qtbot: QtBot) -> None:
    view = dashboard(qtbot, Facts(four_cases()))
    assert not view.voice.isVisibleTo(view)


@pytest.mark.parametrize("language", ["zh_CN"])
def test_a_month_in_chinese_renders(qtbot: QtBot, tmp_path: Path, language: str) -> None:
    """A busy May in Chinese at 1600×900 (set CITYWALL_SHOTS=folder to keep the picture)."""
    from PySide6.QtWidgets import QApplication, QWidget

    from app.ui.cases.export_actions import ExportActions
    from app.ui.i18n import Translations
    from app.ui.theme import apply_theme
    from tests.ui.figures_fakes import FakeCases

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    Translations().set_language(language)
    voiced, cased = month_of_voice_alerts()
    alerts = month_of_alerts() + voiced

    def alerts_in(period: Period) -> list[Alert]:
        return [a for a in alerts if a.raised_at in period]

    host = QWidget()
    qtbot.addWidget(host)
    exports = ExportActions(host, FakeCases([]), lambda ref: b"", tz=SH, now=lambda: NOW)
    view = dashboard(
        qtbot, Facts(month_of_cases()), alerts=alerts_in, exports=exports, pool=QThreadPool(),
        cased=lambda start, end: cased, camera_name={"cam012": "北门广场", "cam031": "菜场"}.get,
    )  # fmt: skip
    view.resize(1600, 900)
    view.show()
    qtbot.wait(50)
    assert view.closure.title.text() == "结案率" and view.on_time.title.text() == "按期结案率"
    assert view.rework.title.text() == "返工率"
    assert view.department_chart.chart().title().startswith("各部门")
    assert view.xlsx_button.text() == "导出 Excel" and view.xlsx_button.isEnabled()
    assert view.voice.title.text() == "喊话劝离率（占道经营）" and view.voice.share.text().endswith("%")
    zones = view.voice.zones  # the five zones with loudspeakers first, then those without
    prompted = [int(cell(zones, r, 2)) for r in range(zones.rowCount())]
    assert all(prompted[:5]) and not any(prompted[5:]) and len(prompted) > 5
    assert "（北门广场）" in cell(zones, 0, 0)
    shot = Path(os.environ.get("CITYWALL_SHOTS", tmp_path)) / "figures-dashboard.png"
    assert view.grab().save(str(shot))
