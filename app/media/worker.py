"""Decoder worker process: a thread per camera stream, commands in, health and stats out.

Started with the spawn method by the supervisor. One camera's trouble stays with that camera: a
stream that fails, sends garbage or hangs is retried by its own pull thread, and a pull stuck
inside libav is abandoned and replaced (camera_runner). The process exits only when it can no
longer work for all of them: too many stuck pulls, or the GUI process gone. A crash or a hang
that holds the GIL (no heartbeat) costs this worker's cameras until the supervisor has started
a replacement.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import psutil

from app.media.camera_runner import CameraRunner, StuckPulls
from app.media.evidence.ring import ClipCut
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.protocol import (
    AddCamera,
    BufferClips,
    ClipDone,
    CutClip,
    PullStats,
    RemoveCamera,
    SetView,
    Shutdown,
    StatsReport,
    WorkerFault,
    WorkerReady,
)

log = logging.getLogger(__name__)

HANG_AFTER_S = 8.0  # a decode call should take milliseconds; this long means libav is stuck
# Stuck pulls tolerated before the worker restarts itself: each may spin on a core or hold memory
# until its call returns, and most never return. (A camera that hangs its decoder again at every
# attempt gets there after three hangs, its backoff growing in between.)
MAX_STUCK_PULLS = 2
EXIT_DECODER_HUNG = 3
# Below the GUI process: on a machine the decoders fill (100 tiles on 2 cores), each CPU-ms the
# GUI thread or the alert writer needs otherwise waits behind them. A tile a frame late is better
# than a late wall (a key, an alert's border) or a late alert on disk (bench/alerts.py on a
# loaded 2-core machine: the alert writer's wait for a CPU, p99 ~220 ms beside decoders at its
# priority, ~30 ms beside decoders below it).
DECODER_NICENESS = 10


def _yield_to_the_gui() -> None:
    try:
        process = psutil.Process()
        if sys.platform == "win32":
            process.nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        else:
            process.nice(max(process.nice(), DECODER_NICENESS))
    except (psutil.Error, OSError) as exc:  # not allowed here: decode at the GUI's priority
        log.warning("decoder priority left as it is: %s", exc)


def worker_main(worker: int, board_name: str, layout: BoardLayout, conn: Connection) -> None:
    """Entry point of a worker process."""
    from app.log_setup import init_process_logging
    from app.netguard import install_from_env

    install_from_env()
    init_process_logging(f"decoder-{worker}")
    _yield_to_the_gui()
    board = FrameBoard.attach(board_name, layout)
    send_lock = threading.Lock()
    runners: dict[str, CameraRunner] = {}
    stuck = StuckPulls()

    def report(message: object) -> None:
        with send_lock:
            try:
                conn.send(message)
            except (OSError, EOFError, BrokenPipeError):
                os._exit(0)  # the GUI process is gone: nothing left to decode for

    report(WorkerReady(worker))
    stop = threading.Event()
    threading.Thread(
        target=_watch, args=(worker, board, runners, stuck, report, stop), name="watchdog", daemon=True
    ).start()
    try:
        while True:
            board.beat(worker)
            if not conn.poll(0.25):
                continue
            message = conn.recv()
            if isinstance(message, Shutdown):
                break
            try:
                _command(message, runners, stuck, board, report)
            except Exception as exc:  # one camera's command must not end the others' decoding
                log.exception("decoder worker %d: %r failed", worker, message)
                report(WorkerFault(worker, f"{type(message).__name__} failed: {type(exc).__name__}: {exc}"))
    except (EOFError, OSError):
        pass  # parent closed the pipe
    finally:
        stop.set()
        for runner in list(runners.values()):
            runner.stop()
    # Pull threads may sit in a blocking read for up to the read timeout; don't wait for them.
    os._exit(0)


def _command(
    message: object,
    runners: dict[str, CameraRunner],
    stuck: StuckPulls,
    board: FrameBoard,
    report: Callable[[object], None],
) -> None:
    if isinstance(message, AddCamera):
        old = runners.pop(message.spec.camera_id, None)
        if old is not None:
            old.stop()
        runners[message.spec.camera_id] = CameraRunner(message.spec, message.tile_slot, board, report, stuck)
    elif isinstance(message, SetView):
        runner = runners.get(message.camera_id)
        if runner is not None:
            runner.apply(message)
    elif isinstance(message, BufferClips):
        runner = runners.get(message.camera_id)
        if runner is not None:
            runner.buffer_clips(message.seconds)
    elif isinstance(message, CutClip):
        runner = runners.get(message.camera_id)
        try:
            if runner is None:
                raise KeyError(f"{message.camera_id}: no such camera in this worker")
            runner.cut_clip(message.request_id, message.raised_at, message.before_s, message.after_s)
        except Exception as exc:  # the caller waits for an answer: it gets one
            report(ClipDone(message.request_id, None, str(exc)))
    elif isinstance(message, RemoveCamera):
        removed = runners.pop(message.camera_id, None)
        if removed is not None:
            removed.stop()


def _watch(
    worker: int,
    board: FrameBoard,
    runners: dict[str, CameraRunner],
    stuck: StuckPulls,
    send: Callable[[object], None],
    stop: threading.Event,
) -> None:
    next_stats = time.monotonic() + 1.0
    while not stop.wait(0.5):
        now = time.monotonic()
        board.beat(worker)
        for runner in list(runners.values()):
            try:
                for replaced in runner.watchdog(now, HANG_AFTER_S):
                    send(WorkerFault(worker, f"{replaced}: abandoned, a fresh pull takes over"))
            except Exception:  # the watchdog must outlive any one camera's surprise
                log.exception("decoder worker %d: watchdog of %s failed", worker, runner.spec.camera_id)
        if stuck.count() > MAX_STUCK_PULLS:
            send(WorkerFault(worker, f"{stuck.count()} decoders stuck inside libav: restarting the worker"))
            time.sleep(0.2)  # let the message leave before the process does
            os._exit(EXIT_DECODER_HUNG)
        _send_clips(runners, send)
        if now >= next_stats:
            next_stats = now + 1.0
            send(StatsReport(worker, _stats(runners, now)))


def _send_clips(runners: dict[str, CameraRunner], send: Callable[[object], None]) -> None:
    """Clips whose after-window is over, remuxed here (a few ms each) and sent once."""
    wall = time.time()
    for runner in list(runners.values()):
        try:
            for done in runner.finished_clips(wall):
                if isinstance(done, ClipCut):
                    send(ClipDone(done.request_id, done))
                else:
                    send(ClipDone(done[0], None, str(done[1])))
        except Exception:
            log.exception("clips of %s failed", runner.spec.camera_id)


def _stats(runners: dict[str, CameraRunner], now: float) -> dict[str, dict[str, PullStats]]:
    result = {}
    for camera_id, runner in list(runners.items()):
        try:
            result[camera_id] = runner.stats(now)
        except Exception:  # no numbers for one camera this second, rather than none ever again
            log.exception("stats of %s failed", camera_id)
    return result
