"""The case window over a real CaseService: the list filters and counts, overdue rows are red and
say so, a command given by button and dialog changes the case, a conflict is said and overwrites
nothing, a case is made by hand at a tile, and a confirmed alert's case is one call away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.core.alerts import AlertChange, EvidenceKind
from app.core.cases import Actor, Case, CaseCommand, CaseState, EvidenceStage, Role
from app.services.cases import CaseService
from app.ui.cases.create import CreateCaseDialog
from app.ui.cases.dialogs import CommandDialog
from app.ui.cases.evidence import CaseEvidenceWindow
from app.ui.cases.model import COLUMNS, ROW_BACKGROUND
from app.ui.cases.window import CaseWindow
from app.ui.cases.words import Supervision
from app.ui.i18n import Translations
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.case_store_fakes import MemoryCaseRepository
from tests.evidence_fakes import MemoryEvidenceStore
from tests.ui.case_fakes import LEAD, OP, SHANGHAI, T0, FakeNames, do, make_service, morning, picture

C = CaseCommand


@pytest.fixture
def world() -> Iterator[tuple[CaseService, MemoryCaseRepository, FakeClock, MemoryEvidenceStore]]:
    clock = FakeClock(T0)
    service, repo = make_service(clock)
    yield service, repo, clock, MemoryEvidenceStore()
    service.close()


def open_window(qtbot, world, actor: Actor = OP) -> tuple[CaseWindow, dict[str, Case]]:
    service, _repo, clock, store = world
    cases = morning(service, clock, store)
    window = CaseWindow(service, FakeNames(), actor, SHANGHAI, load_evidence=store.read, now=clock.now)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    return window, cases


def showing(window: CaseWindow, case_id: str) -> bool:
    case = window.current_case()
    return case is not None and case.id == case_id


def current(window: CaseWindow) -> Case:
    case = window.current_case()
    assert case is not None
    return case


def column(name: str) -> int:
    return COLUMNS.index(name)


def texts(window: CaseWindow, name: str) -> list[str]:
    return [window.model.index(r, column(name)).data() for r in range(window.model.rowCount())]


def test_the_list_shows_open_cases_with_counts_and_filters(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    assert window.count.text() == "4 cases"  # the closed one is not an open case
    assert sorted(texts(window, "id")) == sorted(c.id for k, c in cases.items() if k != "done")
    window.filters.select(window.filters.state, None)  # all states
    qtbot.waitUntil(lambda: window.count.text() == "5 cases")
    window.filters.overdue.setChecked(True)
    qtbot.waitUntil(lambda: window.count.text() == "1 cases")
    assert texts(window, "id") == [cases["overdue"].id]
    window.filters.overdue.setChecked(False)
    window.filters.select(window.filters.category, "05")  # the class: its subclasses 0501 and 0504
    qtbot.waitUntil(lambda: window.count.text() == "3 cases")
    assert {t.split()[0] for t in texts(window, "category")} == {"0501", "0504"}
    window.filters.grid.setText("330106")
    qtbot.waitUntil(lambda: window.count.text() == "1 cases")
    assert texts(window, "id") == [cases["filed"].id]
    window.filters.grid.clear()
    window.filters.select(window.filters.category, None)
    window.filters.select(window.filters.department, "sanitation")
    qtbot.waitUntil(lambda: window.count.text() == "2 cases")
    window.filters.select(window.filters.department, None)
    window.filters.text.setText("东街")
    qtbot.waitUntil(lambda: texts(window, "id") == [cases["soon"].id])
    window.shutdown()


def test_sorting_by_a_header_asks_the_store_again(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    window.table.sortByColumn(column("due"), Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: texts(window, "id")[0] == cases["overdue"].id)  # the earliest deadline first
    window.table.sortByColumn(column("due"), Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: texts(window, "id")[-1] == cases["filed"].id)  # no deadline yet: last
    window.shutdown()


def test_overdue_and_due_soon_rows_are_coloured_and_worded(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    rows = {window.model.case_at(r).id: r for r in range(window.model.rowCount())}  # type: ignore[union-attr]
    overdue, soon, fine = rows[cases["overdue"].id], rows[cases["soon"].id], rows[cases["fine"].id]
    assert window.model.index(overdue, column("supervision")).data() == "Overdue"
    assert window.model.index(soon, column("supervision")).data() == "Due soon"
    assert window.model.index(fine, column("supervision")).data() == "On time"
    red = window.model.index(overdue, column("id")).data(Qt.ItemDataRole.BackgroundRole).color()
    assert red == ROW_BACKGROUND[Supervision.OVERDUE] and red.red() > 2 * red.green()
    assert window.model.index(fine, column("id")).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "overdue by" in window.model.index(overdue, column("due")).data()
    window.shutdown()


def test_dispatch_by_button_and_dialog_with_the_suggested_department(qtbot, world) -> None:
    _service, repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    filed = cases["filed"]
    window.show_case(filed.id)
    qtbot.waitUntil(lambda: showing(window, filed.id))
    assert window.buttons[C.DISPATCH].isVisible() and not window.buttons[C.CLOSE].isVisible()
    assert not window.buttons[C.CANCEL].isVisible()  # only the shift leader may refuse to file
    window.buttons[C.DISPATCH].click()
    dialog = window.dialog
    assert isinstance(dialog, CommandDialog) and dialog.department is not None
    assert dialog.department.currentData() == "enforcement"  # the routing table's suggestion
    assert "2026-05-29 13:26" in dialog.deadline.text()  # now (+7 h) and 2 working hours, site time
    dialog.department.setCurrentIndex(dialog.department.findData("sanitation"))  # overridden
    dialog.ok.click()
    qtbot.waitUntil(lambda: repo.cases[filed.id].state is CaseState.DISPATCHED, timeout=5000)
    assert repo.cases[filed.id].department_id == "sanitation"
    qtbot.waitUntil(lambda: "dispatched" in window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: current(window).state is CaseState.DISPATCHED)
    qtbot.waitUntil(lambda: window.detail.timeline.topLevelItemCount() == 3)  # report, file, dispatch
    last = window.detail.timeline.topLevelItem(2)
    assert last is not None and (last.text(3), last.text(2), last.text(1)) == ("Dispatch", "Operator", "张三")
    assert last.text(4) == "环卫所"  # the department it went to, by name
    window.shutdown()


def test_a_reason_is_required_before_ok(qtbot, world) -> None:
    window, cases = open_window(qtbot, world, LEAD)
    window.show_case(cases["filed"].id)
    qtbot.waitUntil(lambda: window.current_case() is not None and current(window).id == cases["filed"].id)
    window.run(C.CANCEL)
    dialog = window.dialog
    assert isinstance(dialog, CommandDialog)
    assert not dialog.ok.isEnabled()
    dialog.note.setPlainText("   ")
    assert not dialog.ok.isEnabled()
    dialog.note.setPlainText("重复上报")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: world[1].cases[cases["filed"].id].state is CaseState.CANCELLED, timeout=5000)
    assert world[1].cases[cases["filed"].id].cancel_reason == "重复上报"
    window.shutdown()


def test_a_conflict_is_said_and_overwrites_nothing(qtbot, world) -> None:
    service, repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    filed = cases["filed"]
    window.show_case(filed.id)
    qtbot.waitUntil(lambda: showing(window, filed.id))
    window.run(C.DISPATCH)  # the operator opens the dialog on the version they see …
    dialog = window.dialog
    assert isinstance(dialog, CommandDialog)
    theirs = do(service, filed, C.DISPATCH, LEAD, department_id="sanitation")  # … the leader is quicker
    events = len(repo.events(filed.id))
    dialog.department.setCurrentIndex(dialog.department.findData("enforcement"))  # type: ignore[union-attr]
    dialog.ok.click()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert "李值班" in window.banner.text() and "reloaded" in window.banner.text()
    assert repo.cases[filed.id] == theirs  # nothing overwritten
    assert len(repo.events(filed.id)) == events
    qtbot.waitUntil(lambda: current(window).version == theirs.version)  # theirs is shown
    assert window.detail.values["department"].text().startswith("环卫所")
    window.shutdown()


def test_a_conflict_reads_in_chinese(qtbot, world) -> None:
    Translations().set_language("zh_CN")
    service, _repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    filed = cases["filed"]
    window.show_case(filed.id)
    qtbot.waitUntil(lambda: showing(window, filed.id))
    window.run(C.DISPATCH)
    dialog = window.dialog
    do(service, filed, C.DISPATCH, LEAD, department_id="sanitation")
    dialog.ok.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert window.banner.text() == "案件已被 李值班 修改，已重新载入；请重新操作。"
    window.shutdown()


def test_a_case_made_by_hand_at_a_tile(qtbot, world) -> None:
    _service, repo, clock, store = world
    window, _cases = open_window(qtbot, world)
    jpeg = picture("抓拍", QColor(80, 80, 80))
    snapshot = store.put(jpeg, kind=EvidenceKind.STILL, media_type="image/jpeg",
                         captured_at=clock.t - 5, camera_id="cam002", stream="main")  # fmt: skip
    dialog = window.create_from_tile("cam002", snapshot, "330105001002009")
    assert isinstance(dialog, CreateCaseDialog)
    assert dialog.grid.text() == "330105001002009"
    qtbot.waitUntil(lambda: dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull())
    assert not dialog.ok.isEnabled()  # no category yet
    dialog.search.setText("店外")
    assert dialog.ok.isEnabled() and dialog.categories.currentItem().text() == "0504 店外经营"
    dialog.description.setPlainText("水果店占道摆放")
    dialog.grid.setText("330105001002010")  # corrected by the operator
    before = set(repo.cases)
    dialog.ok.click()
    qtbot.waitUntil(lambda: len(repo.cases) == len(before) + 1, timeout=5000)
    [new] = [c for c in repo.cases.values() if c.id not in before]
    assert (new.category_code, new.grid_code, new.camera_id, new.description, new.state) == (
        "0504", "330105001002010", "cam002", "水果店占道摆放", CaseState.FILED,
    )  # fmt: skip
    assert new.evidence[0].ref == snapshot and new.evidence[0].stage is EvidenceStage.REPORT
    qtbot.waitUntil(lambda: showing(window, new.id))
    qtbot.waitUntil(lambda: window.count.text() == "5 cases")  # the list heard it
    window.shutdown()


def test_one_call_from_a_confirmed_alert_to_its_case(qtbot, world) -> None:
    service, _repo, clock, _ = world
    window, _cases = open_window(qtbot, world)
    alerts = alert_service(clock.t)[0]
    alerts.detector_raised(detected("a7"))
    change: AlertChange = alerts.confirm("a7", "张三", "摊位在北门")
    service.on_alert_change(change)
    qtbot.waitUntil(lambda: service.case_for_alert("a7") is not None, timeout=5000)
    made = service.case_for_alert("a7")
    window.show_case_for_alert("a7")
    qtbot.waitUntil(lambda: showing(window, made.id))
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == window.model.row_of(made.id) >= 0)
    window.show_case_for_alert("nothing")
    qtbot.waitUntil(lambda: "No case was made" in window.banner.text())
    window.shutdown()


def test_a_change_at_another_seat_reaches_the_list(qtbot, world) -> None:
    service, _repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    soon = cases["soon"]
    window.show_case(soon.id)
    qtbot.waitUntil(lambda: showing(window, soon.id))
    do(service, soon, C.FEEDBACK, Actor("执法中队", Role.DEPARTMENT), note="摊主已劝离")
    row = window.model.row_of(soon.id)
    qtbot.waitUntil(lambda: window.model.index(row, column("state")).data() == "Reported back")
    qtbot.waitUntil(lambda: current(window).state is CaseState.HANDLED)
    assert window.buttons[C.VERIFY].isVisible() and window.buttons[C.RETURN].isVisible()
    window.shutdown()


def test_the_store_failing_is_said(qtbot, world) -> None:
    _service, repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    window.show_case(cases["filed"].id)
    qtbot.waitUntil(lambda: window.current_case() is not None and current(window).id == cases["filed"].id)
    repo.failing = True
    window.run(C.DISPATCH)
    window.dialog.ok.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert "disk is full" in window.banner.text()
    assert repo.cases[cases["filed"].id].state is CaseState.FILED
    assert window.buttons[C.DISPATCH].isEnabled()  # it can be tried again
    window.shutdown()


def test_evidence_shows_before_and_after_and_opens(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    window.filters.select(window.filters.state, None)
    qtbot.waitUntil(lambda: window.model.row_of(cases["done"].id) >= 0)
    window.show_case(cases["done"].id)
    qtbot.waitUntil(lambda: window.current_case() is not None and current(window).id == cases["done"].id)
    pair = window.detail.pair
    assert "Report" in pair.before.caption.text() and "Check" in pair.after.caption.text()
    assert "10:31:40" in pair.after.caption.text()  # the check picture's capture time, site time
    qtbot.waitUntil(
        lambda: pair.after.picture.pixmap() is not None and not pair.after.picture.pixmap().isNull()
    )
    assert window.detail.gallery.count() == 3
    opened = window.open_evidence(pair.after.item)
    assert isinstance(opened, CaseEvidenceWindow)
    qtbot.waitUntil(
        lambda: opened.viewer.still.pixmap() is not None and not opened.viewer.still.pixmap().isNull()
    )
    opened.close()
    window.shutdown()


def test_chinese_words_in_the_window(qtbot, world) -> None:
    Translations().set_language("zh_CN")
    window, cases = open_window(qtbot, world)
    window.resize(1280, 720)
    window.show_case(cases["overdue"].id)
    qtbot.waitUntil(lambda: window.current_case() is not None and current(window).id == cases["overdue"].id)
    assert window.count.text() == "共 4 件"
    row = window.model.row_of(cases["overdue"].id)
    assert window.model.index(row, column("supervision")).data() == "超期"
    assert (
        window.model.index(window.model.row_of(cases["soon"].id), column("supervision")).data() == "即将超期"
    )
    assert window.buttons[C.FEEDBACK].text() == "反馈"
    assert "超期" in window.detail.values["deadline"].text()
    window.shutdown()


def test_o_in_the_alert_list_shows_the_confirmed_alerts_case(qtbot, world) -> None:
    from PySide6.QtTest import QTest

    from app.ui.alerts.view import TriageView
    from tests.ui.alert_fakes import alert
    from tests.ui.alert_fakes import make_service as alert_service_for_ui

    service, _repo, _clock, _ = world
    window, _cases = open_window(qtbot, world)
    alerts, alert_clock = alert_service_for_ui()
    alerts.subscribe(service.on_alert_change)  # as the composition root wires them
    alerts.detector_raised(alert(1))  # a vending alert, 店外经营 0504
    view = TriageView(alerts, camera_name=str, operator=lambda: "张三", now=alert_clock.now)
    qtbot.addWidget(view)
    view.show()
    view.case_requested.connect(window.show_case_for_alert)
    view.select("a001")
    QTest.keyClick(view.table, Qt.Key.Key_C)  # confirmed: the case service files a case from it
    qtbot.waitUntil(lambda: service.case_for_alert("a001") is not None, timeout=5000)
    made = service.case_for_alert("a001")
    assert made is not None and made.category_code == "0504"
    view.set_filter("confirmed")  # it left the open alerts; the confirmed ones list it
    view.select("a001")
    QTest.keyClick(view.table, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: showing(window, made.id))
    window.shutdown()


def test_feedback_with_a_picture_becomes_the_after_picture(qtbot, world, tmp_path) -> None:
    service, repo, clock, store = world
    cases = morning(service, clock, store)

    def attach(path, camera_id):
        return store.put(path.read_bytes(), kind=EvidenceKind.STILL, media_type="image/jpeg",
                         captured_at=clock.t, camera_id=camera_id or "", stream="main")  # fmt: skip

    window = CaseWindow(service, FakeNames(), OP, SHANGHAI, load_evidence=store.read,
                        attach_picture=attach, now=clock.now)  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    fine = cases["fine"]
    window.show_case(fine.id)
    qtbot.waitUntil(lambda: showing(window, fine.id))
    window.run(C.FEEDBACK)
    dialog = window.dialog
    assert isinstance(dialog, CommandDialog) and dialog.picture_button is not None
    assert not dialog.ok.isEnabled()  # the department's note is required
    photo = tmp_path / "after.jpg"
    photo.write_bytes(picture("反馈", QColor(30, 120, 60)))
    dialog.set_picture(photo)
    dialog.note.setPlainText("垃圾已清运")
    dialog.ok.click()
    qtbot.waitUntil(lambda: repo.cases[fine.id].state is CaseState.HANDLED, timeout=5000)
    [after] = repo.cases[fine.id].evidence_at(EvidenceStage.FEEDBACK)
    assert after.note == "垃圾已清运" and after.ref.captured_at == clock.t
    qtbot.waitUntil(lambda: window.detail.pair.after.item == after)
    window.shutdown()


def test_only_the_newest_page_asked_is_shown(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    asked = window._asked
    window._page_came(asked - 1, [cases["done"]], 1, "")  # an older answer arriving late
    assert window.model.rowCount() == 4 and window.count.text() == "4 cases"
    window._page_came(asked, [cases["done"]], 1, "")
    assert window.model.rowCount() == 1 and window.count.text() == "1 cases"
    window.shutdown()


def test_the_language_switch_reaches_the_window(qtbot, world) -> None:
    window, cases = open_window(qtbot, world)
    window.show_case(cases["overdue"].id)
    qtbot.waitUntil(lambda: showing(window, cases["overdue"].id))
    Translations().set_language("zh_CN")
    assert window.windowTitle() == "案件" and window.buttons[C.FEEDBACK].text() == "反馈"
    assert window.buttons[C.FEEDBACK].shortcut().toString() == "Alt+B"  # new words keep the key
    assert window.model.headerData(column("supervision"), Qt.Orientation.Horizontal) == "督办"
    assert "超期" in window.detail.values["deadline"].text()
    window.shutdown()


def test_edit_before_dispatch_sends_only_what_changed(qtbot, world) -> None:
    from PySide6.QtTest import QTest

    from app.ui.cases.edit import EditCaseDialog

    _service, repo, _clock, _ = world
    window, cases = open_window(qtbot, world)
    window.show_case(cases["overdue"].id)  # dispatched: no more corrections
    qtbot.waitUntil(lambda: showing(window, cases["overdue"].id))
    assert not window.buttons[C.EDIT].isVisible()
    filed = cases["filed"]
    window.show_case(filed.id)
    qtbot.waitUntil(lambda: showing(window, filed.id))
    assert window.buttons[C.EDIT].isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Alt+M
    qtbot.waitUntil(lambda: isinstance(window.dialog, EditCaseDialog))
    dialog = window.dialog
    assert isinstance(dialog, EditCaseDialog)
    assert dialog.picker.code() == "0501" and dialog.grid.text() == filed.grid_code
    assert not dialog.ok.isEnabled()  # nothing changed yet
    dialog.picker.search.setText("店外")
    dialog.grid.setText("330106001001009")
    dialog.department.setCurrentIndex(dialog.department.findData("sanitation"))
    dialog.urgent.setChecked(True)
    dialog.note.setPlainText("类别有误")
    assert dialog.ok.isEnabled()
    events = len(repo.events(filed.id))
    dialog.ok.click()
    qtbot.waitUntil(lambda: repo.cases[filed.id].version > filed.version, timeout=5000)
    after = repo.cases[filed.id]
    assert (after.category_code, after.grid_code, after.department_id, after.urgent) == (
        "0504", "330106001001009", "sanitation", True,
    )  # fmt: skip
    assert (after.address, after.description, after.state) == (filed.address, filed.description, filed.state)
    [event] = repo.events(filed.id)[events:]
    assert event.action == "edit" and event.note == "类别有误"
    qtbot.waitUntil(lambda: current(window).category_code == "0504")
    assert window.detail.values["department"].text().startswith("环卫所")
    window.shutdown()


def test_the_filters_follow_a_language_switch_and_keep_the_choice(qtbot, world) -> None:
    window, _cases = open_window(qtbot, world)
    window.filters.select(window.filters.department, "sanitation")
    qtbot.waitUntil(lambda: window.count.text() == "1 cases")
    asked = window._asked
    Translations().set_language("zh_CN")
    assert window.filters.state.currentText() == "未结案件"
    assert window.filters.source.itemText(0) == "全部来源" and window.filters.overdue.text() == "只看超期"
    assert window.filters.department.currentData() == "sanitation"  # the same choice, in new words
    assert window._asked == asked  # and not a new question to the store
    window.shutdown()


def test_f1_shows_the_case_windows_keys(qtbot, world) -> None:
    from PySide6.QtTest import QTest

    Translations().set_language("zh_CN")
    window, _cases = open_window(qtbot, world)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_F1)
    assert window.help.isVisible()
    texts = window.help.texts()
    assert "修改" in texts and "Alt+M" in texts and "派遣" in texts and "Alt+D" in texts
    assert "搜索案件" in texts and "Ctrl+F" in texts and "案件窗口" in texts
    assert window.help.font_px() is not None  # it fits the window
    QTest.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
    window.shutdown()


def test_the_city_platforms_word_on_the_shown_case(qtbot, world) -> None:
    from app.core.case_ports import DeliveryState, OutboxEntry, OutboxItem

    service, _repo, clock, store = world
    cases = morning(service, clock, store)
    answers: dict[str, OutboxEntry | None] = {}
    window = CaseWindow(
        service, FakeNames(), OP, SHANGHAI, load_evidence=store.read, now=clock.now, delivery=answers.get
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    case = next(c for c in cases.values() if c.state is CaseState.DISPATCHED)
    item = OutboxItem(f"{case.id}:{case.version}", case.id, case.version, "{}", T0)
    answers[case.id] = OutboxEntry(item, DeliveryState.PENDING, 3, T0 + 60, "connection refused")
    window.show_case(case.id)
    label = window.detail.values["delivery"]
    qtbot.waitUntil(lambda: "connection refused" in label.text(), timeout=5000)
    assert label.isVisible() and f"{case.version}" in label.text() and "3" in label.text()
    answers[case.id] = OutboxEntry(item, DeliveryState.DELIVERED, 4, T0 + 60, "", delivered_at=T0 + 90)
    window._clock()  # the clock's tick asks again: the outbox works on its own
    qtbot.waitUntil(lambda: "connection refused" not in label.text(), timeout=5000)
    assert str(case.version) in label.text()


def test_no_platform_row_without_a_platform(qtbot, world) -> None:
    window, _cases = open_window(qtbot, world)
    assert not window.detail.values["delivery"].isVisible()
