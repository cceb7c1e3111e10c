"""A vending model swapped in while the wall runs is taken up by the running detection worker.

Real files and a real worker process: the shipped vending model, and a copy of it whose class is
named differently (same weights, same boxes: the label on the wall's boxes says which model found
them). The test swaps it in as ``citywall train --from-verdicts`` does (:func:`swap_in`), damages
it, kills the worker, and removes it again, and watches what the worker reports and finds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.system_events import SystemEvent, SystemEventKind
from app.media.frame_board import BoardLayout, FrameBoard
from app.services.detection.model_watch import ModelWatch
from app.services.detection.protocol import DetectionUpdate
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.service import DetectionService
from app.services.site_models import site_models_dir, site_with_models
from app.services.system_events import SystemEventLog
from camera_config.models import DetectionSettings, SiteConfig, SiteInfo, ZoneSpec
from detectors.backends.onnx_yolo import MODELS_DIR, OnnxYolo
from detectors.finetune import swap_in
from detectors.synth import paste, street_stall
from tests.detection_rig import InProcessWorker, StandInDecoders
from tests.integration.test_detection_service import camera, first_vtest_frame
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow]

SHIPPED = MODELS_DIR / "vending_yolo.onnx"
SHIPPED_LABEL, SITE_LABEL = b"street_vendor", b"site_vendor_2"  # same length: the protobuf stays valid


def site_model(path: Path) -> Path:
    """The shipped model with its one class renamed: what it finds is labelled SITE_LABEL."""
    data = SHIPPED.read_bytes()
    assert data.count(SHIPPED_LABEL) == 1  # the names metadata, once
    path.write_bytes(data.replace(SHIPPED_LABEL, SITE_LABEL))
    return path


def onnx(detector: object) -> OnnxYolo:
    assert isinstance(detector, OnnxYolo)
    return detector


def stall_picture() -> np.ndarray:
    obj, alpha = street_stall(np.random.default_rng(0), 110)
    frame = paste(first_vtest_frame(), obj, alpha, 560, 330, np.random.default_rng(1))
    return cv2.resize(frame, (352, 288), interpolation=cv2.INTER_AREA)


def test_a_running_worker_takes_up_a_swapped_in_model_keeps_the_old_for_a_damaged_file_and_restarts_with_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    target = site_models_dir(data) / "vending_yolo.onnx"  # where train --from-verdicts swaps it in
    zone = ZoneSpec(id="z1", polygon=((0.5, 0.4), (1.0, 0.4), (1.0, 1.0), (0.5, 1.0)))
    written = SiteConfig(
        site=SiteInfo(name="t"),
        cameras=(camera("cam001", "rtsp://127.0.0.1:9/cam001", (zone,)),),
        detection=DetectionSettings(
            warmup_s=0, detectors={"onnx_yolo": {"model": "vending_yolo.onnx", "conf": 0.05}}
        ),
    )
    layout = BoardLayout(((192, 108),), workers=1, detect_slots=2, request_slots=1)
    board = FrameBoard.create(layout)
    log = SystemEventLog()
    service = DetectionService(
        site_with_models(written, data),  # no site copy yet: the shipped model
        board.name,
        layout,
        {"cam001": 0},
        EvidenceFiles(tmp_path / "evidence"),
        scheduler=SchedulerConfig(revisit_s=2.0, warmup_s=0.0, min_interval_s=0.2, max_in_flight=2),
        events=log,
        models=ModelWatch.for_site(written, data, poll_s=0.25),
    )
    decoders = StandInDecoders(board, {0: [stall_picture()]})
    labels: list[tuple[float, frozenset[str]]] = []  # (when it arrived, labels of the boxes found)

    def pump() -> None:
        board.write(0, np.zeros((108, 132, 4), np.uint8))  # the tile keeps coming: a picture
        decoders.answer()
        for event in service.drain():
            if isinstance(event, DetectionUpdate) and event.boxes:
                labels.append((time.monotonic(), frozenset(b.label for b in event.boxes)))

    def finds(label: bytes, after: float) -> Callable[[], bool]:
        def check() -> bool:
            pump()
            return any(at > after and label.decode() in found for at, found in labels)

        return check

    def said(kind: SystemEventKind) -> Callable[[], bool]:
        def check() -> bool:
            pump()
            return any(e.kind is kind for e in log.recent())

        return check

    def event(kind: SystemEventKind) -> SystemEvent:
        return next(e for e in reversed(log.recent()) if e.kind is kind)

    try:
        service.start()
        wait_until(finds(SHIPPED_LABEL, 0.0), 60, "the shipped model's stall")
        pid = service.pid

        # The fine-tuned model is swapped in by another process: the running worker takes it up.
        swapped = time.monotonic()
        swap_in(site_model(tmp_path / "candidate.onnx"), None, target)
        took = wait_until(finds(SITE_LABEL, swapped), 30, "the swapped-in model's stall")
        wait_until(said(SystemEventKind.MODEL_UPDATED), 10, "the operator told of the new model")
        updated = event(SystemEventKind.MODEL_UPDATED)
        assert updated.subject == "vending_yolo.onnx" and str(target) in updated.detail
        assert service.pid == pid and service.restarts == 0  # the same worker, never restarted
        print(f"swapped-in model used {took:.2f} s after the file was replaced")

        # Killed, the worker comes back with the site's model (the app started with the shipped one).
        os.kill(pid or 0, 9)
        wait_until(lambda: service.restarts == 1 and service.pid not in (None, pid), 20, "the restart")
        killed = time.monotonic()
        wait_until(finds(SITE_LABEL, killed), 60, "the restarted worker's stall")
        assert not any(SHIPPED_LABEL.decode() in found for at, found in labels if at > killed)

        # A damaged file (cut short) is not taken: the old model goes on and the operator hears why.
        part = target.with_name(".damaged.part")
        part.write_bytes(target.read_bytes()[: target.stat().st_size // 3])
        part.replace(target)
        damaged = time.monotonic()
        wait_until(said(SystemEventKind.MODEL_NOT_LOADED), 30, "the operator told the model did not load")
        refused = event(SystemEventKind.MODEL_NOT_LOADED)
        assert refused.subject == "vending_yolo.onnx" and str(target) in refused.detail
        assert "failed to start" in refused.detail  # and why, as ONNX Runtime says it
        wait_until(finds(SITE_LABEL, time.monotonic()), 30, "a check after the damaged file")
        assert not any(SHIPPED_LABEL.decode() in found for at, found in labels if at > damaged)

        # The site's copy removed (back to the shipped model): taken up the same way.
        target.unlink()
        removed = time.monotonic()
        wait_until(finds(SHIPPED_LABEL, removed), 30, "the shipped model's stall again")
        assert service.pid is not None and service.restarts == 1

        def updates() -> list[SystemEvent]:
            pump()
            return [e for e in log.recent() if e.kind is SystemEventKind.MODEL_UPDATED]

        wait_until(lambda: len(updates()) == 2, 10, "the operator told of the shipped model")
        assert str(SHIPPED) in updates()[-1].detail
        assert not log.open_conditions()  # the refused model's warning ended, and the worker is back
    finally:
        service.stop()
        board.close()


def test_a_swapped_model_keeps_every_views_state_and_open_alert_and_a_bad_one_changes_nothing(
    tmp_path: Path,
) -> None:
    """In-process (the worker's runtime on a real board, real model files): the stall's alert is
    open when the model is swapped; it stays open, is not raised again, and the view's pipeline
    (its dwell, tracks and zone reference) is the same object afterwards."""
    from app.services.detection.protocol import AlertCleared, AlertRaised, ModelChanged, ModelLoaded

    stall = stall_picture()
    clean = cv2.resize(first_vtest_frame(), (352, 288), interpolation=cv2.INTER_AREA)
    zone = ZoneSpec(id="z1", polygon=((0.5, 0.4), (1.0, 0.4), (1.0, 1.0), (0.5, 1.0)))
    settings = DetectionSettings(
        warmup_s=0,
        detectors={"onnx_yolo": {"model": str(SHIPPED), "conf": 0.05}},
        rules={
            "vending": {
                "persistence": {"dwell_s": 1.0, "window_s": 1.0, "min_samples": 3},
                "appearance": {"reference_checks": 1},  # the zone's clean picture: the first check
            }
        },
    )
    copy = tmp_path / "copy.onnx"  # the same weights under another name: the alert's cause stays
    copy.write_bytes(SHIPPED.read_bytes())
    damaged = tmp_path / "damaged.onnx"
    damaged.write_bytes(b"not an onnx model")
    cameras = (camera("cam001", "rtsp://127.0.0.1:9/cam001", (zone,)),)
    frames = {0: [clean, clean, *[stall] * 1000]}
    scheduler = SchedulerConfig(warmup_s=0.0, min_interval_s=0.2, max_in_flight=2)
    with InProcessWorker(settings, cameras, tmp_path / "evidence", frames, scheduler=scheduler) as w:
        runtime, flat, step_until = w.runtime, w.messages, w.run_until
        runtime.start()
        step_until(lambda: bool(flat(AlertRaised)), 40, "the stall's alert")
        (pipe,) = runtime._pipelines.values()
        tracks_before = pipe.vending.state()
        old = onnx(runtime._shared["onnx_yolo"])
        runtime.handle(ModelChanged("onnx_yolo", str(copy), "c0ffee"))
        step_until(lambda: bool(flat(ModelLoaded)), 30, "the new model loaded")
        (loaded,) = flat(ModelLoaded)
        assert loaded.ok and loaded.path == str(copy) and loaded.sha256 == "c0ffee"
        assert runtime._shared["onnx_yolo"] is not old and old.session is None  # the old one closed
        assert onnx(runtime._shared["onnx_yolo"]).path == copy
        checks = runtime.checks
        step_until(lambda: runtime.checks >= checks + 5, 30, "five checks with the new model")
        assert list(runtime._pipelines.values()) == [pipe]  # the same view: nothing learnt again
        assert pipe.vending.state() == tracks_before  # the stall's track still raised
        assert len(flat(AlertRaised)) == 1 and not flat(AlertCleared)  # not raised again, not cleared

        runtime.handle(ModelChanged("onnx_yolo", str(damaged), "bad"))
        step_until(lambda: len(flat(ModelLoaded)) == 2, 30, "the damaged model refused")
        refused = flat(ModelLoaded)[1]
        assert not refused.ok and refused.path == str(damaged) and "onnx_yolo" in refused.detail
        assert onnx(runtime._shared["onnx_yolo"]).path == copy  # the working one goes on
        checks = runtime.checks
        step_until(lambda: runtime.checks >= checks + 3, 30, "checks after the refusal")
        assert len(flat(AlertRaised)) == 1 and not flat(AlertCleared)


def test_a_model_for_a_worker_whose_detection_is_off_is_refused_with_the_reason(tmp_path: Path) -> None:
    from app.services.detection.protocol import ModelChanged, ModelLoaded

    zone = ZoneSpec(id="z1", polygon=((0.5, 0.4), (1.0, 0.4), (1.0, 1.0), (0.5, 1.0)))
    settings = DetectionSettings(detectors={"onnx_yolo": {"model": str(tmp_path / "missing.onnx")}})
    cameras = (camera("cam001", "rtsp://127.0.0.1:9/c", (zone,)),)
    with InProcessWorker(settings, cameras, tmp_path / "evidence", {}) as w:
        w.runtime.start()  # the configured model is missing: detection is off
        w.runtime.handle(ModelChanged("onnx_yolo", str(SHIPPED), "s"))
        (refused,) = [m for m in w.sent if isinstance(m, ModelLoaded)]
        assert not refused.ok and "detection is off (detector_not_loaded)" in refused.detail
        assert "next start" in refused.detail  # (the worker does not half-start detection)
