"""The window wires a dismissal's teaching to the zone editor: the operator on shift dismisses a
vending alert as 固定设施 in the alert list; Ctrl+D on that camera opens the zone editor listing the
suppressed place with the operator's name, and removing it there is recorded with that name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.alerts import Box, DismissReason
from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.services.suppression_store import SuppressionStore
from app.services.suppressions import SuppressionService
from app.services.zone_store import ZoneStore
from app.ui.detection.zone_editor import ZoneEditorDialog
from app.ui.main_window import AlertWiring, DetectionWiring, MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from camera_config.models import Camera, CameraDetection, RtspSource, SiteConfig, SiteInfo, ZoneSpec
from tests.alert_fakes import FakeWriter, alert_service, detected
from tests.ui.fakes import FakeSource

SQUARE = ((0.2, 0.3), (0.9, 0.3), (0.9, 0.9), (0.2, 0.9))


@pytest.fixture
def rig(
    qtbot: QtBot, tmp_path: Path
) -> Iterator[tuple[MainWindow, AlertService, FakeWriter, SuppressionService]]:
    service, writer, clock = alert_service()
    zone = ZoneSpec(id="z1", name="北门人行道", polygon=SQUARE)
    site = SiteConfig(
        site=SiteInfo(name="示范区"),
        cameras=(
            Camera(
                id="cam1", name="菜市场北门", source=RtspSource(main="rtsp://10.0.0.5/main"),
                detection=CameraDetection(zones=(zone,)),
            ),
        ),
    )  # fmt: skip
    suppressions = SuppressionService(
        SuppressionStore.open(tmp_path / "suppressions.json"), clock, record=service.record_event
    )
    service.subscribe(suppressions.on_alert_change)
    zones = ZoneStore.for_site(site, tmp_path / "zones.json")
    ui = SiteUi("示范区", [TileInfo("cam1", "菜市场北门")], [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1400, 900), language="en", profile_dir=tmp_path, fresh=True, operator="王芳"
    )
    detection = DetectionWiring(site, None, zones, None, suppressions)
    win = build_window(
        FakeSource(["cam1"]), ui, None, options, detection=detection,
        alerts=AlertWiring(service, timezone="Asia/Shanghai"),
    )  # fmt: skip
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win, service, writer, suppressions
    win.stop()


def test_a_dismissal_in_the_alert_list_is_listed_and_removable_in_the_zone_editor(
    qtbot: QtBot, rig: tuple[MainWindow, AlertService, FakeWriter, SuppressionService], monkeypatch
) -> None:
    win, service, writer, suppressions = rig
    board = (Box(0.5, 0.4, 0.6, 0.7, "0501", 0.4),)
    service.detector_raised(replace(detected("a1", "cam1"), boxes=board))
    assert win.alerts is not None
    triage = win.alerts.triage
    qtbot.waitUntil(lambda: triage.select("a1"), timeout=2000)
    triage.run("dismiss")
    triage.strip.answered.emit("reason", DismissReason.FIXED_OBJECT)
    assert service.get("a1").dismissed_by == "王芳"
    assert "suppressed" in triage.note.text()
    (place,) = suppressions.of_camera("cam1")
    opened: list[ZoneEditorDialog] = []

    def shown(self: ZoneEditorDialog) -> int:  # instead of the modal loop: the test drives it
        opened.append(self)
        return 0

    monkeypatch.setattr(ZoneEditorDialog, "exec", shown)
    win.pane.compositor.set_selected(0)
    win.edit_zones()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    places = dialog.taught.places
    assert places is not None and places.list.count() == 1
    assert "by 王芳 at " in (places.list.item(0).text() if places.list.item(0) else "")
    assert not dialog.taught.clean_button.isVisible(), "no detection running: no clean now"
    places._confirm = lambda _parent, _question: True
    places.list.setCurrentRow(0)
    assert places.remove_selected()
    assert suppressions.of_camera("cam1") == () and suppressions.get(place.id) is None
    assert (writer.events[-1].action, writer.events[-1].actor) == ("unsuppress", "王芳")
