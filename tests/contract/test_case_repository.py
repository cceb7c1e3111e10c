"""The case store's contract, on SQLite and on PostgreSQL: what the case service relies on.

A case comes back exactly as written, field by field; a change made on an older version (another
workstation was quicker) is refused and overwrites nothing; the case list finds by every filter
and sorts by every key; the figures' facts come from the columns; alerts and cases make one audit
chain, and ``audit verify`` names a case row changed behind the app's back.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

import app.adapters.storage.case_list as case_list
import app.adapters.storage.cases as case_store
from app.adapters.storage.cases import SqlCaseRepository, open_case_repository
from app.adapters.storage.migrate import MIGRATIONS
from app.adapters.storage.repository import SqlAlertRepository
from app.adapters.storage.verify import verify_store
from app.core import cases as core
from app.core.alerts import AlertBook
from app.core.audit import verify_chain
from app.core.case_ports import CaseConflict, CaseQuery, OpenCaseExists, SortKey
from app.core.cases import Case, CaseChange, CaseSource, CaseState, Edit, facts_of
from tests.alert_samples import sample_alert
from tests.case_samples import (
    DEPARTMENT,
    LEADER,
    LIMIT,
    OPERATOR,
    T0,
    dispatched,
    outbox_item,
    reported,
    sample_case,
    with_every_field,
)
from tests.contract.conftest import Store


def write(repo: SqlCaseRepository, *changes: CaseChange) -> Case:
    for change in changes:
        expected = None if change.before is None else change.before.version
        repo.append(change.after, change.draft, expected_version=expected)
    return changes[-1].after


def test_a_case_comes_back_exactly_as_written_with_every_field(cases: SqlCaseRepository) -> None:
    change = reported(with_every_field(sample_case(1)), T0)  # report() makes it new: REPORTED, version 1
    full = change.after
    defaults = Case(id="x", source=CaseSource.IMPORTED, category_code="", created_at=0.0, created_by="")
    unset = [f.name for f in dataclasses.fields(Case) if getattr(full, f.name) == getattr(defaults, f.name)]
    assert unset == ["state"], "the sample must set every field, or the round trip proves less"
    event = cases.append(change.after, change.draft, expected_version=None)
    assert (event.seq, event.subject, event.action) == (1, "case:CW-000001", "report")
    assert cases.get("CW-000001") == change.after
    assert cases.get("nobody") is None

    case = write(cases, core.add_occurrence(change.after, OPERATOR, T0 + 90, "al-00009"))
    assert cases.get(case.id) == case and case.version == 2
    assert [e.action for e in cases.events(case.id)] == ["report", "add_occurrence"]
    assert cases.events("nobody") == []
    assert list(cases.all_cases()) == [case]


def test_a_whole_life_is_stored_step_by_step(cases: SqlCaseRepository) -> None:
    case = write(cases, reported(sample_case(1), T0))
    steps: list[CaseChange] = dispatched(case, T0 + 600)
    case = write(cases, *steps)
    for step in (
        lambda c: core.start(c, DEPARTMENT, T0 + 900),
        lambda c: core.feedback(c, DEPARTMENT, T0 + 1200, "已劝离"),
        lambda c: core.return_for_rework(c, OPERATOR, T0 + 1300, "摊位仍在"),
        lambda c: core.feedback(c, DEPARTMENT, T0 + 1500, "已清理"),
        lambda c: core.verify(c, OPERATOR, T0 + 1600),
        lambda c: core.close(c, LEADER, T0 + 1700),
    ):
        case = write(cases, step(case))
        assert cases.get(case.id) == case
    assert (case.state, case.rework_count, case.version) == (CaseState.CLOSED, 1, 9)
    actions = [e.action for e in cases.events(case.id)]
    assert actions == [
        "report",
        "file",
        "dispatch",
        "start",
        "feedback",
        "return",
        "feedback",
        "verify",
        "close",
    ]


def test_a_stale_change_from_another_workstation_is_refused_and_overwrites_nothing(store: Store) -> None:
    first, second = store.open_cases(), store.open_cases()  # two workstations, one database
    case = write(first, reported(sample_case(1), T0))
    seen_by_second = second.get(case.id)
    assert seen_by_second == case
    quicker = core.edit(case, LEADER, T0 + 10, Edit(description="两辆三轮车"))
    first.append(quicker.after, quicker.draft, expected_version=1, outbox=outbox_item(quicker))
    stale = core.edit(seen_by_second, OPERATOR, T0 + 11, Edit(description="一辆"))
    with pytest.raises(CaseConflict) as refused:
        second.append(stale.after, stale.draft, expected_version=1, outbox=outbox_item(stale))
    assert (refused.value.expected, refused.value.found, refused.value.by) == (1, 2, "李强")
    assert "李强" in str(refused.value) and "version 2" in str(refused.value)
    assert second.get(case.id) == quicker.after  # nothing overwritten
    assert [e.actor for e in second.events(case.id)] == ["王芳", "李强"]  # no event of the refused one
    assert [e.item.version for e in second.entries()] == [2]  # its outbox item was not queued
    again = core.edit(second.get(case.id), OPERATOR, T0 + 12, Edit(description="一辆"))  # type: ignore[arg-type]
    second.append(again.after, again.draft, expected_version=2)  # reloaded: accepted
    assert first.get(case.id) == again.after


def test_a_new_case_whose_id_is_taken_is_refused(cases: SqlCaseRepository) -> None:
    first = write(cases, reported(sample_case(1), T0))
    twin = reported(sample_case(1, description="另一个"), T0 + 5, actor=LEADER)
    with pytest.raises(CaseConflict, match="exists already") as refused:
        cases.append(twin.after, twin.draft, expected_version=None)
    assert (refused.value.expected, refused.value.found, refused.value.by) == (None, 1, "王芳")
    assert cases.get(first.id) == first
    ghost = core.edit(sample_case(2), OPERATOR, T0, Edit(address="x"))
    with pytest.raises(CaseConflict):  # a change to a case that was never stored
        cases.append(ghost.after, ghost.draft, expected_version=0)
    assert cases.get("CW-000002") is None and len(cases.events("CW-000002")) == 0


def test_the_open_case_of_a_place_and_the_case_of_an_alert(cases: SqlCaseRepository) -> None:
    old = write(cases, reported(sample_case(1, alerts=("al-1",)), T0))
    write(cases, core.cancel(old, LEADER, T0 + 5, "重复上报"))
    open_one = write(cases, reported(sample_case(2, alerts=("al-2",)), T0 + 10))
    write(cases, reported(sample_case(3, zone="z2", alerts=("al-3",)), T0 + 20))
    write(cases, reported(sample_case(4, category="0102", alerts=("al-4",)), T0 + 30))
    assert cases.open_case_for("cam001", "z1", "0501") == open_one  # the cancelled one is not open
    assert cases.open_case_for("cam001", "z1", "0999") is None
    assert cases.open_case_for("cam009", "z1", "0501") is None
    repeat = write(cases, core.add_occurrence(open_one, SYSTEM_ACTOR, T0 + 40, "al-5"))
    assert cases.case_for_alert("al-5") == repeat
    assert cases.case_for_alert("al-2") == repeat
    assert cases.case_for_alert("al-1").id == "CW-000001"  # type: ignore[union-attr]
    assert cases.case_for_alert("al-404") is None
    assert cases.facts()[1].alert_ids == ("al-2", "al-5")  # in the order the case holds them


SYSTEM_ACTOR = core.Actor("system", core.Role.SYSTEM)


def test_two_workstations_cannot_both_make_the_open_case_of_a_place(store: Store) -> None:
    first, second = store.open_cases(), store.open_cases()  # two workstations, one database
    assert second.open_case_for("cam001", "z1", "0501") is None  # the second one looks: none yet
    made = write(first, reported(sample_case(1, alerts=("al-1",)), T0))  # the first one is quicker
    twin = reported(sample_case(2, alerts=("al-2",)), T0 + 1)
    with pytest.raises(OpenCaseExists) as refused:
        second.append(twin.after, twin.draft, expected_version=None, one_open_per_place=True)
    assert refused.value.existing_id == made.id
    assert second.get("CW-000002") is None and second.events("CW-000002") == []  # nothing kept
    other_zone = reported(sample_case(3, zone="z2"), T0 + 2)  # another place: its own case
    second.append(other_zone.after, other_zone.draft, expected_version=None, one_open_per_place=True)
    write(first, core.cancel(made, LEADER, T0 + 3, "重复上报"))  # closed: the place is free again
    again = reported(sample_case(4), T0 + 4)
    second.append(again.after, again.draft, expected_version=None, one_open_per_place=True)
    assert second.open_case_for("cam001", "z1", "0501") == again.after


@pytest.fixture
def listed(cases: SqlCaseRepository) -> dict[str, Case]:
    """Six cases that differ in every field the list filters or sorts by."""
    made: list[Case] = []
    c1 = write(cases, reported(sample_case(1), T0 + 100))
    made.append(write(cases, *dispatched(c1, T0 + 150, due_in=850.0)))  # due T0+1000
    south = sample_case(
        2, category="0502", grid="110101001001002", source=CaseSource.OPERATOR, address="南门 Market Day"
    )
    c2 = write(cases, reported(south, T0 + 200))
    c2 = write(cases, *dispatched(c2, T0 + 250, due_in=4750.0))  # due T0+5000
    made.append(write(cases, core.start(c2, DEPARTMENT, T0 + 260)))
    bins = sample_case(3, category="0102", grid="110102000001001", camera="cam002")
    made.append(write(cases, reported(bins, T0 + 300)))
    imported = sample_case(4, grid="110102000001002", source=CaseSource.IMPORTED, description="100%_ sure")
    c4 = write(cases, reported(imported, T0 + 300))
    c4 = write(cases, *dispatched(c4, T0 + 320, department="dept-hw", due_in=1180.0))  # due T0+1500
    made.append(write(cases, core.feedback(c4, DEPARTMENT, T0 + 2000, "已处置")))
    c5 = write(cases, reported(sample_case(5, category="0599", grid=None), T0 + 400))
    made.append(write(cases, core.cancel(c5, LEADER, T0 + 410, "重复上报")))
    c6 = write(cases, reported(sample_case(6, category="0601", grid="210101000000001"), T0 + 500))
    made.append(write(cases, core.file(c6, OPERATOR, T0 + 510, time_limit=LIMIT)))
    return {c.id[-1]: c for c in made}


def ids(repo: SqlCaseRepository, **query: object) -> list[str]:
    return [c.id[-1] for c in repo.search(CaseQuery(**query))]  # type: ignore[arg-type]


def test_the_list_finds_by_every_filter(cases: SqlCaseRepository, listed: dict[str, Case]) -> None:
    assert ids(cases) == ["6", "5", "4", "3", "2", "1"]  # newest first; 3 and 4 tie: by id
    assert ids(cases, states=frozenset({CaseState.DISPATCHED, CaseState.IN_PROGRESS})) == ["2", "1"]
    assert ids(cases, states=frozenset()) == []
    assert ids(cases, category_codes=frozenset({"05"})) == ["5", "4", "2", "1"]  # a class: its subclasses
    assert ids(cases, category_codes=frozenset({"0501"})) == ["4", "1"]
    assert ids(cases, category_codes=frozenset({"0102", "06"})) == ["6", "3"]
    assert ids(cases, category_codes=frozenset()) == []
    assert ids(cases, grid_prefix="110101") == ["2", "1"]
    assert ids(cases, grid_prefix="1101") == ["4", "3", "2", "1"]
    assert ids(cases, grid_prefix="110102000001002") == ["4"]
    assert ids(cases, department_ids=frozenset({"dept-hw"})) == ["4"]
    assert ids(cases, department_ids=frozenset({"dept-cg", "dept-hw"})) == ["4", "2", "1"]
    assert ids(cases, sources=frozenset({CaseSource.OPERATOR, CaseSource.IMPORTED})) == ["4", "2"]
    assert ids(cases, overdue_at=T0 + 999) == []
    assert ids(cases, overdue_at=T0 + 1001) == ["1"]  # 4 was late too, but it is handled
    assert ids(cases, overdue_at=T0 + 6000) == ["2", "1"]
    assert ids(cases, created_from=T0 + 300) == ["6", "5", "4", "3"]
    assert ids(cases, created_to=T0 + 300) == ["2", "1"]  # the end is not included
    assert ids(cases, created_from=T0 + 200, created_to=T0 + 400) == ["4", "3", "2"]
    assert ids(cases, text="market") == ["2"]  # the address, any case
    assert ids(cases, text="cw-000003") == ["3"]  # the id
    assert ids(cases, text="100%_") == ["4"]  # the description; % and _ are plain characters
    assert ids(cases, text="重复") == ["5"]  # the note (the cancel reason)
    assert ids(cases, text="已处置") == ["4"]
    assert ids(cases, text="北门广场") == ["6", "5", "4", "3", "1"]
    both = {"category_codes": frozenset({"05"}), "states": frozenset({CaseState.DISPATCHED})}
    assert ids(cases, **both) == ["1"]
    assert ids(cases, limit=2) == ["6", "5"]
    assert ids(cases, limit=2, offset=2) == ["4", "3"]
    assert ids(cases, limit=10, offset=6) == []
    for query in (CaseQuery(), CaseQuery(category_codes=frozenset({"05"})), CaseQuery(text="北门", limit=1)):
        assert cases.count(query) == len(cases.search(replace(query, limit=1000)))
    assert cases.count(CaseQuery(overdue_at=T0 + 6000)) == 2


def _expected(listed: dict[str, Case], key: SortKey, descending: bool) -> list[str]:
    """Values in order, empty ones last either way, then the id in the same direction."""
    have = [c for c in listed.values() if getattr(c, key.value) is not None]
    empty = [c for c in listed.values() if getattr(c, key.value) is None]
    then = (lambda c: (c.created_at, c.id)) if key is SortKey.STATE else (lambda c: (c.id,))  # state: by time
    have.sort(key=lambda c: (getattr(c, key.value), *then(c)), reverse=descending)
    empty.sort(key=lambda c: c.id, reverse=descending)
    return [c.id[-1] for c in have + empty]


@pytest.mark.parametrize("key", list(SortKey))
def test_the_list_sorts_by_every_key_both_ways(
    cases: SqlCaseRepository, listed: dict[str, Case], key: SortKey
) -> None:
    for descending in (False, True):
        assert ids(cases, sort=key, descending=descending) == _expected(listed, key, descending), descending
        assert (
            ids(cases, sort=key, descending=descending, limit=3, offset=2)
            == _expected(listed, key, descending)[2:5]
        )


@pytest.mark.parametrize("key", list(SortKey))
def test_walking_the_sort_order_finds_the_same_pages(
    cases: SqlCaseRepository, listed: dict[str, Case], key: SortKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where many cases match (here: any), SQLite walks the sort order's index and tests each row:
    the same pages, empty values last, and the count the page asked for on the way."""
    monkeypatch.setattr(case_store, "WALK_FROM", 1)
    wide = {"states": frozenset(CaseState), "sources": frozenset(CaseSource)}
    for descending in (False, True):
        assert ids(cases, sort=key, descending=descending, **wide) == _expected(listed, key, descending)
        assert (
            ids(cases, sort=key, descending=descending, limit=2, offset=1, **wide)
            == (_expected(listed, key, descending)[1:3])
        )
    assert cases.count(CaseQuery(**wide)) == 6  # type: ignore[arg-type]
    walked = ids(cases, category_codes=frozenset({"05"}), sort=key)
    monkeypatch.setattr(case_store, "WALK_FROM", 10**9)
    assert walked == ids(
        cases, category_codes=frozenset({"05"}), sort=key
    )  # as the filter's index finds them


