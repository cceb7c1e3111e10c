"""Decoder worker process: a thread per camera stream, commands in, health and stats out.

Started with the spawn method by the supervisor. A crash or hang here costs only this
worker's cameras, and only until the supervisor has started a replacement.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from app.media.camera_runner import CameraRunner
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.protocol import (
    AddCamera,
    RemoveCamera,
    SetView,
    Shutdown,
    StatsReport,
    WorkerFault,
    WorkerReady,
)

log = logging.getLogger(__name__)

HANG_AFTER_S = 8.0  # a decode call should take milliseconds; this long means libav is stuck
EXIT_DECODER_HUNG = 3


def worker_main(worker: int, board_name: str, layout: BoardLayout, conn: Connection) -> None:
    """Entry point of a worker process."""
    from app.log_setup import init_process_logging
    from app.netguard import install_from_env

    install_from_env()
    init_process_logging(f"decoder-{worker}")
    board = FrameBoard.attach(board_name, layout)
    send_lock = threading.Lock()
    runners: dict[str, CameraRunner] = {}

    def report(message: object) -> None:
        with send_lock:
            try:
                conn.send(message)
            except (OSError, EOFError, BrokenPipeError):
                os._exit(0)  # the GUI process is gone: nothing left to decode for

    report(WorkerReady(worker))
    stop = threading.Event()
    threading.Thread(
        target=_watch, args=(worker, board, runners, report, stop), name="watchdog", daemon=True
    ).start()
    try:
        while True:
            board.beat(worker)
            if not conn.poll(0.25):
                continue
            message = conn.recv()
            if isinstance(message, Shutdown):
                break
            if isinstance(message, AddCamera):
                runners[message.spec.camera_id] = CameraRunner(message.spec, message.tile_slot, board, report)
            elif isinstance(message, SetView):
                runner = runners.get(message.camera_id)
                if runner is not None:
                    runner.apply(message)
            elif isinstance(message, RemoveCamera):
                removed = runners.pop(message.camera_id, None)
                if removed is not None:
                    removed.stop()
    except (EOFError, OSError):
        pass  # parent closed the pipe
    finally:
        stop.set()
        for runner in list(runners.values()):
            runner.stop()
    # Pull threads may sit in a blocking read for up to the read timeout; don't wait for them.
    os._exit(0)


def _watch(
    worker: int,
    board: FrameBoard,
    runners: dict[str, CameraRunner],
    send: Callable[[object], None],
    stop: threading.Event,
) -> None:
    next_stats = time.monotonic() + 1.0
    while not stop.wait(0.5):
        now = time.monotonic()
        board.beat(worker)
        for runner in list(runners.values()):
            stuck = runner.watchdog(now, HANG_AFTER_S)
            if stuck:
                send(WorkerFault(worker, stuck))
                time.sleep(0.2)  # let the message leave before the process does
                os._exit(EXIT_DECODER_HUNG)
        if now >= next_stats:
            next_stats = now + 1.0
            send(StatsReport(worker, {cid: r.stats(now) for cid, r in list(runners.items())}))
