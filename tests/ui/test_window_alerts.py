"""The window with the alert service the composition root gives it: who is on shift acts on alerts,
a dismissal takes the boxes off the wall at once, the status bar counts what nobody acknowledged,
and a hand-over changes the name on what follows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.alerts import AlertState
from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.ui.main_window import AlertWiring, MainWindow, SiteUi
from app.ui.runner import build_window, on_shift
from app.ui.wall.compositor import TileInfo
from tests.alert_fakes import FakeWriter, alert_service, detected
from tests.ui.fakes import FakeSource

CAMERAS = ["cam1", "cam2", "cam3", "cam4"]
SHOTS = os.environ.get("CITYWALL_SHOTS")  # a folder to keep the screenshot in (to look at it)


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, AlertService, FakeWriter]]:
    service, writer, _ = alert_service()
    service.load([detected("stored", "cam3", zone_id="z3")])  # from the store, after a restart
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1400, 900), language="zh_CN", profile_dir=tmp_path, fresh=True, operator="王芳"
    )
    win = build_window(
        FakeSource(CAMERAS), ui, None, options, alerts=AlertWiring(service, timezone="Asia/Shanghai")
    )
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win, service, writer
    win.stop()


def test_the_operator_on_shift_dismisses_and_the_boxes_leave_the_wall_at_once(
    qtbot: QtBot, rig: tuple[MainWindow, AlertService, FakeWriter]
) -> None:
    win, service, writer = rig
    assert win.alerts is not None and win.alerts_dock.isVisible()
    tile = next(t for t in win.pane.compositor.tiles() if t.info is not None and t.info.camera_id == "cam3")
    assert tile.boxes  # the stored open alert is on the wall from the start
    service.detector_raised(detected("a1", "cam1"))
    cam1 = next(t for t in win.pane.compositor.tiles() if t.info is not None and t.info.camera_id == "cam1")
    qtbot.waitUntil(lambda: bool(cam1.boxes), timeout=2000)
    qtbot.waitUntil(lambda: "待签收 2 条" in win._status.text(), timeout=2000)
    triage = win.alerts.triage
    assert triage.select("a1")
    triage.table.setFocus()
    QTest.keyClicks(triage.table, "x1")  # dismiss, reason 1: false detection
    qtbot.waitUntil(lambda: service.get("a1").state is AlertState.DISMISSED, timeout=2000)
    assert cam1.boxes == [] and cam1.flash_until == 0.0  # off the wall at the dismissal
    assert service.get("a1").dismissed_by == "王芳" and writer.events[-1].actor == "王芳"  # never the login
    assert win.operator().name == "王芳"
    qtbot.waitUntil(lambda: "待签收 1 条" in win._status.text(), timeout=3000)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        win.grab().save(str(Path(SHOTS) / "window_alert_dismissed.png"))


def test_who_is_on_shift_comes_from_the_option_else_the_last_shift_and_never_the_login(
    tmp_path: Path,
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert on_shift(RunOptions(offscreen=True), settings) == ""  # nobody yet: no dialog offscreen
    assert on_shift(RunOptions(offscreen=True, operator=" 李四 "), settings) == "李四"
    assert on_shift(RunOptions(offscreen=True), settings) == "李四"  # remembered for the next start
    from app.services.ptz_hub import operator

    assert operator("").name == "—" and operator("李四").id == "operator:李四"


def test_the_role_on_shift_comes_from_the_option_else_last_time_else_operator(tmp_path: Path) -> None:
    from app.core.cases import Role
    from app.ui.runner import role_on_shift

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert role_on_shift(RunOptions(offscreen=True), settings) is Role.OPERATOR
    assert role_on_shift(RunOptions(offscreen=True, role="shift_leader"), settings) is Role.SHIFT_LEADER
    assert role_on_shift(RunOptions(offscreen=True), settings) is Role.SHIFT_LEADER  # remembered
    settings.setValue("operator/role", "department")  # never taken from an edited settings file
    assert role_on_shift(RunOptions(offscreen=True), settings) is Role.OPERATOR
