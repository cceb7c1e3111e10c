"""The window with the case workflow the composition root gives it: Ctrl+N makes a case at the
selected tile (its picture kept as the report evidence), Ctrl+J shows the cases, O in the alert
list shows a confirmed alert's case, Ctrl+Shift+J the figures; the role on shift decides the buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import EvidenceKind
from app.core.case_ports import CaseQuery
from app.core.cases import CaseCommand, CaseSource, CaseState, Role
from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.services.case_config import (
    DEFAULT_CATALOGUE,
    DEFAULT_ROUTING,
    catalogue_from_text,
    routing_from_text,
)
from app.services.cases import CaseService, Place
from app.ui.cases.create import CreateCaseDialog
from app.ui.cases.wiring import CaseWiring
from app.ui.main_window import AlertWiring, MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.case_store_fakes import ClockCalendar, MemoryCaseRepository
from tests.ui.fakes import FakeSource

CAMERAS = ["cam1", "cam2", "cam3", "cam4"]
CATALOGUE = catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)
ROUTING = routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING, CATALOGUE)


Rig = tuple[MainWindow, AlertService, CaseService, EvidenceFiles]


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[Rig]:
    alerts = alert_service()[0]
    repo = MemoryCaseRepository()
    cases = CaseService(
        repo, FakeClock(), catalogue=lambda: CATALOGUE, routing=lambda: ROUTING, calendar=ClockCalendar,
        place_of=lambda cam: Place("370199099001001", address="泉城路"),
    )  # fmt: skip
    alerts.subscribe(cases.on_alert_change)
    evidence = EvidenceFiles(tmp_path / "evidence")
    ui = SiteUi(
        "示范区", [TileInfo(c, f"测试点 {c}", "370199099001001") for c in CAMERAS], [], tmp_path / "shots"
    )
    options = RunOptions(
        offscreen=True, size=(1400, 900), language="zh_CN", profile_dir=tmp_path, fresh=True,
        operator="王芳", role="shift_leader",
    )  # fmt: skip
    wiring = CaseWiring(cases, lambda: CATALOGUE, lambda: ROUTING, evidence=evidence)
    win = build_window(
        FakeSource(CAMERAS),
        ui,
        None,
        options,
        alerts=AlertWiring(alerts, timezone="Asia/Shanghai"),
        cases=wiring,
    )
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win, alerts, cases, evidence
    win.stop()
    cases.close()


def test_ctrl_n_makes_a_case_at_the_selected_tile_with_its_picture(qtbot: QtBot, rig: Rig) -> None:
    win, _, cases, evidence = rig
    assert win.actor().role is Role.SHIFT_LEADER and win.actor().name == "王芳"
    qtbot.waitUntil(lambda: win.pane.compositor.still_frame(0) is not None, timeout=5000)
    win.pane.compositor.set_selected(0)
    win.actions_by_id["new_case"].trigger()
    assert win.cases is not None and win.cases.window is not None
    dialog = win.cases.window.dialog
    assert isinstance(dialog, CreateCaseDialog) and dialog.isVisible()
    assert not dialog.ok.isEnabled()  # a category first
    dialog.search.setText("无照")  # 0501 无照经营游商, found by its name
    dialog.picker.select("0501")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(
        lambda: cases.count(CaseQuery(states=frozenset({CaseState.FILED}))) == 1
    )  # reported, filed
    [case] = cases.search(CaseQuery())
    assert (case.source, case.state, case.camera_id, case.grid_code, case.category_code) == (
        CaseSource.OPERATOR, CaseState.FILED, "cam1", "370199099001001", "0501",
    )  # fmt: skip
    assert case.department_id == "chengguan-xinhua"  # routing by the tile's grid
    [picture] = case.evidence
    assert picture.ref.kind is EvidenceKind.STILL and evidence.read(picture.ref)[:2] == b"\xff\xd8"


def test_o_in_the_alert_list_shows_the_confirmed_alerts_case(qtbot: QtBot, rig: Rig) -> None:
    win, alerts, cases, _ = rig
    alerts.detector_raised(detected("a1", "cam2"))
    alerts.confirm("a1", "王芳")
    qtbot.waitUntil(lambda: (c := cases.case_for_alert("a1")) is not None and c.state is CaseState.FILED)
    assert win.alerts is not None and win.cases is not None
    win.alerts.triage.case_requested.emit("a1")
    window = win.cases.window
    assert window is not None and window.isVisible()
    qtbot.waitUntil(lambda: (c := window.current_case()) is not None and c.alert_ids == ("a1",), timeout=5000)
    dispatch = window.buttons[CaseCommand.DISPATCH]  # the shift leader may send it on
    assert dispatch.isVisible() and dispatch.isEnabled()


def test_ctrl_j_and_ctrl_shift_j_open_the_cases_and_the_figures(qtbot: QtBot, rig: Rig) -> None:
    win = rig[0]
    win.activateWindow()
    win.actions_by_id["cases"].trigger()
    assert win.cases is not None and win.cases.window is not None and win.cases.window.isVisible()
    win.actions_by_id["cases"].trigger()  # again: hidden
    assert not win.cases.window.isVisible()
    win.actions_by_id["figures"].trigger()
    assert win.cases.figures_window is not None and win.cases.figures_window.isVisible()
    assert win.cases.figures_window.windowTitle() == "考核评价"
    QTest.keyClick(win.cases.figures_window, Qt.Key.Key_Escape)
