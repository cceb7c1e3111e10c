"""The triage view: a list that follows the service's events row by row, and triage by keyboard alone."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.alerts import AlertState, Box, DismissReason, EvidenceRef, Rule
from app.services.alerts import AlertService
from app.ui.alerts.model import Col
from app.ui.alerts.view import TriageView
from tests.ui.alert_fakes import CAMERAS, FakeClock, alert, make_service, picture_bytes


def view_of(qtbot: QtBot, service: AlertService, clock: FakeClock, **kwargs: Any) -> TriageView:
    view = TriageView(
        service, camera_name=lambda c: CAMERAS.get(c, c), operator=lambda: "张三", now=clock.now, **kwargs
    )
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    return view


def key(view: TriageView, *keys: Qt.Key | str) -> None:
    """Keys as typed on the keyboard into whatever has the focus (Chinese as an input method commits it)."""
    for k in keys:
        target = QApplication.focusWidget() or view.table
        if isinstance(k, str) and not k.isascii():
            for char in k:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        target, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
                    )
        elif isinstance(k, str):
            QTest.keyClicks(target, k)
        else:
            QTest.keyClick(target, k)


def test_a_change_to_one_alert_is_one_row_changed_never_a_reset(qtbot: QtBot) -> None:
    service, clock = make_service()
    for n in range(5):
        service.detector_raised(alert(n))
    view = view_of(qtbot, service, clock)
    view._timer.stop()  # the duration tick is its own signal; here only the change's
    model = view.model
    resets, changed, inserted = (
        QSignalSpy(model.modelReset),
        QSignalSpy(model.dataChanged),
        QSignalSpy(model.rowsInserted),
    )
    service.acknowledge("a002", "李四")
    assert resets.count() == 0 and inserted.count() == 0 and changed.count() == 1
    top, bottom = changed.at(0)[0], changed.at(0)[1]
    assert top.row() == bottom.row() == model.row_of("a002")
    assert (top.column(), bottom.column()) == (0, len(Col) - 1)
    service.detector_raised(alert(7))
    assert resets.count() == 0 and inserted.count() == 1 and model.rowCount() == 6
    assert view.proxy.alert(0) is not None and view.proxy.alert(0).id == "a007"  # type: ignore[union-attr]


def test_a_change_made_on_another_thread_reaches_the_list_on_the_gui_thread(qtbot: QtBot) -> None:
    service, clock = make_service()
    view = view_of(qtbot, service, clock)
    worker = threading.Thread(target=lambda: service.detector_raised(alert(1)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.current_alert() is not None


def test_fifty_alerts_triaged_from_the_keyboard_alone(qtbot: QtBot) -> None:
    service, clock = make_service()
    for n in range(50):
        service.detector_raised(alert(n))
    view = view_of(qtbot, service, clock)
    expected: dict[str, tuple[AlertState, DismissReason | None]] = {}
    # The open list, newest first: each verdict takes the alert out and selects the next one.
    for n in range(25):
        current = view.current_alert()
        assert current is not None
        if n % 5 == 0:
            key(view, Qt.Key.Key_C)
            expected[current.id] = (AlertState.CONFIRMED, None)
        else:
            digit = 1 + n % 5
            key(view, Qt.Key.Key_X, str(digit))
            reasons = list(DismissReason)
            expected[current.id] = (AlertState.DISMISSED, reasons[digit - 1])
    # The rest in the full list: J steps over what is already decided, K comes back.
    key(view, Qt.Key.Key_F, Qt.Key.Key_F, Qt.Key.Key_F, Qt.Key.Key_F, Qt.Key.Key_F)
    assert view.proxy.state_key == "all"
    view.set_filter("all")
    view._select_row(0)
    for _ in range(50):
        current = view.current_alert()
        assert current is not None
        if current.id not in expected:
            key(view, Qt.Key.Key_A, Qt.Key.Key_C)
            expected[current.id] = (AlertState.CONFIRMED, None)
        key(view, Qt.Key.Key_J)
    key(view, Qt.Key.Key_K)
    assert len(expected) == 50
    for alert_id, (state, reason) in expected.items():
        got = service.get(alert_id)
        assert (got.state, got.dismiss_reason) == (state, reason), alert_id
        assert got.acknowledged_by == "张三"
    assert service.awaiting_acknowledgement() == []


def test_other_as_a_reason_asks_for_a_text_and_esc_cancels_without_a_change(qtbot: QtBot) -> None:
    service, clock = make_service()
    service.detector_raised(alert(1))
    view = view_of(qtbot, service, clock)
    key(view, Qt.Key.Key_X, Qt.Key.Key_Escape)
    assert service.get("a001").state is AlertState.RAISED and not view.strip.isVisible()
    key(view, Qt.Key.Key_X, "6")
    assert QApplication.focusWidget() is view.strip.entry
    key(view, "早餐车，有许可证", Qt.Key.Key_Return)
    got = service.get("a001")
    assert (got.state, got.dismiss_reason, got.note) == (
        AlertState.DISMISSED,
        DismissReason.OTHER,
        "早餐车，有许可证",
    )
    assert view.table.hasFocus()


def test_mute_assign_escalate_and_go_to_camera(qtbot: QtBot, tmp_path: Path) -> None:
    service, clock = make_service()
    service.detector_raised(alert(1))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("triage/operators", ["王五"])
    view = view_of(qtbot, service, clock, settings=settings)
    key(view, Qt.Key.Key_S, "2")
    assert service.get("a001").snoozed_until == clock.t + 30 * 60
    assert "muted until" in view.proxy.index(0, Col.STATE).data()
    key(view, Qt.Key.Key_P)
    assert view.strip.entry.itemText(0) == "王五" and "张三" in [
        view.strip.entry.itemText(i) for i in range(view.strip.entry.count())
    ]
    key(view, "赵六", Qt.Key.Key_Return)
    assert service.get("a001").owner == "赵六" and settings.value("triage/operators")[0] == "赵六"
    key(view, Qt.Key.Key_U)
    assert service.get("a001").state is AlertState.ESCALATED
    with qtbot.waitSignal(view.camera_requested) as wanted:
        key(view, Qt.Key.Key_G)
    assert wanted.args == ["cam002", "2"]


def test_a_refused_verdict_says_why_and_changes_nothing(qtbot: QtBot) -> None:
    service, clock = make_service()
    service.detector_raised(alert(1))
    view = view_of(qtbot, service, clock)
    view.set_filter("all")
    key(view, Qt.Key.Key_X, "1", Qt.Key.Key_C)
    assert service.get("a001").state is AlertState.DISMISSED
    assert view.note.text() == "Not possible for this alert (it is: Dismissed as false)."


def test_filters_by_state_rule_and_camera_text(qtbot: QtBot) -> None:
    service, clock = make_service()
    for n in range(8):
        service.detector_raised(alert(n))
    service.acknowledge("a001", "张三")
    service.detector_cleared("a002", clock.t)
    view = view_of(qtbot, service, clock)
    view.set_filter("awaiting")
    assert {view.proxy.alert(r).id for r in range(view.proxy.rowCount())} == {  # type: ignore[union-attr]
        f"a00{n}" for n in (0, 2, 3, 4, 5, 6, 7)
    }
    view.set_filter("all")
    view.proxy.set_rule(Rule.BIN_OVERFLOW)
    assert {view.proxy.alert(r).id for r in range(view.proxy.rowCount())} == {"a003", "a007"}  # type: ignore[union-attr]
    view.proxy.set_rule(None)
    view.camera_box.setText("人民")
    assert {view.proxy.alert(r).id for r in range(view.proxy.rowCount())} == {"a001", "a007"}  # type: ignore[union-attr]


def test_thumbnails_load_off_the_gui_thread_once_each(qtbot: QtBot) -> None:
    service, clock = make_service()
    for n in range(3):
        service.detector_raised(alert(n))
    threads: list[str] = []

    def load(ref: EvidenceRef) -> bytes:
        threads.append(threading.current_thread().name)
        if ref.sha256.endswith("2"):
            raise FileNotFoundError(f"evidence/{ref.sha256[:2]}/{ref.sha256}.jpg")
        return picture_bytes(QColor(40, 120, 60))

    view = view_of(qtbot, service, clock, load_evidence=load)
    qtbot.waitUntil(lambda: len(view.thumbnails) == 2 and len(view.thumbnails.missing) == 1)
    row = view.proxy.mapFromSource(view.model.index(view.model.row_of("a001"), Col.PICTURE))
    image = row.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(image, QImage) and image.size().toTuple() == (88, 72)  # 704×576 fitted in 96×72
    missing = view.proxy.mapFromSource(view.model.index(view.model.row_of("a002"), Col.PICTURE))
    assert missing.data() == "picture missing"
    view.table.viewport().repaint()
    assert len(threads) == 3 and threading.main_thread().name not in threads


@pytest.mark.parametrize("language", ["zh_CN"])
def test_words_in_chinese(qtbot: QtBot, language: str) -> None:
    from app.ui.i18n import Translations

    Translations().set_language(language)
    service, clock = make_service()
    service.detector_raised(alert(1))
    service.detector_cleared("a001", clock.t + 30)
    view = view_of(qtbot, service, clock, tz=ZoneInfo("Asia/Shanghai"))
    view.set_filter("all")
    state = view.proxy.index(0, Col.STATE).data()
    assert state == "目标已离开（自动解除）\n待签收"
    assert view.proxy.index(0, Col.RULE).data() == "占道经营\n店外经营 0504"
    assert (
        view.model.headerData(Col.RAISED, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        == "告警时间\nUTC+08:00"
    )


def test_f1_lists_the_triage_keys(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QWidget

    from app.ui.help_overlay import HelpOverlay

    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1366, 768)
    overlay = HelpOverlay(host)
    group = overlay.groups()[-1]
    assert group.title == "Alert list (while it has the keyboard)"
    rows = {row.label: row.keys for row in group.rows}
    assert rows["Next alert"] == ("J", "↓") and rows["Confirm: a real violation"] == ("C",)
    dismiss = next(row for row in group.rows if row.label.startswith("Dismiss as false"))
    assert dismiss.keys == ("X", "1–6") and dismiss.joiner == "then"
    assert overlay.font_px() is not None  # everything still fits a 1366×768 screen


def test_e_opens_the_evidence_window_with_the_still_and_says_when_there_is_no_clip(qtbot: QtBot) -> None:
    from app.ui.alerts.evidence import EvidenceWindow

    service, clock = make_service()
    service.detector_raised(alert(1))
    view = view_of(qtbot, service, clock, load_evidence=lambda ref: picture_bytes(QColor(200, 40, 40)))
    opened: list[object] = []
    view.evidence_opened.connect(opened.append)
    key(view, "e")
    assert len(opened) == 1 and isinstance(opened[0], EvidenceWindow)
    window = opened[0]
    qtbot.waitUntil(
        lambda: window.viewer.still.pixmap() is not None and not window.viewer.still.pixmap().isNull(),
        timeout=5000,
    )
    assert "No clip" in window.viewer.video.text()
    assert "东侧人行道" in window.caption.text()
    window.close()


def test_a_dismissal_that_teaches_says_so_and_where_to_undo_it(qtbot: QtBot) -> None:
    service, clock = make_service()
    board = (Box(0.6, 0.2, 0.8, 0.5, "0504", 0.4),)
    service.detector_raised(alert(1, boxes=board))
    service.detector_raised(alert(2, boxes=board))
    service.detector_raised(alert(5))  # no box: nothing to suppress, nothing said
    view = view_of(qtbot, service, clock)
    view.select("a001")
    key(view, Qt.Key.Key_X, "2")  # 固定设施
    assert view.note.text().endswith(
        "Fixed object; suppressed: the same thing in this place raises no alert again (removable in the "
        "camera's detection zones, Ctrl+D)"
    )
    view.select("a002")
    key(view, Qt.Key.Key_X, "4")  # 合规: teaches nothing
    assert "suppressed" not in view.note.text()
    view.select("a005")
    key(view, Qt.Key.Key_X, "1")
    assert view.note.text().endswith("False detection")
