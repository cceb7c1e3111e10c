"""Detection end to end: RTSP server → decoder workers → frame board samples → detection worker → alerts.

The stall clip is real CCTV footage (OpenCV's vtest.avi) in which a generated street stall appears
at a known time and stays; the vending rule must raise after its dwell, not before, with an
evidence picture on disk. A PTZ camera said to be moving is never checked.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import EvidenceKind, Rule
from app.core.detection_faults import DetectionFault
from app.core.detection_pause import Pause, PauseReason
from app.core.system_events import SystemEventKind
from app.demo.encode import SUB, ClipWriter
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.protocol import ViewMode
from app.media.specs import site_specs
from app.media.supervisor import IngestSupervisor
from app.services.detection.protocol import (
    AlertCleared,
    AlertRaised,
    DetectionProblem,
    DetectionUpdate,
    RevisitStats,
)
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.service import DetectionEvent, DetectionService
from app.services.system_events import SystemEventLog
from camera_config.models import (
    Camera,
    CameraDetection,
    DetectionSettings,
    PtzSettings,
    RtspSource,
    SiteConfig,
    SiteInfo,
    ZoneSpec,
)
from detectors.synth import paste, street_stall
from tests.detection_rig import InProcessWorker
from tests.detection_rig import StandInDecoders as StandInDecoders  # imported from here by other tests
from tests.integration.conftest import StartServer

pytestmark = [pytest.mark.peer, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
VTEST = REPO / "resources" / "demo" / "vtest.avi"
APPEAR_S = 6.0  # clip time at which the stall appears (and stays): after the 4 s the detector learns
CLIP_S = 45.0
DWELL_S = 6.0
X, Y = 560, 330  # top-left of the stall in vtest's 768x576 frame: on the grass beside the path
GRASS = ((0.651, 0.66), (0.9375, 0.66), (0.9375, 0.903), (0.651, 0.903))  # the stall stands here


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout_s:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.05)


def first_vtest_frame() -> np.ndarray:
    """vtest's first frame, at its own 768x576."""
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    cap = cv2.VideoCapture(str(VTEST))
    ok, frame = cap.read()
    cap.release()
    assert ok
    return frame


def stall_clip(path: Path) -> Path:
    """vtest frames at CIF and 15 fps; from APPEAR_S on, a textured stall stands on the grass."""
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    cap = cv2.VideoCapture(str(VTEST))
    obj, alpha = street_stall(np.random.default_rng(0), 110)
    rng = np.random.default_rng(1)
    writer = ClipWriter(path, SUB)
    try:
        for i in range(round(CLIP_S * SUB.fps)):
            ok, frame = cap.read()
            if not ok:
                break
            if i / SUB.fps >= APPEAR_S:
                frame = paste(frame, obj, alpha, X, Y, rng)
            writer.write(np.asarray(cv2.resize(frame, SUB.size, interpolation=cv2.INTER_AREA), np.uint8))
    finally:
        writer.close()
        cap.release()
    return path


def camera(camera_id: str, url: str, zones: tuple[ZoneSpec, ...], ptz: bool = False) -> Camera:
    return Camera(
        id=camera_id,
        name=camera_id,
        source=RtspSource(main=url, transport="tcp"),
        ptz=PtzSettings(endpoint="http://127.0.0.1:9/onvif/device_service") if ptz else None,
        detection=CameraDetection(zones=zones),
    )


@contextmanager
def running(
    site: SiteConfig, mode: ViewMode, evidence: Path | None = None, min_interval_s: float = 1.0
) -> Iterator[tuple[IngestSupervisor, DetectionService | None]]:
    supervisor = IngestSupervisor(site_specs(site))
    supervisor.start()
    service = None
    try:
        supervisor.set_demands("wall", {c: (mode, (192, 108)) for c in supervisor.camera_ids})
        if evidence is not None:
            config = SchedulerConfig(
                revisit_s=10.0, warmup_s=0.0, cpu_share=0.5, min_interval_s=min_interval_s
            )
            service = DetectionService.for_ingest(site, supervisor, EvidenceFiles(evidence), scheduler=config)
            service.start()
        yield supervisor, service
    finally:
        if service is not None:
            service.stop()
        supervisor.stop()


