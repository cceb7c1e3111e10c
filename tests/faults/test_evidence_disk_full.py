"""Fault: the disk is full when an alert's evidence picture (or a bin picture) is written.

A small tmpfs that is really full where the test runs as root (else the write is made to fail
with ENOSPC after writing part of the file, as a full disk does). The alert must still go out,
without its picture; the operator is told why (EVIDENCE_NOT_SAVED with the OS's reason), and no
half-written or empty temporary file is left behind.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import Alert, Rule
from app.core.detection_faults import DetectionFault
from app.core.system_events import SystemEventKind
from app.services.detection.evidence import EvidenceJob, EvidenceWriter
from app.services.detection.protocol import AlertRaised, DetectionProblem
from app.services.detection.service import problem_event
from tests.fault_folders import can_mount
from tests.fault_folders import full_folder as real_full_folder


@pytest.fixture
def full_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    mount = tmp_path / "full"
    if can_mount():
        with real_full_folder(mount, size_kib=64, folders=("evidence/cam1", "bin_samples/overflow")):
            yield mount / "evidence"
        return
    (mount / "evidence" / "cam1").mkdir(parents=True)
    (mount / "bin_samples" / "overflow").mkdir(parents=True)
    real_write = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:  # part of it is written, then ENOSPC
        real_write(self, bytes(data[: len(data) // 3]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    def no_room(_fd: int) -> None:  # an atomic write's data cannot reach the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    monkeypatch.setattr(os, "fsync", no_room)
    yield mount / "evidence"


def test_an_alert_goes_out_without_its_picture_when_the_disk_is_full_and_leaves_no_temporary_file(
    full_folder: Path,
) -> None:
    sent: list[object] = []
    writer = EvidenceWriter(sent.append, UTC, EvidenceFiles(full_folder))
    event = AlertRaised(Alert("cam1-1", "cam1", None, "z1", Rule.VENDING, "0501", time.time(), 0.9, "人行道"))
    frame = np.random.default_rng(0).integers(0, 255, (288, 352, 3), np.uint8)  # (JPEG: ~100 kB)
    job = EvidenceJob(
        event, ("cam1", "vending 0501"), frame, np.zeros((0, 6), np.float32),
        ((0.1, 0.5), (0.9, 0.5), (0.9, 0.9)), None, None, {"hit_ratio": 0.9}, event.alert.raised_at, "cam1",
    )  # fmt: skip
    try:
        writer.submit(job)
        deadline = time.monotonic() + 10
        while len(sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        writer.close()
    problem, alert = sent
    assert isinstance(problem, DetectionProblem) and problem.fault is DetectionFault.EVIDENCE_NOT_SAVED
    assert problem.camera_id == "cam1" and problem.subject.startswith(str(full_folder))
    assert problem.subject.endswith(".jpg") and "disk full" in problem.detail
    assert alert == event and alert.alert.evidence == ()  # the alert itself, without a picture
    said = problem_event(problem)
    assert said.kind is SystemEventKind.EVIDENCE_NOT_SAVED and "disk full" in said.detail
    left = [p for p in full_folder.rglob("*") if p.is_file()]
    assert left == []  # no .tmp, no half picture


def test_a_bin_picture_the_full_disk_refuses_is_an_error_and_leaves_no_partial_file(
    full_folder: Path,
) -> None:
    from app.services.bin_samples import BinSampleStore
    from camera_config.models import ZoneSpec
    from detectors.synth import bin_scene

    root = full_folder.parent / "bin_samples"
    scene = bin_scene(np.random.default_rng(7), overflowing=True)
    x1, y1, x2, y2 = scene.box
    polygon = ((x1, y1), (x2, y1), (x2, y2), (x1, y2))
    zone = ZoneSpec(id="bin1", kind="bin", polygon=polygon, overflow_line=max(0.0, scene.rim - 0.03))
    with pytest.raises(OSError) as refused:
        BinSampleStore(root).add(scene.image, zone, "overflow", "cam1")
    assert refused.value.errno == errno.ENOSPC  # (the zone editor shows it)
    assert [p for p in root.rglob("*") if p.is_file()] == []
