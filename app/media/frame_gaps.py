"""How long cameras went without a new picture: the measure of "no gap" in fault tests and benches.

A thread polls the frame board's counts (no copies) every ``poll_s`` and keeps, per camera, the
longest time between two new frames. Polling costs a few microseconds per camera; the measure is
accurate to ``poll_s`` (20 ms against the 67 ms between frames of a 15 fps camera).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

FrameCount = Callable[[str], int]  # camera id → frames published so far (0 before the first)


class FrameGapMeter:
    def __init__(self, count: FrameCount, cameras: Sequence[str], poll_s: float = 0.02) -> None:
        self._count = count
        self._cameras = list(cameras)
        self._poll_s = poll_s
        self._lock = threading.Lock()
        self._last: dict[str, tuple[int, float]] = {}
        self._gaps: dict[str, float] = dict.fromkeys(self._cameras, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-gap-meter", daemon=True)

    def start(self) -> FrameGapMeter:
        now = time.monotonic()
        self._last = {c: (self._count(c), now) for c in self._cameras}
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """Stop measuring; the longest gap per camera, the one still open at the end included."""
        self._stop.set()
        self._thread.join(timeout=2)
        self._sample(time.monotonic())
        return self.gaps()

    def __enter__(self) -> FrameGapMeter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def gaps(self) -> dict[str, float]:
        """The longest interval without a new frame so far, per camera (the open one included)."""
        now = time.monotonic()
        with self._lock:
            return {c: max(self._gaps[c], now - self._last[c][1]) for c in self._cameras}

    def worst(self) -> tuple[str, float]:
        """The camera with the longest gap, and that gap."""
        gaps = self.gaps()
        camera = max(gaps, key=lambda c: gaps[c])
        return camera, gaps[camera]

    def _run(self) -> None:
        while not self._stop.wait(self._poll_s):
            self._sample(time.monotonic())

    def _sample(self, now: float) -> None:
        for camera in self._cameras:
            count = self._count(camera)
            with self._lock:
                seen, at = self._last[camera]
                if count != seen:
                    self._gaps[camera] = max(self._gaps[camera], now - at)
                    self._last[camera] = (count, now)
