"""Evidence pictures: the frame with the zone, the boxes, the rule, the scores and the capture time
burned in, encoded as JPEG by a helper thread with a bounded queue and kept in the content-addressed
evidence store (:class:`~app.core.alert_ports.EvidenceStore`); the alert message is sent once its
picture is kept, carrying its :class:`~app.core.alerts.EvidenceRef` (or without it, when the store
refuses: an alert is never lost).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

import cv2
import numpy as np

from app.core.alert_ports import EvidenceStore
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.detection_faults import DetectionFault
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
    caption: tuple[str, ...]  # the lines above the picture (camera, preset, zone; rule, state, score)
    frame: Frame | None
    boxes: np.ndarray[Any, np.dtype[np.float32]]
    zone: tuple[tuple[float, float], ...] | None  # normalised polygon (vending) …
    bin_box: tuple[float, float, float, float] | None  # … or the bin and its overflow line
    overflow_line: float | None
    scores: Mapping[str, float]
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


def draw_evidence(job: EvidenceJob, tz: tzinfo) -> Frame:
    """The frame with the zone, the boxes, the rule, the scores and the capture time burned in."""
    assert job.frame is not None
    img = job.frame.copy()
    h, w = img.shape[:2]
    scale = max(0.35, min(1.2, w / 900))
    thick = 1 if w < 800 else 2
    yellow, red, white, black = (0, 220, 255), (40, 40, 230), (255, 255, 255), (0, 0, 0)
    if job.zone is not None:
        pts = np.array([[round(x * w), round(y * h)] for x, y in job.zone], np.int32)
        overlay = img.copy()
        cv2.fillPoly(overlay, [pts], yellow)
        cv2.addWeighted(overlay, 0.15, img, 0.85, 0, dst=img)
        cv2.polylines(img, [pts], True, yellow, thick, cv2.LINE_AA)
    if job.bin_box is not None:
        x1, y1, x2, y2 = job.bin_box
        cv2.rectangle(img, (round(x1 * w), round(y1 * h)), (round(x2 * w), round(y2 * h)), yellow, thick)
        if job.overflow_line is not None:
            y = round(job.overflow_line * h)
            cv2.line(img, (round(x1 * w) - 6, y), (round(x2 * w) + 6, y), (255, 128, 0), thick, cv2.LINE_AA)
    for x1, y1, x2, y2, score, _ in job.boxes:
        p1, p2 = (round(float(x1)), round(float(y1))), (round(float(x2)), round(float(y2)))
        cv2.rectangle(img, p1, p2, red, thick + 1)
        _text(img, f"{float(score):.2f}", (p1[0], max(10, p1[1] - 3)), scale, red, black)
    taken = datetime.fromtimestamp(job.captured_wall, tz).strftime("%Y-%m-%d %H:%M:%S %z")
    lines = [
        *job.caption,
        *_wrap([f"{k}={v:.2f}" for k, v in job.scores.items()], w - 8, scale),
    ]
    line_h = round(22 * scale) + 2
    band = line_h * len(lines) + 6
    cv2.rectangle(img, (0, 0), (w, band), black, -1)
    for i, line in enumerate(lines):
        _text(img, line, (4, line_h * (i + 1)), scale, white, black)
    cv2.rectangle(img, (0, h - line_h - 6), (w, h), black, -1)
    _text(img, taken, (4, h - 5), scale, white, black)
    return img


def _wrap(items: list[str], width: int, scale: float) -> list[str]:
    """Pack ``items`` into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]}  {item}" if lines else item
        (w, _), _ = cv2.getTextSize(joined, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        if lines and w <= width:
            lines[-1] = joined
        else:
            lines.append(item)
    return lines


def _text(
    img: Frame,
    text: str,
    at: tuple[int, int],
    scale: float,
    colour: tuple[int, int, int],
    outline: tuple[int, int, int],
) -> None:
    text = text.encode("ascii", "replace").decode()  # Hershey fonts have no Chinese
    cv2.putText(img, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, outline, 3, cv2.LINE_AA)
    cv2.putText(img, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def encode_jpeg(image: Frame, quality: int = EVIDENCE_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError("could not encode the evidence picture")
    return bytes(data.tobytes())


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
                data = encode_jpeg(draw_evidence(job, self._tz))
                kind = EvidenceKind.STILL if isinstance(message, AlertRaised) else EvidenceKind.CLEAR_STILL
                ref = self._store.put(
                    data, kind=kind, media_type="image/jpeg", captured_at=job.captured_wall,
                    camera_id=job.camera_id, stream="sub", note="detector picture",
                )  # fmt: skip
                message = with_evidence(message, ref)
            except Exception as exc:  # a full disk must not stop alerts
                log.warning("evidence picture of %s not kept: %s", job.alert_id, exc)
                where = str(getattr(exc, "path", "") or "")  # the store's problem names its file
                self._not_saved(job, str(exc) or type(exc).__name__, where)
            self._send(message)

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
