"""The voice router: :class:`~app.core.voice.SpeakerPort` over one transport per delivery kind.

``announce`` plays a clip (or a live stream of 20 ms frames) on every target at once, one pool
thread per speaker, so a speaker that hangs or is down never delays the others. Per speaker, a
play of higher :class:`VoicePriority` pre-empts the one playing (its delivery says PREEMPTED) and
starts once the transport has let go; a play of lower or equal priority is refused at once (BUSY).
A clip that failed as UNREACHABLE or TIMEOUT before any audio left is tried once more
(``Delivery.attempts``); live audio is never replayed. ``down()`` lists the speakers whose latest
play failed for a reason that says the speaker cannot play (not BUSY, PREEMPTED or STOPPED).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial

from app.adapters.voice.transport import Transport, paced
from app.core.voice import (
    SAMPLE_RATE,
    Announcement,
    Clip,
    Delivery,
    DeliveryFailure,
    DeliveryKind,
    Speaker,
    VoicePriority,
)

log = logging.getLogger(__name__)

RETRIED = frozenset({DeliveryFailure.UNREACHABLE, DeliveryFailure.TIMEOUT})
# Failures that say nothing about the speaker's health: it is not shown as down for them.
NOT_DOWN = frozenset({DeliveryFailure.BUSY, DeliveryFailure.PREEMPTED, DeliveryFailure.STOPPED})


@dataclass(eq=False)
class _Play:
    speaker: Speaker
    priority: VoicePriority
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    before: _Play | None = None  # the play it pre-empted: it starts once that one has ended
    preempted_by: VoicePriority | None = None
    ended: Callable[[], None] | None = None  # a live play's share of the fan-out is no longer wanted


class _Announcement:
    """One announce call: a future of the deliveries in target order, and stop."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = list(ids)
        self._found: dict[str, Delivery] = {}
        self._lock = threading.Lock()
        self._plays: list[_Play] = []
        self._result: Future[tuple[Delivery, ...]] = Future()
        self._result.set_running_or_notify_cancel()
        self._check()

    @property
    def result(self) -> Future[tuple[Delivery, ...]]:
        return self._result

    def stop(self) -> None:
        with self._lock:
            plays = list(self._plays)
        for play in plays:
            play.stop.set()

    def add(self, play: _Play) -> None:
        with self._lock:
            self._plays.append(play)

    def finish(self, delivery: Delivery) -> None:
        with self._lock:
            self._found[delivery.speaker_id] = delivery
        self._check()

    def _check(self) -> None:
        with self._lock:
            if self._result.done() or any(i not in self._found for i in self._ids):
                return
            result = tuple(self._found[i] for i in self._ids)
        self._result.set_result(result)


