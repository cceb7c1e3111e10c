"""A decode that never returns costs only its own camera: the pull is abandoned and replaced.

libav can get stuck inside a decode call (PyAV releases the GIL there, so the worker's other
threads run on). No real stream hangs libav on demand, so the decode of one pull is made to block
here exactly as such a call would (a wait that releases the GIL); everything else is real: the
demo RTSP server, the pulls, the frame board and the worker's own watchdog loop, run in this process.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.stream_failure import StreamFailure
from app.core.stream_health import StreamState
from app.media import worker as worker_module
from app.media.camera_runner import CameraRunner, StuckPulls
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.frame_gaps import FrameGapMeter
from app.media.protocol import HealthChanged, SetView, ViewMode, WorkerFault
from app.media.pull import StreamPull
from tests.faults.conftest import TILE, spec
from tests.integration.conftest import StartServer
from tests.waiting import wait_until

pytestmark = [pytest.mark.peer, pytest.mark.slow]

HANG_AFTER_S = 1.5  # the worker's 8 s, shortened so that the test takes seconds
CAMERAS = ["stuck", "cam001", "cam002"]


class Worker:
    """A decoder worker's insides in this process: runners on a board, its watchdog loop."""

    def __init__(self, server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.messages: list[object] = []
        self.exit_codes: list[int] = []
        self.board = FrameBoard.create(BoardLayout(((352, 288),) * len(CAMERAS), 1))
        self.stuck = StuckPulls()
        self.runners = {
            c: CameraRunner(
                spec(c, f"{server_url}/{'cam003' if c == 'stuck' else c}"),
                i,
                self.board,
                self.report,
                self.stuck,
            )
            for i, c in enumerate(CAMERAS)
        }
        self.stop = threading.Event()

        def fake_exit(code: int) -> None:  # ends the watchdog loop, not this process
            self.exit_codes.append(code)
            self.stop.set()

        monkeypatch.setattr(worker_module, "HANG_AFTER_S", HANG_AFTER_S)
        monkeypatch.setattr(os, "_exit", fake_exit)
        self.watchdog = threading.Thread(
            target=worker_module._watch,
            args=(0, self.board, self.runners, self.stuck, self.report, self.stop),
            daemon=True,
        )

    def report(self, message: object) -> None:
        self.messages.append(message)

    def frames(self, camera_id: str) -> int:
        return self.board.count(CAMERAS.index(camera_id))

    def health(self, camera_id: str) -> list[HealthChanged]:
        return [m for m in self.messages if isinstance(m, HealthChanged) and m.camera_id == camera_id]

    def start(self) -> None:
        for camera_id, runner in self.runners.items():
            runner.apply(SetView(camera_id, ViewMode.LIVE, TILE))
        self.watchdog.start()

    def close(self) -> None:
        self.stop.set()
        self.watchdog.join(timeout=2)
        for runner in self.runners.values():
            runner.stop()
        self.board.close()


@pytest.fixture
def hang(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[set[str], threading.Event]]:
    """Pulls named in the set hang in their next decode until the event is set (once each)."""
    hanging: set[str] = set()
    release = threading.Event()
    decode = StreamPull._decode

    def maybe_hang(self: StreamPull, decoder: Any, packet: Any) -> Any:
        if self.name in hanging:
            hanging.discard(self.name)  # the replacement pull decodes normally
            self.decoding_since = time.monotonic()
            release.wait()  # releases the GIL, as libav's decode does
            self.decoding_since = 0.0
            return []
        return decode(self, decoder, packet)

    monkeypatch.setattr(StreamPull, "_decode", maybe_hang)
    yield hanging, release
    release.set()


def test_a_stuck_decode_is_replaced_and_the_other_cameras_never_stop(
    rtsp_server: StartServer, monkeypatch: pytest.MonkeyPatch, hang: tuple[set[str], threading.Event]
) -> None:
    hanging, release = hang
    server = rtsp_server(3)
    worker = Worker(server.base_url, monkeypatch)
    try:
        worker.start()
        wait_until(lambda: all(worker.frames(c) > 5 for c in CAMERAS), 20, "every camera's pictures")
        others = CAMERAS[1:]
        with FrameGapMeter(worker.frames, others) as meter:
            hanging.add("stuck/sub")
            wait_until(
                lambda: any(m.snapshot.reason is StreamFailure.DECODER_HUNG for m in worker.health("stuck")),
                10,
                "the stuck decoder to be reported",
            )
            before = worker.frames("stuck")
            wait_until(lambda: worker.frames("stuck") > before + 5, 10, "the fresh pull's pictures")
            gaps = meter.stop()
        print(f"others' longest picture gap while a decode hung: {max(gaps.values()):.2f} s")
        last = worker.health("stuck")[-1].snapshot
        assert last.state == StreamState.LIVE
        assert max(gaps.values()) < 0.5 * HANG_AFTER_S, gaps  # no pause at all: nothing waited for it
        assert any(isinstance(m, WorkerFault) and "stuck/sub" in m.message for m in worker.messages)
        assert worker.stuck.count() == 1 and not worker.exit_codes  # the worker keeps running

        release.set()  # the stuck call returns at last: its thread ends without publishing
        wait_until(lambda: worker.stuck.count() == 0, 5, "the abandoned thread to end")
        assert worker.health("stuck")[-1].snapshot.state == StreamState.LIVE
    finally:
        worker.close()


def test_too_many_stuck_decoders_restart_the_worker(
    rtsp_server: StartServer, monkeypatch: pytest.MonkeyPatch, hang: tuple[set[str], threading.Event]
) -> None:
    hanging, _release = hang
    server = rtsp_server(3)
    worker = Worker(server.base_url, monkeypatch)
    try:
        worker.start()
        wait_until(lambda: all(worker.frames(c) > 5 for c in CAMERAS), 20, "every camera's pictures")
        hanging.update(f"{c}/sub" for c in CAMERAS)  # three stuck threads: past MAX_STUCK_PULLS
        wait_until(lambda: bool(worker.exit_codes), 15, "the worker to give up")
        assert worker.exit_codes == [worker_module.EXIT_DECODER_HUNG]
        assert worker.stuck.count() > worker_module.MAX_STUCK_PULLS
        assert any(
            isinstance(m, WorkerFault) and "restarting the worker" in m.message for m in worker.messages
        )
    finally:
        worker.close()
