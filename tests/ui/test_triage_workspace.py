"""The triage workspace as the main window gets it: tabs, actions, camera requests, the hand-over's alerts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.alerts import AlertState
from app.ui.alerts.workspace import AlertsWorkspace
from app.ui.wall.compositor import TileInfo
from tests.ui.alert_fakes import CAMERAS, T0, alert, make_service
from tests.ui.fakes import FakeSource
from tests.ui.test_triage_history import FakeRepository


def test_the_workspace_wires_triage_history_sound_alarm_window_and_hand_over(
    qtbot: QtBot, tmp_path: Path
) -> None:
    service, clock = make_service()
    stored = [
        alert(40, at=T0 - 30 * 3600, state=AlertState.ACKNOWLEDGED, acknowledged_by="王五")
    ]  # yesterday, open
    infos = {c: TileInfo(c, n) for c, n in CAMERAS.items()}
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    workspace = AlertsWorkspace(
        service, cameras=infos, operator=lambda: "张三", source=FakeSource(list(CAMERAS)), compositors=list,
        sound_folder=tmp_path / "tones", site_name="城东中心", repository=FakeRepository(stored),
        settings=settings, now=clock.now,
    )  # fmt: skip
    qtbot.addWidget(workspace)
    workspace.show()
    service.detector_raised(alert(1))
    assert [workspace.tabText(i) for i in range(workspace.count())] == ["Current alerts", "History"]
    assert workspace.sound.requested and workspace.triage.model.rowCount() == 1
    workspace.triage.table.setFocus()
    with qtbot.waitSignal(workspace.camera_requested) as wanted:
        QTest.keyClick(workspace.triage.table, Qt.Key.Key_G)
    assert wanted.args == ["cam002", "2"]
    workspace.alarm_action.trigger()
    assert workspace.alarm_window is not None and workspace.alarm_window.isVisible()
    assert workspace.alarm_window.alert is not None and workspace.alarm_window.alert.id == "a001"
    workspace.alarm_action.trigger()
    assert not workspace.alarm_window.isVisible()
    assert {a.id for a in workspace.shift_alerts(T0 - 8 * 3600, T0)} == {"a001", "a040"}
    dialog = workspace.open_handover()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.summary is not None)
    assert dialog.summary is not None and dialog.summary.still_open == 2
