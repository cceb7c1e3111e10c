"""What each delivery adapter implements: play one stream of 20 ms frames on one speaker, paced in
real time, stoppable, and say how it went (:class:`~app.core.voice.Delivery`).

The router (:mod:`app.adapters.voice.delivery`) fans one clip or live stream out to many speakers,
one thread each, keeps the priorities and the "down" list; a transport only knows its protocol.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from app.core.voice import Delivery, Speaker

FRAME_S = 0.020


class Transport(Protocol):
    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        """Send ``frames`` (20 ms of 8 kHz 16-bit mono PCM each) to ``speaker`` in real time; return
        when they are sent, ``stop`` is set (failure STOPPED or PREEMPTED as the router says), or the
        speaker fails. ``Delivery.sent_pcm`` holds the frames that actually left. Never raises for a
        speaker's fault: that is a failed Delivery with its reason."""
        ...


def paced(
    frames: Iterable[bytes],
    stop: threading.Event,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] | None = None,
) -> Iterator[bytes]:
    """``frames`` at one per 20 ms on an absolute schedule (a late frame does not delay the rest);
    stops early when ``stop`` is set. A live stream that runs dry for a while restarts the schedule
    (its frames come when the microphone gives them)."""
    wait = sleep if sleep is not None else stop.wait
    start = clock()
    n = 0
    for frame in frames:
        if stop.is_set():
            return
        due = start + n * FRAME_S
        now = clock()
        if now < due:
            wait(due - now)
            if stop.is_set():
                return
        elif now - due > 0.5:  # more than half a second behind: the source stalled, not us
            start, n = now, 0
        yield frame
        n += 1
