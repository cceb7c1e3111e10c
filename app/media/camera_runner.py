"""One camera inside a decoder worker: its sub-stream pull and, while focused, its main-stream pull.

A pull stuck inside libav (a decode that never returns; PyAV releases the GIL there, so the rest
of the worker runs on) is abandoned and replaced by a fresh one: only its own camera waits.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from app.core.stream_failure import StreamFailure
from app.core.stream_health import HealthSnapshot, StreamHealth, StreamState
from app.media.evidence.ring import ClipCut, ClipUnavailable, PacketRing
from app.media.frame_board import FrameBoard
from app.media.protocol import CameraSpec, HealthChanged, Output, PullStats, SetView, ViewMode
from app.media.pull import StreamPull

Report = Callable[[object], None]
FPS_WINDOW_SAMPLES = 6  # stats arrive every second: fps over the last 5 s, steady yet current


class StuckPulls:
    """Pulls abandoned inside libav, worker-wide. Each may hold memory, or a core if it spins,
    until its call returns (most never do): the worker counts them and is recycled past a limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pulls: list[StreamPull] = []

    def add(self, pull: StreamPull) -> None:
        with self._lock:
            self._pulls.append(pull)

    def count(self) -> int:
        """Abandoned pulls still stuck (those whose call returned have ended and are forgotten)."""
        with self._lock:
            self._pulls = [p for p in self._pulls if p.alive]
            return len(self._pulls)


