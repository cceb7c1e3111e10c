#!/usr/bin/env python3
"""Render the zone editor with what detection learnt of the view (suppressed places, furniture,
"clean now", verdict counts) to PNG, in Chinese and English, to look at it:

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python scripts/zone_editor_screens.py /tmp/zones

The picture is a frame of the demo footage (resources/demo/vtest.avi; a grey picture without it).
Two vending alerts are dismissed through the real alert and suppression services (one 固定设施 at
this view, one 误检 at another preset); detection reports a bench in the zones' reference (with
the hint that "clean now" is the remedy for a stall there).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
import numpy as np
from PySide6.QtCore import QDeadlineTimer
from PySide6.QtWidgets import QApplication

from app.core.alert_ports import AlertQuery
from app.core.alerts import Alert, AlertState, Box, DismissReason
from app.media.frame_board import BgraImage, FrameMeta
from app.services.suppression_store import SuppressionStore
from app.services.suppressions import SuppressionService
from app.services.zone_store import ZoneStore
from app.ui.alerts.history import HistoryView
from app.ui.detection.suppressed_places import TaughtView
from app.ui.detection.zone_editor import ZoneEditorDialog
from app.ui.i18n import Translations
from app.ui.theme import apply_theme
from camera_config.models import Camera, DetectionSettings, RtspSource, ZoneSpec
from tests.alert_fakes import alert_service, detected
from tests.ui.alert_fakes import CAMERAS, T0
from tests.ui.alert_fakes import alert as morning_alert
from tests.ui.fakes import FakeSource

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo" / "vtest.avi"


class StillSource(FakeSource):
    """One picture, as the frame board would hand it to the editor (a sign board dismissed as a
    fixed object stands in the zone)."""

    def __init__(self, picture: np.ndarray) -> None:
        super().__init__(["cam1"])
        self.picture: BgraImage = np.asarray(cv2.cvtColor(picture, cv2.COLOR_BGR2BGRA), np.uint8)

    def read_frame(
        self, camera_id: str, dest: BgraImage | None = None, newer_than: int = 0, *, main: bool = True,
        newer_than_main: int = 0,
    ) -> tuple[BgraImage, FrameMeta, bool] | None:  # fmt: skip
        if newer_than_main >= 1:
            return None
        height, width = self.picture.shape[:2]
        return self.picture.copy(), FrameMeta(width, height, time.monotonic_ns(), time.time_ns(), 1), True


def picture() -> np.ndarray:
    capture = cv2.VideoCapture(str(DEMO))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 120)
    ok, frame = capture.read()
    capture.release()
    return frame if ok else np.full((576, 768, 3), 90, np.uint8)


def wait(app: QApplication, done: object, ms: int = 5000) -> None:
    deadline = QDeadlineTimer(ms)
    while not done() and not deadline.hasExpired():  # type: ignore[operator]
        app.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/citywall-zones")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    apply_theme(app)
    translations = Translations()
    folder = Path(tempfile.mkdtemp(prefix="zone-screens-"))
    alerts, _writer, clock = alert_service(time.time() - 3 * 86400)
    service = SuppressionService(SuppressionStore.open(folder / "suppressions.json"), clock)
    alerts.subscribe(service.on_alert_change)
    for alert_id, preset, box, reason, by in (
        (
            "al-20261205-0042",
            None,
            Box(0.535, 0.35, 0.59, 0.52, "0501", 0.41),
            DismissReason.FIXED_OBJECT,
            "张三",
        ),
        (
            "al-20261206-0107",
            "2",
            Box(0.5, 0.5, 0.7, 0.9, "0504", 0.35),
            DismissReason.FALSE_DETECTION,
            "王五",
        ),
    ):
        raised = detected(alert_id, preset=preset, zone_id="zone-1")
        alerts.detector_raised(replace(raised, zone_name="北门人行道", boxes=(box,)))
        clock.t += 3600
        alerts.dismiss(alert_id, by, reason)

    def search(query: AlertQuery) -> list[Alert]:
        made = [detected(f"v{n}", zone_id=f"z{n}") for n in range(9)]
        for n in (0, 1, 2):
            made[n] = replace(made[n], state=AlertState.CONFIRMED)
        for n, reason in ((3, DismissReason.FIXED_OBJECT), (4, DismissReason.FIXED_OBJECT),
                          (5, DismissReason.FALSE_DETECTION), (6, DismissReason.PERMITTED)):  # fmt: skip
            made[n] = replace(made[n], state=AlertState.DISMISSED, dismiss_reason=reason)
        return made

    zone = ZoneSpec(
        id="zone-1", name="北门人行道", polygon=((0.0, 0.45), (0.62, 0.3), (0.75, 1.0), (0.0, 1.0))
    )
    camera = Camera(id="cam1", name="菜市场北门", source=RtspSource(main="rtsp://10.0.0.5/main"))
    zones = ZoneStore(folder / "zones.json", {"cam1": (zone,)})
    bench = (None, (Box(0.83, 0.55, 0.99, 0.75, "reference"),))
    links = TaughtView(
        suppressions=service, operator=lambda: "李四", search=search, furniture=lambda: bench,
        clean_zones=lambda camera_id, preset, ids: True,
    )  # fmt: skip
    for language, name in (("zh_CN", "zone-editor-zh.png"), ("en", "zone-editor-en.png")):
        translations.set_language(language)
        dialog = ZoneEditorDialog(StillSource(picture()), camera, DetectionSettings(), zones, taught=links)
        dialog.resize(1400, 900)
        dialog.show()
        wait(app, lambda d=dialog: d.canvas.image is not None)
        places = dialog.taught.places
        assert places is not None
        wait(app, lambda p=places: "%" in p.counts.text())
        places.list.setCurrentRow(0)
        dialog.canvas.select(0)
        app.processEvents()
        dialog.grab().save(str(out / name))
        print(out / name)
        dialog.close()
        dialog.deleteLater()
    translations.set_language("zh_CN")
    history(app, out)
    return 0


class Morning:
    """The stored alerts of a morning, as the alert store's search answers."""

    def __init__(self) -> None:
        reasons = [DismissReason.FIXED_OBJECT, DismissReason.FALSE_DETECTION, DismissReason.PERMITTED, None]
        self.alerts = []
        for n in range(40):
            made = morning_alert(n)
            reason = reasons[n % 4] if n % 3 else None
            if n % 5 == 0:
                made = replace(made, state=AlertState.CONFIRMED)
            elif reason is not None:
                made = replace(made, state=AlertState.DISMISSED, dismiss_reason=reason)
            self.alerts.append(made)

    def search(self, query: AlertQuery) -> list[Alert]:
        return self.alerts[: query.limit]


def history(app: QApplication, out: Path) -> None:
    """The alert history with the verdict counts of its search (a shift leader's look)."""
    view = HistoryView(Morning(), CAMERAS, lambda: T0, ZoneInfo("Asia/Shanghai"))
    view.resize(1200, 720)
    view.show()
    view.search()
    wait(app, lambda: view.verdicts.table.rowCount() > 0 and view.model.rowCount() > 0)
    view.grab().save(str(out / "history-verdicts-zh.png"))
    print(out / "history-verdicts-zh.png")


if __name__ == "__main__":
    sys.exit(main())
