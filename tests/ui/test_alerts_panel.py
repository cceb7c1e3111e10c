"""The alerts panel: newest first, states by an explicit table, keys, filters, evidence, counts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.legacy_alerts import AlertBook, AlertState
from app.services.detection.protocol import AlertEvent, OverlayBox
from app.services.detection.service import record_event as record
from app.ui.detection.alerts_panel import AlertsPanel, EvidenceViewer, Thumbnails, rule_words, state_words
from app.ui.i18n import Translations

NAMES = {"cam1": "菜市场北门", "cam2": "人民路口"}
T0 = time.time() - 3600


def event(
    alert_id: str,
    camera_id: str = "cam1",
    state: str = "raised",
    at: float = 0.0,
    evidence: str | None = None,
    rule: str = "vending",
    code: str = "0501",
) -> AlertEvent:
    return AlertEvent(
        alert_id=alert_id,
        camera_id=camera_id,
        preset="2" if camera_id == "cam2" else None,
        zone_id="z1",
        zone_name="北门禁摆区",
        rule=rule,  # type: ignore[arg-type]
        event_code=code,
        state=state,  # type: ignore[arg-type]
        at_wall=T0 + at,
        score=0.82,
        evidence_path=evidence,
        boxes=(OverlayBox(0.1, 0.5, 0.3, 0.8, "stall"),),
    )


@pytest.fixture
def picture(tmp_path: Path) -> str:
    path = tmp_path / "evidence.png"
    image = QImage(704, 576, QImage.Format.Format_RGB32)
    image.fill(QColor(40, 120, 60))
    assert image.save(str(path))
    return str(path)


@pytest.fixture
def panel(qtbot: QtBot) -> AlertsPanel:
    widget = AlertsPanel(NAMES, operator=lambda: "张三", clock=lambda: T0 + 500)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# --- recording the worker's events in the core's alert book --------------------------------------


def test_events_are_recorded_in_the_alert_book() -> None:
    book = AlertBook()
    raised = record(book, event("a"))
    assert raised is not None and raised.state is AlertState.RAISED and raised.zone_name == "北门禁摆区"
    assert record(book, event("a", at=5)) is None  # a repeated raise (worker restart) is dropped
    cleared = record(book, event("a", state="cleared", at=30, evidence="/ev/after.jpg"))
    assert cleared is not None and cleared.state is AlertState.CLEARED and cleared.cleared_at == T0 + 30
    assert cleared.clear_evidence_path == "/ev/after.jpg"
    assert record(book, event("a", state="cleared", at=40)) is None  # already closed
    # a clear for an alert this GUI never saw raised (it restarted) is listed, cleared
    late = record(book, event("b", state="cleared", evidence="/ev/b.jpg"))
    assert late is not None and late.state is AlertState.CLEARED and late.evidence_path == "/ev/b.jpg"


# --- the panel ----------------------------------------------------------------------------------


def test_newest_first_with_counts_for_the_status_bar(qtbot: QtBot, panel: AlertsPanel) -> None:
    assert panel.empty_label.isVisible() and not panel.view.isVisible()
    assert panel.status_text() == "no open alerts"
    with qtbot.waitSignal(panel.counts_changed) as counts:
        panel.add_event(event("a1", at=0))
    assert counts.args == [1, 1]
    panel.add_event(event("a2", "cam2", at=60, rule="bin_overflow", code="0102"))
    assert [panel.model.entry(r).id for r in range(panel.model.rowCount())] == ["a2", "a1"]  # type: ignore[union-attr]
    assert panel.view.isVisible() and panel.count_label.text() == "2 open"
    assert panel.status_text() == "2 open alert(s), 2 new" and panel.open_count() == 2
    tip = panel.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Exposed rubbish (0102)" in tip and "人民路口" in tip


def test_keys_show_acknowledge_and_dismiss(qtbot: QtBot, panel: AlertsPanel) -> None:
    panel.add_event(event("a1", at=0))
    panel.add_event(event("a2", "cam2", at=60))
    panel.view.setFocus()
    # a new alert never moves the selection under the operator's keys; Home goes to the newest
    assert panel.selected_alert().id == "a1"  # type: ignore[union-attr]
    QTest.keyClick(panel.view, Qt.Key.Key_Home)
    assert panel.selected_alert().id == "a2"  # type: ignore[union-attr]
    with qtbot.waitSignal(panel.focus_requested) as focus, qtbot.waitSignal(panel.boost_changed) as boost:
        QTest.keyClick(panel.view, Qt.Key.Key_Return)
    assert focus.args == ["cam2", "2"] and boost.args == ["cam2", True]
    with qtbot.waitSignal(panel.acknowledged) as acked:
        QTest.keyClick(panel.view, Qt.Key.Key_Space)
    entry = panel.book.get("a2")
    assert acked.args == ["a2"] and entry.state is AlertState.ACKNOWLEDGED
    assert (entry.acknowledged_by, entry.acknowledged_at) == ("张三", T0 + 500)
    assert not panel.ack_button.isEnabled()  # nothing more to acknowledge
    assert panel.status_text() == "2 open alert(s), 1 new"
    with qtbot.waitSignal(panel.dismissed) as gone, qtbot.waitSignal(panel.boost_changed) as boost:
        QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    assert gone.args == ["a2"] and boost.args == ["cam2", False]
    # the dismissed alert left the open list; the next one is selected for the next key
    assert panel.model.rowCount() == 1 and panel.selected_alert().id == "a1"  # type: ignore[union-attr]
    panel.set_filter("dismissed")
    assert panel.model.rowCount() == 1 and panel.selected_alert().state is AlertState.DISMISSED  # type: ignore[union-attr]
    assert not panel.dismiss_button.isEnabled() and not panel.ack_button.isEnabled()
    panel.set_filter("all")
    assert panel.model.rowCount() == 2


def test_a_cleared_alert_leaves_the_open_list_and_the_boost_ends(qtbot: QtBot, panel: AlertsPanel) -> None:
    panel.add_event(event("a1"))
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_Space)
    with qtbot.waitSignal(panel.boost_changed) as boost:
        panel.add_event(event("a1", state="cleared", at=120))
    assert boost.args == ["cam1", False]
    assert panel.model.rowCount() == 0 and panel.empty_label.isVisible()
    assert "No open alerts" in panel.empty_label.text()
    panel.set_filter("cleared")
    assert panel.model.rowCount() == 1
    # the condition coming back is a new alert, listed as new
    panel.add_event(event("a2", at=200))
    panel.set_filter("new")
    assert panel.model.rowCount() == 1 and panel.selected_alert().id == "a2"  # type: ignore[union-attr]
    # a cleared alert cannot be acknowledged, only dismissed
    panel.set_filter("cleared")
    assert not panel.acknowledge_selected() and not panel.ack_button.isEnabled()
    assert panel.dismiss_selected() and panel.book.get("a1").state is AlertState.DISMISSED
    with pytest.raises(KeyError, match="unknown filter"):
        panel.set_filter("bogus")


def test_evidence_thumbnail_and_viewer(qtbot: QtBot, panel: AlertsPanel, picture: str) -> None:
    panel.add_event(event("a1", evidence=picture))
    panel.add_event(event("a2", "cam2", at=10, evidence=str(Path(picture).with_name("gone.png"))))
    thumb = panel.thumbnails.get(picture)
    assert thumb is not None and thumb.width() <= 104 and thumb.height() <= 78
    assert panel.thumbnails.get(str(Path(picture).with_name("gone.png"))) is None
    panel.select("a1")
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_E)
    viewers = panel.findChildren(EvidenceViewer)
    assert len(viewers) == 1 and not viewers[0].picture.image.isNull() and viewers[0].after is None
    shown = viewers[0].picture.shown_rect()
    assert viewers[0].picture.rect().contains(shown)  # the whole picture, never cut
    assert shown.width() / shown.height() == pytest.approx(704 / 576, abs=0.02)
    viewers[0].close()
    panel.select("a2")
    viewer = panel.open_evidence_selected()
    assert viewer is not None and "missing" in viewer.picture.missing
    viewer.close()


def test_painted_rows_show_words_and_picture(qtbot: QtBot, panel: AlertsPanel, picture: str) -> None:
    panel.add_event(event("a1", evidence=picture))
    image = panel.grab().toImage()
    row = panel.view.visualRect(panel.model.index(0))
    top_left = panel.view.viewport().mapTo(panel, row.topLeft())
    # the thumbnail's green shows in the row, and the state stripe is the "new" red
    thumb = image.pixelColor(top_left.x() + 60, top_left.y() + row.height() // 2)
    stripe = image.pixelColor(top_left.x() + 1, top_left.y() + row.height() // 2)
    assert thumb.green() > 100 and thumb.red() < 80
    assert stripe.red() > 180 and stripe.green() < 90


def test_chinese_words(qtbot: QtBot, panel: AlertsPanel) -> None:
    panel.add_event(event("a1"))
    Translations().set_language("zh_CN")
    qtbot.waitUntil(lambda: panel.ack_button.text() == "确认", timeout=2000)
    assert rule_words("vending") == "占道经营" and rule_words("bin_overflow") == "垃圾满溢"
    assert state_words(AlertState.RAISED) == "新告警"
    assert panel.status_text() == "未处理告警 1 条，其中新告警 1 条"


def test_evidence_viewer_shows_before_and_after_and_escapes(qtbot: QtBot, picture: str) -> None:
    book = AlertBook()
    record(book, event("a1", evidence=picture))
    entry = record(book, event("a1", state="cleared", at=90, evidence=picture))
    assert entry is not None
    viewer = EvidenceViewer(entry, "菜市场北门")
    assert viewer.after is not None and not viewer.after.image.isNull()  # the picture it cleared on
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    with qtbot.waitSignal(viewer.rejected, timeout=2000):
        QTest.keyClick(viewer, Qt.Key.Key_Escape)


def test_a_book_recorded_elsewhere_is_shown_on_refresh(qtbot: QtBot) -> None:
    book = AlertBook()
    panel = AlertsPanel(NAMES, book=book)
    qtbot.addWidget(panel)
    record(book, event("a1"))
    assert panel.model.rowCount() == 0
    with qtbot.waitSignal(panel.counts_changed) as counts:
        panel.refresh()
    assert counts.args == [1, 1] and panel.model.rowCount() == 1
    panel.focus_selected()  # looking at it boosts the camera
    record(book, event("a1", state="cleared", at=60))
    with qtbot.waitSignal(panel.boost_changed) as boost:
        panel.refresh()
    assert boost.args == ["cam1", False] and panel.model.rowCount() == 0


def test_thumbnails_keep_the_most_recently_shown_only(tmp_path: Path) -> None:
    """Scrolling through a long history must not keep a thumbnail for every alert ever shown; the
    ones on screen stay (the same picture, not read again)."""
    pictures = []
    for i in range(12):
        path = tmp_path / f"evidence{i}.png"
        image = QImage(320, 240, QImage.Format.Format_RGB32)
        image.fill(QColor(20 * i, 80, 120))
        assert image.save(str(path))
        pictures.append(str(path))
    thumbnails = Thumbnails(kept=5)
    first = thumbnails.get(pictures[0])
    for picture in pictures[1:]:
        thumbnails.get(picture)
        assert thumbnails.get(pictures[0]) is first  # shown again and again: kept
    assert len(thumbnails) == 5
    assert thumbnails.get(pictures[1]) is not None  # dropped, read again when asked for
    assert len(thumbnails) == 5