class CameraRunner:
    def __init__(
        self,
        spec: CameraSpec,
        tile_slot: int,
        board: FrameBoard,
        report: Report,
        stuck: StuckPulls | None = None,
    ) -> None:
        self.spec = spec
        self.tile_slot = tile_slot
        self._board = board
        self._report = report
        self._stuck = stuck or StuckPulls()
        self._lock = threading.RLock()
        self._view = SetView(spec.camera_id, ViewMode.OFF, (0, 0))
        self._sub: StreamPull | None = None
        self._main: StreamPull | None = None
        self._samples: dict[str, deque[tuple[float, int]]] = {}  # fps window: stream → (time, frames)
        self._inherited: dict[str, StreamHealth] = {}  # health a replacement pull takes over
        self.ring: PacketRing | None = None  # evidence clips: the sub-stream's last seconds

    def pulls(self) -> list[StreamPull]:
        return [p for p in (self._sub, self._main) if p is not None]

    def apply(self, view: SetView) -> None:
        """Start, reconfigure or stop pulls so that they match the wanted view."""
        with self._lock:
            self._view = view
            if self.spec.setup_error is not None:
                self._report_setup_error(view)
                return
            if view.mode == ViewMode.OFF:
                self._inherited.clear()
                self._stop(self._sub)
                self._sub = None
                self._stop(self._main)
                self._main = None
                return
            tile = Output(self.tile_slot, view.tile_size)
            separate_main = self.spec.main_url is not None and self.spec.main_url != self.spec.sub_url
            focus = view.focus if view.mode == ViewMode.FOCUSED else None
            sub_outputs = [tile] if separate_main or focus is None else [tile, focus]
            self._sub = self._ensure(self._sub, "sub")
            self._sub.configure(sub_outputs, keyframes_only=view.mode == ViewMode.KEYFRAMES)
            if separate_main and focus is not None:
                self._main = self._ensure(self._main, "main")
                self._main.configure([focus], keyframes_only=False)
            else:
                self._stop(self._main)
                self._main = None

    # --- evidence clips -------------------------------------------------------------------------------
    def buffer_clips(self, seconds: float) -> None:
        """Keep the sub-stream's last ``seconds`` of packets (0: keep none). The sub-stream pull runs
        whenever the camera is wanted at all (a watched camera: for detection samples)."""
        with self._lock:
            if seconds <= 0:
                self.ring = None
            elif self.ring is None:
                separate_main = self.spec.main_url is not None and self.spec.main_url != self.spec.sub_url
                self.ring = PacketRing(self.spec.camera_id, seconds, "sub" if separate_main else "main")
            else:
                self.ring.seconds = seconds
            if self._sub is not None:
                self._sub.ring = self.ring

    def cut_clip(self, request_id: int, raised_at: float, before_s: float, after_s: float) -> None:
        with self._lock:
            ring = self.ring
        if ring is None:
            raise ClipUnavailable(f"{self.spec.camera_id}: its packets are not kept (not a watched camera)")
        ring.start_cut(request_id, raised_at, before_s, after_s)

    def finished_clips(self, now: float) -> list[ClipCut | tuple[int, ClipUnavailable]]:
        ring = self.ring
        return [] if ring is None else ring.finished(now)

    def _report_setup_error(self, view: SetView) -> None:
        state = StreamState.STOPPED if view.mode == ViewMode.OFF else StreamState.OFFLINE
        snapshot = HealthSnapshot(
            state=state,
            since=time.time(),
            last_error=self.spec.setup_error,
            reason=StreamFailure.NO_STREAM_ADDRESS,
        )
        self._report(HealthChanged(self.spec.camera_id, "sub", snapshot))

    def stop(self) -> None:
        self.apply(SetView(self.spec.camera_id, ViewMode.OFF, (0, 0)))

    def _ensure(self, pull: StreamPull | None, which: Literal["sub", "main"]) -> StreamPull:
        if pull is not None and not pull.stopped:
            return pull
        url = self.spec.sub_url if which == "sub" else self.spec.main_url
        assert url is not None
        created = StreamPull(
            f"{self.spec.camera_id}/{which}",
            url,
            self.spec,
            self._board,
            self._listener(which),
            # Detection samples come from the sub-stream, which runs whenever the camera is wanted.
            sample_slot=self.tile_slot if which == "sub" and self._answers_samples() else None,
            health=self._inherited.pop(which, None),
        )
        if which == "sub":
            created.ring = self.ring
        created.start()
        return created

    def _answers_samples(self) -> bool:
        return self.tile_slot < self._board.layout.request_slots

    @staticmethod
    def _stop(pull: StreamPull | None) -> None:
        """Stop ``pull`` if running; returns None so callers can clear their reference with it."""
        if pull is not None:
            pull.stop()

    def _listener(self, which: Literal["sub", "main"]) -> Callable[[HealthSnapshot], None]:
        def on_health(snapshot: HealthSnapshot) -> None:
            self._report(HealthChanged(self.spec.camera_id, which, snapshot))

        return on_health

    def stats(self, now: float) -> dict[str, PullStats]:
        result = {}
        for which, pull in (("sub", self._sub), ("main", self._main)):
            if pull is None:
                continue
            samples = self._samples.setdefault(which, deque(maxlen=FPS_WINDOW_SAMPLES))
            if samples and samples[-1][1] > pull.frames:
                samples.clear()  # a new pull started counting from zero
            samples.append((now, pull.frames))
            t0, f0 = samples[0]
            fps = (pull.frames - f0) / (now - t0) if now > t0 else 0.0
            w, h = pull.source_size
            result[which] = PullStats(round(fps, 2), pull.packets, pull.frames, w, h)
        return result

    def watchdog(self, now_monotonic: float, hang_after_s: float) -> list[str]:
        """Mark stalls; replace every pull stuck inside libav for longer than ``hang_after_s`` with a
        fresh one (which takes over its health and backoff). Returns what was replaced, for the log."""
        replaced = []
        with self._lock:
            for which in ("sub", "main"):
                pull = self._sub if which == "sub" else self._main
                if pull is None:
                    continue
                pull.check_stall(now_monotonic)
                since = pull.decoding_since
                if since and now_monotonic - since > hang_after_s and not pull.stopped:
                    detail = f"decoder of {pull.name} stuck for {now_monotonic - since:.0f} s"
                    self._replace(which, pull, detail)
                    replaced.append(detail)
        return replaced

    def _replace(self, which: Literal["sub", "main"], pull: StreamPull, detail: str) -> None:
        health = pull.health  # before abandon() gives the stuck thread a health of its own
        pull.abandon()
        self._stuck.add(pull)
        health.error(time.time(), detail, StreamFailure.DECODER_HUNG)
        self._report(HealthChanged(self.spec.camera_id, which, health.snapshot))
        self._inherited[which] = health
        if which == "sub":
            self._sub = None
        else:
            self._main = None
        self.apply(self._view)  # a fresh pull, after the failure streak's backoff
