"""System events as the operator sees them: the events list, the status bar's messages, the fault badge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from app.core.detection_faults import DetectionFault
from app.core.stream_failure import StreamFailure
from app.core.system_events import SystemEvent, SystemEventKind
from app.run_options import RunOptions
from app.services.system_events import SystemEventLog
from app.ui.i18n import Translations
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

K = SystemEventKind
CAMERAS = ["cam001", "cam002", "cam003"]
NAMES = {"cam001": "人民路口", "cam002": "解放路口", "cam003": "新华路口"}


def site_ui(tmp_path: Path) -> SiteUi:
    infos = [TileInfo(c, NAMES[c], f"37019900100{i:04d}", "g1") for i, c in enumerate(CAMERAS)]
    return SiteUi("示范区", infos, [("g1", "新华街道", None)], tmp_path / "snapshots")


@pytest.fixture
def events() -> SystemEventLog:
    return SystemEventLog()


@contextmanager
def shown_window(qtbot: QtBot, tmp_path: Path, events: SystemEventLog, language: str) -> Iterator[MainWindow]:
    """The main window on CAMERAS, telling ``events``: shown and started, stopped at the end."""
    options = RunOptions(
        offscreen=True, size=(1280, 800), language=language, profile_dir=tmp_path / "profile"
    )
    win = build_window(FakeSource(CAMERAS), site_ui(tmp_path), None, options, events=events)
    qtbot.addWidget(win)
    win.show()
    win.start()
    try:
        qtbot.waitExposed(win)
        yield win
    finally:
        win.stop()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, events: SystemEventLog) -> Iterator[MainWindow]:
    with shown_window(qtbot, tmp_path, events, "en") as win:
        yield win


def test_a_status_bar_message_has_room_beside_the_permanent_status(window: MainWindow) -> None:
    """The permanent status text once took the whole bar: every message was hidden behind it."""
    bar = window.statusBar()
    bar.showMessage("Snapshot saved: /tmp/x.png")
    permanent_left = min(w.x() for w in (window._status, window.status_faults.badge) if w.isVisible())
    assert permanent_left > bar.width() * 0.3


def test_a_camera_going_down_and_back_is_listed_said_and_counted(
    window: MainWindow, events: SystemEventLog, qtbot: QtBot
) -> None:
    events.publish(
        SystemEvent.of(
            K.CAMERA_DOWN, camera_id="cam002", detail="Connection refused", reason=StreamFailure.REFUSED
        )
    )
    qtbot.waitUntil(lambda: window.events_panel.model.rowCount() == 1)
    bar = window.statusBar()
    assert bar.currentMessage() == "Camera 解放路口 lost its picture: Connection refused"
    assert window.status_faults.badge.isVisible() and "1 open problem" in window.status_faults.badge.text()
    tooltip = window.events_panel.model.data(window.events_panel.model.index(0, 2), 3)  # ToolTipRole
    assert "Details: Connection refused" in tooltip and "cam002" in tooltip
    assert "The camera is off, or its RTSP port is wrong." in tooltip

    events.report(K.CAMERA_UP, camera_id="cam002")
    qtbot.waitUntil(lambda: window.events_panel.model.rowCount() == 2)
    assert bar.currentMessage() == "Camera 解放路口 is back"  # the down message does not outlive it
    assert not window.status_faults.badge.isVisible()
    assert window.events_panel.model.event_at(0).kind == K.CAMERA_UP  # newest first


def test_a_resolved_condition_takes_its_message_away_even_after_others(
    window: MainWindow, events: SystemEventLog, qtbot: QtBot
) -> None:
    events.report(K.DETECTION_WORKER_DOWN, detail="exit code -9", value=1)
    qtbot.waitUntil(lambda: "restarting in 1 s" in window.statusBar().currentMessage())
    events.report(K.DETECTION_WORKER_UP, value=0)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Detection is running again"))
    assert not window.status_faults.badge.isVisible()


def test_the_badge_opens_the_events_list_and_double_click_shows_the_camera(
    window: MainWindow, events: SystemEventLog, qtbot: QtBot
) -> None:
    window.events_dock.hide()
    events.report(K.CAMERA_DOWN, camera_id="cam003", detail="timed out")
    qtbot.waitUntil(lambda: window.status_faults.badge.isVisible())
    window.status_faults.badge.click()
    assert window.events_dock.isVisible()
    with qtbot.waitSignal(window.events_panel.camera_requested) as signal:
        window.events_panel.table.doubleClicked.emit(window.events_panel.model.index(0, 2))
    assert signal.args == ["cam003"]
    qtbot.waitUntil(lambda: window.pane.focused_camera == "cam003")


def test_problems_only_hides_information(window: MainWindow, events: SystemEventLog, qtbot: QtBot) -> None:
    events.report(K.SNAPSHOT_SAVED, subject="/pics/a.png")
    events.report(K.DISK_LOW, subject="/data", value=512)
    qtbot.waitUntil(lambda: window.events_panel.model.rowCount() == 2)
    window.events_panel.problems_only.setChecked(True)
    assert window.events_panel.model.rowCount() == 1
    assert window.events_panel.model.event_at(0).kind == K.DISK_LOW
    window.events_panel.problems_only.setChecked(False)
    assert window.events_panel.model.rowCount() == 2


def test_events_are_worded_in_chinese(window: MainWindow, events: SystemEventLog, qtbot: QtBot) -> None:
    Translations().set_language("zh_CN")
    events.report(K.DISK_FULL, subject="/data/sites/东城区")
    qtbot.waitUntil(lambda: window.events_panel.model.rowCount() == 1)
    assert window.statusBar().currentMessage() == "磁盘已满：/data/sites/东城区 无法再保存任何内容"
    assert window.events_dock.windowTitle() == "系统事件"
    assert window.events_panel.model.data(window.events_panel.model.index(0, 1)) == "故障"


def test_a_snapshot_is_confirmed_in_the_status_bar_and_the_list(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: window.pane.compositor.still_frame(0) is not None)
    window.pane.compositor.set_selected(0)
    window.snapshot_selected()  # saved off the GUI thread: said when it is done
    qtbot.waitUntil(lambda: window.events_panel.model.rowCount() > 0)
    event = window.events_panel.model.event_at(0)
    assert event.kind == K.SNAPSHOT_SAVED and str(tmp_path / "snapshots") in event.subject
    assert Path(event.subject).is_file()
    # said once, by the snapshot's own notice (with its open-folder button), not twice
    assert not window.statusBar().currentMessage().startswith("Snapshot saved: ")
    assert Path(event.subject).name in window.snapshot_notice.label.text()


def test_a_snapshot_that_cannot_be_written_says_why(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "snapshots").write_text("a file where the folder should be")
    qtbot.waitUntil(lambda: window.pane.compositor.still_frame(0) is not None)
    window.pane.compositor.set_selected(0)
    window.snapshot_selected()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Snapshot not saved: "))
    event = window.events_panel.model.event_at(0)
    assert event.kind == K.SNAPSHOT_NOT_SAVED and event.detail


def test_the_event_list_keeps_a_bounded_number_of_rows(window: MainWindow, events: SystemEventLog) -> None:
    from app.ui import system_events_view

    for i in range(system_events_view.ROWS_KEPT + 50):
        events.report(K.CAMERA_DOWN if i % 2 else K.CAMERA_UP, camera_id=CAMERAS[i % 3])
    window.events_panel.poll()
    assert window.events_panel.model.rowCount() == system_events_view.ROWS_KEPT
    assert np.isfinite(window.events_panel.model.event_at(0).at)


@pytest.mark.parametrize("fault", list(DetectionFault))
def test_every_detection_fault_is_worded(fault: DetectionFault) -> None:
    from app.services.detection.protocol import DetectionProblem
    from app.services.detection.service import problem_event
    from app.ui.system_events_view import event_message

    problem = DetectionProblem("cam001", fault, subject="x", detail="technical words", value=3.0)
    text = event_message(problem_event(problem), NAMES.__getitem__)
    assert "technical words" not in text and fault.value not in text, text
    if fault in (DetectionFault.NO_PICTURE, DetectionFault.ZONES_INVALID, DetectionFault.CHECK_FAILED):
        assert "人民路口" in text


def test_detection_going_down_and_coming_back_is_worded(
    window: MainWindow, events: SystemEventLog, qtbot: QtBot
) -> None:
    events.report(K.DETECTION_WORKER_DOWN, detail="exit code -9", value=0.5)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().endswith("restarting in 0.5 s"))
    events.report(K.DETECTION_WORKER_UP, detail="resumed 2 views and 1 open alerts", value=2)
    qtbot.waitUntil(lambda: "resumed 2 camera views" in window.statusBar().currentMessage())
