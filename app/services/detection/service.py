"""GUI-process side of detection: starts the detection worker, feeds it, collects what it finds.

No Qt: the GUI calls :meth:`DetectionService.drain` from a timer and shows what comes back. The
worker is a spawn child process (so torch/ultralytics, should a plugin ever need them, stay out of
the GUI); if it dies or stops answering it is restarted with backoff, and what the GUI told it
(places, zones, boosts) is told again. What the worker had learnt (every view's dwell, hit
histories, open alerts, bin references, background models) is held here, checkpoint by checkpoint
(:mod:`app.services.detection.resume`), and given to the restarted worker, which resumes where
the dead one was: an alert due during the outage comes at most about one revisit late, an open
alert is not raised again, and one whose cause left meanwhile clears.

Faults reach the operator as :class:`~app.core.system_events.SystemEvent` in the
:class:`~app.services.system_events.SystemEventLog` given (the worker's problems, the worker's
death and its return), never as English sentences.

Where PTZ cameras point is fed in by :class:`app.services.detection.places.PtzPlaceFeed`. A
vending model swapped in while the wall runs is noticed by a
:class:`~app.services.detection.model_watch.ModelWatch` on the service's own thread and loaded by
the running worker (and started with by a restarted one); the operator hears either way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing as mp
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from app.core.alert_ports import EvidenceStore
from app.core.alerts import Alert
from app.core.detection_faults import event_kind
from app.core.detection_pause import PauseReason
from app.core.system_events import SystemEvent, SystemEventKind
from app.media.frame_board import BoardLayout
from app.services.detection.model_watch import ModelWatch
from app.services.detection.protocol import (
    AlertBoost,
    AlertCleared,
    AlertMessage,
    AlertRaised,
    BinClassifierChanged,
    BinsClean,
    CheckSoon,
    DetectionProblem,
    DetectionUpdate,
    ModelLoaded,
    RevisitStats,
    StopDetection,
    SuppressionsChanged,
    ViewCheckpoint,
    ViewPlace,
    WorkerStarted,
    ZonesChanged,
    ZonesClean,
)
from app.services.detection.resume import ResumeBook
from app.services.detection.saved_views import SAVE_EVERY_S, SavedViews
from app.services.detection.scheduler import SchedulerConfig
from app.services.detection.setup import CameraSetup, WorkerSetup
from app.services.detection.worker import detection_main
from app.services.system_events import SystemEventLog
from camera_config.models import SiteConfig, ZoneSpec
from detectors.types import Suppression

if TYPE_CHECKING:
    from app.media.supervisor import IngestSupervisor

log = logging.getLogger(__name__)

DetectionEvent: TypeAlias = DetectionUpdate | RevisitStats | AlertRaised | AlertCleared
WORKER = "detection"  # the subject of the worker's DOWN/UP events (one worker)

RESTART_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0)
FRESH_AFTER_DEATHS = 3  # workers dying this many times in a row start without the checkpoints
SILENCE_TIMEOUT_S = 30.0  # the worker reports every second; this long without a word means hung
STARTUP_GRACE_S = 60.0  # importing and loading models can take long on a loaded machine
MAX_UPDATES = 4096  # DetectionUpdates kept for drain(); the oldest are dropped first
MAX_NOTICES = 10000  # alerts and problems kept for drain()


def camera_setups(site: SiteConfig, camera_ids: Iterable[str]) -> tuple[CameraSetup, ...]:
    wanted = set(camera_ids)
    out = []
    for cam in site.cameras:
        if cam.id not in wanted:
            continue
        detection = cam.detection
        off = None
        if not cam.enabled:
            off = PauseReason.CAMERA_DISABLED
        elif detection is not None and not detection.enabled:
            off = PauseReason.CAMERA_DETECTION_OFF
        out.append(
            CameraSetup(
                camera_id=cam.id,
                name=cam.name,
                ptz=cam.ptz is not None,
                enabled=off is None,
                off_reason=off or PauseReason.CAMERA_DETECTION_OFF,
                zones=detection.zones if detection is not None else (),
                grid_code=cam.grid_code,
            )
        )
    return tuple(out)


class DetectionService:
    """Runs the detection worker for ``site``, reading samples from the board ``board_name``.

    ``tile_slots`` maps camera ids to their tile slots on the board (``IngestSupervisor.tile_slots``);
    only those cameras are watched. ``evidence``: where the worker keeps evidence pictures (a
    folder's content-addressed store; it crosses into the worker process). ``adopt``: the alerts
    the app had stored open (after a restart of the app): the worker takes them over, so that one
    whose condition is still there continues and one that went meanwhile clears. ``resume``: the
    views' checkpoints the app kept across its restart (:class:`SavedViews`, with their ages), the
    first worker resumes them as a restarted one does; ``saved``: where they are kept, written
    every ``save_every_s`` by a thread of the service's and at :meth:`stop`. ``events``: where
    faults are reported (the composition root's log; a log of its own when None). ``models``:
    the site's model files to watch (a model swapped in while running is loaded by the worker).
    """

    def __init__(
        self,
        site: SiteConfig,
        board_name: str,
        layout: BoardLayout,
        tile_slots: Mapping[str, int],
        evidence: EvidenceStore,
        *,
        adopt: Iterable[Alert] = (),
        resume: Iterable[tuple[ViewCheckpoint, float]] = (),
        saved: SavedViews | None = None,
        save_every_s: float = SAVE_EVERY_S,
        cpu_share: float = 0.5,
        scheduler: SchedulerConfig | None = None,
        sample_size: tuple[int, int] | None = None,
        sample_timeout_s: float = 5.0,
        events: SystemEventLog | None = None,
        models: ModelWatch | None = None,
    ) -> None:
        settings = site.detection
        self.events = events if events is not None else SystemEventLog()
        self.site = site
        config = scheduler or SchedulerConfig(
            revisit_s=settings.revisit_s,
            warmup_s=settings.warmup_s,
            cpu_share=cpu_share,
            max_in_flight=max(1, layout.detect_slots),
        )
        self._setup = WorkerSetup(
            settings=settings,
            cameras=camera_setups(site, tile_slots),
            board_name=board_name,
            layout=layout,
            tile_slots=dict(tile_slots),
            evidence_store=evidence,
            scheduler=config,
            timezone=site.site.timezone,
            sample_size=sample_size,
            sample_timeout_s=sample_timeout_s,
        )
        self._ctx = mp.get_context("spawn")
        self._lock = threading.RLock()
        self._send_lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._started_at = 0.0
        self._heard_at = 0.0
        self._restart_at: float | None = None
        self._restarts_in_a_row = 0
        self.restarts = 0
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        # What the GUI said, told again to a restarted worker.
        self._places: dict[str, ViewPlace] = {}
        self._zones: dict[str, ZonesChanged] = {}
        self._boosts: dict[str, AlertBoost] = {}
        self._suppressions: dict[str, SuppressionsChanged] = {}
        self._classifier: BinClassifierChanged | None = None
        self._models = models
        # What the worker said, kept for drain(); alerts and problems are never crowded out by updates.
        self._seq = itertools.count()
        self._updates: deque[tuple[int, DetectionEvent]] = deque(maxlen=MAX_UPDATES)
        self._notices: deque[tuple[int, DetectionEvent]] = deque(maxlen=MAX_NOTICES)
        self._stats: RevisitStats | None = None
        self._problems: dict[str | None, DetectionProblem] = {}
        self._book = ResumeBook(resume)  # what the worker learnt, for the next one (and the app's next run)
        self._saved, self._save_every_s = saved, save_every_s
        self._saver: threading.Thread | None = None
        self._adopt = {a.id: a for a in adopt if a.is_open}  # stored open alerts no worker holds yet
        self._down_since: float | None = None  # the worker died: DETECTION_WORKER_UP when back

    @classmethod
    def for_ingest(
        cls,
        site: SiteConfig,
        supervisor: IngestSupervisor,
        evidence: EvidenceStore,
        *,
        adopt: Iterable[Alert] = (),
        resume: Iterable[tuple[ViewCheckpoint, float]] = (),
        saved: SavedViews | None = None,
        cpu_share: float = 0.5,
        scheduler: SchedulerConfig | None = None,
        events: SystemEventLog | None = None,
        models: ModelWatch | None = None,
    ) -> DetectionService:
        """The service for a started ingest supervisor (its board, layout and tile slots)."""
        return cls(
            site,
            supervisor.board_name,
            supervisor.layout,
            supervisor.tile_slots(),
            evidence,
            adopt=adopt,
            resume=resume,
            saved=saved,
            cpu_share=cpu_share,
            scheduler=scheduler,
            events=events,
            models=models,
        )

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._spawn()
        self._monitor = threading.Thread(target=self._watch, name="detection-service", daemon=True)
        self._monitor.start()
        if self._saved is not None:
            self._saver = threading.Thread(target=self._save_every, name="detection-saver", daemon=True)
            self._saver.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        """Stop the worker (its last checkpoints are read first) and save what it had learnt."""
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=2)
            self._monitor = None
        if self._saver is not None:
            self._saver.join(timeout=10)  # (a write under way finishes)
            self._saver = None
        self._send(StopDetection())
        process, conn = self._process, self._conn
        if process is not None:
            deadline = time.monotonic() + timeout_s
            while process.is_alive() and time.monotonic() < deadline:
                if conn is not None:  # keep reading: a worker blocked on a full pipe never ends
                    with self._lock:
                        self._drain_conn(conn)
                process.join(0.05)
            if process.is_alive():
                process.kill()
                process.join(1)
        if conn is not None:
            with self._lock:
                self._drain_conn(conn)
            conn.close()
        self._process = self._conn = None
        self.save()

    def save(self) -> bool:
        """Write every view's latest checkpoint to the saved views (False: none, or the write failed)."""
        if self._saved is None:
            return False
        with self._lock:  # (the views are frozen values: the write itself runs without the lock)
            views = self._book.aged()
        return self._saved.save(views)

    def _save_every(self) -> None:
        while not self._stop.wait(self._save_every_s):
            self.save()

    def __enter__(self) -> DetectionService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    # --- what the GUI tells detection ------------------------------------------------------------
    def set_place(self, camera_id: str, preset: str | None, settled_since: float | None) -> None:
        """Where a camera points: ``settled_since`` (time.monotonic) None while it moves or is off
        every preset. Fixed cameras need not be told (they are settled on preset None)."""
        message = ViewPlace(camera_id, preset, settled_since)
        with self._lock:
            if self._places.get(camera_id) == message:
                return
            self._places[camera_id] = message
        self._send(message)

    def set_zones(self, camera_id: str, zones: Iterable[ZoneSpec]) -> None:
        """The camera's zones as they are now (every preset), e.g. after an operator drew one."""
        message = ZonesChanged(camera_id, tuple(zones))
        with self._lock:
            self._zones[camera_id] = message
        self._send(message)

    def set_suppressions(self, camera_id: str, suppressions: Iterable[Suppression]) -> None:
        """The places operators dismissed on this camera (every preset), as they are now."""
        message = SuppressionsChanged(camera_id, tuple(suppressions))
        with self._lock:
            self._suppressions[camera_id] = message
        self._send(message)

    def boost(self, camera_id: str, on: bool) -> None:
        """An operator looks at an alert of this camera: check it more often until ``on`` is False."""
        message = AlertBoost(camera_id, on)
        with self._lock:
            if on:
                self._boosts[camera_id] = message
            else:
                self._boosts.pop(camera_id, None)
        self._send(message)

    def check_soon(self, camera_id: str) -> None:
        """Check the camera before the others, once (a recheck: is the vendor still there?)."""
        self._send(CheckSoon(camera_id))

    def last_checked(self, camera_id: str) -> float | None:
        """When the camera was last checked, in wall-clock seconds (from the latest statistics)."""
        stats = self.stats()
        found = next((c for c in stats.cameras if c.camera_id == camera_id), None) if stats else None
        if found is None or found.last_checked is None:
            return None
        return time.time() - (time.monotonic() - found.last_checked)  # the worker's monotonic clock

    def set_bin_classifier(self, path: Path) -> None:
        """Judge bins with the classifier at ``path`` (the site's own, retrained from its pictures)."""
        message = BinClassifierChanged(str(path))
        with self._lock:
            self._classifier = message
        self._send(message)

    def bins_clean(self, camera_id: str, preset: str | None, bin_ids: Iterable[str]) -> None:
        """An operator says these bins of the view are clean now (a reference to judge them by)."""
        self._send(BinsClean(camera_id, preset, tuple(bin_ids)))

    def zones_clean(self, camera_id: str, preset: str | None, zone_ids: Iterable[str]) -> None:
        """An operator says these no-vending zones of the view are clean now ("clean now"): the
        view's next checked picture is their reference; what stands there then is furniture."""
        self._send(ZonesClean(camera_id, preset, tuple(zone_ids)))

    # --- what detection tells the GUI -------------------------------------------------------------
    def drain(self) -> list[DetectionEvent]:
        """Everything that arrived since the last call, in arrival order (never blocks)."""
        with self._lock:
            items = list(self._updates) + list(self._notices)
            self._updates.clear()
            self._notices.clear()
        items.sort(key=lambda item: item[0])
        return [event for _, event in items]

    def stats(self) -> RevisitStats | None:
        """The latest revisit statistics (how often each camera is actually checked)."""
        return self._stats

    def problems(self) -> list[DetectionProblem]:
        """The latest problem per camera (None: detection as a whole), e.g. why detection is off.
        (Every problem is also a system event in :attr:`events`.)"""
        with self._lock:
            return list(self._problems.values())

    def open_alerts(self) -> list[Alert]:
        """The alerts the worker holds open (as of its last checkpoints)."""
        with self._lock:
            return self._book.open_alerts()

    # --- the worker ------------------------------------------------------------------------------
    def _worker_setup(self) -> WorkerSetup:
        """The setup with the zones as they are now and what the last worker learnt (unless the
        workers keep dying soon after they start: what they resume may be what kills them)."""
        with self._lock:
            zones = {camera_id: message.zones for camera_id, message in self._zones.items()}
            if self._restarts_in_a_row >= FRESH_AFTER_DEATHS:
                log.warning("%d detection workers died in a row: starting afresh", self._restarts_in_a_row)
                self._book = ResumeBook()
            resume = self._book.checkpoints()
            adopt = tuple(self._adopt.values())
        cameras = tuple(
            dataclasses.replace(cam, zones=zones[cam.camera_id]) if cam.camera_id in zones else cam
            for cam in self._setup.cameras
        )
        settings = self._setup.settings
        if self._models is not None:  # a model swapped in since the app started
            detectors = dict(settings.detectors)
            for plugin, path in self._models.paths().items():
                if detectors.get(plugin):
                    detectors[plugin] = {**detectors[plugin], "model": str(path)}
            settings = settings.model_copy(update={"detectors": detectors})
        return dataclasses.replace(
            self._setup, settings=settings, cameras=cameras, resume=resume, adopt=adopt
        )

    def _spawn(self) -> None:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        setup = self._worker_setup()
        process = self._ctx.Process(
            target=detection_main, args=(setup, child_conn), name="citywall-detection", daemon=True
        )
        process.start()
        child_conn.close()
        now = time.monotonic()
        with self._lock:
            self._process, self._conn = process, parent_conn
            self._started_at = self._heard_at = now
            self._restart_at = None
            replay: list[object] = [  # (zones: in the setup)
                *self._places.values(),
                *self._boosts.values(),
                *self._suppressions.values(),
            ]
            if self._classifier is not None:
                replay.insert(0, self._classifier)
        for message in replay:
            self._send(message)

    def _send(self, message: object) -> None:
        conn = self._conn
        if conn is None:
            return
        # A dead worker's pipe fails here; the monitor notices the death and restarts it.
        with self._send_lock, contextlib.suppress(OSError, EOFError, ValueError):
            conn.send(message)

    def _watch(self) -> None:
        while not self._stop.is_set():
            conn, process = self._conn, self._process
            now = time.monotonic()
            if self._models is not None:
                for change in self._models.poll(now):
                    self._send(change)  # (a worker restarting meanwhile starts with it)
            if self._restart_at is not None:
                if now >= self._restart_at:
                    self._spawn()
                else:
                    self._stop.wait(min(0.25, self._restart_at - now))
                continue
            if conn is None or process is None:
                self._stop.wait(0.25)
                continue
            try:
                if conn.poll(0.25):
                    with self._lock:
                        self._drain_conn(conn)
            except (EOFError, OSError):
                self._died("the detection worker stopped unexpectedly")
                continue
            if self._stop.is_set():
                break
            if not process.is_alive():
                self._died(f"the detection worker stopped unexpectedly (exit code {process.exitcode})")
                continue
            silent = time.monotonic() - self._heard_at
            limit = STARTUP_GRACE_S if self._heard_at == self._started_at else SILENCE_TIMEOUT_S
            if silent > limit:
                process.kill()
                process.join(1)
                self._died(f"the detection worker did not answer for {silent:.0f} s and was restarted")

    def _drain_conn(self, conn: Connection) -> None:
        """Read whatever the worker sent (called with the lock held)."""
        with contextlib.suppress(EOFError, OSError):
            while conn.poll():
                self._keep(conn.recv())

    def _keep(self, message: object) -> None:
        self._heard_at = time.monotonic()
        if isinstance(message, list):  # the worker sends updates in batches
            for item in message:
                self._keep(item)
        elif isinstance(message, RevisitStats):
            self._stats = message
            self._updates.append((next(self._seq), message))
        elif isinstance(message, DetectionUpdate):
            self._updates.append((next(self._seq), message))
        elif isinstance(message, ViewCheckpoint):
            self._book.keep(message)
            for alert in message.open_alerts:  # a checkpoint holds it now (resumed with it)
                self._adopt.pop(alert.id, None)
        elif isinstance(message, AlertRaised | AlertCleared):
            self._book.seen(message)
            if isinstance(message, AlertCleared):
                self._adopt.pop(message.alert_id, None)
            self._notices.append((next(self._seq), message))
        elif isinstance(message, DetectionProblem):
            self._problems[message.camera_id] = message
            self.events.publish(problem_event(message))
        elif isinstance(message, ModelLoaded):
            self.events.publish(model_event(message))
        elif isinstance(message, WorkerStarted) and self._down_since is not None:
            self._down_since = None
            self.events.report(
                SystemEventKind.DETECTION_WORKER_UP,
                subject=WORKER,
                detail=f"resumed {message.resumed_views} views and {message.open_alerts} open alerts",
                value=float(message.resumed_views),
            )

    def _died(self, reason: str) -> None:
        if self._stop.is_set():
            return
        log.warning("%s", reason)
        process, conn = self._process, self._conn
        if process is not None and process.is_alive():
            process.kill()
        if conn is not None:
            with self._lock:
                self._drain_conn(conn)  # its last checkpoints and alerts are what resumes
            conn.close()
        long_lived = time.monotonic() - self._started_at > 60
        in_a_row = 0 if long_lived else self._restarts_in_a_row  # deaths in a row before this one
        delay = RESTART_BACKOFF_S[min(in_a_row, len(RESTART_BACKOFF_S) - 1)]
        self._restarts_in_a_row = in_a_row + 1
        with self._lock:
            self._conn = None
            self._restart_at = time.monotonic() + delay
            self.restarts += 1
            self._down_since = time.monotonic()
            self.events.report(
                SystemEventKind.DETECTION_WORKER_DOWN, subject=WORKER, detail=reason, value=delay
            )
            for message in self._book.lost_with_worker():  # decided, never sent: nothing is lost
                log.warning("%s: sent for the dead worker, without a picture", _said(message))
                self._notices.append((next(self._seq), message))


def problem_event(problem: DetectionProblem) -> SystemEvent:
    """A worker's problem as the system event the operator sees: ``EVIDENCE_NOT_SAVED`` names the
    picture; every other fault is a ``DETECTION_PROBLEM`` whose subject is the fault (the UI words
    it) and whose detail names what it is about."""
    kind = event_kind(problem.fault)
    if kind is SystemEventKind.EVIDENCE_NOT_SAVED:
        subject, detail = problem.subject, problem.detail
    else:
        subject = problem.fault.value
        detail = (
            f"{problem.subject}: {problem.detail}"
            if problem.subject and problem.detail
            else (problem.subject or problem.detail)
        )
    return SystemEvent.of(
        kind, camera_id=problem.camera_id, subject=subject, detail=detail, value=problem.value
    )


def model_event(loaded: ModelLoaded) -> SystemEvent:
    """The worker's answer to a changed model file as the operator's event: the file's name as
    the subject, where it is and why (or how fast it loaded) in the detail."""
    name = Path(loaded.path).name
    if loaded.ok:
        detail = f"{loaded.path} (sha256 {loaded.sha256[:12]}), loaded in {loaded.seconds:.2f} s"
        return SystemEvent.of(SystemEventKind.MODEL_UPDATED, subject=name, detail=detail)
    detail = f"{loaded.path}: {loaded.detail}"
    return SystemEvent.of(SystemEventKind.MODEL_NOT_LOADED, subject=name, detail=detail)


def _said(message: AlertMessage) -> str:
    if isinstance(message, AlertRaised):
        return f"alert {message.alert.id} raised"
    return f"alert {message.alert_id} cleared"
