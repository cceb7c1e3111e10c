"""The detection worker's runtime (what the worker process runs) run in the test's process, on a
real frame board, with stand-in decoders answering its sample requests from prepared frames."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import cv2
import numpy as np

from app.adapters.storage.evidence_files import EvidenceFiles
from app.media.frame_board import BoardLayout, FrameBoard
from app.services.detection.runtime import DetectionRuntime
from app.services.detection.service import camera_setups
from app.services.detection.setup import WorkerSetup
from camera_config.models import Camera, DetectionSettings, SiteConfig, SiteInfo
from tests.waiting import wait_until

T = TypeVar("T")


class StandInDecoders:
    """Answers the detection worker's sample requests from prepared frames, one frame per request,
    as the decoders' StreamPull._publish does (fitted into the asked size, BGRA)."""

    def __init__(self, board: FrameBoard, frames: dict[int, list[np.ndarray]]) -> None:
        self.board, self.frames = board, frames
        self.served = dict.fromkeys(frames, 0)
        self.answered = dict.fromkeys(frames, 0)

    def answer(self) -> None:
        for slot, frames in self.frames.items():
            request = self.board.sample_request(slot)
            if request is None or request.token == self.served[slot]:
                continue
            frame = frames[min(self.answered[slot], len(frames) - 1)]
            bgra = np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA), np.uint8)
            self.board.write(request.detect_slot, bgra, request.token)
            self.served[slot] = request.token
            self.answered[slot] += 1


class InProcessWorker:
    """A runtime for ``cameras`` (tile i each, in their order) with ``settings``, its evidence in
    ``evidence``; ``frames`` answer the sample requests of each tile; ``setup`` goes to its
    :class:`WorkerSetup` (scheduler, stats_interval_s, adopt, …). Closed at the end of a ``with``."""

    def __init__(
        self,
        settings: DetectionSettings,
        cameras: Sequence[Camera],
        evidence: Path,
        frames: dict[int, list[np.ndarray]],
        **setup: Any,
    ) -> None:
        site = SiteConfig(site=SiteInfo(name="t"), cameras=tuple(cameras), detection=settings)
        self.slots = {c.id: i for i, c in enumerate(cameras)}
        n = len(cameras)
        self.layout = BoardLayout(((192, 108),) * n, workers=1, detect_slots=2 * n, request_slots=n)
        self.board = FrameBoard.create(self.layout)
        self.sent: list[object] = []  # what the worker process would send the app
        try:
            self.setup = WorkerSetup(
                settings=settings,
                cameras=camera_setups(site, self.slots),
                board_name=self.board.name,
                layout=self.layout,
                tile_slots=self.slots,
                evidence_store=EvidenceFiles(evidence),
                **setup,
            )
            self.decoders = StandInDecoders(self.board, frames)
            self.runtime = DetectionRuntime(self.setup, self.board, self.sent.append)
        except BaseException:
            self.board.close()
            raise

    def messages(self, kind: type[T]) -> list[T]:
        """What it sent of ``kind``, oldest first (a batch counts as its messages)."""
        flat = [m for item in self.sent for m in (item if isinstance(item, list) else [item])]
        return [m for m in flat if isinstance(m, kind)]

    def step(self) -> None:
        """One turn of the worker's loop; the tiles keep coming (a picture), the decoders answer."""
        for slot in self.slots.values():
            self.board.write(slot, np.zeros((108, 132, 4), np.uint8))
        self.runtime.step()
        self.decoders.answer()

    def run_until(self, predicate: Callable[[], bool], timeout_s: float, what: str) -> float:
        """Step until ``predicate`` holds (checked after each step); fail the test after ``timeout_s``."""

        def stepped() -> bool:
            self.step()
            return predicate()

        return wait_until(stepped, timeout_s, what)

    def close(self) -> None:
        self.runtime.close()
        self.board.close()

    def __enter__(self) -> InProcessWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
