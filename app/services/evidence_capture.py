"""Evidence for an alert: the still at once, the clip some 20 s later, both into the evidence store.

:meth:`EvidenceCapture.capture` returns a :class:`CaptureJob` of two futures; nothing here blocks
its caller (the alert service's thread). The still comes from a short pull of the camera's main
stream; when that fails it is the sub-stream picture the detector used (or a short sub-stream
pull), and the :class:`~app.core.alerts.EvidenceRef` says ``stream="sub"`` and why in ``note``.
The clip is cut by the decoder worker that holds the camera's packet ring (``ClipSource``, the
ingest supervisor) and stored as it comes. A store that refuses (full disk, read-only folder)
fails the future with :class:`~app.core.alert_ports.EvidenceProblem`: the caller makes it a
visible system event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol

from app.core.alert_ports import EvidenceProblem, EvidenceStore
from app.core.alerts import Alert, EvidenceKind, EvidenceRef
from app.media.evidence.grab import KEY_WAIT_S, NoPicture, Picture, grab_picture
from app.media.evidence.ring import ClipCut
from app.media.evidence.still import caption_for, compose_still, encode_jpeg
from app.media.evidence.words import Language
from app.media.protocol import CameraSpec

log = logging.getLogger(__name__)

BEFORE_S = 10.0
AFTER_S = 20.0
STILL_WORKERS = 4  # main-stream pulls at once; each waits on the network, not the CPU
MAX_WAITING_STILLS = 16  # past this (a burst), stills use the detector's picture at once

Fallback = Picture | Callable[[], Picture | None] | None

NOTES: dict[Language, dict[str, str]] = {
    "zh": {
        "main_failed": "主码流未取到（{why}），使用子码流画面",
        "busy": "同时取证过多，使用子码流画面",
        "clip": "子码流录像，告警前 {before:.0f} 秒至告警后 {after:.0f} 秒",
        "short": "；录像不完整：{why}",
    },
    "en": {
        "main_failed": "main stream not available ({why}); sub-stream picture",
        "busy": "too many stills at once; sub-stream picture",
        "clip": "sub-stream clip, {before:.0f} s before to {after:.0f} s after the alert",
        "short": "; clip incomplete: {why}",
    },
}


class NoMainStill(EvidenceProblem):
    """Only the main-stream still was asked for and it could not be had (the detector's own
    sub-stream picture stands in the record)."""


class ClipSource(Protocol):
    """Cuts a clip from a camera's packet ring (IngestSupervisor.cut_clip)."""

    def cut_clip(
        self, camera_id: str, raised_at: float, before_s: float, after_s: float
    ) -> Future[ClipCut]: ...


@dataclass(frozen=True)
class EvidenceCamera:
    """What the capture needs to know of a camera: its name (for the caption) and its streams."""

    spec: CameraSpec
    name: str

    @property
    def camera_id(self) -> str:
        return self.spec.camera_id


@dataclass(frozen=True)
class CaptureJob:
    """The evidence of one alert on its way: ``still`` in seconds, ``clip`` after the after-window
    (None when no clip was asked for). Each fails with EvidenceProblem when the store refuses."""

    alert_id: str
    still: Future[EvidenceRef]
    clip: Future[EvidenceRef] | None


