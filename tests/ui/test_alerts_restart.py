"""The issue's "done when", end to end on the real store: a burst of 50 alerts, each with its
evidence picture, triaged from the keyboard alone in the main window; the window closes, the store
closes; a new store and window on the same data folder show every alert with its verdict, who gave
it, and its evidence; the record verifies."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.adapters.storage.evidence_files import EvidenceFiles
from app.adapters.storage.repository import open_repository
from app.adapters.storage.verify import verify_store
from app.adapters.storage.writer import AlertWriter
from app.core.alerts import Alert, AlertState, Box, DismissReason, EvidenceKind, Rule
from app.main import Alerts, WallClock
from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.services.system_events import SystemEventLog
from app.ui.main_window import AlertWiring, MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

CAMERAS = ["cam1", "cam2", "cam3", "cam4"]


def open_alerts(data: Path) -> Alerts:
    """As the composition root opens them (open_alerts_store, without a site file)."""
    repository = open_repository(None, data)
    service = AlertService(AlertWriter(repository), WallClock(), SystemEventLog().publish)
    service.load(repository.open_alerts())
    return Alerts(repository, service, EvidenceFiles(data / "evidence"))


def window(qtbot: QtBot, tmp_path: Path, alerts: Alerts) -> MainWindow:
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(offscreen=True, size=(1400, 900), language="zh_CN", profile_dir=tmp_path / "profile",
                         fresh=True, operator="王芳")  # fmt: skip
    wiring = AlertWiring(alerts.service, None, alerts.evidence, "Asia/Shanghai", alerts.repository,
                         tmp_path / "sounds")  # fmt: skip
    win = build_window(FakeSource(CAMERAS), ui, None, options, alerts=wiring)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    return win


def raise_with_picture(alerts: Alerts, n: int) -> Alert:
    picture = np.full((288, 352, 3), (40, 90, 160), np.uint8)
    cv2.putText(picture, f"{n:02d}", (120, 160), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
    ok, jpeg = cv2.imencode(".jpg", picture)
    assert ok
    at = time.time() - 3600 + n
    still = alerts.evidence.put(jpeg.tobytes(), kind=EvidenceKind.STILL, media_type="image/jpeg",
                                captured_at=at, camera_id=CAMERAS[n % 4], stream="main")  # fmt: skip
    alert = Alert(
        id=f"a{n:02d}", camera_id=CAMERAS[n % 4], preset=None, zone_id=f"z{n}", rule=Rule.VENDING,
        event_code="0501", raised_at=at, score=0.8, zone_name=f"人行道 {n}",
        boxes=(Box(0.2, 0.3, 0.5, 0.8, "stall", 0.8),), evidence=(still,),
    )  # fmt: skip
    return alerts.service.detector_raised(alert).after


def key(*keys: Qt.Key | str) -> None:
    for k in keys:
        target = QApplication.focusWidget()
        assert target is not None
        if isinstance(k, str):
            QTest.keyClicks(target, k)
        else:
            QTest.keyClick(target, k)


def test_fifty_alerts_triaged_by_keyboard_are_all_back_after_a_restart_and_verify(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data = tmp_path / "site"
    data.mkdir()  # the data folder exists by the time the store opens (open_data_folders makes it)
    alerts = open_alerts(data)
    win = window(qtbot, tmp_path, alerts)
    for n in range(50):
        raise_with_picture(alerts, n)
    assert win.alerts is not None
    triage = win.alerts.triage
    triage.table.setFocus()
    qtbot.waitUntil(triage.table.hasFocus)
    expected: dict[str, tuple[AlertState, DismissReason | None]] = {}
    for n in range(50):  # the open list: each verdict takes the alert out and selects the next
        current = triage.current_alert()
        assert current is not None
        if n % 5 == 0:
            key(Qt.Key.Key_C)
            expected[current.id] = (AlertState.CONFIRMED, None)
        else:
            digit = 1 + n % 5
            key(Qt.Key.Key_X, str(digit))
            expected[current.id] = (AlertState.DISMISSED, list(DismissReason)[digit - 1])
    assert len(expected) == 50 and alerts.service.open_alerts() == []
    tiles = [t for t in win.pane.compositor.tiles() if t.info is not None]
    qtbot.waitUntil(lambda: all(not t.boxes for t in tiles), timeout=3000)  # verdicts: off the wall
    win.close()
    alerts.close()  # the writer finishes what it was given

    again = open_alerts(data)
    try:
        stored = {a.id: a for a in again.repository.all_alerts()}
        assert set(stored) == set(expected)
        for alert_id, (state, reason) in expected.items():
            alert = stored[alert_id]
            assert (alert.state, alert.dismiss_reason) == (state, reason), alert_id
            assert alert.acknowledged_by == "王芳" and (alert.confirmed_by or alert.dismissed_by) == "王芳"
            still = alert.evidence_of(EvidenceKind.STILL)
            assert still is not None and again.evidence.read(still)[:2] == b"\xff\xd8"  # the JPEG is there
        history = again.repository.events()
        assert sum(1 for e in history if e.actor == "王芳") == 50
        result = verify_store(again.repository, EvidenceFiles(data / "evidence"))
        assert result.intact and result.alerts == 50 and result.evidence_files == 50, result.problems
        # The next window shows them in history (nothing open is left to ask about).
        win2 = window(qtbot, tmp_path, again)
        assert win2.alerts is not None and win2.alerts.triage.model.rowCount() == 0
        win2.close()
    finally:
        again.close()
