"""The detection worker process: samples from the frame board → pipelines → alerts with evidence.

Started with the spawn method by :class:`app.services.detection.service.DetectionService`. It
attaches to the decoders' shared :class:`FrameBoard` by name and never decodes anything itself:
the scheduler picks a camera, the worker asks that camera's decoder for its next frame (a *sample
request* into one of the board's detect slots), and checks the sample with the camera's
:class:`ScenePipeline` for where the camera points now (one per camera and preset). Model
detectors without state (an ONNX session) are loaded once and shared by every pipeline.

Never imports torch, ultralytics or Qt. A detector plugin that fails to load switches detection
off with a :class:`DetectionProblem` that names the plugin; the worker keeps answering (its
revisit statistics say why nothing is checked). It exits when the pipe to the GUI closes or on
:class:`StopDetection`.

What it does between messages is :class:`app.services.detection.runtime.DetectionRuntime`; what
it is started with, :mod:`app.services.detection.setup`; evidence pictures,
:mod:`app.services.detection.evidence`.
"""

from __future__ import annotations

import contextlib
import threading
from multiprocessing.connection import Connection

import cv2

from app.core.detection_faults import DetectionFault
from app.media.frame_board import FrameBoard
from app.services.detection.protocol import (
    DetectionProblem,
    StopDetection,
)
from app.services.detection.runtime import DetectionRuntime
from app.services.detection.setup import WorkerSetup


def detection_main(setup: WorkerSetup, conn: Connection) -> None:
    """Entry point of the detection worker process."""
    from app.log_setup import init_process_logging
    from app.netguard import install_from_env

    install_from_env()
    init_process_logging("detection")
    # Many cameras one after the other, not one fast: OpenCV's own threads would only spin (they
    # cost ~25 % more CPU on the motion gate and letterboxing for nothing); ONNX Runtime gets one
    # intra-op thread for the same reason (detectors.backends.onnx_yolo).
    cv2.setNumThreads(1)
    send_lock = threading.Lock()
    gone = threading.Event()

    def send(message: object) -> None:
        with send_lock:
            if gone.is_set():
                return
            try:
                conn.send(message)
            except (OSError, EOFError, ValueError):
                gone.set()  # the GUI process is gone

    try:
        board = FrameBoard.attach(setup.board_name, setup.layout)
    except Exception as exc:
        send(DetectionProblem(None, DetectionFault.FRAME_BOARD_UNAVAILABLE, f"{type(exc).__name__}: {exc}"))
        _wait_for_close(conn)
        return
    runtime = DetectionRuntime(setup, board, send)
    try:
        runtime.start()
        while not gone.is_set():
            wait = runtime.step()
            if not conn.poll(wait):
                continue
            keep = True
            while keep and conn.poll():
                keep = runtime.handle(conn.recv())
            if not keep:
                break
    except (EOFError, OSError):
        pass  # the GUI closed the pipe: nothing left to detect for
    finally:
        runtime.close()
        with contextlib.suppress(BufferError):
            board.close()


def _wait_for_close(conn: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        while not isinstance(conn.recv(), StopDetection):
            pass
