"""The GUI process's side of evidence clips: which cameras keep a packet ring, and the clips asked
of decoder workers, each a Future answered by the worker's ClipDone (or failed: the worker died,
or never answered)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass

from app.media.evidence.ring import CLIP_GRACE_S, RING_SECONDS, ClipCut, ClipUnavailable
from app.media.protocol import BufferClips, ClipDone, CutClip

ANSWER_GRACE_S = 30.0  # beyond the after-window: a worker this late is not going to answer


@dataclass
class _Request:
    future: Future[ClipCut]
    camera_id: str
    worker: int
    deadline: float  # time.monotonic


class ClipRequests:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, _Request] = {}
        self.seconds: dict[str, float] = {}  # camera id → how much its ring keeps

    def buffer(self, camera_ids: Iterable[str], known: Iterable[str], seconds: float) -> list[BufferClips]:
        """Keep rings for exactly ``camera_ids``; the messages that make the workers do so."""
        wanted = set(camera_ids)
        unknown = wanted - set(known)
        if unknown:
            raise KeyError(f"no such cameras: {', '.join(sorted(unknown))}")
        messages = []
        with self._lock:
            for camera_id in sorted(set(self.seconds) | wanted):
                new = seconds if camera_id in wanted else 0.0
                if self.seconds.get(camera_id, 0.0) != new:
                    messages.append(BufferClips(camera_id, new))
                if new:
                    self.seconds[camera_id] = new
                else:
                    self.seconds.pop(camera_id, None)
        return messages

    def again(self, camera_id: str) -> BufferClips | None:
        """What a fresh worker (or a camera added anew) must be told."""
        seconds = self.seconds.get(camera_id)
        return None if seconds is None else BufferClips(camera_id, seconds)

    def ask(
        self, camera_id: str, worker: int, raised_at: float, before_s: float, after_s: float
    ) -> tuple[Future[ClipCut], CutClip]:
        future: Future[ClipCut] = Future()
        request_id = next(self._ids)
        wait = max(0.0, raised_at + after_s - time.time()) + CLIP_GRACE_S + ANSWER_GRACE_S
        with self._lock:
            self._pending[request_id] = _Request(future, camera_id, worker, time.monotonic() + wait)
        return future, CutClip(request_id, camera_id, raised_at, before_s, after_s)

    def answered(self, message: ClipDone) -> None:
        with self._lock:
            request = self._pending.pop(message.request_id, None)
        if request is None:
            return  # already failed (a dead worker's answer that came after all)
        if message.clip is not None:
            request.future.set_result(message.clip)
        else:
            request.future.set_exception(ClipUnavailable(message.error))

    def worker_died(self, worker: int, reason: str) -> None:
        self._fail(lambda r: r.worker == worker, f"the decoder worker stopped ({reason})")

    def expire(self) -> None:
        now = time.monotonic()
        self._fail(lambda r: now > r.deadline, "the decoder worker did not answer")

    def close(self) -> None:
        self._fail(lambda r: True, "ingest stopped")

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def _fail(self, which: Callable[[_Request], bool], why: str) -> None:
        with self._lock:
            gone = {i: r for i, r in self._pending.items() if which(r)}
            for request_id in gone:
                del self._pending[request_id]
        for request in gone.values():
            request.future.set_exception(ClipUnavailable(f"{request.camera_id}: no clip: {why}"))


__all__ = ["RING_SECONDS", "ClipRequests"]
