"""The case service over a store in memory: alerts become cases, no duplicates, conflicts, deadlines,
a refused write kept and retried, overdue told once, another seat's changes picked up."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.core.alerts import AlertChange, AlertState, EvidenceKind, EvidenceRef, Rule
from app.core.case_ports import CaseConflict, CaseQuery, OutboxItem
from app.core.cases import (
    Actor,
    Case,
    CaseCommand,
    CaseEvidence,
    CaseSource,
    CaseState,
    EvidenceStage,
    NotAllowed,
    Role,
)
from app.core.system_events import SystemEvent, SystemEventKind
from app.services.alerts import AlertService
from app.services.cases import AutoCreate, CaseNotice, CaseService, Place
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.case_store_fakes import ClockCalendar, FakeCatalogue, FakeRouting, MemoryCaseRepository

T0 = 1_780_000_000.0
DEFAULT = AutoCreate()
OP, LEAD, DEPT = (
    Actor("张三", Role.OPERATOR),
    Actor("李值班", Role.SHIFT_LEADER),
    Actor("环卫所", Role.DEPARTMENT),
)


def service(
    auto: AutoCreate = DEFAULT, clock: FakeClock | None = None
) -> tuple[CaseService, MemoryCaseRepository, list[CaseNotice], list[SystemEvent]]:
    repo, heard, events = MemoryCaseRepository(), [], []  # type: ignore[var-annotated]
    clock = clock or FakeClock(T0)
    svc = CaseService(
        repo, clock, catalogue=FakeCatalogue, routing=FakeRouting, calendar=ClockCalendar,
        place_of=lambda cam: Place("330105001001001", 120.16, 30.27, "武林广场北门"), auto=auto,
        outbox=lambda case, at: OutboxItem(f"{case.id}:{case.version}", case.id, case.version, "{}", at),
        events=events.append,
    )  # fmt: skip
    svc.subscribe(heard.append)
    return svc, repo, heard, events


def settle(svc: CaseService) -> None:
    svc._submit(lambda: None).result(timeout=5)  # the writer has done everything before


def confirmed_alert(alert_id: str = "a1", **kw: Any) -> tuple[AlertService, AlertChange]:
    alerts = alert_service(T0)[0]
    evidence = EvidenceRef("e" * 64, EvidenceKind.STILL, "image/jpeg", 10, T0, "cam1", "main")
    alerts.detector_raised(dataclasses.replace(detected(alert_id, **kw), evidence=(evidence,)))
    return alerts, alerts.confirm(alert_id, "张三", "摊位在北门")


def test_a_confirmed_alert_becomes_a_filed_case_with_code_grid_department() -> None:
    svc, repo, heard, _ = service()
    _, change = confirmed_alert()
    svc.on_alert_change(change)
    settle(svc)
    [case] = repo.cases.values()
    assert (case.state, case.source, case.category_code, case.grid_code) == (
        CaseState.FILED, CaseSource.VIDEO, "0501", "330105001001001",
    )  # fmt: skip
    assert (case.department_id, case.department_chosen_by, case.created_by, case.filed_by) == (
        "enforcement", "routing", "张三", "张三",
    )  # fmt: skip
    assert case.alert_ids == ("a1",) and case.evidence[0].stage is EvidenceStage.REPORT
    assert [e.action for e in repo.events(case.id)] == ["report", "file"]
    assert [n.change.command.value for n in heard if n.change] == ["report", "file"]
    assert len(repo.outbox) == 1  # filed: queued for the city platform (a reported case is not)
    assert svc.case_for_alert("a1") == case


def test_a_repeat_is_an_occurrence_not_a_second_case() -> None:
    svc, repo, _, _ = service()
    svc.on_alert_change(confirmed_alert("a1")[1])
    svc.on_alert_change(confirmed_alert("a2")[1])  # same camera, zone, category
    svc.on_alert_change(confirmed_alert("a3", zone_id="z2")[1])  # another zone: its own case
    settle(svc)
    cases = sorted(repo.cases.values(), key=lambda c: c.zone_id or "")
    assert [(c.zone_id, c.occurrences, c.alert_ids) for c in cases] == [
        ("z1", 2, ("a1", "a2")), ("z2", 1, ("a3",)),
    ]  # fmt: skip


def test_a_place_whose_case_another_workstation_just_made_gets_an_occurrence_not_a_twin() -> None:
    """This workstation looked for the place's open case before the other one's was stored (its
    read is stale): the store refuses the twin inside its transaction and the alert is counted on
    the case that exists."""
    svc, repo, _, _ = service()
    svc.on_alert_change(confirmed_alert("a1")[1])
    settle(svc)
    (first,) = repo.cases.values()
    repo.open_case_for = lambda camera_id, zone_id, category_code: None  # type: ignore[method-assign]
    svc.on_alert_change(confirmed_alert("a2")[1])
    settle(svc)
    (case,) = repo.cases.values()
    assert case.id == first.id and case.occurrences == 2 and case.alert_ids == ("a1", "a2")


def test_confirmation_makes_no_case_when_the_rule_is_off() -> None:
    svc, repo, _, _ = service(AutoCreate(on_confirm=False))
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    assert repo.cases == {}


def test_an_alert_left_open_becomes_a_reported_case_after_n_minutes() -> None:
    clock = FakeClock(T0)
    svc, repo, _, _ = service(AutoCreate(on_confirm=True, after_open_minutes=10), clock)
    alerts, _, _ = alert_service(T0)
    alerts.detector_raised(detected("a1"))
    clock.t = T0 + 9 * 60
    svc.tick(alerts.open_alerts())
    settle(svc)
    assert repo.cases == {}
    clock.t = T0 + 10 * 60
    svc.tick(alerts.open_alerts())
    svc.tick(alerts.open_alerts())
    settle(svc)
    [case] = repo.cases.values()
    assert (case.state, case.created_by) == (CaseState.REPORTED, "system")  # waits for a person


def test_the_loop_through_the_service_with_deadline_and_rework() -> None:
    clock = FakeClock(T0)
    svc, repo, _, _ = service(clock=clock)
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    case = next(iter(repo.cases.values()))
    clock.t = T0 + 60
    case = svc.dispatch(case.id, LEAD, case.version).result(timeout=5)
    assert (case.state, case.department_id, case.due_at) == (
        CaseState.DISPATCHED,
        "enforcement",
        T0 + 60 + 7200,
    )
    case = svc.execute(case.id, CaseCommand.FEEDBACK, DEPT, case.version, note="已劝离").result(timeout=5)
    case = svc.execute(case.id, CaseCommand.RETURN, OP, case.version, note="摊位仍在").result(timeout=5)
    case = svc.execute(case.id, CaseCommand.FEEDBACK, DEPT, case.version, note="已清理").result(timeout=5)
    case = svc.execute(case.id, CaseCommand.VERIFY, OP, case.version).result(timeout=5)
    with pytest.raises(NotAllowed):
        svc.execute(case.id, CaseCommand.CLOSE, OP, case.version).result(timeout=5)
    case = svc.execute(case.id, CaseCommand.CLOSE, LEAD, case.version).result(timeout=5)
    assert (case.state, case.rework_count) == (CaseState.CLOSED, 1)
    assert repo.get(case.id) == case


def test_two_people_on_one_case_the_second_is_told_nothing_overwritten() -> None:
    svc, repo, _, _ = service()
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    seen = next(iter(repo.cases.values()))  # both seats read version 2
    svc.dispatch(seen.id, LEAD, seen.version, department_id="enforcement").result(timeout=5)
    with pytest.raises(CaseConflict, match="李值班"):
        svc.execute(seen.id, CaseCommand.CANCEL, LEAD, seen.version, note="重复").result(timeout=5)
    assert repo.get(seen.id).state is CaseState.DISPATCHED  # type: ignore[union-attr]


def test_extension_and_deferral_move_the_deadline_on_the_calendar() -> None:
    clock = FakeClock(T0)
    svc, repo, _, _ = service(clock=clock)
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    case = next(iter(repo.cases.values()))
    case = svc.dispatch(case.id, LEAD, case.version).result(timeout=5)  # due T0 + 2 h
    case = svc.execute(
        case.id, CaseCommand.REQUEST_EXTENSION, DEPT, case.version, note="雨天", amount=1
    ).result(5)
    case = svc.execute(case.id, CaseCommand.APPROVE, LEAD, case.version).result(timeout=5)
    assert case.due_at == T0 + 3 * 3600
    clock.t = T0 + 3600  # deferred with 2 h left
    case = svc.execute(case.id, CaseCommand.REQUEST_DEFERRAL, DEPT, case.version, note="等材料").result(5)
    case = svc.execute(case.id, CaseCommand.APPROVE, LEAD, case.version).result(timeout=5)
    assert case.state is CaseState.DEFERRED
    clock.t = T0 + 86400
    case = svc.execute(case.id, CaseCommand.RESUME, LEAD, case.version).result(timeout=5)
    assert (case.state, case.due_at) == (CaseState.DISPATCHED, T0 + 86400 + 2 * 3600)


def test_a_case_the_store_refused_is_kept_and_stored_later() -> None:
    svc, repo, _, events = service()
    repo.failing = True
    svc.on_alert_change(confirmed_alert()[1])
    svc.tick()
    settle(svc)
    assert repo.cases == {}
    assert [e.kind for e in events] == [SystemEventKind.CASE_NOT_STORED]
    repo.failing = False
    svc.tick()
    settle(svc)
    assert len(repo.cases) == 1 and events[-1].kind is SystemEventKind.CASES_STORED


def test_overdue_is_told_once() -> None:
    clock = FakeClock(T0)
    svc, repo, heard, events = service(clock=clock)
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    case = next(iter(repo.cases.values()))
    svc.dispatch(case.id, LEAD, case.version).result(timeout=5)
    clock.t = T0 + 7201
    svc.tick()
    svc.tick()
    settle(svc)
    assert [e.subject for e in events if e.kind is SystemEventKind.CASE_OVERDUE] == [case.id]
    assert sum(1 for n in heard if n.overdue) == 1
    assert svc.count(CaseQuery(overdue_at=clock.t)) == 1


def test_a_case_by_hand_at_a_tile() -> None:
    svc, repo, _, _ = service()
    snap = EvidenceRef("f" * 64, EvidenceKind.STILL, "image/jpeg", 10, T0, "cam7", "main")
    case = svc.create(
        OP, category_code="0102", camera_id="cam7", description="路边垃圾",
        evidence=(CaseEvidence(snap, EvidenceStage.REPORT, "张三", T0),),
    ).result(timeout=5)  # fmt: skip
    assert (case.source, case.state, case.grid_code, case.department_id) == (
        CaseSource.OPERATOR, CaseState.FILED, "330105001001001", "sanitation",
    )  # fmt: skip
    with pytest.raises(KeyError):
        svc.create(OP, category_code="9999").result(timeout=5)
    assert len(repo.cases) == 1


def test_another_seats_changes_are_picked_up() -> None:
    clock = FakeClock(T0)
    svc, repo, heard, _ = service(clock=clock)
    other = Case(id="C-other", source=CaseSource.IMPORTED, category_code="0501", created_at=T0,
                 created_by="王五", updated_at=T0 + 5, version=1)  # fmt: skip
    repo.cases[other.id] = other  # written by another workstation
    svc.tick()
    settle(svc)
    assert any(n.case.id == "C-other" and n.change is None for n in heard)


def test_alert_state_is_untouched_by_case_failures() -> None:
    alerts, change = confirmed_alert()
    assert change.after.state is AlertState.CONFIRMED
    assert alerts.get("a1").state is AlertState.CONFIRMED


def test_the_deadline_is_counted_on_the_sites_working_calendar() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.core.work_calendar import WorkCalendar

    tz = ZoneInfo("Asia/Shanghai")
    friday_5pm = datetime(2026, 11, 27, 17, 0, tzinfo=tz).timestamp()
    clock = FakeClock(friday_5pm)
    repo = MemoryCaseRepository()
    svc = CaseService(repo, clock, catalogue=FakeCatalogue, routing=FakeRouting, calendar=WorkCalendar)
    svc.on_alert_change(confirmed_alert(code="0102", rule=Rule.BIN_OVERFLOW)[1])  # 4 工作时
    settle(svc)
    case = next(iter(repo.cases.values()))
    case = svc.dispatch(case.id, LEAD, case.version).result(timeout=5)
    assert datetime.fromtimestamp(case.due_at or 0, tz) == datetime(2026, 11, 30, 12, 0, tzinfo=tz)  # Monday


def test_the_shipped_catalogue_and_routing_file_the_demos_vending_alert() -> None:
    from app.services.case_config import (
        DEFAULT_CATALOGUE,
        DEFAULT_ROUTING,
        catalogue_from_text,
        routing_from_text,
    )

    catalogue = catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)
    routing = routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING, catalogue)
    repo = MemoryCaseRepository()
    svc = CaseService(
        repo, FakeClock(T0), catalogue=lambda: catalogue, routing=lambda: routing, calendar=ClockCalendar,
        place_of=lambda cam: Place("370199099001001"),
    )  # fmt: skip
    svc.on_alert_change(confirmed_alert()[1])
    settle(svc)
    [case] = repo.cases.values()
    assert (case.category_code, case.category_kind.value, case.department_id) == (
        "0501",
        "event",
        "chengguan-xinhua",
    )
    assert case.time_limit == catalogue.category("0501").time_limit