@pytest.mark.parametrize("key", list(SortKey))
def test_a_page_found_in_order_or_looked_up_is_the_same(
    cases: SqlCaseRepository, listed: dict[str, Case], key: SortKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL tests the first rows of the order (those with a value first, where empty values
    sort last) and looks the filters up when they do not hold the page (a text whose cases are
    all in one part of the order). Either way: the same pages, in the list's order."""
    holding = {"北门": "13456", "游商": "12356", "门": "123456", "cw-00000": "123456", "已处置": "4"}
    asked: list[dict[str, object]] = [{"text": t} for t in holding]
    asked.append({"text": "游商", "category_codes": frozenset({"05"})})
    asked.append({"states": frozenset({CaseState.DISPATCHED, CaseState.IN_PROGRESS, CaseState.HANDLED})})

    def pages() -> list[list[str]]:
        return [
            ids(cases, sort=key, descending=descending, limit=limit, offset=offset, **filters)
            for descending in (False, True)
            for filters in asked
            for limit, offset in ((100, 0), (2, 0), (2, 1), (1, 3))
        ]

    monkeypatch.setattr(case_list, "WALK_PER_ROW", 10**6)  # the whole order is walked
    in_order = pages()
    monkeypatch.setattr(case_list, "WALK_PER_ROW", 1)  # only the page's rows: most are looked up
    assert pages() == in_order
    for descending in (False, True):
        every = _expected(listed, key, descending)
        for words, cases_with_it in holding.items():
            assert ids(cases, sort=key, descending=descending, text=words) == [
                n for n in every if n in cases_with_it
            ]


def test_a_count_may_stop_early(cases: SqlCaseRepository, listed: dict[str, Case]) -> None:
    """The list counts up to a bound ("more than 10,000"): past it the answer is the bound plus one."""
    everything = CaseQuery()
    assert cases.count(everything) == 6 and cases.count(everything, at_most=10) == 6
    assert cases.count(everything, at_most=2) == 3
    assert cases.count(CaseQuery(text="cw-"), at_most=4) == 5  # a text search too
    cases.search(CaseQuery(states=frozenset(CaseState)))  # its count, kept for the next question
    assert cases.count(CaseQuery(states=frozenset(CaseState)), at_most=1) == 2


def test_sorting_by_the_deadline_puts_cases_without_one_last(
    cases: SqlCaseRepository, listed: dict[str, Case]
) -> None:
    assert ids(cases, sort=SortKey.DUE, descending=False) == ["1", "4", "2", "3", "5", "6"]
    assert ids(cases, sort=SortKey.DUE, descending=True) == ["2", "4", "1", "6", "5", "3"]
    assert ids(cases, sort=SortKey.GRID, descending=False)[-1] == "5"  # no grid


def test_facts_come_from_the_columns(cases: SqlCaseRepository, listed: dict[str, Case]) -> None:
    in_order = sorted(listed.values(), key=lambda c: (c.created_at, c.id))
    assert cases.facts() == [facts_of(c) for c in in_order]
    assert [f.id[-1] for f in cases.facts(T0 + 200, T0 + 400)] == ["2", "3", "4"]
    assert [f.id[-1] for f in cases.facts(created_from=T0 + 400)] == ["5", "6"]
    assert cases.facts(T0 + 9000) == []


def test_the_facts_of_a_period_are_the_cases_made_due_or_closed_in_it(
    cases: SqlCaseRepository, listed: dict[str, Case]
) -> None:
    assert [f.id[-1] for f in cases.facts_in_period(T0 + 900, T0 + 1100)] == ["1"]  # due in it
    assert [f.id[-1] for f in cases.facts_in_period(T0 + 450, T0 + 1600)] == ["1", "4", "6"]  # due, made
    checked = core.verify(listed["4"], OPERATOR, T0 + 2500)
    closed = write(cases, checked, core.close(checked.after, LEADER, T0 + 3000))
    assert [f.id[-1] for f in cases.facts_in_period(T0 + 2900, T0 + 3100)] == [closed.id[-1]]  # closed in it
    assert cases.facts_in_period(T0 + 9000, T0 + 9999) == []


def test_changed_since_gives_the_changes_after_a_time(
    cases: SqlCaseRepository, listed: dict[str, Case]
) -> None:
    assert [c.id[-1] for c in cases.changed_since(T0 + 400)] == ["5", "6", "4"]  # by update time
    assert cases.changed_since(T0 + 2000) == []


def test_alerts_and_cases_make_one_chain(store: Store) -> None:
    alerts, cases, book = store.open(), store.open_cases(), AlertBook()
    raised = book.raise_alert(sample_alert(1))
    alerts.append(raised.after, raised.draft)
    case = write(cases, reported(sample_case(1, alerts=("al-00001",)), T0))
    confirmed = book.confirm("al-00001", "王芳", T0 + 1)
    alerts.append(confirmed.after, confirmed.draft)
    write(cases, *dispatched(case, T0 + 100))

    per_writer, errors = 25, list[BaseException]()

    def alert_writer(repo: SqlAlertRepository) -> None:
        try:
            for n in range(100, 100 + per_writer):
                change = book.raise_alert(sample_alert(n, camera="cam100"))
                repo.append(change.after, change.draft)
        except BaseException as exc:
            errors.append(exc)

    def case_writer(repo: SqlCaseRepository) -> None:
        try:
            for n in range(100, 100 + per_writer):
                write(repo, reported(sample_case(n), T0 + n))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=alert_writer, args=(store.open(),)),
        threading.Thread(target=case_writer, args=(store.open_cases(),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    events = list(alerts.events())
    assert [e.seq for e in events] == list(range(1, 5 + 2 * per_writer + 1))
    assert verify_chain(events) == []
    assert [e.subject for e in events[:5]] == [
        "alert:al-00001",
        "case:CW-000001",
        "alert:al-00001",
        "case:CW-000001",
        "case:CW-000001",
    ]
    result = verify_store(alerts, None)
    assert result.problems == [] and (result.alerts, result.cases) == (1 + per_writer, 1 + per_writer)


def _tamper(store: Store, *statements: str) -> None:
    engine = create_engine(store.sql_url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def test_audit_verify_names_each_case_row_changed_behind_the_apps_back(store: Store) -> None:
    alerts, cases = store.open(), store.open_cases()
    for n in range(1, 6):
        write(cases, *([reported(sample_case(n), T0 + n)]))
    assert verify_store(alerts, None).intact
    _tamper(
        store,
        "UPDATE cases SET state = 'closed' WHERE id = 'CW-000001'",  # a column only
        # the record only
        "UPDATE case_records SET record = replace(record, '北门广场东侧', '别处') WHERE id = 'CW-000002'",
        "UPDATE cases SET rework_count = 0, version = 9 WHERE id = 'CW-000003'",
        "DELETE FROM cases WHERE id = 'CW-000004'",
        "DELETE FROM case_records WHERE id = 'CW-000005'",
        "INSERT INTO cases (id, state, source, category_code, created_at, version)"
        " VALUES ('CW-999999', 'closed', 'video', '0501', 1.0, 1)",
        "INSERT INTO case_records (id, record) VALUES ('CW-999999', '{}')",
    )
    problems = verify_store(alerts, None).problems
    assert problems == [
        "case CW-000001: its row was edited directly in the database (state='closed', recorded 'reported')",
        "case CW-000002: its record differs from the audit record (address)",
        "case CW-000003: its row was edited directly in the database (version=9, recorded 1)",
        "case CW-000005: its record is gone (deleted directly in the database)",
        "case CW-999999: its row is not in the audit record (added or changed directly in the database)",
        "case CW-000004: in the audit record, but its row is gone",
    ]


def test_an_alert_database_of_before_cases_is_backed_up_and_upgraded(store: Store, tmp_path: Path) -> None:
    before_cases = tmp_path / "migrations_0001"
    ignore = shutil.ignore_patterns("__pycache__", "0002_*", "0003_*")
    shutil.copytree(MIGRATIONS, before_cases, ignore=ignore)
    old, book = store.open(migrations=before_cases), AlertBook()
    for n in (1, 2):
        change = book.raise_alert(sample_alert(n))
        old.append(change.after, change.draft)
    old.close()
    cases = store.open_cases()
    assert cases.upgrade is not None and (cases.upgrade.before, cases.upgrade.after) == ("0001", "0003")
    if store.dialect == "sqlite":
        assert cases.upgrade.backup is not None and "r0001" in cases.upgrade.backup.name
    case = write(cases, reported(sample_case(1, alerts=("al-00001",)), T0))
    alerts = store.open()
    assert {a.id for a in alerts.all_alerts()} == {"al-00001", "al-00002"}
    assert cases.case_for_alert("al-00001") == case
    result = verify_store(alerts, None)
    assert result.problems == [] and (result.events, result.alerts, result.cases) == (3, 2, 1)


def _statements(repo: SqlCaseRepository) -> list[str]:
    """The SQL the store sends from now on (a list that grows)."""
    sent: list[str] = []
    event.listen(repo._read, "before_cursor_execute", lambda *a: sent.append(str(a[2])))
    return sent


def test_text_search_by_trigrams_or_by_scan_finds_the_same(store: Store) -> None:
    """Three characters or more are looked up in the trigram index (SQLite's FTS5 table; on
    PostgreSQL pg_trgm's index serves the store's lower(column) LIKE, as a plan without scans
    shows); one or two cannot be: LIKE alone. Either way a substring, any case, % and _ plain, and
    a case's text as changed, never as it was."""
    cases = store.open_cases()
    made = write(cases, reported(sample_case(1, address="幸福路 12号 North Gate"), T0))
    write(cases, reported(sample_case(2, address="解放路 8号", description="50%_off 地摊"), T0 + 10))
    sent = _statements(cases)
    assert (
        ids(cases, text="幸福路") == ["1"]
        and ids(cases, text="幸福") == ["1"]
        and ids(cases, text="幸") == ["1"]
    )
    assert ids(cases, text="north gATE") == ["1"] and ids(cases, text="no") == ["1"]
    assert (
        ids(cases, text="0%_o") == ["2"] and ids(cases, text="%_") == ["2"] and ids(cases, text="%") == ["2"]
    )
    assert ids(cases, text="8号") == ["2"] and ids(cases, text="号") == ["2", "1"]
    assert ids(cases, text="cw-00000") == ["2", "1"] and ids(cases, text="路 1") == ["1"]
    assert ids(cases, text="幸福路 12号 North Gate!") == [] and ids(cases, text='"') == []
    assert cases.count(CaseQuery(text="路 ")) == 2
    if store.dialect == "sqlite":  # the index for 3+ characters, LIKE alone below
        matched = [s for s in sent if "MATCH" in s and s.startswith("SELECT cases.id")]  # the pages'
        assert len(matched) == 6, "幸福路, north gATE, 0%_o, cw-00000, 路 1 and the one not found"
    edited = write(cases, core.edit(made, OPERATOR, T0 + 20, Edit(address="光明路 3号")))
    assert ids(cases, text="幸福路") == [] and ids(cases, text="光明路") == ["1"]
    if store.dialect == "sqlite":  # the index itself forgot the old text
        with create_engine(store.sql_url).connect() as conn:
            old = conn.execute(text("""SELECT count(*) FROM cases_text WHERE cases_text MATCH '"幸福路"'"""))
            assert old.scalar_one() == 0
    write(cases, core.cancel(edited, LEADER, T0 + 30, "重复上报已合并"))
    assert ids(cases, text="已合并") == ["1"] and ids(cases, text="光明路") == ["1"]
    if store.dialect == "postgresql":
        with create_engine(store.sql_url).connect() as conn:
            found = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'cases'"))
            assert "ix_cases_text_trgm" in {r[0] for r in found}
        asked: list[tuple[str, dict[str, Any]]] = []
        event.listen(cases._read, "before_cursor_execute", lambda *a: asked.append((a[2], a[3])))
        assert cases.count(CaseQuery(text="North Gate")) == 0 and cases.count(CaseQuery(text="光明路")) == 1
        with create_engine(store.sql_url).connect() as conn:  # no scan allowed: the index or nothing
            conn.execute(text("SET enable_seqscan = off; SET enable_indexscan = off"))
            for statement, parameters in asked:
                plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
                assert "ix_cases_text_trgm" in plan and "Seq Scan" not in plan, plan


def test_a_text_many_cases_hold_is_read_in_order_and_counted_by_the_index(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above SELECTIVE cases the page is read in its order with LIKE (quick to fill 100 rows) and
    the count of the text alone comes from the index: the same answers as the index path."""
    cases = store.open_cases()
    for n in range(1, 6):
        write(cases, reported(sample_case(n, address=f"新华路 {n}号"), T0 + n))
    write(cases, reported(sample_case(6, address="解放路 6号"), T0 + 6))
    indexed = (ids(cases, text="新华路"), cases.count(CaseQuery(text="新华路")))
    monkeypatch.setattr(case_store, "SELECTIVE", 0)
    fresh = store.open_cases()  # its own idea of how many cases hold a text
    sent = _statements(fresh)
    assert (ids(fresh, text="新华路"), fresh.count(CaseQuery(text="新华路"))) == indexed
    assert indexed == (["5", "4", "3", "2", "1"], 5)
    assert (
        fresh.count(CaseQuery(text="新华路", states=frozenset({CaseState.REPORTED}))) == 5
    )  # with a filter: LIKE
    if store.dialect == "sqlite":
        assert not [s for s in sent if "MATCH" in s and s.startswith("SELECT cases.id")]


def test_cases_written_before_the_text_index_are_found_by_it(store: Store, tmp_path: Path) -> None:
    """A database of revision 0002 with cases: the upgrade indexes their text as it was."""
    before_index = tmp_path / "migrations_0002"
    shutil.copytree(MIGRATIONS, before_index, ignore=shutil.ignore_patterns("__pycache__", "0003_*"))
    early = open_case_repository(store.url, store.data_dir, migrations=before_index)
    store.opened.append(early)
    write(early, reported(sample_case(1, address="人民路 100号"), T0))
    early.close()
    cases = store.open_cases()
    assert cases.upgrade is not None and (cases.upgrade.before, cases.upgrade.after) == ("0002", "0003")
    assert ids(cases, text="人民路 100") == ["1"] and ids(cases, text="人民") == ["1"]
