"""Evidence pictures: the frame with the zone and the boxes drawn in, the caption (camera, place,
rule, capture time with zone) in a band under it, encoded as JPEG by a helper thread with a
bounded queue and kept in the content-addressed evidence store
(:class:`~app.core.alert_ports.EvidenceStore`); the alert message is sent once its picture is kept,
carrying its :class:`~app.core.alerts.EvidenceRef` (or without it, when the store refuses: an
alert is never lost).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

import cv2
import numpy as np

from app.core.alert_ports import EvidenceStore
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.detection_faults import DetectionFault
from app.media.evidence.still import Caption, compose_still, encode_jpeg
from app.services.detection.protocol import AlertCleared, AlertMessage, AlertRaised, DetectionProblem
from detectors.types import Frame

log = logging.getLogger(__name__)

Send = Callable[[object], None]

EVIDENCE_QUEUE = 16
EVIDENCE_QUALITY = 90


# --- evidence ----------------------------------------------------------------------------------------
@dataclass
class EvidenceJob:
    message: AlertMessage
    caption: Caption  # the band under the picture: camera, place, rule, time with zone, stream
    frame: Frame | None
    boxes: np.ndarray[Any, np.dtype[np.float32]]
    zone: tuple[tuple[float, float], ...] | None  # normalised polygon (vending) …
    bin_box: tuple[float, float, float, float] | None  # … or the bin and its overflow line
    overflow_line: float | None
    captured_wall: float
    camera_name: str

    @property
    def camera_id(self) -> str:
        m = self.message
        return m.alert.camera_id if isinstance(m, AlertRaised) else m.camera_id

    @property
    def alert_id(self) -> str:
        m = self.message
        return m.alert.id if isinstance(m, AlertRaised) else m.alert_id


def draw_evidence(job: EvidenceJob) -> Frame:
    """The frame with the zone (or the bin and its overflow line) and the boxes that raised the
    alert drawn on the camera's pixels, above a caption band of its own (never over the picture)."""
    assert job.frame is not None
    img = job.frame.copy()
    h, w = img.shape[:2]
    thick = max(2, round(w / 320))
    yellow, red = (0, 220, 255), (40, 40, 230)
    if job.zone is not None:
        pts = np.array([[round(x * w), round(y * h)] for x, y in job.zone], np.int32)
        cv2.polylines(img, [pts], True, yellow, max(1, thick - 1), cv2.LINE_AA)
    if job.bin_box is not None:
        x1, y1, x2, y2 = job.bin_box
        cv2.rectangle(img, (round(x1 * w), round(y1 * h)), (round(x2 * w), round(y2 * h)), yellow, thick)
        if job.overflow_line is not None:
            y = round(job.overflow_line * h)
            cv2.line(img, (round(x1 * w) - 6, y), (round(x2 * w) + 6, y), (255, 128, 0), thick, cv2.LINE_AA)
    for x1, y1, x2, y2, _score, _ in job.boxes:
        p1, p2 = (round(float(x1)), round(float(y1))), (round(float(x2)), round(float(y2)))
        cv2.rectangle(img, p1, p2, red, thick, cv2.LINE_AA)
    return compose_still(img, (), job.caption)


class EvidenceWriter:
    """Draws evidence pictures and keeps them in ``store`` in a thread; sends each alert message
    once its picture is kept, or without it (and an ``EVIDENCE_NOT_SAVED`` problem saying why)
    when it cannot be kept."""

    def __init__(self, send: Send, tz: tzinfo, store: EvidenceStore, maxsize: int = EVIDENCE_QUEUE) -> None:
        self._send = send
        self._tz = tz
        self._store = store
        self._queue: queue.Queue[EvidenceJob | None] = queue.Queue(maxsize)
        self._thread = threading.Thread(target=self._run, name="evidence", daemon=True)
        self._thread.start()

    def submit(self, job: EvidenceJob) -> None:
        if job.frame is None:
            self._send(job.message)
            return
        try:
            self._queue.put(job, timeout=0.2)
        except queue.Full:  # the disk is that slow: the alert matters more than its picture
            log.warning("evidence queue full: %s sent without a picture", job.alert_id)
            self._not_saved(job, f"{EVIDENCE_QUEUE} pictures still waiting to be written", "")
            self._send(job.message)

    def _not_saved(self, job: EvidenceJob, why: str, where: str) -> None:
        self._send(DetectionProblem(job.camera_id, DetectionFault.EVIDENCE_NOT_SAVED, why, where))

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            message = job.message
            try:
                data = encode_jpeg(draw_evidence(job))
                kind = EvidenceKind.STILL if isinstance(message, AlertRaised) else EvidenceKind.CLEAR_STILL
                ref = self._store.put(
                    data, kind=kind, media_type="image/jpeg", captured_at=job.captured_wall,
                    camera_id=job.camera_id, stream="sub", note=job.caption.stream,
                )  # fmt: skip
                message = with_evidence(message, ref)
            except Exception as exc:  # a full disk must not stop alerts
                log.warning("evidence picture of %s not kept: %s", job.alert_id, exc)
                where = str(getattr(exc, "path", "") or "")  # the store's problem names its file
                self._not_saved(job, str(exc) or type(exc).__name__, where)
            if isinstance(message, AlertRaised):
                message = self._keep_frame(job, message)
            self._send(message)

    def _keep_frame(self, job: EvidenceJob, message: AlertRaised) -> AlertMessage:
        """The judged picture with nothing drawn on it (a verdict makes it training data); without it
        the alert only loses that use, so a refusal is logged, not shown twice."""
        assert job.frame is not None
        try:
            ref = self._store.put(
                encode_jpeg(job.frame), kind=EvidenceKind.FRAME, media_type="image/jpeg",
                captured_at=job.captured_wall, camera_id=job.camera_id, stream="sub",
            )  # fmt: skip
        except Exception as exc:
            log.warning("judged picture of %s not kept: %s", job.alert_id, exc)
            return message
        return with_evidence(message, ref)

    def close(self, timeout_s: float = 2.0) -> None:
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=timeout_s)
        self._thread.join(timeout_s)


def with_evidence(message: AlertMessage, ref: EvidenceRef) -> AlertMessage:
    if isinstance(message, AlertRaised):
        return AlertRaised(replace(message.alert, evidence=(*message.alert.evidence, ref)))
    assert isinstance(message, AlertCleared)
    return replace(message, evidence=(*message.evidence, ref))


def site_timezone(name: str) -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database: local time, with its offset burned in
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC
