"""Fault: the folder detection keeps its checkpoints in is read-only, or the disk is full.

A real detection worker checks a street while its service writes what it learnt every half second
into a folder that cannot take it (as root, this machine and CI: a read-only bind mount and a full
tmpfs, so the kernel answers EROFS / ENOSPC; otherwise chmod 555, and the full disk is skipped).
What the operator must see: one STORE_NOT_SAVED naming the file (not one every half second), and
detection checking on; once the folder takes writes again, the file is written (and reads back).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.system_events import SystemEvent, SystemEventKind
from app.demo.encode import SUB
from app.demo.sample_feed import FedCamera, SampleFeed
from app.media.frame_board import BoardLayout, FrameBoard
from app.services.detection.protocol import DetectionUpdate
from app.services.detection.saved_views import FILE_NAME, SavedViews
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.service import DetectionService
from app.services.system_events import SystemEventLog
from tests.fault_folders import can_mount, free_some, full_folder, read_only_folder
from tests.faults.test_detection_worker_kill import Street, site, wait_until

pytestmark = [pytest.mark.slow]


@contextlib.contextmanager
def refusing(kind: str, path: Path) -> Iterator[Path]:
    if kind == "read_only":
        with read_only_folder(path) as folder:
            yield folder
    else:
        if not can_mount():
            pytest.skip("a real full file system needs root (tmpfs)")
        with full_folder(path, size_kib=64) as folder:
            yield folder


@pytest.mark.parametrize("kind", ["read_only", "full"])
def test_a_folder_that_refuses_the_checkpoints_is_said_once_and_detection_goes_on(
    tmp_path: Path, kind: str
) -> None:
    street = Street()
    layout = BoardLayout((SUB.size,), workers=1, detect_slots=2, request_slots=1)
    board = FrameBoard.create(layout)
    log = SystemEventLog()
    folder = tmp_path / "data"
    config = SchedulerConfig(revisit_s=1.0, warmup_s=0.0, min_interval_s=0.3, max_in_flight=2)
    checks = 0

    def checked() -> int:
        nonlocal checks
        checks += sum(isinstance(e, DetectionUpdate) for e in service.drain())
        return checks

    def refusals() -> list[SystemEvent]:
        return [e for e in log.recent() if e.kind is SystemEventKind.STORE_NOT_SAVED]

    with refusing(kind, folder) as data:
        service = DetectionService(
            site(), board.name, layout, {"cam1": 0}, EvidenceFiles(tmp_path / "evidence"),
            saved=SavedViews(data / FILE_NAME, log.publish), save_every_s=0.5,
            scheduler=config, events=log,
        )  # fmt: skip
        feed = SampleFeed([FedCamera(board, 0, street.render)])
        try:
            service.start()
            feed.start()
            wait_until(lambda: checked() >= 3 and bool(refusals()), 60, "checks and the refused write")
            (said,) = refusals()
            assert said.subject == str(data / FILE_NAME)
            seen = checked()
            started = time.monotonic()
            wait_until(lambda: checked() >= seen + 4 and time.monotonic() - started > 3, 30, "checks on")
            assert len(refusals()) == 1 and service.running  # said once; detection goes on
            if kind == "full":
                free_some(data, 64)  # room again: the next write goes through
                wait_until(lambda: (data / FILE_NAME).is_file(), 10, "the file written")
                assert len(SavedViews(data / FILE_NAME).load(site()).views) == 1
        finally:
            feed.stop()
            service.stop()
            board.close()
    if kind == "read_only":
        assert service.save()  # the folder takes writes again
        assert len(SavedViews(folder / FILE_NAME).load(site()).views) == 1
