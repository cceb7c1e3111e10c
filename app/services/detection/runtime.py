"""Everything the detection worker does, without the process around it (``send`` and ``clock``
injected, so tests drive it in-process): the scheduler picks a camera, a sample request goes to
that camera's decoder through the frame board, the answer is checked with the camera's
:class:`ScenePipeline` for where it points now, and hits become alerts with evidence.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from app.core.alerts import Alert, Box
from app.core.detection_faults import DetectionFault
from app.core.detection_pause import PauseReason
from app.media.evidence.still import detector_caption
from app.media.frame_board import BgraImage, FrameBoard, FrameMeta
from app.services.detection.alerting import OpenAlerts
from app.services.detection.checkpoints import Checkpoints
from app.services.detection.evidence import EvidenceJob, EvidenceWriter, site_timezone
from app.services.detection.model_swap import LoadedModel, ModelLoader
from app.services.detection.protocol import (
    AlertBoost,
    AlertCleared,
    BinClassifierChanged,
    BinsClean,
    CheckSoon,
    DetectionProblem,
    DetectionUpdate,
    ModelChanged,
    ModelLoaded,
    OverlayBox,
    RevisitStats,
    StopDetection,
    SuppressionsChanged,
    ViewPlace,
    WorkerStarted,
    ZonesChanged,
    ZonesClean,
)
from app.services.detection.sampling import Sample, SampleRequests
from app.services.detection.scheduler import ALWAYS_SETTLED, DetectionScheduler
from app.services.detection.setup import (
    CameraSetup,
    WorkerSetup,
    load_detectors,
    pipeline_config,
    scene_geometry,
)
from camera_config.models import ZoneSpec
from detectors import registry
from detectors.bins import BinClassifier
from detectors.pipeline import FrameResult, PipelineConfig, PipelineState, ScenePipeline
from detectors.rules import PersistenceState, Phase, RuleState, TrackState
from detectors.types import Detector, Frame, Hit, HitState, SceneGeometry, Suppression

Send = Callable[[object], None]
PlaceKey = tuple[str, str | None]
PICTURE_MAX_AGE_S = 15.0  # a tile slot without a newer frame has no picture (KEYFRAMES: 1 per GOP)
PICTURE_CHECK_S = 1.0
FAILURES_BEFORE_NO_PICTURE = 3
NO_PICTURE_RETRY_S = 30.0  # after that many failures, try the camera again this much later
POLL_S = 0.04  # how often the detect slots are looked at while samples are on their way
IDLE_S = 0.05  # … and how long to wait for messages when none are
FLUSH_S = 0.1  # updates for the wall wait at most this long to be sent together
SHORTFALL_REPEAT_S = 60.0

log = logging.getLogger(__name__)


def overlay_boxes(result: FrameResult, width: int, height: int, geometry: SceneGeometry) -> list[OverlayBox]:
    """The check's detections as picture fractions, for boxes on the wall."""
    out: list[OverlayBox] = []
    for name, found in result.detections.items():
        labels = found.names()
        for row, label in zip(found.boxes, labels, strict=True):
            kind: Literal["object", "stationary"] = "stationary" if label == "stationary" else "object"
            out.append(
                OverlayBox(
                    _frac(row[0], width), _frac(row[1], height), _frac(row[2], width), _frac(row[3], height),
                    label,
                    float(row[4]) if name != "stationary" else None,  # (a dwell score, not a confidence)
                    kind,
                )
            )  # fmt: skip
    bins = {b.id: b for b in geometry.bins}
    for bin_id, obs in result.bins.items():
        b = bins.get(bin_id)
        if b is not None:
            x1, y1, x2, y2 = b.box
            out.append(OverlayBox(x1, y1, x2, y2, b.name or bin_id, obs.score, "bin"))
    return out


def furniture_boxes(result: FrameResult, width: int, height: int) -> tuple[OverlayBox, ...]:
    """What the check's zones did not count as scene furniture, as picture fractions (label: why)."""
    return tuple(
        OverlayBox(
            _frac(f.box[0], width), _frac(f.box[1], height), _frac(f.box[2], width), _frac(f.box[3], height),
            f.why, None, "furniture",
        )
        for f in result.furniture
    )  # fmt: skip


