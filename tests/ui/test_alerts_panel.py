"""The alerts panel: it shows the alert service's alerts and sends it the operator's commands.

Newest first, keys, filters, evidence from the evidence store, counts for the status bar, times
in the site's zone; it holds nothing of its own (a change made elsewhere shows at once)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import AlertState, DismissReason, EvidenceKind, EvidenceRef, Rule
from app.core.site_time import site_zone
from app.services.alerts import AlertService
from app.ui.detection.alerts_panel import AlertsPanel, EvidenceViewer, Thumbnails, rule_words, state_words
from app.ui.i18n import Translations
from tests.alert_fakes import FakeClock, FakeWriter, alert_service, detected

NAMES = {"cam1": "菜市场北门", "cam2": "人民路口"}
T0 = 1_780_000_000.0
SHANGHAI = site_zone("Asia/Shanghai")


def png(colour: QColor, size: tuple[int, int] = (704, 576)) -> bytes:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")  # type: ignore[call-overload]  # (the stubs say bytes; PySide wants str)
    return bytes(data.data())


@pytest.fixture
def store(tmp_path: Path) -> EvidenceFiles:
    return EvidenceFiles(tmp_path / "evidence")


def still(store: EvidenceFiles, kind: EvidenceKind = EvidenceKind.STILL) -> EvidenceRef:
    return store.put(
        png(QColor(40, 120, 60)),
        kind=kind,
        media_type="image/png",
        captured_at=T0,
        camera_id="cam1",
        stream="sub",
    )


@pytest.fixture
def setup(qtbot: QtBot, store: EvidenceFiles) -> tuple[AlertsPanel, AlertService, FakeWriter, FakeClock]:
    service, writer, clock = alert_service(T0 + 500)
    widget = AlertsPanel(NAMES, service, operator=lambda: "张三", evidence=store, zone=SHANGHAI)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, service, writer, clock


Setup = tuple[AlertsPanel, AlertService, FakeWriter, FakeClock]


def test_newest_first_with_counts_for_the_status_bar_and_the_sites_zone(qtbot: QtBot, setup: Setup) -> None:
    panel, service, _, _ = setup
    assert panel.empty_label.isVisible() and not panel.view.isVisible()
    assert panel.status_text() == "no open alerts"
    assert panel.zone_label.text() == "Time (UTC+08:00)"
    with qtbot.waitSignal(panel.counts_changed) as counts:
        service.detector_raised(detected("a1", at=T0))
    assert counts.args == [1, 1]
    service.detector_raised(detected("a2", "cam2", T0 + 60, rule=Rule.BIN_OVERFLOW, code="0102"))
    assert [panel.model.entry(r).id for r in range(panel.model.rowCount())] == ["a2", "a1"]  # type: ignore[union-attr]
    assert panel.view.isVisible() and panel.count_label.text() == "2 open"
    assert panel.status_text() == "2 open alert(s), 2 unacknowledged" and panel.open_count() == 2
    tip = panel.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Exposed rubbish (0102)" in tip and "人民路口" in tip


def test_keys_acknowledge_and_dismiss_through_the_service_in_the_operators_name(
    qtbot: QtBot, setup: Setup
) -> None:
    panel, service, writer, _ = setup
    service.detector_raised(detected("a1", at=T0))
    service.detector_raised(detected("a2", "cam2", T0 + 60, preset="2", zone_id="z2"))
    panel.view.setFocus()
    assert panel.selected_alert().id == "a1"  # type: ignore[union-attr]  # a new alert never moves the selection
    QTest.keyClick(panel.view, Qt.Key.Key_Home)
    assert panel.selected_alert().id == "a2"  # type: ignore[union-attr]
    with qtbot.waitSignal(panel.focus_requested) as focus:
        QTest.keyClick(panel.view, Qt.Key.Key_Return)
    assert focus.args == ["cam2", "2"]
    with qtbot.waitSignal(panel.acknowledged) as acked:
        QTest.keyClick(panel.view, Qt.Key.Key_Space)
    entry = service.get("a2")
    assert acked.args == ["a2"] and entry.state is AlertState.ACKNOWLEDGED
    assert (entry.acknowledged_by, entry.acknowledged_at) == ("张三", T0 + 500)
    assert writer.events[-1].actor == "张三" and writer.events[-1].action == "acknowledge"  # stored, named
    assert not panel.ack_button.isEnabled()
    assert panel.status_text() == "2 open alert(s), 1 unacknowledged"
    with qtbot.waitSignal(panel.dismissed) as gone:
        QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    assert gone.args == ["a2"] and service.get("a2").dismiss_reason is DismissReason.FALSE_DETECTION
    assert service.get("a2").dismissed_by == "张三"
    # the dismissed alert left the open list; the next one is selected for the next key
    assert panel.model.rowCount() == 1 and panel.selected_alert().id == "a1"  # type: ignore[union-attr]
    panel.set_filter("dismissed")
    assert panel.model.rowCount() == 1 and panel.selected_alert().state is AlertState.DISMISSED  # type: ignore[union-attr]
    assert not panel.dismiss_button.isEnabled() and not panel.ack_button.isEnabled()
    panel.set_filter("all")
    assert panel.model.rowCount() == 2
    with pytest.raises(KeyError, match="unknown filter"):
        panel.set_filter("bogus")


def test_a_change_made_elsewhere_shows_at_once_and_a_clear_nobody_saw_waits_for_an_acknowledgement(
    qtbot: QtBot, setup: Setup
) -> None:
    panel, service, _, _ = setup
    service.detector_raised(detected("a1", at=T0))
    service.detector_cleared("a1", T0 + 30)  # it went before anyone looked
    assert panel.model.rowCount() == 0 and "No open alerts" in panel.empty_label.text()
    assert panel.status_text() == "0 open alert(s), 1 unacknowledged"
    panel.set_filter("cleared")
    assert panel.ack_button.isEnabled() and panel.acknowledge_selected()  # seen now
    assert service.get("a1").acknowledged_by == "张三" and not panel.ack_button.isEnabled()
    service.detector_raised(detected("a2", at=T0 + 60))
    service.confirm("a2", "李四")  # a shift leader's workstation, say
    panel.set_filter("confirmed")
    assert panel.model.rowCount() == 1 and panel.selected_alert().confirmed_by == "李四"  # type: ignore[union-attr]


def test_evidence_thumbnail_and_viewer_read_the_evidence_store(
    qtbot: QtBot, setup: Setup, store: EvidenceFiles
) -> None:
    panel, service, _, _ = setup
    ref = still(store)
    service.detector_raised(dataclasses.replace(detected("a1", at=T0), evidence=(ref,)))
    missing = EvidenceRef("0" * 64, EvidenceKind.STILL, "image/jpeg", 10, T0, "cam2", "sub")
    service.detector_raised(detected("a2", "cam2", T0 + 10, zone_id="z2"))
    service.attach_evidence("a2", (missing,))
    thumb = panel.thumbnails.get(ref)
    assert thumb is not None and thumb.width() <= 104 and thumb.height() <= 78
    assert panel.thumbnails.get(missing) is None
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


def test_painted_rows_show_words_and_picture(qtbot: QtBot, setup: Setup, store: EvidenceFiles) -> None:
    panel, service, _, _ = setup
    service.detector_raised(detected("a1", at=T0))
    service.attach_evidence("a1", (still(store),))
    image = panel.grab().toImage()
    row = panel.view.visualRect(panel.model.index(0))
    top_left = panel.view.viewport().mapTo(panel, row.topLeft())
    thumb = image.pixelColor(top_left.x() + 60, top_left.y() + row.height() // 2)
    stripe = image.pixelColor(top_left.x() + 1, top_left.y() + row.height() // 2)
    assert thumb.green() > 100 and thumb.red() < 80
    assert stripe.red() > 180 and stripe.green() < 90  # the "new" red


def test_chinese_words(qtbot: QtBot, setup: Setup) -> None:
    panel, service, _, _ = setup
    service.detector_raised(detected("a1", at=T0))
    Translations().set_language("zh_CN")
    qtbot.waitUntil(lambda: panel.ack_button.text() == "确认", timeout=2000)
    assert rule_words("vending") == "占道经营" and rule_words("bin_overflow") == "垃圾满溢"
    assert state_words(AlertState.RAISED) == "新告警"
    assert panel.zone_label.text() == "时间（UTC+08:00）"
    assert panel.status_text() == "未处理告警 1 条，其中未确认 1 条"


def test_evidence_viewer_shows_before_and_after_and_escapes(qtbot: QtBot, store: EvidenceFiles) -> None:
    service, _, _ = alert_service(T0 + 500)
    service.detector_raised(detected("a1", at=T0))
    service.attach_evidence("a1", (still(store),))
    service.detector_cleared("a1", T0 + 90, (still(store, EvidenceKind.CLEAR_STILL),))
    viewer = EvidenceViewer(service.get("a1"), "菜市场北门", store.read, SHANGHAI)
    assert viewer.after is not None and not viewer.after.image.isNull()  # the picture it cleared on
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    with qtbot.waitSignal(viewer.rejected, timeout=2000):
        QTest.keyClick(viewer, Qt.Key.Key_Escape)


def test_thumbnails_keep_the_most_recently_shown_only(store: EvidenceFiles) -> None:
    """Scrolling through a long history must not keep a thumbnail for every alert ever shown; the
    ones on screen stay (the same picture, not read again)."""
    refs = [
        store.put(png(QColor(20 * i, 80, 120), (320, 240)), kind=EvidenceKind.STILL, media_type="image/png",
                  captured_at=T0, camera_id="cam1", stream="sub")
        for i in range(12)
    ]  # fmt: skip
    thumbnails = Thumbnails(store.read, kept=5)
    first = thumbnails.get(refs[0])
    for ref in refs[1:]:
        thumbnails.get(ref)
        assert thumbnails.get(refs[0]) is first  # shown again and again: kept
    assert len(thumbnails) == 5
    assert thumbnails.get(refs[1]) is not None  # dropped, read again when asked for
    assert len(thumbnails) == 5