def test_a_keyframes_only_camera_answers_a_sample_request_once(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    site = SiteConfig(site=SiteInfo(name="t"), cameras=(camera("cam001", server.url("cam001"), ()),))
    with running(site, ViewMode.KEYFRAMES) as (supervisor, _):
        wait_until(lambda: supervisor.frame_meta("cam001") is not None, 20, "the first key frame")
        board = FrameBoard.attach(supervisor.board_name, supervisor.layout)
        try:
            slot = supervisor.tile_slots()["cam001"]
            token = board.request_sample(slot, 3, (320, 240))
            wait_until(lambda: board.read_sample(3, token) is not None, 5, "the sample")
            got = board.read_sample(3, token)
            assert got is not None
            image = got[0]
            assert image.shape == (240, 292, 4)  # CIF 352x288 fitted into 320x240
            assert float(image[..., :3].std()) > 10  # a real picture
            detect_slot = supervisor.layout.detect_slot(3)
            count = board.count(detect_slot)
            time.sleep(2.5)  # two more key frames: the request was answered once only
            assert board.count(detect_slot) == count == 1
        finally:
            board.close()


def test_a_stall_raises_an_alert_after_the_dwell_with_evidence_and_a_moving_dome_is_never_checked(
    rtsp_server: StartServer, tmp_path: Path
) -> None:
    clip = stall_clip(tmp_path / "stall.mp4")
    server = rtsp_server(1, extra_mounts=[{"path": "stall", "file": str(clip), "mode": "loop"}])
    grass = ZoneSpec(id="grass", name="草坪", polygon=GRASS)
    dome_zone = ZoneSpec(id="kerb", preset="1", polygon=((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
    settings = DetectionSettings(
        warmup_s=0,
        detectors={"stationary": {"short_absorb_s": 2.0, "confirm_s": 2.0, "warmup_s": 4.0}},
        rules={
            "vending": {
                "persistence": {
                    "dwell_s": DWELL_S,
                    "window_s": DWELL_S,
                    "clear_window_s": 6.0,
                    "cooldown_s": 60.0,
                    "min_samples": 3,
                },
                "appearance": {"reference_checks": 1},  # the zone's clean picture: the first check
            }
        },
    )
    site = SiteConfig(
        site=SiteInfo(name="t"),
        cameras=(
            camera("stall", server.url("stall"), (grass,)),
            camera("dome", server.url("cam001"), (dome_zone,), ptz=True),
        ),
        detection=settings,
    )
    evidence = tmp_path / "evidence"
    events: list[DetectionEvent] = []
    with running(site, ViewMode.LIVE, evidence, min_interval_s=0.5) as (supervisor, service):
        assert service is not None
        service.set_place("dome", "1", None)  # the dome is on its way somewhere
        wait_until(lambda: supervisor.frame_meta("stall") is not None, 20, "the stall camera's first frame")
        first = supervisor.frame_meta("stall")
        assert first is not None
        clip_start_wall = first.captured_wall_ns / 1e9  # the loop mount started with our connection

        def raised() -> bool:
            events.extend(service.drain())
            return any(isinstance(e, AlertRaised) for e in events)

        wait_until(raised, 60, "the vending alert")
        stats = service.stats()
    alerts = [e.alert for e in events if isinstance(e, AlertRaised)]
    assert not service.problems() and not service.events.recent()
    alert = alerts[0]
    assert (alert.camera_id, alert.zone_id, alert.zone_name, alert.rule) == (
        "stall",
        "grass",
        "草坪",
        Rule.VENDING,
    )
    assert alert.event_code == "0501" and alert.preset is None
    assert alert.raised_at >= clip_start_wall + APPEAR_S + DWELL_S - 0.5, "raised before the dwell"
    assert alert.raised_at <= clip_start_wall + APPEAR_S + DWELL_S + 15.0
    assert alert.score >= 0.6
    box = alert.boxes[0]
    assert 0.65 <= (box.x1 + box.x2) / 2 <= 0.95 and box.y1 >= 0.55  # on the stall
    # the evidence: the frame with the zone and the box burned in, kept before the alert came
    still = alert.evidence_of(EvidenceKind.STILL)
    assert still is not None and still.media_type == "image/jpeg" and still.stream == "sub"
    path = EvidenceFiles(evidence).path_of(still.sha256, still.media_type)
    assert path.is_file() and path.stat().st_size == still.size
    picture = cv2.imread(str(path))
    assert picture is not None and picture.shape[1] == 352 and picture.shape[0] > 288 + 40
    scene, band = picture[:288], picture[288:]  # the caption has a band of its own, under the picture
    yellow = (scene[..., 0] < 80) & (scene[..., 1] > 180) & (scene[..., 2] > 200)
    assert yellow.sum() > 100  # the zone outline
    red = (scene[..., 2] > 180) & (scene[..., 1] < 80) & (scene[..., 0] < 80)
    assert red.sum() > 50  # the box that raised it, on the camera's pixels
    assert band.max() > 200 and np.median(band) < 40  # light text on the dark band
    # the moving dome: never checked, and the statistics say why
    updates = [e for e in events if isinstance(e, DetectionUpdate)]
    assert updates and {u.camera_id for u in updates} == {"stall"}
    assert stats is not None
    by_camera = {c.camera_id: c for c in stats.cameras}
    assert by_camera["dome"].pause == Pause(PauseReason.MOVING) and by_camera["dome"].last_checked is None
    assert by_camera["stall"].pause is None and by_camera["stall"].interval_s is not None
    assert by_camera["stall"].interval_s < 3.0


def test_a_plugin_that_fails_to_load_switches_detection_off_and_says_why_and_a_dead_worker_comes_back(
    tmp_path: Path,
) -> None:
    layout = BoardLayout(((192, 108),), workers=1, detect_slots=2, request_slots=1)
    board = FrameBoard.create(layout)
    zone = ZoneSpec(id="z1", polygon=((0.1, 0.5), (0.9, 0.5), (0.9, 0.9)))
    site = SiteConfig(
        site=SiteInfo(name="t"),
        cameras=(camera("cam001", "rtsp://127.0.0.1:9/cam001", (zone,)),),
        detection=DetectionSettings(detectors={"onnx_yolo": {"model": "no_such_model.onnx"}}),
    )
    log = SystemEventLog()
    service = DetectionService(site, board.name, layout, {"cam001": 0}, EvidenceFiles(tmp_path), events=log)
    events: list[DetectionEvent] = []

    def stats_saying(pause: Pause) -> Callable[[], bool]:
        def check() -> bool:
            events.extend(service.drain())
            return any(isinstance(e, RevisitStats) and e.cameras[0].pause == pause for e in events)

        return check

    try:
        service.start()
        wait_until(
            stats_saying(Pause(PauseReason.DETECTOR_NOT_LOADED)), 60, "statistics saying why detection is off"
        )
        (problem,) = service.problems()
        assert problem.camera_id is None and problem.fault is DetectionFault.DETECTOR_NOT_LOADED
        assert problem.subject == "onnx_yolo" and "no_such_model.onnx" in problem.detail
        (said,) = log.recent()  # the operator sees it: the fault as an enum, the file in the detail
        assert (said.kind, said.subject) == (SystemEventKind.DETECTION_PROBLEM, "detector_not_loaded")
        assert said.detail.startswith("onnx_yolo: ") and "no_such_model.onnx" in said.detail
        first_pid = service.pid
        assert first_pid is not None
        os.kill(first_pid, 9)
        wait_until(lambda: service.restarts == 1 and service.pid != first_pid, 10, "the worker's restart")
        events.clear()
        wait_until(
            stats_saying(Pause(PauseReason.DETECTOR_NOT_LOADED)), 60, "statistics from the restarted worker"
        )
        wait_until(lambda: len(log.recent()) >= 4, 30, "the worker's return")
        kinds = [e.kind for e in log.recent()]
        assert kinds == [
            SystemEventKind.DETECTION_PROBLEM,
            SystemEventKind.DETECTION_WORKER_DOWN,
            SystemEventKind.DETECTION_PROBLEM,  # the restarted worker cannot load it either
            SystemEventKind.DETECTION_WORKER_UP,
        ], kinds
        down = log.recent()[1]
        assert "stopped unexpectedly" in down.detail and down.value == 0.5  # the retry delay
        assert log.recent()[3].resolves(down) and not log.open_conditions()
    finally:
        service.stop()
        board.close()


def test_the_worker_closes_alerts_of_zones_that_change_and_never_checks_a_moving_dome(tmp_path: Path) -> None:
    from app.services.detection.protocol import AlertBoost, ViewPlace, ZonesChanged

    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    cap = cv2.VideoCapture(str(VTEST))
    obj, alpha = street_stall(np.random.default_rng(0), 110)
    rng = np.random.default_rng(1)
    stall_frames = []
    for i in range(120):
        ok, frame = cap.read()
        assert ok
        if i >= 8:  # the stall stands there from the 9th sample on
            frame = paste(frame, obj, alpha, X, Y, rng)
        stall_frames.append(cv2.resize(frame, SUB.size, interpolation=cv2.INTER_AREA))
    cap.release()
    grass = ZoneSpec(id="grass", name="草坪", polygon=GRASS)
    kerb = ZoneSpec(id="kerb", preset="1", polygon=((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
    settings = DetectionSettings(
        warmup_s=0,
        detectors={"stationary": {"short_absorb_s": 1.0, "confirm_s": 1.0, "warmup_s": 2.0}},
        rules={
            "vending": {
                "persistence": {"dwell_s": 2.0, "window_s": 2.0, "min_samples": 3},
                "appearance": {"reference_checks": 1},  # the zone's clean picture: the first check
            }
        },
    )
    cameras = (
        camera("stall", "rtsp://127.0.0.1:9/stall", (grass,)),
        camera("dome", "rtsp://127.0.0.1:9/dome", (kerb,), ptz=True),
    )
    scheduler = SchedulerConfig(warmup_s=0.0, min_interval_s=0.3, max_in_flight=4)
    frames = {0: stall_frames, 1: stall_frames}
    with InProcessWorker(settings, cameras, tmp_path, frames, scheduler=scheduler, stats_interval_s=0.5) as w:
        runtime, decoders, sent, run_until, events = w.runtime, w.decoders, w.sent, w.run_until, w.messages
        runtime.start()
        runtime.handle(ViewPlace("dome", "1", None))  # the dome is moving
        runtime.handle(AlertBoost("stall", True))
        assert runtime.scheduler.weight("stall") == 4.0
        run_until(lambda: bool(events(AlertRaised)), 40, "the vending alert")
        (message,) = events(AlertRaised)
        raised = message.alert
        # the drawn still for people and the judged picture (nothing drawn) for training
        assert raised.zone_id == "grass" and [e.kind.value for e in raised.evidence] == ["still", "frame"]
        assert all(EvidenceFiles(tmp_path).path_of(e.sha256, "image/jpeg").is_file() for e in raised.evidence)
        assert decoders.answered[0] >= 9 + 3 and decoders.answered[1] == 0  # the dome: never asked
        assert {u.camera_id for u in events(DetectionUpdate)} == {"stall"}
        runtime.handle(ZonesChanged("stall", ()))  # the operator removed the zone
        (cleared,) = events(AlertCleared)
        assert cleared.alert_id == raised.id and cleared.evidence == ()
        sent.clear()
        run_until(lambda: bool(events(RevisitStats)), 5, "statistics")
        by_camera = {c.camera_id: c for c in events(RevisitStats)[-1].cameras}
        assert by_camera["stall"].pause == Pause(PauseReason.NO_ZONES) and not by_camera["stall"].watched
        assert by_camera["dome"].pause == Pause(PauseReason.MOVING)
        runtime.handle(ViewPlace("dome", "1", time.monotonic()))  # arrived at preset 1
        run_until(lambda: decoders.answered[1] > 0, 10, "the dome's first sample after it settled")


def test_a_retrained_bin_classifier_replaces_the_old_one_and_each_bin_keeps_its_reference(
    tmp_path: Path,
) -> None:
    from app.services.bin_samples import BinSampleStore
    from app.services.detection.protocol import BinClassifierChanged, BinsClean
    from detectors.synth import bin_scene

    scene = bin_scene(np.random.default_rng(5), w=352, h=288)
    x1, y1, x2, y2 = scene.box
    zone = ZoneSpec(
        id="bin1",
        kind="bin",
        polygon=((x1, y1), (x2, y1), (x2, y2), (x1, y2)),
        overflow_line=scene.rim - 0.03,
    )
    store = BinSampleStore(tmp_path / "bin_samples")
    for i in range(4):
        for full in (True, False):
            s = bin_scene(np.random.default_rng(50 + i), w=352, h=288, overflowing=full)
            sx1, sy1, sx2, sy2 = s.box
            z = zone.model_copy(update={"polygon": ((sx1, sy1), (sx2, sy1), (sx2, sy2), (sx1, sy2))})
            store.add(s.image, z, "overflow" if full else "normal", "bins")
    retrained = store.retrain()
    cameras = (camera("bins", "rtsp://127.0.0.1:9/bins", (zone,)),)
    scheduler = SchedulerConfig(warmup_s=0.0, min_interval_s=0.2, max_in_flight=2)
    with InProcessWorker(
        DetectionSettings(warmup_s=0), cameras, tmp_path, {0: [scene.image]}, scheduler=scheduler
    ) as w:
        runtime, decoders = w.runtime, w.decoders
        runtime.start()
        w.run_until(lambda: decoders.answered[0] >= 2, 10, "the bin camera's first checks")
        (pipe,) = runtime._pipelines.values()
        monitor = pipe.bin_monitor
        assert monitor is not None and monitor.has_reference("bin1")
        assert monitor.classifier is None or "site_samples" not in monitor.classifier.info  # the default
        runtime.handle(BinClassifierChanged(str(retrained.path)))
        assert monitor.classifier is not None and monitor.classifier.info["site_samples"] == {
            "overflow": 4,
            "normal": 4,
        }
        assert monitor.has_reference("bin1")  # the clean picture of the bin is not taken again
        runtime.handle(BinClassifierChanged(str(tmp_path / "missing.npz")))
        assert any("missing.npz" in p.message for p in w.messages(DetectionProblem))
        assert monitor.classifier.info.get("site_samples")  # a bad file leaves the working one in place
        # "Clean now" in the zone editor: the bin's next checked picture becomes its clean reference
        checked = decoders.answered[0]
        runtime.handle(BinsClean("bins", None, ("bin1",)))
        w.run_until(lambda: decoders.answered[0] > checked + 1, 10, "a check after 'clean now'")
        assert monitor.confirmed == {"bin1"}


def test_clean_now_retakes_a_zones_reference_from_the_next_checks_and_the_wall_hears_of_furniture(
    tmp_path: Path,
) -> None:
    from app.services.detection.protocol import ZonesClean

    street = cv2.resize(first_vtest_frame(), SUB.size, interpolation=cv2.INTER_AREA)
    obj, alpha = street_stall(np.random.default_rng(0), 40)
    sx, sy = round(X * SUB.size[0] / 768), round(Y * SUB.size[1] / 576)
    with_stall = paste(street, obj, alpha, sx, sy, np.random.default_rng(1))
    grass = ZoneSpec(id="grass", name="草坪", polygon=GRASS)
    settings = DetectionSettings(
        warmup_s=0,
        detectors={"stationary": {"short_absorb_s": 0.5, "confirm_s": 0.5, "warmup_s": 1.0}},
        rules={"vending": {"appearance": {"reference_checks": 2, "reference_spacing_s": 0.0}}},
    )
    cameras = (camera("stall", "rtsp://127.0.0.1:9/stall", (grass,)),)
    scheduler = SchedulerConfig(warmup_s=0.0, min_interval_s=0.2, max_in_flight=2)
    frames = [street] * 15 + [with_stall] * 400  # the stall is pushed in after the warm-up
    with InProcessWorker(settings, cameras, tmp_path, {0: frames}, scheduler=scheduler) as w:
        runtime, answered = w.runtime, w.decoders.answered

        def updates() -> list[DetectionUpdate]:
            return w.messages(DetectionUpdate)

        runtime.start()
        w.run_until(lambda: answered[0] >= 3, 10, "the first checks")
        (pipe,) = runtime._pipelines.values()
        reference = pipe.vending.reference
        assert reference.has("grass") and not reference.confirmed  # taken on its own, clean
        w.run_until(lambda: answered[0] >= 20 and bool(updates()[-1].boxes), 20, "the stall found")
        assert not any(u.furniture for u in updates()[-3:])  # the stall is new: not furniture
        # the operator says the zone is clean as it is now: the stall becomes part of the scene
        runtime.handle(ZonesClean("stall", None, ("grass",)))
        checked = answered[0]
        w.run_until(
            lambda: answered[0] >= checked + 4 and reference.confirmed == {"grass"}, 20, "the new reference"
        )
        w.sent.clear()
        w.run_until(
            lambda: answered[0] >= checked + 8 and any(u.furniture for u in updates()),
            20,
            "furniture on the wall",
        )
        shown = next(u for u in updates() if u.furniture).furniture
        assert {(b.kind, b.label) for b in shown} == {("furniture", "reference")}
        assert all(0.0 <= b.x1 < b.x2 <= 1.0 and 0.0 <= b.y1 < b.y2 <= 1.0 for b in shown)
