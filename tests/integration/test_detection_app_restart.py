"""The app restarts: what detection had learnt comes back from the site's data folder.

Real detection workers (their own processes) watch the demo footage (OpenCV's vtest.avi) in which
a street stall is put down on the grass and stays, checked by the weight-free stationary detector.
One service runs untouched all along (the control); the other is the app being quit and started
again: :meth:`DetectionService.stop` writes its checkpoints to the file, a new service starts from
the file (and from the alert the store gave back). What the operator must see:

1. quit mid-dwell: the alert comes when the control's does (within a revisit or two), not a whole
   dwell after the restart;
2. quit with the alert open: the alert goes on (not cleared, not raised again). The control, also
   restarted but the way the app did before (the stored alert alone, no file), learns the stall as
   part of the street and clears the alert, wrongly: that is what the file prevents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import cv2
import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import Alert, AlertState, Box, Rule
from app.demo.encode import SUB
from app.demo.sample_feed import FedCamera, SampleFeed, looped
from app.demo.variants import Image
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.supervisor import IngestSupervisor
from app.services.detection.protocol import AlertCleared, AlertRaised, DetectionUpdate, ViewCheckpoint
from app.services.detection.saved_views import FILE_NAME, SavedViews
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.service import DetectionService
from app.services.detection.setup import scene_geometry
from app.services.system_events import SystemEventLog
from camera_config.models import (
    Camera,
    CameraDetection,
    RtspSource,
    SiteConfig,
    SiteInfo,
    ZoneSpec,
)
from detectors.pipeline import PipelineState
from detectors.synth import paste, street_stall
from tests.fast_detection import fast_vending_settings
from tests.integration.test_detection_service import GRASS, VTEST, X, Y, wait_until

pytestmark = [pytest.mark.slow]

REVISIT_S = 2.0
DWELL_S = 10.0  # long enough that the restarted app (~2-4 s, loaded) is back well before it ends
ARRIVES_S = 4.0  # clip time the stall is put down (the detectors have learnt the empty street by then)
FPS = 5


class Street:
    """vtest at CIF, 5 pictures a second, looped; the stall on the grass from ``ARRIVES_S`` on."""

    def __init__(self) -> None:
        if not VTEST.is_file():
            pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
        cap = cv2.VideoCapture(str(VTEST))
        frames: list[Image] = []
        n = 0
        while len(frames) < 20 * FPS:
            ok, frame = cap.read()
            assert ok
            if n % 2 == 0:  # (vtest is 10 fps)
                frames.append(np.asarray(cv2.resize(frame, SUB.size, interpolation=cv2.INTER_AREA), np.uint8))
            n += 1
        cap.release()
        self.street = looped(frames, FPS)
        w, h = SUB.size
        self.sprite = street_stall(np.random.default_rng(0), round(110 * w / 768))
        self.at = (round(X * w / 768), round(Y * h / 576))

    def render(self, t: float) -> Image:
        picture = self.street(t)
        if t >= ARRIVES_S:
            picture = paste(picture, *self.sprite, *self.at, np.random.default_rng(int(t * FPS)))
        return picture


def site() -> SiteConfig:
    settings = fast_vending_settings(REVISIT_S, DWELL_S)
    grass = ZoneSpec(id="grass", name="草坪", polygon=GRASS)
    camera = Camera(
        id="cam1", name="cam1", source=RtspSource(main="rtsp://127.0.0.1:9/cam1"),
        detection=CameraDetection(zones=(grass,)),
    )  # fmt: skip
    return SiteConfig(site=SiteInfo(name="t"), cameras=(camera,), detection=settings)


def on_grass(box: Box) -> bool:
    x, y = (box.x1 + box.x2) / 2, box.y2
    return GRASS[0][0] <= x <= GRASS[1][0] and GRASS[0][1] <= y <= GRASS[2][1]


class Side:
    """One app's detection service on its own frame board, restarted at will, and what it said."""

    def __init__(self, tmp_path: Path, name: str, board: FrameBoard, layout: BoardLayout) -> None:
        self.board, self.layout = board, layout
        self.evidence = EvidenceFiles(tmp_path / name / "evidence")
        self.file = tmp_path / name / FILE_NAME
        self.log = SystemEventLog()
        self.service: DetectionService | None = None
        self.raised: list[Alert] = []
        self.cleared: list[AlertCleared] = []
        self.checks = 0
        self.stall_seen = False

    def start(self, *, saved: bool, adopt: tuple[Alert, ...] = ()) -> None:
        """Start as the composition root does: read the file back (``saved``), adopt the stored alerts."""
        keep = SavedViews(self.file, self.log.publish) if saved else None
        resume = keep.load(site(), adopt).views if keep is not None else ()
        config = SchedulerConfig(revisit_s=REVISIT_S, warmup_s=0.0, min_interval_s=0.5, max_in_flight=2)
        self.service = DetectionService(
            site(), self.board.name, self.layout, {"cam1": 0}, self.evidence,
            adopt=adopt, resume=resume, saved=keep, scheduler=config, events=self.log,
        )  # fmt: skip
        self.raised, self.cleared, self.checks = [], [], 0
        self.service.start()

    def quit(self) -> None:
        assert self.service is not None
        self.drain()
        self.service.stop()
        self.drain()
        self.service = None

    def drain(self) -> None:
        for event in self.service.drain() if self.service is not None else ():
            if isinstance(event, AlertRaised):
                self.raised.append(event.alert)
            elif isinstance(event, AlertCleared):
                self.cleared.append(event)
            elif isinstance(event, DetectionUpdate):
                self.checks += 1
                self.stall_seen = self.stall_seen or any(on_grass(b) for b in event.boxes)


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[tuple[Side, Side]]:
    street = Street()
    layout = BoardLayout((SUB.size,), workers=1, detect_slots=2, request_slots=1)
    with ExitStack() as stack:
        sides = []
        for name in ("control", "restarted"):
            board = FrameBoard.create(layout)
            stack.callback(board.close)
            sides.append(Side(tmp_path, name, board, layout))
        control, restarted = sides
        control.start(saved=False)
        restarted.start(saved=True)
        for side in sides:
            stack.callback(quit_if_running, side)
        wait_until(lambda: all(s.service and s.service.stats() for s in sides), 60, "both workers")
        feed = SampleFeed([FedCamera(s.board, 0, street.render) for s in sides]).start()
        stack.callback(feed.stop)
        yield control, restarted


