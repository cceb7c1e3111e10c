"""GUI-process side of ingest: starts decoder workers, routes wishes, watches, restarts, reports.

The wall (and later detection) say what they want of each camera with :meth:`set_demand`; the
strongest demand wins. Frames are read straight from the shared FrameBoard; health arrives as
small messages and is kept here as immutable snapshots the GUI can read at any time.

Every change of a camera's state is one log line (camera, states, reason). The operator is told
through ``events`` (a SystemEventLog's publish): one CAMERA_DOWN when a camera's pictures stop (not
one per reconnect attempt), one CAMERA_UP when they return, one DECODER_WORKER_RESTARTED for a
worker's death (its cameras' brief outage is that event, not fifty CAMERA_DOWNs).
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from app.core.stream_failure import StreamFailure
from app.core.stream_health import HealthSnapshot, StreamState
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.media.evidence.clip_requests import ClipRequests
from app.media.evidence.ring import RING_SECONDS, ClipCut
from app.media.frame_board import BgraImage, BoardLayout, FrameBoard, FrameMeta, FrameRef
from app.media.protocol import (
    AddCamera,
    CameraSpec,
    ClipDone,
    HealthChanged,
    Output,
    PullStats,
    RemoveCamera,
    SetView,
    Shutdown,
    StatsReport,
    ViewMode,
    WorkerFault,
    WorkerReady,
)
from app.media.worker import worker_main

log = logging.getLogger(__name__)

HEARTBEAT_TIMEOUT_S = 8.0  # a worker that has not beaten for this long is hung (it holds the GIL)
STARTUP_TIMEOUT_S = 30.0  # spawning and importing can take seconds on a loaded machine
RESTART_BACKOFF_S = (0.2, 1.0, 2.0, 5.0, 10.0)
DOWN_STATES = frozenset({StreamState.STALLED, StreamState.RECONNECTING, StreamState.OFFLINE})


@dataclass(frozen=True)
class CameraHealth:
    """What the wall shows about a camera: state, since when, why, how fast."""

    camera_id: str
    state: StreamState
    since: float  # wall-clock seconds
    last_error: str | None
    attempts: int
    fps: float
    source_size: tuple[int, int]
    last_frame_age_s: float | None  # None before the first frame
    main_state: StreamState
    main_error: str | None
    mode: ViewMode
    main_fps: float = 0.0
    reason: StreamFailure | None = None  # why it is not live (the wall translates it)
    main_reason: StreamFailure | None = None


@dataclass(frozen=True)
class _Demand:
    mode: ViewMode
    size: tuple[int, int]


class _Camera:
    def __init__(self, spec: CameraSpec, tile_slot: int, worker: int) -> None:
        self.spec, self.tile_slot, self.worker = spec, tile_slot, worker
        self.demands: dict[str, _Demand] = {}
        self.sent: SetView | None = None
        self.focus_slot: int | None = None
        self.sub = HealthSnapshot()
        self.main = HealthSnapshot()
        self.stats: dict[str, PullStats] = {}
        self.down = False  # a CAMERA_DOWN was published and no CAMERA_UP since


class _Worker:
    def __init__(self, index: int) -> None:
        self.index = index
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None
        self.send_lock = threading.Lock()
        self.started_at = 0.0
        self.restarts = 0
        self.restart_at: float | None = None
        self.ready = False
        self.frames_seen = -1  # total frames its cameras published, at progress_at
        self.progress_at = 0.0


def auto_workers(cameras: int, cameras_per_worker: int, cores: int | None = None) -> int:
    """Workers for ``cameras`` at ``cameras_per_worker`` each, but never more than cores: a process
    more than there are cores only costs CPU (100 streams on 2 cores: 2 workers of 50 take 5 % less
    than 4 of 25, measured with bench/ingest.py's phases alternated)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(math.ceil(cameras / max(1, cameras_per_worker)), cores))


class IngestSupervisor:
    def __init__(
        self,
        specs: Sequence[CameraSpec],
        *,
        workers: int | None = None,
        cameras_per_worker: int = 25,
        tile_capacity: tuple[int, int] = (960, 540),
        focus_capacity: tuple[int, int] = (1920, 1080),
        focus_slots: int = 4,
        detect_slots: int = 16,
        detect_capacity: tuple[int, int] = (640, 480),
        events: EventSink | None = None,
    ) -> None:
        """``detect_slots`` of ``detect_capacity``: where decoders put the detection worker's samples.

        Each slot holds one sample on its way; a camera decoded key frames only answers at its next
        key frame (up to a GOP, 1-4 s on city cameras), so 100 such cameras every 10 s need ~16.
        """
        if len({s.camera_id for s in specs}) != len(specs):
            raise ValueError("camera ids must be unique")
        n_workers = workers or auto_workers(len(specs), cameras_per_worker)
        n_workers = min(n_workers, max(1, len(specs)))
        self._n_focus = focus_slots
        capacities = (tile_capacity,) * len(specs) + (focus_capacity,) * focus_slots
        self.layout = BoardLayout(
            capacities,
            n_workers,
            detect_slots=detect_slots,
            detect_capacity=detect_capacity,
            request_slots=len(specs),  # every camera's tile slot can be asked for samples
        )
        self._board: FrameBoard | None = None
        self._ctx = mp.get_context("spawn")
        self._workers = [_Worker(i) for i in range(n_workers)]
        self._cameras: dict[str, _Camera] = {}
        for index, spec in enumerate(specs):
            self._cameras[spec.camera_id] = _Camera(spec, index, index * n_workers // max(1, len(specs)))
        self._focus_owner: list[str | None] = [None] * focus_slots
        self._focus_used: list[float] = [0.0] * focus_slots
        self._token = 0
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        self._events = events
        self.worker_restarts = 0
        self._clips = ClipRequests()

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._board = FrameBoard.create(self.layout)
        for worker in self._workers:
            self._spawn(worker)
        self._monitor = threading.Thread(target=self._watch, name="ingest-supervisor", daemon=True)
        self._monitor.start()

    def stop(self) -> None:
        self._stop.set()
        self._clips.close()
        if self._monitor is not None:
            self._monitor.join(timeout=2)
        for worker in self._workers:
            self._send(worker, Shutdown())
        deadline = time.monotonic() + 3
        for worker in self._workers:
            if worker.process is not None:
                worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join(timeout=1)
            if worker.conn is not None:
                worker.conn.close()
        if self._board is not None:
            self._board.close()
            self._board = None

    def __enter__(self) -> IngestSupervisor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def camera_ids(self) -> list[str]:
        return list(self._cameras)

    @property
    def board_name(self) -> str:
        """Name of the shared frame board (after :meth:`start`): the detection worker attaches by it."""
        if self._board is None:
            raise RuntimeError("the ingest supervisor has not started: no frame board yet")
        return self._board.name

    def tile_slots(self) -> dict[str, int]:
        """camera id → its tile slot on the board (where detection asks for samples)."""
        return {camera_id: cam.tile_slot for camera_id, cam in self._cameras.items()}

    def worker_pids(self) -> list[int | None]:
        return [w.process.pid if w.process else None for w in self._workers]

    def worker_of(self, camera_id: str) -> int:
        return self._cameras[camera_id].worker

    def update_spec(self, spec: CameraSpec) -> None:
        """Replace a camera's streams (e.g. its ONVIF streams were found at last); it reconnects."""
        with self._lock:
            cam = self._cameras[spec.camera_id]
            cam.spec = spec
            worker = self._workers[cam.worker]
            self._send(worker, RemoveCamera(spec.camera_id))
            self._send(worker, AddCamera(spec, cam.tile_slot))
            self._send_buffering(worker, spec.camera_id)
            if cam.sent is not None:
                self._send(worker, cam.sent)

    def specs(self) -> list[CameraSpec]:
        return [cam.spec for cam in self._cameras.values()]

    # --- evidence clips -----------------------------------------------------------------------
    def buffer_clips(self, camera_ids: Iterable[str], seconds: float = RING_SECONDS) -> None:
        """Keep the last ``seconds`` of packets of exactly ``camera_ids`` (the watched cameras: those
        whose alerts want a clip), in their decoder workers; every other camera keeps none."""
        with self._lock:
            for message in self._clips.buffer(camera_ids, self._cameras, seconds):
                self._send(self._workers[self._cameras[message.camera_id].worker], message)

    def cut_clip(self, camera_id: str, raised_at: float, before_s: float, after_s: float) -> Future[ClipCut]:
        """A clip of ``camera_id`` from ``raised_at - before_s`` (its key frame at or before) to
        ``raised_at + after_s`` (wall-clock seconds), answered once the after-window is over. Fails
        with ClipUnavailable when the camera keeps no packets or its worker dies meanwhile."""
        with self._lock:
            cam = self._cameras[camera_id]
            future, message = self._clips.ask(camera_id, cam.worker, raised_at, before_s, after_s)
            self._send(self._workers[cam.worker], message)
        return future

    def _send_buffering(self, worker: _Worker, camera_id: str) -> None:
        message = self._clips.again(camera_id)
        if message is not None:
            self._send(worker, message)

    # --- demands ------------------------------------------------------------------------------
    def set_demand(self, client: str, camera_id: str, mode: ViewMode, size: tuple[int, int]) -> None:
        """``client`` (a wall window, detection…) wants ``camera_id`` in ``mode`` at ``size`` pixels."""
        with self._lock:
            cam = self._cameras[camera_id]
            if mode == ViewMode.OFF:
                cam.demands.pop(client, None)
            else:
                cam.demands[client] = _Demand(mode, size)
            self._reconcile(cam)

    def set_demands(self, client: str, wanted: dict[str, tuple[ViewMode, tuple[int, int]]]) -> None:
        """Replace all of ``client``'s demands at once (cameras not named are released)."""
        with self._lock:
            for camera_id, cam in self._cameras.items():
                mode, size = wanted.get(camera_id, (ViewMode.OFF, (0, 0)))
                before = cam.demands.get(client)
                if mode == ViewMode.OFF:
                    cam.demands.pop(client, None)
                else:
                    cam.demands[client] = _Demand(mode, size)
                if cam.demands.get(client) != before:
                    self._reconcile(cam)

    def _reconcile(self, cam: _Camera) -> None:
        mode = max((d.mode for d in cam.demands.values()), default=ViewMode.OFF)
        tile = _max_size(d.size for d in cam.demands.values() if d.mode != ViewMode.FOCUSED)
        focus_size = _max_size(d.size for d in cam.demands.values() if d.mode == ViewMode.FOCUSED)
        if tile == (0, 0):
            tile = (320, 180)  # keep a small tile copy for a seamless return from focus
        focus: Output | None = None
        if mode == ViewMode.FOCUSED:
            focus = self._focus_output(cam, focus_size)
        elif cam.focus_slot is not None:
            self._release_focus(cam)
        view = SetView(cam.spec.camera_id, mode, tile, focus)
        if view != cam.sent:
            cam.sent = view
            self._send(self._workers[cam.worker], view)

    def _focus_output(self, cam: _Camera, size: tuple[int, int]) -> Output:
        if cam.focus_slot is None:
            free = [i for i, owner in enumerate(self._focus_owner) if owner is None]
            index = free[0] if free else min(range(self._n_focus), key=lambda i: self._focus_used[i])
            evicted = self._focus_owner[index]
            if evicted is not None:
                other = self._cameras[evicted]
                other.focus_slot = None
                other.demands = {k: d for k, d in other.demands.items() if d.mode != ViewMode.FOCUSED}
                self._reconcile(other)
            self._token += 1
            slot = len(self._cameras) + index
            assert self._board is not None
            self._board.reset(slot)
            self._board.set_token(slot, self._token)
            self._focus_owner[index] = cam.spec.camera_id
            cam.focus_slot = index
        self._focus_used[cam.focus_slot] = time.monotonic()
        slot = len(self._cameras) + cam.focus_slot
        assert self._board is not None
        return Output(slot, size, self._board.token(slot))

    def _release_focus(self, cam: _Camera) -> None:
        assert cam.focus_slot is not None and self._board is not None
        slot = len(self._cameras) + cam.focus_slot
        self._board.set_token(slot, -1)
        self._focus_owner[cam.focus_slot] = None
        cam.focus_slot = None

    # --- frames ------------------------------------------------------------------------------
    def read_frame(
        self,
        camera_id: str,
        dest: BgraImage | None = None,
        newer_than: int = 0,
        *,
        main: bool = True,
        newer_than_main: int = 0,
    ) -> tuple[BgraImage, FrameMeta, bool] | None:
        """Newest frame of a camera; the bool says it is from the main stream.

        While a camera is focused its main-stream frames are returned once the first one has
        arrived; until then the sub-stream keeps the picture moving (a seamless switch). The two
        streams count their frames apart: ``newer_than`` is the last sub-stream count the caller
        has, ``newer_than_main`` the last main-stream one.
        """
        board = self._board
        if board is None:
            return None
        cam = self._cameras[camera_id]
        if main and cam.focus_slot is not None:
            slot = len(self._cameras) + cam.focus_slot
            count = board.count(slot)
            if count > 0:
                # A focus slot handed to this camera anew restarts its count: all of it is new.
                got = board.read(slot, dest, newer_than_main if newer_than_main <= count else 0)
                return None if got is None else (got[0], got[1], True)
        got = board.read(cam.tile_slot, dest, newer_than)
        return None if got is None else (got[0], got[1], False)

    def latest_frame(self, camera_id: str, *, main: bool = True) -> tuple[FrameRef, bool] | None:
        """The newest frame of a camera in place, without a copy; the bool says main stream.

        As :meth:`read_frame`: while a camera is focused its main stream once it has a frame.
        The wall paints straight from it (1,500 tile frames a second need no second copy).
        """
        board = self._board
        if board is None:
            return None
        cam = self._cameras[camera_id]
        if main and cam.focus_slot is not None:
            ref = board.latest(len(self._cameras) + cam.focus_slot)
            if ref is not None:
                return ref, True
        ref = board.latest(cam.tile_slot)
        return None if ref is None else (ref, False)

    def still_holds(self, ref: FrameRef) -> bool:
        """Is ``ref`` (from :meth:`latest_frame`) still that frame? False once its buffer is reused."""
        board = self._board
        return board is not None and board.holds(ref)

    def new_frames(self, camera_ids: Sequence[str | None], seen: Sequence[int]) -> list[tuple[int, FrameRef]]:
        """The newest sub-stream frame, in place, of each camera whose frame count differs from
        ``seen`` (index-aligned with ``camera_ids``; None and unknown ids are skipped), with its
        index: one board read tells a wall which tiles have a new frame and gives them."""
        board = self._board
        if board is None:
            return []
        cameras = self._cameras
        slots = [cameras[c].tile_slot if c is not None and c in cameras else -1 for c in camera_ids]
        return board.newer(slots, seen)

    def frame_meta(self, camera_id: str) -> FrameMeta | None:
        board = self._board
        return None if board is None else board.meta(self._cameras[camera_id].tile_slot)

    # --- health ------------------------------------------------------------------------------
    def health(self, camera_id: str) -> CameraHealth:
        cam = self._cameras[camera_id]
        board = self._board
        captured = None if board is None else board.captured_monotonic_ns(cam.tile_slot)
        age = None if captured is None else max(0.0, (time.monotonic_ns() - captured) / 1e9)
        sub_stats = cam.stats.get("sub")
        main_stats = cam.stats.get("main")
        return CameraHealth(
            camera_id=camera_id,
            state=cam.sub.state,
            since=cam.sub.since,
            last_error=cam.sub.last_error,
            attempts=cam.sub.attempts,
            fps=sub_stats.fps if sub_stats else 0.0,
            source_size=(sub_stats.width, sub_stats.height) if sub_stats else (0, 0),
            last_frame_age_s=age,
            main_state=cam.main.state,
            main_error=cam.main.last_error,
            mode=cam.sent.mode if cam.sent else ViewMode.OFF,
            main_fps=main_stats.fps if main_stats else 0.0,
            reason=cam.sub.reason,
            main_reason=cam.main.reason,
        )

    def health_all(self) -> dict[str, CameraHealth]:
        return {cid: self.health(cid) for cid in self._cameras}

    def stats(self, camera_id: str) -> dict[str, PullStats]:
        return dict(self._cameras[camera_id].stats)

    # --- workers -----------------------------------------------------------------------------
    def _spawn(self, worker: _Worker) -> None:
        assert self._board is not None
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
            args=(worker.index, self._board.name, self.layout, child_conn),
            name=f"citywall-decoder-{worker.index}",
            daemon=True,
        )
        self._board.beat(worker.index)
        process.start()
        child_conn.close()
        worker.process, worker.conn = process, parent_conn
        worker.started_at = time.monotonic()
        worker.restart_at = None
        worker.ready = False
        with self._lock:
            for cam in self._cameras.values():
                if cam.worker != worker.index:
                    continue
                self._send(worker, AddCamera(cam.spec, cam.tile_slot))
                self._send_buffering(worker, cam.spec.camera_id)
                if cam.sent is not None:
                    self._send(worker, cam.sent)

    def _send(self, worker: _Worker, message: object) -> None:
        conn = worker.conn
        if conn is None:
            return
        # A dead worker's pipe fails here; the monitor notices the death and restarts it.
        with worker.send_lock, contextlib.suppress(OSError, EOFError):
            conn.send(message)

    def _watch(self) -> None:
        while not self._stop.is_set():
            waitables: list[object] = []
            by_handle: dict[object, _Worker] = {}
            for worker in self._workers:
                if worker.conn is not None:
                    waitables.append(worker.conn)
                    by_handle[worker.conn] = worker
            for ready in wait(waitables, timeout=0.25):  # type: ignore[arg-type]
                self._drain(by_handle[ready])
            self._check_workers()
            self._clips.expire()

    def _drain(self, worker: _Worker) -> None:
        conn = worker.conn
        assert conn is not None
        try:
            while conn.poll():
                message = conn.recv()
                if isinstance(message, WorkerReady):
                    worker.ready = True
                self._handle(message)
        except (EOFError, OSError):
            process = worker.process
            if process is not None:
                process.join(timeout=0.5)  # its pipe closed: it is exiting; say how it ended
            code = None if process is None else process.exitcode
            how = "" if code is None else f" (exit code {code})"
            self._worker_died(worker, f"decoder process stopped unexpectedly{how}")

    def _handle(self, message: object) -> None:
        if isinstance(message, HealthChanged):
            cam = self._cameras.get(message.camera_id)
            if cam is not None:
                if message.stream == "sub":
                    old, cam.sub = cam.sub, message.snapshot
                else:
                    old, cam.main = cam.main, message.snapshot
                self._health_changed(cam, message.stream, old, message.snapshot)
        elif isinstance(message, StatsReport):
            for camera_id, stats in message.cameras.items():
                if camera_id in self._cameras:
                    self._cameras[camera_id].stats = stats
        elif isinstance(message, ClipDone):
            self._clips.answered(message)
        elif isinstance(message, WorkerFault):
            log.warning("decoder worker %d: %s", message.worker, message.message)

    def _health_changed(self, cam: _Camera, stream: str, old: HealthSnapshot, new: HealthSnapshot) -> None:
        """One log line per state change; CAMERA_DOWN / CAMERA_UP at the tile stream's outage edges."""
        camera_id = cam.spec.camera_id
        _log_change(camera_id, stream, old, new)
        if stream != "sub":
            return  # the tile keeps its picture from the sub-stream: the main stream is the log's
        if new.state in DOWN_STATES and not cam.down:
            cam.down = True
            self._publish(
                SystemEvent.of(
                    SystemEventKind.CAMERA_DOWN,
                    camera_id=camera_id,
                    reason=new.reason or StreamFailure.OTHER,
                    detail=new.last_error or "",
                )
            )
        elif new.state == StreamState.LIVE and cam.down:
            cam.down = False
            self._publish(SystemEvent.of(SystemEventKind.CAMERA_UP, camera_id=camera_id))

    def _publish(self, event: SystemEvent) -> None:
        if self._events is None:
            return
        try:
            self._events(event)
        except Exception:  # the event list's trouble must not stop the supervision of cameras
            log.exception("could not publish %s", event.log_text())

    def _check_workers(self) -> None:
        assert self._board is not None
        now = time.monotonic()
        for worker in self._workers:
            process = worker.process
            if worker.restart_at is not None:
                if now >= worker.restart_at and not self._stop.is_set():
                    self._spawn(worker)
                continue
            if process is None:
                continue
            if not process.is_alive():
                self._worker_died(
                    worker, f"decoder process stopped unexpectedly (exit code {process.exitcode})"
                )
                continue
            if not worker.ready:
                if now - worker.started_at > STARTUP_TIMEOUT_S:
                    process.kill()
                    process.join(timeout=1)
                    self._worker_died(
                        worker, f"decoder process did not start within {STARTUP_TIMEOUT_S:.0f} s"
                    )
                continue
            mine = (c for c in self._cameras.values() if c.worker == worker.index)
            frames = sum(self._board.count(c.tile_slot) for c in mine)
            if frames != worker.frames_seen:
                worker.frames_seen, worker.progress_at = frames, now
            beat_age = (time.monotonic_ns() - self._board.last_beat_ns(worker.index)) / 1e9
            # Hung: no heartbeat and no frames. A worker that is merely slow (a loaded machine)
            # still publishes frames and is left alone.
            silent = min(beat_age, now - worker.progress_at)
            if silent > HEARTBEAT_TIMEOUT_S:
                process.kill()
                process.join(timeout=1)
                self._worker_died(worker, f"decoder process hung for {silent:.0f} s and was restarted")

    def _worker_died(self, worker: _Worker, reason: str) -> None:
        if worker.restart_at is not None or self._stop.is_set():
            return
        log.warning("decoder worker %d: %s", worker.index, reason)
        self._clips.worker_died(worker.index, reason)
        if worker.process is not None and worker.process.is_alive():
            worker.process.kill()
        if worker.conn is not None:
            worker.conn.close()
        worker.conn = None
        # Quick restarts for a one-off crash, slower ones for a worker that keeps dying.
        long_lived = time.monotonic() - worker.started_at > 60
        worker.restarts = 0 if long_lived else worker.restarts + 1
        delay = RESTART_BACKOFF_S[min(worker.restarts, len(RESTART_BACKOFF_S) - 1)]
        worker.restart_at = time.monotonic() + delay
        self.worker_restarts += 1
        now = time.time()
        affected = 0
        with self._lock:
            for cam in self._cameras.values():
                if cam.worker == worker.index and cam.sent is not None and cam.sent.mode != ViewMode.OFF:
                    affected += 1
                    old, cam.sub = cam.sub, _failed(cam.sub, now, reason)
                    # Logged, but no CAMERA_DOWN: the worker's event below says it for all of them.
                    _log_change(cam.spec.camera_id, "sub", old, cam.sub)
                    if cam.main.state != StreamState.STOPPED:
                        old, cam.main = cam.main, _failed(cam.main, now, reason)
                        _log_change(cam.spec.camera_id, "main", old, cam.main)
        self._publish(
            SystemEvent.of(
                SystemEventKind.DECODER_WORKER_RESTARTED,
                subject=str(worker.index),
                detail=f"{reason}; {affected} cameras wait for it",
                value=round(delay, 1),
                reason=StreamFailure.DECODER_RESTARTING,
            )
        )


def _log_change(camera_id: str, stream: str, old: HealthSnapshot, new: HealthSnapshot) -> None:
    """One line per state change, with the reason when it is a failure (and when the reason changes)."""
    down = new.state in DOWN_STATES
    why = f" ({new.reason.value if new.reason else 'other'}: {new.last_error})" if down else ""
    if new.state != old.state:
        log.info("camera %s/%s: %s → %s%s", camera_id, stream, old.state.value, new.state.value, why)
    elif down and new.reason != old.reason:
        log.info("camera %s/%s: still %s%s", camera_id, stream, new.state.value, why)


def _failed(snapshot: HealthSnapshot, now: float, reason: str) -> HealthSnapshot:
    return replace(
        snapshot,
        state=StreamState.RECONNECTING,
        since=now if snapshot.state != StreamState.RECONNECTING else snapshot.since,
        last_error=reason,
        reason=StreamFailure.DECODER_RESTARTING,
        attempts=snapshot.attempts + 1,
        failing_since=snapshot.failing_since or now,
    )


def _max_size(sizes: Iterable[tuple[int, int]]) -> tuple[int, int]:
    width = height = 0
    for w, h in sizes:
        width, height = max(width, w), max(height, h)
    return (width, height)
