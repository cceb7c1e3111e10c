"""The app restarted: the detection worker takes over the alerts the store had open.

A real worker runtime (the one the worker process runs) on real footage: an alert whose stall is
still there continues (no second alert), one whose stall went while the app was down clears with
the picture it cleared on, and one whose zone no longer exists clears at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import Alert, EvidenceKind, Rule
from app.demo.encode import SUB
from app.media.frame_board import BoardLayout, FrameBoard
from app.services.detection.protocol import AlertCleared, AlertRaised, ViewCheckpoint, WorkerStarted
from app.services.detection.runtime import DetectionRuntime
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.service import camera_setups
from app.services.detection.setup import WorkerSetup
from camera_config.models import DetectionSettings, SiteConfig, SiteInfo, ZoneSpec
from detectors.synth import paste, street_stall
from tests.integration.test_detection_service import GRASS, VTEST, StandInDecoders, X, Y, camera, wait_until

pytestmark = [pytest.mark.slow]


def footage(stall_from: int | None, n: int = 90) -> list[np.ndarray]:
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    cap = cv2.VideoCapture(str(VTEST))
    obj, alpha = street_stall(np.random.default_rng(0), 110)
    rng = np.random.default_rng(1)
    frames = []
    for i in range(n):
        ok, frame = cap.read()
        assert ok
        if stall_from is not None and i >= stall_from:
            frame = paste(frame, obj, alpha, X, Y, rng)
        frames.append(cv2.resize(frame, SUB.size, interpolation=cv2.INTER_AREA))
    cap.release()
    return frames


def stored(alert_id: str, zone_id: str) -> Alert:
    """An alert as the store gave it back after the restart (raised an hour ago, acknowledged)."""
    return Alert(
        id=alert_id, camera_id="stall", preset=None, zone_id=zone_id, rule=Rule.VENDING,
        event_code="0501", raised_at=1000.0, score=0.9, zone_name="草坪",
        acknowledged_by="王芳", acknowledged_at=1010.0,
    )  # fmt: skip


class Restarted:
    """A worker runtime started with ``adopt`` (the store's open alerts) on ``frames``."""

    def __init__(
        self, tmp_path: Path, frames: list[np.ndarray], adopt: tuple[Alert, ...], clear: dict[str, Any]
    ):
        grass = ZoneSpec(id="grass", name="草坪", polygon=GRASS)
        persistence = {"dwell_s": 2.0, "window_s": 2.0, "cooldown_s": 60.0, **clear}
        settings = DetectionSettings(
            warmup_s=0,
            detectors={"stationary": {"short_absorb_s": 1.0, "confirm_s": 1.0, "warmup_s": 2.0}},
            rules={"vending": {"persistence": persistence, "appearance": {"reference_checks": 1}}},
        )
        site = SiteConfig(
            site=SiteInfo(name="t"), cameras=(camera("stall", "rtsp://127.0.0.1:9/stall", (grass,)),),
            detection=settings,
        )  # fmt: skip
        layout = BoardLayout(((192, 108),), workers=1, detect_slots=2, request_slots=1)
        self.board = FrameBoard.create(layout)
        self.sent: list[object] = []
        self.evidence = EvidenceFiles(tmp_path / "evidence")
        setup = WorkerSetup(
            settings=settings, cameras=camera_setups(site, {"stall": 0}), board_name=self.board.name,
            layout=layout, tile_slots={"stall": 0}, evidence_store=self.evidence,
            scheduler=SchedulerConfig(warmup_s=0.0, min_interval_s=0.3, max_in_flight=2),
            adopt=adopt,
        )  # fmt: skip
        self.decoders = StandInDecoders(self.board, {0: frames})
        self.runtime = DetectionRuntime(setup, self.board, self.sent.append)

    def messages(self, kind: type) -> list[Any]:
        flat = [m for item in self.sent for m in (item if isinstance(item, list) else [item])]
        return [m for m in flat if isinstance(m, kind)]

    def run_until(self, predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
        def step() -> bool:
            self.board.write(0, np.zeros((108, 132, 4), np.uint8))  # tiles keep coming: a picture
            self.runtime.step()
            self.decoders.answer()
            return predicate()

        wait_until(step, timeout_s, what)

    def close(self) -> None:
        self.runtime.close()
        self.board.close()


def test_an_alert_whose_stall_went_while_the_app_was_down_clears_and_one_whose_zone_is_gone_at_once(
    tmp_path: Path,
) -> None:
    gone, no_zone = stored("stall-gone", "grass"), stored("stall-old", "old-zone")
    worker = Restarted(tmp_path, footage(stall_from=None), (gone, no_zone), {"min_samples": 3})
    try:
        worker.runtime.start()
        (started,) = worker.messages(WorkerStarted)
        assert started.open_alerts == 1  # the one whose zone still exists
        assert [c.alert_id for c in worker.messages(AlertCleared)] == ["stall-old"]  # at once
        worker.run_until(lambda: len(worker.messages(AlertCleared)) == 2, 30, "the clear")
        cleared = worker.messages(AlertCleared)[1]
        assert cleared.alert_id == "stall-gone" and cleared.camera_id == "stall"
        assert worker.decoders.answered[0] <= 3 + 2  # on the first checks (the rule's min samples)
        (picture,) = cleared.evidence
        assert (
            picture.kind is EvidenceKind.CLEAR_STILL
            and worker.evidence.path_of(picture.sha256, picture.media_type).is_file()
        )
        worker.run_until(lambda: worker.decoders.answered[0] >= 20, 30, "more checks")
        assert worker.messages(AlertRaised) == []  # nothing there: nothing raised
    finally:
        worker.close()


def test_an_alert_whose_stall_is_still_there_continues_and_is_not_raised_again(tmp_path: Path) -> None:
    """The stall is there (hidden behind passers-by for the first samples, while the detector
    learns the street): the alert the operator has goes on, with its id; no second alert."""
    there = stored("stall-there", "grass")
    clear = {"min_samples": 20, "clear_window_s": 30.0}  # the site's clear: a bad minute, not a sample
    worker = Restarted(tmp_path, footage(stall_from=8), (there,), clear)
    try:
        worker.runtime.start()
        worker.run_until(lambda: worker.decoders.answered[0] >= 40, 60, "40 checks")
        assert worker.messages(AlertRaised) == [] and worker.messages(AlertCleared) == []
        last = worker.messages(ViewCheckpoint)[-1]
        assert [a.id for a in last.open_alerts] == ["stall-there"]  # held open, checkpointed
        assert dataclasses.replace(last.open_alerts[0]) == there  # as the store gave it
    finally:
        worker.close()