def quit_if_running(side: Side) -> None:
    if side.service is not None:
        side.quit()


def test_after_a_restart_of_the_app_a_dwell_goes_on_and_an_open_alert_continues(
    two_apps: tuple[Side, Side],
) -> None:
    control, app = two_apps

    def until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
        def check() -> bool:
            control.drain()
            app.drain()
            return predicate()

        wait_until(check, timeout_s, what)

    # 1. The stall stands, the dwell runs: the app is quit a check after it saw the stall.
    until(lambda: app.stall_seen, 30, "the stall to be seen")
    seen = app.checks
    until(lambda: app.checks >= seen + 1, 10, "one more check")
    app.quit()
    quit_wall = time.time()
    assert app.file.is_file() and app.file.stat().st_size > 1000
    app.start(saved=True)
    until(lambda: bool(control.raised) and bool(app.raised), 60, "both alerts")
    (reference,) = control.raised
    (resumed,) = app.raised
    assert resumed.raised_at > quit_wall  # raised by the new run: the quit was mid-dwell …
    assert resumed.raised_at <= reference.raised_at + 2 * REVISIT_S, resumed.raised_at - reference.raised_at
    assert resumed.raised_at < quit_wall + DWELL_S  # … and its dwell did not start again from zero
    assert resumed.evidence

    # 2. Both apps quit with the alert open; the store gives it back (an operator had taken it).
    #    The control starts the way the app did before the file: the stored alert alone.
    stored = replace(
        resumed, state=AlertState.ACKNOWLEDGED, acknowledged_by="王芳", acknowledged_at=time.time()
    )
    control_stored = replace(reference, state=AlertState.ACKNOWLEDGED, acknowledged_by="王芳")
    app.quit()
    control.quit()
    app.start(saved=True, adopt=(stored,))
    control.start(saved=False, adopt=(control_stored,))
    until(lambda: bool(control.cleared), 60, "the control to clear its alert (the stall learnt as street)")
    # the app has been checked for longer than the control needed to (wrongly) clear
    needed = control.checks
    until(lambda: app.checks >= needed + 2, 30, "two checks more than the control needed")
    assert app.raised == [] and app.cleared == []  # the alert goes on: not cleared, not raised again
    assert app.service is not None and [a.id for a in app.service.open_alerts()] == [stored.id]
    assert control.cleared[0].alert_id == reference.id and control.raised == []
    assert not [
        e for e in app.log.recent() if e.kind.name.startswith("STORE")
    ]  # no damaged file, no failed write


def test_the_composition_root_resumes_from_the_sites_data_folder_and_keeps_it_there(tmp_path: Path) -> None:
    from app.main import saved_views_for, start_detection

    layout = BoardLayout((SUB.size,), workers=1, detect_slots=2, request_slots=1)
    board = FrameBoard.create(layout)
    supervisor = cast(
        IngestSupervisor,
        SimpleNamespace(board_name=board.name, layout=layout, tile_slots=lambda: {"cam1": 0}),
    )
    events, data = SystemEventLog(), tmp_path / "data"
    camera = site().cameras[0]
    assert camera.detection is not None
    geometry = scene_geometry("cam1", None, camera.detection.zones)
    assert geometry is not None
    alert = Alert("cam1-a1", "cam1", None, "grass", Rule.VENDING, "0501", time.time() - 60, 0.9, "草坪")
    last_run = ViewCheckpoint("cam1", None, float("-inf"), PipelineState(geometry), (alert,))
    assert saved_views_for(data, events).save([(last_run, 5.0)])
    started = start_detection(site(), supervisor, None, data, events, EvidenceFiles(tmp_path / "ev"), [alert])
    assert started is not None
    service, feed = started
    try:
        assert [a.id for a in service.open_alerts()] == [alert.id]  # the last run's view, from the file
    finally:
        feed.stop()
        service.stop()  # the quit writes it again
        board.close()
    loaded = saved_views_for(data, events).load(site(), [alert])
    assert [a.id for cp, _ in loaded.views for a in cp.open_alerts] == [alert.id]
    assert not events.recent()
