"""Evidence an operator can read, for every new alert: the camera's main-stream still (the
detector's own sub-stream picture is already on the alert and stays as the fallback) and the clip
from ~10 s before to ~20 s after the raise, both attached to the alert when they are kept.

Follows the alert service's changes (a new alert starts a capture) and the detection worker's
statistics (the watched cameras keep a packet ring for their clips). A capture that fails costs
only its own evidence: a store that refuses is a visible ``EVIDENCE_NOT_SAVED`` system event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Protocol

from app.core.alert_ports import EvidenceProblem
from app.core.alerts import Alert, AlertChange, EvidenceKind, EvidenceRef, UnknownAlert
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.media.evidence.ring import ClipUnavailable
from app.services.alerts import AlertService
from app.services.evidence_capture import EvidenceCamera, EvidenceCapture, NoMainStill

log = logging.getLogger(__name__)


class ClipBuffers(Protocol):
    def buffer_clips(self, camera_ids: Iterable[str]) -> None: ...


class AlertEvidence:
    def __init__(
        self,
        alerts: AlertService,
        capture: EvidenceCapture,
        camera: Callable[[str], EvidenceCamera | None],
        clips: ClipBuffers | None = None,
        events: EventSink | None = None,
    ) -> None:
        self._alerts, self._capture, self._camera = alerts, capture, camera
        self._clips, self._events = clips, events
        self._lock = threading.Lock()
        self._watched: frozenset[str] = frozenset()
        self.pending: set[Future[EvidenceRef]] = set()
        self._unsubscribe = alerts.subscribe(self._changed)

    def watch(self, camera_ids: Iterable[str]) -> None:
        """The cameras detection watches now: only they keep packets for clips (told on change)."""
        wanted = frozenset(camera_ids)
        with self._lock:
            if wanted == self._watched:
                return
            self._watched = wanted
        if self._clips is not None:
            self._clips.buffer_clips(sorted(wanted))

    def _changed(self, change: AlertChange) -> None:
        if change.before is not None or change.draft.action != "raise":
            return  # only a new alert gets a capture (a continued one has its evidence)
        alert = change.after
        camera = self._camera(alert.camera_id)
        if camera is None:
            return
        with self._lock:
            clip = self._clips is not None and alert.camera_id in self._watched
        job = self._capture.capture(alert, camera, clip=clip, main_only=True)
        for future in (job.still, job.clip):
            if future is not None:
                with self._lock:
                    self.pending.add(future)
                future.add_done_callback(lambda f, a=alert: self._kept(a, f))  # type: ignore[misc]

    def _kept(self, alert: Alert, future: Future[EvidenceRef]) -> None:
        with self._lock:
            self.pending.discard(future)
        exc = future.exception()
        if exc is None:
            try:
                self._alerts.attach_evidence(alert.id, (future.result(),))
            except UnknownAlert:  # gone from this session meanwhile (never: alerts are kept)
                log.warning("evidence of unknown alert %s dropped", alert.id)
            return
        if isinstance(exc, NoMainStill):
            log.info("alert %s: %s; the detector's picture stands", alert.id, exc)
        elif isinstance(exc, ClipUnavailable):
            log.info("alert %s: no clip: %s", alert.id, exc)
        elif isinstance(exc, EvidenceProblem | OSError):
            log.warning("alert %s: evidence not kept: %s", alert.id, exc)
            if self._events is not None:
                what = EvidenceKind.CLIP.value if "clip" in str(exc) else EvidenceKind.STILL.value
                self._events(
                    SystemEvent.of(
                        SystemEventKind.EVIDENCE_NOT_SAVED,
                        camera_id=alert.camera_id,
                        subject=str(getattr(exc, "path", "") or what),
                        detail=str(exc),
                    )
                )
        else:
            log.error("alert %s: evidence capture failed", alert.id, exc_info=exc)

    def close(self) -> None:
        self._unsubscribe()
        self._capture.close()