class VoiceDelivery:
    """:class:`~app.core.voice.SpeakerPort` with the transports given per kind (a kind without one
    fails NOT_CONFIGURED). ``workers``: plays at once, all announcements together;
    ``live_depth_frames``: how far (2 s) a speaker may fall behind a live talk, as a SIP call that is
    still being answered does, before it loses the oldest frames."""

    def __init__(
        self,
        transports: Mapping[DeliveryKind, Transport],
        *,
        workers: int = 128,
        retry_delay_s: float = 0.5,
        preempt_wait_s: float = 5.0,
        live_depth_frames: int = 100,
    ) -> None:
        self._transports = dict(transports)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voice")
        self._retry_delay_s, self._preempt_wait_s = retry_delay_s, preempt_wait_s
        self._live_depth = live_depth_frames
        self._lock = threading.Lock()
        self._playing: dict[str, _Play] = {}
        self._down: dict[str, Delivery] = {}
        self._closed = False

    def announce(
        self, targets: Sequence[Speaker], clip: Clip | Iterator[bytes], priority: VoicePriority
    ) -> Announcement:
        unique: dict[str, Speaker] = {}
        for speaker in targets:
            unique.setdefault(speaker.id, speaker)  # a speaker named twice plays once
        announcement = _Announcement([s.id for s in targets])
        started: list[tuple[_Play, Transport]] = []
        refused: list[Delivery] = []
        with self._lock:
            if self._closed:
                raise RuntimeError("the voice router is closed")
            for speaker in unique.values():
                transport = self._transports.get(speaker.kind)
                current = self._playing.get(speaker.id)
                if transport is None:
                    detail = f"no {speaker.kind.value} delivery is set up on this workstation"
                    refused.append(Delivery(speaker.id, False, DeliveryFailure.NOT_CONFIGURED, detail))
                    self._note(refused[-1])
                elif current is not None and current.priority >= priority:
                    detail = f"a play of priority {current.priority.name.lower()} is on this speaker"
                    refused.append(Delivery(speaker.id, False, DeliveryFailure.BUSY, detail))
                else:
                    play = _Play(speaker, priority, before=current)
                    if current is not None:
                        current.preempted_by = priority
                        current.stop.set()
                    self._playing[speaker.id] = play
                    announcement.add(play)
                    started.append((play, transport))
        for delivery in refused:  # outside the lock: the future's callbacks may announce again
            announcement.finish(delivery)
        if isinstance(clip, Clip):
            frames = list(clip.frames())
            for play, transport in started:
                self._pool.submit(self._run, play, transport, lambda: iter(frames), True, announcement)
        else:
            fan_out = _FanOut(clip, [play.stop for play, _ in started], self._live_depth)
            for i, (play, transport) in enumerate(started):
                play.ended = partial(fan_out.leave, i)
                self._pool.submit(self._run, play, transport, fan_out.consumer(i), False, announcement)
        return announcement

    def down(self) -> Mapping[str, Delivery]:
        with self._lock:
            return dict(self._down)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            plays = list(self._playing.values())
        for play in plays:
            play.stop.set()
        self._pool.shutdown(wait=True)

    # --- one speaker -------------------------------------------------------------------------------
    def _run(
        self,
        play: _Play,
        transport: Transport,
        source: Callable[[], Iterable[bytes]],
        retry: bool,
        announcement: _Announcement,
    ) -> None:
        delivery = Delivery(play.speaker.id, False, DeliveryFailure.STOPPED, "stopped before it played")
        try:
            if play.before is not None and not play.before.done.wait(self._preempt_wait_s):
                log.warning("speaker %s: the pre-empted play did not end in time", play.speaker.id)
            delivery = self._attempts(play, transport, source, retry)
        finally:
            if play.preempted_by is not None and delivery.failure is DeliveryFailure.STOPPED:
                by = play.preempted_by.name.lower()
                detail = f"a play of priority {by} took the speaker"
                if delivery.sent_pcm:
                    detail += f" after {len(delivery.sent_pcm) / (2 * SAMPLE_RATE):.2f} s"
                delivery = replace(delivery, failure=DeliveryFailure.PREEMPTED, detail=detail)
            with self._lock:
                if self._playing.get(play.speaker.id) is play:
                    del self._playing[play.speaker.id]
                self._note(delivery)
            play.done.set()
            if play.ended is not None:
                play.ended()
            announcement.finish(delivery)

    def _attempts(
        self, play: _Play, transport: Transport, source: Callable[[], Iterable[bytes]], retry: bool
    ) -> Delivery:
        attempts = 0
        while True:
            if play.stop.is_set():
                return Delivery(play.speaker.id, False, DeliveryFailure.STOPPED, "stopped before it played")
            attempts += 1
            try:
                delivery = transport.play(play.speaker, source(), play.stop)
            except Exception as exc:  # a transport's bug must not leave the announcement hanging
                log.exception("speaker %s: the %s transport failed", play.speaker.id, play.speaker.kind.value)
                detail = f"internal error: {type(exc).__name__}"
                delivery = Delivery(play.speaker.id, False, DeliveryFailure.BAD_RESPONSE, detail)
            delivery = replace(delivery, attempts=attempts)
            again = retry and attempts == 1 and delivery.failure in RETRIED and not delivery.sent_pcm
            if not again or play.stop.wait(self._retry_delay_s):
                return delivery
            log.info("speaker %s: %s, trying once more", play.speaker.id, delivery.detail)

    def _note(self, delivery: Delivery) -> None:
        """Keep the down list (under the lock)."""
        if delivery.delivered:
            self._down.pop(delivery.speaker_id, None)
        elif delivery.failure not in NOT_DOWN:
            self._down[delivery.speaker_id] = delivery


class _FanOut:
    """One live frame source to several speakers, taken in real time: each speaker has its own
    bounded queue, so one that falls behind loses its oldest frames instead of holding the others
    (or the microphone) back."""

    def __init__(self, source: Iterator[bytes], stops: Sequence[threading.Event], depth: int) -> None:
        self._source, self._stops = source, list(stops)
        self._queues: list[queue.Queue[bytes | None]] = [queue.Queue(depth) for _ in stops]
        self._gone = [False] * len(stops)
        self._all_gone = threading.Event()
        if stops:
            threading.Thread(target=self._pump, name="voice-live", daemon=True).start()

    def consumer(self, index: int) -> Callable[[], Iterable[bytes]]:
        return lambda: self._frames(index)

    def _frames(self, index: int) -> Iterator[bytes]:
        line, stop = self._queues[index], self._stops[index]
        try:
            while not stop.is_set():
                try:
                    frame = line.get(timeout=0.1)
                except queue.Empty:
                    continue
                if frame is None:
                    return
                yield frame
        finally:
            self.leave(index)

    def leave(self, index: int) -> None:
        """Speaker ``index`` takes no more frames (its play ended, maybe before it took any)."""
        self._gone[index] = True
        if all(self._gone):
            self._all_gone.set()  # the pump stops taking frames from the source

    def _pump(self) -> None:
        try:
            # Paced like the speakers: a source faster than real time (a file played as "live")
            # must not overrun the queues; a microphone is real time already.
            for frame in paced(self._source, self._all_gone):
                for line in self._queues:
                    _put_latest(line, frame)
        except Exception:
            log.exception("the live audio source failed")
        finally:
            for line in self._queues:
                _put_latest(line, None)


def _put_latest(line: queue.Queue[bytes | None], item: bytes | None) -> None:
    while True:
        try:
            line.put_nowait(item)
            return
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                line.get_nowait()  # drop the oldest
