"""History search: the form becomes a query, the search runs off the GUI thread, the result is listed."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from app.core.alert_ports import AlertQuery
from app.core.alerts import Alert, AlertState, DismissReason, Rule
from app.ui.alerts.history import HistoryView
from app.ui.alerts.verdict_counts import ALL_ALERTS
from tests.ui.alert_fakes import CAMERAS, T0, alert


class FakeRepository:
    """search() as the store answers it (newest first), on whatever thread calls it; can be made to fail."""

    def __init__(self, alerts: list[Alert]) -> None:
        self.alerts = alerts
        self.queries: list[AlertQuery] = []  # the history's searches (a page of alerts)
        self.counts: list[AlertQuery] = []  # the verdict counts' (every alert of the search)
        self.threads: list[threading.Thread] = []
        self.gate = threading.Event()
        self.gate.set()
        self.error: Exception | None = None

    def search(self, query: AlertQuery) -> list[Alert]:
        (self.counts if query.limit == ALL_ALERTS else self.queries).append(query)
        self.threads.append(threading.current_thread())
        self.gate.wait(5)
        if self.error is not None:
            raise self.error
        found = [
            a for a in self.alerts
            if (query.camera_ids is None or a.camera_id in query.camera_ids)
            and (query.states is None or a.state in query.states)
            and (query.rules is None or a.rule in query.rules)
            and (query.reasons is None or a.dismiss_reason in query.reasons)
            and (query.raised_from is None or a.raised_at >= query.raised_from)
            and (query.raised_to is None or a.raised_at <= query.raised_to)
        ]  # fmt: skip
        return sorted(found, key=lambda a: a.raised_at, reverse=True)


def stored() -> list[Alert]:
    out = [alert(n) for n in range(12)]
    out[1] = alert(1, state=AlertState.DISMISSED, dismiss_reason=DismissReason.FIXED_OBJECT)
    out[7] = alert(7, state=AlertState.DISMISSED, dismiss_reason=DismissReason.GONE)
    out.append(alert(99, at=T0 - 3 * 86400))  # three days ago: outside the default day
    return out


def view_of(qtbot: QtBot, repository: FakeRepository) -> HistoryView:
    view = HistoryView(repository, CAMERAS, lambda: T0, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(view)
    view.show()
    return view


def test_the_form_is_the_query_and_the_search_runs_off_the_gui_thread(qtbot: QtBot) -> None:
    repository = FakeRepository(stored())
    view = view_of(qtbot, repository)
    view.camera.setText("人民")
    view.state.setCurrentIndex(view.state.findData(AlertState.DISMISSED))
    with qtbot.waitSignal(view.finished) as done:
        assert view.search()
    assert done.args == [2] and [a.id for a in view.model.alerts()] == ["a007", "a001"]  # newest first
    query = repository.queries[0]
    assert query.camera_ids == frozenset({"cam002"}) and query.states == frozenset({AlertState.DISMISSED})
    assert query.raised_from == T0 - 86400 and query.raised_to is not None and query.raised_to >= T0
    assert repository.threads[0] is not threading.main_thread()
    assert view.status.text() == "2 alert(s) found (searched at 16:53:20)."


def test_reason_rule_and_the_date_range_narrow_it(qtbot: QtBot) -> None:
    repository = FakeRepository(stored())
    view = view_of(qtbot, repository)
    view.reason.setCurrentIndex(view.reason.findData(DismissReason.FIXED_OBJECT))
    with qtbot.waitSignal(view.finished):
        view.search()
    assert [a.id for a in view.model.alerts()] == ["a001"]
    view.reason.setCurrentIndex(0)
    view.rule.setCurrentIndex(view.rule.findData(Rule.BIN_OVERFLOW))
    view.since.setDateTime(view.since.dateTime().addDays(-7))
    with qtbot.waitSignal(view.finished):
        view.search()
    assert {a.id for a in view.model.alerts()} == {"a003", "a007", "a011", "a099"}  # a099: 3 days ago


def test_a_camera_that_matches_nothing_or_reversed_dates_are_said_not_searched(qtbot: QtBot) -> None:
    repository = FakeRepository(stored())
    view = view_of(qtbot, repository)
    view.camera.setText("不存在的路口")
    assert not view.search() and view.status.text() == "No camera matches “不存在的路口”."
    view.camera.clear()
    view.since.setDateTime(view.until.dateTime().addDays(1))
    assert not view.search() and view.status.text() == "The start is after the end."
    assert repository.queries == []


def test_a_failing_store_is_said_and_a_newer_search_wins_over_an_older_one(qtbot: QtBot) -> None:
    repository = FakeRepository(stored())
    view = view_of(qtbot, repository)
    repository.error = OSError("database is locked")
    with qtbot.waitSignal(view.finished) as done:
        view.search()
    assert done.args == [-1] and view.status.text() == "The search failed: database is locked"
    assert view.button.isEnabled()
    repository.error = None
    repository.gate.clear()
    view.search()  # held in the store
    view.camera.setText("菜市场")
    repository.gate.set()
    with qtbot.waitSignal(view.finished, timeout=5000):
        view.search()
    qtbot.waitUntil(lambda: len(repository.queries) == 3)
    assert {a.camera_id for a in view.model.alerts()} == {"cam001"}


def test_each_search_counts_the_verdicts_of_its_period_and_cameras_off_the_gui_thread(qtbot: QtBot) -> None:
    dismissed, confirmed = AlertState.DISMISSED, AlertState.CONFIRMED
    north, road = "cam001", "cam002"  # vending alerts only (n % 4 != 3)
    alerts = [
        alert(0, camera_id=north, state=confirmed),
        alert(1, camera_id=north, state=dismissed, dismiss_reason=DismissReason.FALSE_DETECTION),
        alert(2, camera_id=north, state=dismissed, dismiss_reason=DismissReason.FALSE_DETECTION),
        alert(4, camera_id=road, state=dismissed, dismiss_reason=DismissReason.FIXED_OBJECT),
        alert(5, camera_id=road, state=confirmed),
        alert(6, camera_id=road),  # still open: not judged
        alert(99, camera_id=road, at=T0 - 3 * 86400, state=confirmed),  # three days ago: not counted
    ]
    repository = FakeRepository(alerts)
    view = view_of(qtbot, repository)
    assert view.verdicts.title.text() == "Each search also counts the verdicts of its alerts."
    view.state.setCurrentIndex(view.state.findData(AlertState.CONFIRMED))  # the list: confirmed only
    view.search()
    qtbot.waitUntil(lambda: view.verdicts.table.rowCount() > 0)
    (count,) = repository.counts
    assert count.states is None and count.raised_from == T0 - 86400, "every verdict of the period"
    assert repository.threads[-1] is not threading.main_thread()
    table = view.verdicts.table
    cells = [
        [cell.text() if (cell := table.item(r, c)) else "" for c in range(10)]
        for r in range(table.rowCount())
    ]
    rows = {(row[0], row[1]): row[2:] for row in cells}
    cameras = list(CAMERAS.values())
    assert rows[("Street vending", cameras[0])] == ["3", "1", "2", "0", "0", "0", "0", "67%"]
    assert rows[("Street vending", cameras[1])] == ["2", "1", "0", "1", "0", "0", "1", "50%"]
    assert cells[0][1] == cameras[0], "the noisiest camera first"
    assert rows[("All", "")] == ["5", "2", "2", "1", "0", "0", "1", "60%"]
    assert view.verdicts.title.text() == "Verdicts of these alerts: false-alarm share 60% (3 of 5 judged)"


def test_a_failing_count_is_said_where_the_counts_would_be(qtbot: QtBot) -> None:
    repository = FakeRepository(stored())
    view = view_of(qtbot, repository)
    repository.error = OSError("database is locked")
    view.search()
    qtbot.waitUntil(lambda: "could not be counted" in view.verdicts.title.text())
    assert view.verdicts.title.text() == "Verdicts could not be counted: database is locked"