class EvidenceCapture:
    def __init__(
        self,
        store: EvidenceStore,
        *,
        tz: tzinfo,
        clips: ClipSource | None = None,
        language: Language = "zh",
        before_s: float = BEFORE_S,
        after_s: float = AFTER_S,
        key_wait_s: float = KEY_WAIT_S,
        still_workers: int = STILL_WORKERS,
    ) -> None:
        self._store = store
        self._tz = tz
        self._clips = clips
        self._language = language
        self.before_s, self.after_s = before_s, after_s
        self._key_wait_s = key_wait_s
        self._pool = ThreadPoolExecutor(still_workers, thread_name_prefix="evidence")
        self._lock = threading.Lock()
        self._waiting = 0

    def capture(
        self,
        alert: Alert,
        camera: EvidenceCamera,
        *,
        fallback: Fallback = None,
        clip: bool = True,
        main_only: bool = False,
    ) -> CaptureJob:
        """Start taking ``alert``'s still (and clip); returns at once. ``main_only``: the alert
        already has the detector's sub-stream picture, so a still that cannot come from the main
        stream (or a burst) fails with :class:`NoMainStill` instead of taking another."""
        with self._lock:
            busy = self._waiting >= MAX_WAITING_STILLS
            self._waiting += 1
        still = self._pool.submit(self._still, alert, camera, fallback, busy, main_only)
        cut: Future[EvidenceRef] | None = None
        if clip and self._clips is not None:
            cut = Future()
            try:
                pending = self._clips.cut_clip(alert.camera_id, alert.raised_at, self.before_s, self.after_s)
            except Exception as exc:  # e.g. the camera is not watched: the still still counts
                cut.set_exception(exc)
            else:
                pending.add_done_callback(lambda done: self._pool.submit(self._store_clip, alert, done, cut))
        return CaptureJob(alert.id, still, cut)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- the still ---------------------------------------------------------------------------------
    def _still(
        self, alert: Alert, camera: EvidenceCamera, fallback: Fallback, busy: bool, main_only: bool
    ) -> EvidenceRef:
        try:
            picture, stream, note = self._picture(camera, fallback, busy, main_only)
        finally:
            with self._lock:
                self._waiting -= 1
        caption = caption_for(
            alert,
            camera_name=camera.name,
            captured_at=picture.captured_at,
            tz=self._tz,
            stream=stream,
            language=self._language,
        )
        data = encode_jpeg(compose_still(picture.image, alert.boxes, caption))
        return self._put(
            data, EvidenceKind.STILL, "image/jpeg", picture.captured_at, alert.camera_id, stream, note
        )

    def _picture(
        self, camera: EvidenceCamera, fallback: Fallback, busy: bool, main_only: bool = False
    ) -> tuple[Picture, str, str]:
        spec, words = camera.spec, NOTES[self._language]
        why = words["busy"]
        if not busy:
            try:
                return self._grab(spec, spec.main_url or spec.sub_url), "main", ""
            except NoPicture as exc:
                log.info("evidence of %s: main stream gave no picture: %s", spec.camera_id, exc)
                why = words["main_failed"].format(why=exc)
        if main_only:
            raise NoMainStill(f"{spec.camera_id}: {why}")
        picture = fallback() if callable(fallback) else fallback
        if picture is None and spec.main_url is not None and spec.main_url != spec.sub_url:
            try:
                picture = self._grab(spec, spec.sub_url)
            except NoPicture as exc:
                raise EvidenceProblem(
                    f"{spec.camera_id}: no picture for the still ({why}; sub-stream: {exc})"
                ) from exc
        if picture is None:
            raise EvidenceProblem(f"{spec.camera_id}: no picture for the still ({why})")
        return picture, "sub", why

    def _grab(self, spec: CameraSpec, url: object) -> Picture:
        from app.media.protocol import SecretUrl

        assert isinstance(url, SecretUrl)
        return grab_picture(
            url,
            transport=spec.transport,
            connect_timeout_s=spec.connect_timeout_s,
            key_wait_s=self._key_wait_s,
            is_file=spec.is_file,
            secrets=spec.secrets,
        )

    # --- the clip ----------------------------------------------------------------------------------
    def _store_clip(self, alert: Alert, done: Future[ClipCut], out: Future[EvidenceRef]) -> None:
        try:
            cut = done.result()
            words = NOTES[self._language]
            note = words["clip"].format(before=cut.before_s, after=cut.after_s)
            if cut.short_reason:
                note += words["short"].format(why=cut.short_reason)
            ref = self._put(
                cut.data, EvidenceKind.CLIP, "video/mp4", cut.start_at, alert.camera_id, cut.stream, note
            )
        except BaseException as exc:
            out.set_exception(exc)
        else:
            out.set_result(ref)

    def _put(
        self,
        data: bytes,
        kind: EvidenceKind,
        media_type: str,
        at: float,
        camera_id: str,
        stream: str,
        note: str,
    ) -> EvidenceRef:
        try:
            return self._store.put(
                data,
                kind=kind,
                media_type=media_type,
                captured_at=at,
                camera_id=camera_id,
                stream=stream,
                note=note,
            )
        except EvidenceProblem:
            raise
        except OSError as exc:  # a store that lets an OSError through: still the caller's EvidenceProblem
            raise EvidenceProblem(f"{kind.value} of {camera_id} not kept: {exc}") from exc