def _frac(v: float, size: int) -> float:
    return min(1.0, max(0.0, float(v) / max(1, size)))


# --- the worker's state --------------------------------------------------------------------------------
@dataclass
class _CameraState:
    setup: CameraSetup
    zones: tuple[ZoneSpec, ...]
    failures: int = 0
    no_picture_said: bool = False
    blocked_until: float = -math.inf  # samples failed: not asked again before this
    frames: int = 0  # frames in the camera's tile slot when last looked
    frames_changed: float = -math.inf  # when that number last changed
    reset_views: set[str | None] = field(default_factory=set)  # presets whose pipelines restart
    clean_bins: dict[str | None, set[str]] = field(default_factory=dict)  # confirmed clean, per preset
    clean_zones: dict[str | None, set[str]] = field(default_factory=dict)  # "clean now", per preset
    suppressions: tuple[Suppression, ...] = ()  # places operators dismissed (every preset)


class DetectionRuntime:
    """Everything the worker does, without the process around it (``send`` and ``clock`` injected)."""

    def __init__(
        self,
        setup: WorkerSetup,
        board: FrameBoard,
        send: Send,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.setup = setup
        self.board = board
        self._send_now = send
        self._outbox: list[object] = []  # updates and statistics, sent in batches
        self._flush_at = -math.inf
        self._clock = clock
        self.scheduler = DetectionScheduler(setup.scheduler, clock)
        self._tz = site_timezone(setup.timezone)
        cap = setup.layout.detect_capacity
        size = setup.sample_size or cap
        slots = min(setup.layout.detect_slots, setup.scheduler.max_in_flight)
        fitted = (min(size[0], cap[0]), min(size[1], cap[1]))
        self._samples = SampleRequests(board, slots, fitted, setup.sample_timeout_s)
        self._cams: dict[str, _CameraState] = {}
        for cam in setup.cameras:
            if cam.camera_id in setup.tile_slots:
                self._cams[cam.camera_id] = _CameraState(cam, tuple(cam.zones))
        self._pipelines: dict[PlaceKey, ScenePipeline] = {}
        self._alerts = OpenAlerts()
        self._adopted: dict[PlaceKey, list[Alert]] = {}  # stored alerts, seeded into new pipelines
        self._checkpoints = Checkpoints(setup.resume)
        self._config: PipelineConfig | None = None
        self._shared: dict[str, Detector] = {}
        self._models = ModelLoader()  # changed model files, loaded beside the running ones
        self.off_reason: PauseReason | None = None  # detection is off for every camera
        self._evidence = EvidenceWriter(send, self._tz, setup.evidence_store)
        now = clock()
        self._next_pictures = now
        self._next_stats = now + setup.stats_interval_s
        self._plan_after = now
        self._shortfall: tuple[str | None, float] = (None, -math.inf)
        self.checks = 0

    # --- start-up ------------------------------------------------------------------------------
    def start(self) -> None:
        """Load the detectors; on failure, detection stays off and says why."""
        settings = self.setup.settings
        if not settings.enabled:
            self.off_reason = PauseReason.SITE_DETECTION_OFF
        elif self.setup.layout.detect_slots < 1:
            self.off_reason = PauseReason.NO_DETECT_SLOTS
            self._send(DetectionProblem(None, DetectionFault.NO_DETECT_SLOTS))
        else:
            try:
                self._config = pipeline_config(settings)
                self._shared = load_detectors(self._config)
            except registry.DetectorLoadError as exc:
                self.off_reason = PauseReason.DETECTOR_NOT_LOADED
                self._send(DetectionProblem(None, DetectionFault.DETECTOR_NOT_LOADED, str(exc), exc.plugin))
            except ValueError as exc:
                self.off_reason = PauseReason.SETTINGS_INVALID
                self._send(DetectionProblem(None, DetectionFault.SETTINGS_INVALID, str(exc)))
        for camera_id, state in self._cams.items():
            cam = state.setup
            enabled = self.off_reason is None and cam.enabled
            reason = self.off_reason or cam.off_reason
            self.scheduler.add(camera_id, enabled=enabled, off_reason=reason)
            if not cam.ptz:  # a fixed camera always looks at its one view
                self.scheduler.set_place(camera_id, None, ALWAYS_SETTLED)
            self._rewatch(camera_id)
        self._send(WorkerStarted(*self._resume()))

    def _resume(self) -> tuple[int, int]:
        """Take over the open alerts of the views a previous worker checkpointed (those whose zones
        are unchanged; the rest of each view's state goes to its pipeline when it is made)."""
        views = alerts = 0
        for cp in self._checkpoints.waiting():
            state = self._cams.get(cp.camera_id)
            try:
                current = scene_geometry(cp.camera_id, cp.preset, state.zones) if state else None
            except ValueError:
                current = None
            if current is None or current != cp.state.geometry:
                self._checkpoints.forget(cp.camera_id, cp.preset)
                continue
            views += 1
            alerts += self._alerts.take_over(cp.open_alerts)
        return views, alerts + self._adopt(self.setup.adopt)

    def _adopt(self, stored: tuple[Alert, ...]) -> int:
        """Take over the alerts the app had stored open (the app restarted; no checkpoint of theirs
        survived). Each view's rule resumes as raised when its pipeline is made: a condition still
        there continues its alert (no new one), one that went while the app was down clears it
        after the rule's clear samples, with the picture it cleared on. An alert whose zone no
        longer exists is cleared at once; one of a camera this worker does not watch is left as
        it is (nobody can tell)."""
        n = 0
        for alert in stored:
            state = self._cams.get(alert.camera_id)
            if state is None or alert.key in self._alerts:
                continue  # not watched here, or a checkpoint of its view holds it already
            try:
                geometry = scene_geometry(alert.camera_id, alert.preset, state.zones)
            except ValueError:
                geometry = None
            places = {z.id for z in geometry.zones} | {b.id for b in geometry.bins} if geometry else set()
            if alert.zone_id not in places:
                log.info("stored alert %s cleared: its zone %s is gone", alert.id, alert.zone_id)
                self._send(AlertCleared(alert.id, alert.camera_id, time.time()))
                continue
            self._alerts.take_over([alert])
            self._adopted.setdefault((alert.camera_id, alert.preset), []).append(alert)
            n += 1
        return n

    # --- messages to the GUI --------------------------------------------------------------------
    def _send(self, message: object) -> None:
        """Send at once (alerts, problems), after whatever is waiting, so that order is kept."""
        self._flush()
        self._send_now(message)

    def _emit(self, message: object) -> None:
        """Send soon: updates and statistics leave in batches (one pipe write, not one each)."""
        self._outbox.append(message)

    def _flush(self) -> None:
        if self._outbox:
            batch, self._outbox = self._outbox, []
            self._send_now(batch if len(batch) > 1 else batch[0])

    # --- messages from the GUI ------------------------------------------------------------------
    def handle(self, message: object) -> bool:
        """Apply one message; False when the worker should stop."""
        if isinstance(message, StopDetection):
            return False
        if isinstance(message, ViewPlace):
            self._on_place(message)
        elif isinstance(message, ZonesChanged):
            self._on_zones(message)
        elif isinstance(message, AlertBoost) and message.camera_id in self._cams:
            self.scheduler.set_alert(message.camera_id, message.boosted)  # the alert service says
        elif isinstance(message, CheckSoon) and message.camera_id in self._cams:
            self.scheduler.check_soon(message.camera_id)
        elif isinstance(message, BinClassifierChanged):
            self._on_bin_classifier(Path(message.path))
        elif isinstance(message, ModelChanged):
            self._on_model_changed(message)
        elif isinstance(message, SuppressionsChanged) and message.camera_id in self._cams:
            self._on_suppressions(message)
        elif isinstance(message, BinsClean) and message.camera_id in self._cams:
            clean = self._cams[message.camera_id].clean_bins.setdefault(message.preset, set())
            clean.update(message.bin_ids)  # taken from the view's next checked picture
        elif isinstance(message, ZonesClean) and message.camera_id in self._cams:
            zones = self._cams[message.camera_id].clean_zones.setdefault(message.preset, set())
            zones.update(message.zone_ids)  # likewise
        return True

    def _on_suppressions(self, message: SuppressionsChanged) -> None:
        self._cams[message.camera_id].suppressions = tuple(message.suppressions)
        for (camera_id, _), pipe in self._pipelines.items():
            if camera_id == message.camera_id:
                pipe.set_suppressions(message.suppressions)

    def _on_bin_classifier(self, path: Path) -> None:
        """Swap the classifier of every bin in place: each bin keeps its clean reference picture."""
        try:
            classifier = BinClassifier.load(path)
        except (OSError, ValueError, KeyError) as exc:
            self._send(DetectionProblem(None, DetectionFault.CLASSIFIER_NOT_LOADED, str(exc), str(path)))
            return
        if self._config is not None:
            options = self._config.bin_monitor.model_copy(update={"classifier": path})
            self._config = self._config.model_copy(update={"bin_monitor": options})
        for pipe in self._pipelines.values():
            if pipe.bin_monitor is not None:
                pipe.bin_monitor.classifier = classifier

    def _on_model_changed(self, message: ModelChanged) -> None:
        """Load the changed model beside the running one; the checks go on with the old meanwhile."""
        if self.off_reason is not None or self._config is None or message.plugin not in self._shared:
            why = f"detection is off ({self.off_reason}): it starts with this model at CityWall's next start"
            if self.off_reason is None:
                why = f"detection does not use {message.plugin} now"
            self._send(ModelLoaded(message.plugin, message.path, False, why, message.sha256))
            return
        self._models.load(message, self._config.detectors[message.plugin])

    def _take_model(self, loaded: LoadedModel) -> None:
        """Every view checks with the loaded model from its next check on (its state stays)."""
        plugin, detector = loaded.request.plugin, loaded.detector
        if detector is None or self._config is None or plugin not in self._shared:
            if detector is not None:
                detector.close()
            self._send(loaded.answer(False, loaded.error or "detection stopped meanwhile"))
            return
        old, self._shared[plugin] = self._shared[plugin], detector
        options = {**self._config.detectors[plugin], "model": loaded.request.path}
        detectors = {**self._config.detectors, plugin: options}
        self._config = self._config.model_copy(update={"detectors": detectors})
        for pipe in self._pipelines.values():
            pipe.swap_detector(plugin, detector)
        old.close()
        log.info("%s now uses %s (loaded in %.2f s)", plugin, loaded.request.path, loaded.seconds)
        self._send(loaded.answer(True))

    def _on_place(self, message: ViewPlace) -> None:
        state = self._cams.get(message.camera_id)
        if state is None:
            return
        settled = message.settled_since
        old_preset, old_settled = self.scheduler.place(message.camera_id)
        if (message.preset, settled) == (old_preset, old_settled):
            return
        self.scheduler.set_place(message.camera_id, message.preset, settled)
        if settled is not None and not self._checkpoints.resumes_at(
            message.camera_id, message.preset, settled
        ):
            state.reset_views.add(message.preset)  # back at a preset: backgrounds and motion restart
        self._samples.drop(message.camera_id)
        self._rewatch(message.camera_id)

    def _on_zones(self, message: ZonesChanged) -> None:
        state = self._cams.get(message.camera_id)
        if state is None:
            return
        old, state.zones = state.zones, tuple(message.zones)
        presets = {z.preset for z in old} | {z.preset for z in state.zones}
        for preset in presets:
            before = [z for z in old if z.preset == preset]
            after = [z for z in state.zones if z.preset == preset]
            if before == after:
                continue
            pipe = self._pipelines.pop((message.camera_id, preset), None)
            if pipe is not None:
                pipe.close()
            self._checkpoints.forget(message.camera_id, preset)
            self._close_alerts(message.camera_id, preset, "zones changed")
        self._samples.drop(message.camera_id)
        self._rewatch(message.camera_id)

    def _rewatch(self, camera_id: str) -> None:
        preset, _ = self.scheduler.place(camera_id)
        state = self._cams[camera_id]
        try:
            watched = scene_geometry(camera_id, preset, state.zones) is not None
        except ValueError as exc:
            self._send(DetectionProblem(camera_id, DetectionFault.ZONES_INVALID, str(exc), preset or ""))
            watched = False
        self.scheduler.set_watched(camera_id, watched)

    def _close_alerts(self, camera_id: str, preset: str | None, why: str) -> None:
        self._adopted.pop((camera_id, preset), None)
        for cleared in self._alerts.close_view(camera_id, preset, time.time()):
            self._send(cleared)
            log.info("alert %s closed: %s", cleared.alert_id, why)

    # --- the loop ---------------------------------------------------------------------------------
    def step(self) -> float:
        """Do what is due; returns how long the caller may wait for messages before the next step."""
        now = self._clock()
        for loaded in self._models.finished():
            self._take_model(loaded)
        if now >= self._next_pictures:
            self._next_pictures = now + PICTURE_CHECK_S
            self._check_pictures(now)
        self._collect(now)
        if now >= self._plan_after:
            self._plan(now)
        if self._samples.ready:
            self._check(self._samples.ready.pop(0))
            self._plan_after = 0.0
        if now >= self._next_stats:
            self._next_stats = now + self.setup.stats_interval_s
            self._send_stats()
        if now >= self._flush_at:
            self._flush_at = now + FLUSH_S
            self._flush()
        if self._samples.ready:
            return 0.0
        return POLL_S if self._samples.waiting else IDLE_S

    def _check_pictures(self, now: float) -> None:
        for camera_id, state in self._cams.items():
            count = self.board.count(self.setup.tile_slots[camera_id])  # one word: cheap for 100+
            if count != state.frames:
                state.frames, state.frames_changed = count, now
            fresh = count > 0 and now - state.frames_changed < PICTURE_MAX_AGE_S
            if now < state.blocked_until:
                fresh = False  # frames arrive but samples did not: no picture for detection for now
            self.scheduler.set_picture(camera_id, fresh)

    def _plan(self, now: float) -> None:
        while self._samples.free:
            ticket = self.scheduler.next_check()
            if ticket is None:
                self._plan_after = self.scheduler.wake_at
                return
            self._samples.ask(ticket, self.setup.tile_slots[ticket.camera_id], now)

    def _collect(self, now: float) -> None:
        answered, timed_out = self._samples.collect(now)
        for sample in answered:
            state = self._cams[sample.ticket.camera_id]
            state.failures, state.no_picture_said, state.blocked_until = 0, False, -math.inf
        for sample in timed_out:
            self.scheduler.failed(sample.ticket)
            self._sample_failed(sample.ticket.camera_id, now)

    def _sample_failed(self, camera_id: str, now: float) -> None:
        state = self._cams[camera_id]
        state.failures += 1
        if state.failures < FAILURES_BEFORE_NO_PICTURE:
            return
        state.blocked_until = now + NO_PICTURE_RETRY_S
        self.scheduler.set_picture(camera_id, False)
        if not state.no_picture_said:
            state.no_picture_said = True
            self._send(
                DetectionProblem(
                    camera_id,
                    DetectionFault.NO_PICTURE,
                    f"{state.failures} samples asked for did not come within "
                    f"{self.setup.sample_timeout_s:g} s",
                    value=self.setup.sample_timeout_s,
                )
            )

    def _pipeline(self, camera_id: str, preset: str | None, width: int) -> tuple[ScenePipeline | None, bool]:
        """The view's pipeline, made on its first check; True when it was just made and took over
        a previous worker's bin references (so the first picture is not taken as clean)."""
        key = (camera_id, preset)
        pipe = self._pipelines.get(key)
        if pipe is not None:
            return pipe, False
        geometry = scene_geometry(camera_id, preset, self._cams[camera_id].zones)
        if geometry is None or self._config is None:
            return None, False
        config = self._config
        if "width" not in self.setup.settings.rules.get("motion", {}):
            # An exact 2:1 shrink costs the motion gate ~0.03 ms where 352 → 320 costs ~1 ms.
            motion = config.motion.model_copy(update={"width": max(32, width // 2)})
            config = config.model_copy(update={"motion": motion})
        pipe = self._pipelines[key] = ScenePipeline(geometry, config, self._shared)
        pipe.set_suppressions(self._cams[camera_id].suppressions)
        resumed = self._checkpoints.take_over(key, pipe)
        adopted = self._adopted.pop(key, None)
        if adopted:
            pipe.restore(raised_state(geometry, adopted))
        return pipe, resumed is not None and resumed.state.bin_references is not None

    def _check(self, sample: Sample) -> None:
        ticket = sample.ticket
        t0 = time.thread_time()
        got = (
            self.board.convert_sample(sample.detect_index, sample.token, _bgr)
            if self.scheduler.valid(ticket)
            else None
        )
        self._samples.read(sample)  # the picture is ours now: the slot can take the next
        if got is None:
            self.scheduler.failed(ticket)
            return
        frame, meta = got
        camera_id, preset = ticket.camera_id, ticket.preset
        key = (camera_id, preset)
        state = self._cams[camera_id]
        height, width = frame.shape[:2]
        first = key not in self._pipelines
        try:
            pipe, has_references = self._pipeline(camera_id, preset, width)
            if pipe is None:
                self.scheduler.checked(ticket, time.thread_time() - t0)
                return
            if preset in state.reset_views:
                state.reset_views.discard(preset)
                pipe.reset_view()
                first, has_references = True, False  # background models start again: like a first check
            if first and pipe.geometry.bins and not has_references:
                # Bins are judged against the view as first seen at this preset (set up clean);
                # the classifier alone cannot tell a full bin from an empty one reliably.
                pipe.set_bin_reference(frame)
            clean = state.clean_bins.pop(preset, None)
            if clean:
                pipe.set_bin_reference(frame, bin_ids=clean, confirmed=True)  # an operator said so
            clean_zones = state.clean_zones.pop(preset, None)
            if clean_zones:
                pipe.set_zone_reference(clean_zones, confirmed=True)
            result = pipe.process(frame, meta.captured_monotonic_ns / 1e9)
        except Exception as exc:  # one broken view must not stop detection everywhere
            log.exception("check of %s at preset %s failed", camera_id, preset)
            detail = f"{type(exc).__name__}: {exc}"
            self._send(DetectionProblem(camera_id, DetectionFault.CHECK_FAILED, detail, preset or ""))
            broken = self._pipelines.pop(key, None)
            if broken is not None:
                broken.close()
            self._checkpoints.dropped(key)
            self.scheduler.checked(ticket, time.thread_time() - t0)
            return
        boxes = tuple(overlay_boxes(result, width, height, pipe.geometry))
        jobs = [self._alert(hit, meta, pipe.geometry, width, height) for hit in result.hits]
        _, settled = self.scheduler.place(camera_id)
        found = frozenset(  # what was found, roughly (32 px): something new is checkpointed at once
            (name, *(int(v) >> 5 for v in row[:4]))
            for name, d in result.detections.items()
            for row in d.boxes
        )
        checkpoint = self._checkpoints.after_check(
            key, pipe, settled, self._alerts.of_view(camera_id, preset), self._clock(), found
        )
        cost = time.thread_time() - t0
        moving = result.motion.moving or result.motion.first
        self.scheduler.checked(ticket, cost, moving, first=first)
        self.checks += 1
        checked_at = meta.captured_monotonic_ns / 1e9
        furniture = furniture_boxes(result, width, height)
        self._emit(DetectionUpdate(camera_id, preset, checked_at, boxes, result.paused, furniture))
        if result.hits:
            # Before the alerts leave (their pictures take a while): the service never holds an
            # alert without the state that raised it, so a restarted worker never raises it again.
            self._send(checkpoint)
        else:
            self._emit(checkpoint)
        for job in jobs:
            if job is not None:
                self._evidence.submit(job)

    def _alert(
        self, hit: Hit, meta: FrameMeta, geometry: SceneGeometry, width: int, height: int
    ) -> EvidenceJob | None:
        wall = meta.captured_wall_ns / 1e9
        boxes = np.asarray(hit.evidence.boxes, np.float32).reshape(-1, 6)
        found = tuple(
            Box(
                _frac(b[0], width), _frac(b[1], height), _frac(b[2], width), _frac(b[3], height),
                hit.event, float(b[4]),
            )
            for b in boxes
        )  # fmt: skip
        cam = self._cams[hit.camera_id].setup
        message = self._alerts.on_hit(
            hit, wall, self._zone_name(hit.camera_id, hit.zone_id), found, cam.grid_code
        )
        if message is None:
            return None
        zone = next((z for z in geometry.zones if z.id == hit.zone_id), None)
        bin_roi = next((b for b in geometry.bins if b.id == hit.zone_id), None)
        return EvidenceJob(
            message=message,
            caption=detector_caption(
                camera_name=cam.name or hit.camera_id,
                zone_name=self._zone_name(hit.camera_id, hit.zone_id),
                preset=hit.preset,
                grid_code=cam.grid_code,
                rule=hit.rule,
                event_code=hit.event,
                cleared=hit.state is not HitState.RAISED,
                captured_at=wall,
                tz=self._tz,
            ),
            frame=hit.evidence.frame,
            boxes=boxes,
            zone=zone.polygon if zone is not None else None,
            bin_box=bin_roi.box if bin_roi is not None else None,
            overflow_line=bin_roi.line if bin_roi is not None else None,
            captured_wall=wall,
            camera_name=cam.name,
        )

    def _zone_name(self, camera_id: str, zone_id: str) -> str:
        state = self._cams.get(camera_id)
        zones = state.zones if state is not None else ()
        return next((z.name for z in zones if z.id == zone_id), "")

    def _send_stats(self) -> None:
        self._emit(
            RevisitStats(
                cameras=self.scheduler.revisits(),
                samples_per_s=round(self.scheduler.samples_per_s(), 2),
                inference_ms=round(1000 * self.scheduler.mean_cost_s, 2),
            )
        )
        note = self.scheduler.shortfall()
        said, at = self._shortfall
        now = self._clock()
        if note is not None and (said is None or now - at > SHORTFALL_REPEAT_S):
            self._send(DetectionProblem(None, DetectionFault.BUDGET_SHORT, note))
            self._shortfall = (note, now)
        elif note is None:
            self._shortfall = (None, -math.inf)

    def close(self) -> None:
        self._flush()
        self._models.close()
        self._samples.close()
        self._evidence.close()
        for pipe in self._pipelines.values():
            pipe.close()
        self._pipelines.clear()
        for det in self._shared.values():
            det.close()


def raised_state(geometry: SceneGeometry, alerts: list[Alert]) -> PipelineState:
    """The rules' state of a view whose ``alerts`` are raised, nothing else known (no samples)."""
    tracks: dict[str, list[TrackState]] = {}
    for alert in alerts:
        persistence = PersistenceState(Phase.RAISED, None, -math.inf)
        tracks.setdefault(alert.rule.value, []).append(
            TrackState(alert.zone_id, alert.event_code, persistence)
        )
    return PipelineState(geometry, tuple(RuleState(rule, tuple(t)) for rule, t in tracks.items()))


def _bgr(bgra: BgraImage) -> Frame:
    frame: Frame = cv2.cvtColor(bgra, cv2.COLOR_BGRA2BGR)  # a new array: rules keep it as evidence
    return frame
