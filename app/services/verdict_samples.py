"""Every verdict on a vending alert becomes labelled site data (positives and hard negatives).

Follows the alert service: when a vending alert is confirmed, or dismissed with a reason that says
what it was (店内经营 / 合规: a stall, only an allowed one; 误检 / 固定设施: no stall), the picture
detection judged (the alert's :attr:`~app.core.alerts.EvidenceKind.FRAME`, nothing drawn on it)
is copied from the evidence store into the site's verdict folder with its boxes as YOLO labels
and one manifest line (:mod:`detectors.verdict_data`). ``citywall train --from-verdicts`` learns
from it.

The copy runs on a thread of its own (a listener is called on the GUI thread); a sample already
kept is not kept again; a disk that refuses costs the sample only, never the alert, and is a
visible ``TRAINING_SAMPLE_NOT_SAVED`` system event.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from app.core.alert_ports import EvidenceStore
from app.core.alerts import Alert, AlertChange, AlertState, EvidenceKind, Rule
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.services.alerts import AlertService
from detectors.verdict_data import VerdictSample, keep_sample, read_manifest, safe_name, split_of, verdict_of

log = logging.getLogger(__name__)

FOLDER = Path("training") / "verdicts"


def verdict_folder(data: Path) -> Path:
    """Where a site keeps its verdict samples (beside its zones and alerts)."""
    return Path(data) / FOLDER


@dataclass(frozen=True)
class _Job:
    alert: Alert


class VerdictSamples:
    def __init__(
        self, alerts: AlertService, store: EvidenceStore, folder: Path, events: EventSink | None = None
    ) -> None:
        self.folder = Path(folder)
        self._store, self._events = store, events
        self._lock = threading.Lock()
        self._kept: set[str] = {s.alert_id for s in _readable(self.folder)}
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._thread = threading.Thread(target=self._run, name="verdict-samples", daemon=True)
        self._thread.start()
        self._unsubscribe = alerts.subscribe(self._changed)

    # --- on the thread that changed the alert (the GUI's): decide only ------------------------
    def _changed(self, change: AlertChange) -> None:
        alert = change.after
        if alert.rule is not Rule.VENDING or change.before is None or change.before.state is alert.state:
            return
        reason = alert.dismiss_reason.value if alert.dismiss_reason is not None else None
        if verdict_of(alert.state.value, reason) is None:
            return
        with self._lock:
            if alert.id in self._kept:
                return
            self._busy += 1
        self._queue.put(_Job(alert))

    # --- the worker thread ----------------------------------------------------------------------
    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                self._keep(job.alert)
            except Exception as exc:  # a full or read-only disk: this sample only
                log.warning("verdict on alert %s not kept as training data: %s", job.alert.id, exc)
                if self._events is not None:
                    self._events(
                        SystemEvent.of(
                            SystemEventKind.TRAINING_SAMPLE_NOT_SAVED,
                            camera_id=job.alert.camera_id,
                            subject=job.alert.id,
                            detail=f"{self.folder}: {exc}",
                        )
                    )
            finally:
                with self._lock:
                    self._busy -= 1
                    self._idle.notify_all()

    def _keep(self, alert: Alert) -> None:
        frame = alert.evidence_of(EvidenceKind.FRAME)
        if frame is None:  # an alert from before the judged picture was kept, or its store refused
            log.info("alert %s has no undrawn picture: no training sample", alert.id)
            return
        data = self._store.read(frame)
        picture = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if picture is None:
            raise ValueError(f"the judged picture {frame.sha256[:12]} cannot be decoded")
        height, width = picture.shape[:2]
        reason = alert.dismiss_reason.value if alert.dismiss_reason is not None else None
        verdict = verdict_of(alert.state.value, reason)
        assert verdict is not None
        confirmed = alert.state is AlertState.CONFIRMED
        boxes = tuple((b.x1, b.y1, b.x2, b.y2) for b in alert.boxes)
        name = safe_name(alert.id)
        sample = VerdictSample(
            alert_id=alert.id, camera_id=alert.camera_id, preset=alert.preset, zone_id=alert.zone_id,
            verdict=verdict, reason="confirmed" if confirmed else str(reason),
            by=(alert.confirmed_by if confirmed else alert.dismissed_by) or "",
            at=(alert.confirmed_at if confirmed else alert.dismissed_at) or alert.updated_at or 0.0,
            boxes=boxes, image=f"images/{name}.jpg", label=f"labels/{name}.txt", split=split_of(alert.id),
            width=width, height=height,
        )  # fmt: skip
        keep_sample(self.folder, sample, data)
        with self._lock:
            self._kept.add(alert.id)

    # --- for tests and shutdown -----------------------------------------------------------------
    def wait_idle(self, timeout_s: float = 5.0) -> bool:
        """True once every verdict handed over has been kept (or refused)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._busy == 0, timeout_s)

    def close(self, timeout_s: float = 2.0) -> None:
        self._unsubscribe()
        self._queue.put(None)
        self._thread.join(timeout_s)


def _readable(folder: Path) -> list[VerdictSample]:
    problems: list[str] = []
    try:
        found = read_manifest(folder, problems)
    except OSError as exc:  # an unreadable manifest: samples may repeat, nothing is lost
        log.warning("verdict samples in %s: %s", folder, exc)
        return []
    for problem in problems:
        log.warning("%s", problem)
    return found
