"""The voice router (VoiceDelivery) with scripted transports: fan-out, priorities, retry, the down list."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

import pytest

from app.adapters.voice.delivery import VoiceDelivery
from app.core.voice import (
    FRAME_BYTES,
    Clip,
    Delivery,
    DeliveryFailure,
    DeliveryKind,
    Speaker,
    SpeakerPort,
    VoicePriority,
)

Behaviour = Callable[[Speaker, Iterable[bytes], threading.Event], Delivery]
WAIT_S = 10.0  # generous: only a broken router waits this long


def speaker(n: int, kind: DeliveryKind = DeliveryKind.RTP) -> Speaker:
    return Speaker(f"spk{n}", f"Speaker {n}", kind, f"rtp://127.0.0.1:{20000 + 2 * n}")


def clip(frames: int = 5) -> Clip:
    return Clip("prompt", (bytes(range(256)) * frames * 2)[: frames * FRAME_BYTES])


def sent(speaker: Speaker, frames: Iterable[bytes], stop: threading.Event, hold_s: float = 0.0) -> Delivery:
    """Take every frame (holding each ``hold_s``), STOPPED when stop is set before the last."""
    taken: list[bytes] = []
    for frame in frames:
        if stop.is_set():
            return Delivery(speaker.id, False, DeliveryFailure.STOPPED, "stopped", sent_pcm=b"".join(taken))
        taken.append(frame)
        stop.wait(hold_s)
    return Delivery(speaker.id, True, started_at=1.0, ended_at=2.0, sent_pcm=b"".join(taken))


class ScriptedTransport:
    """Plays by the behaviour given per speaker id (default: takes every frame at once)."""

    def __init__(self) -> None:
        self.behaviour: dict[str, list[Behaviour]] = {}  # one per attempt; the last one repeats
        self.log: list[tuple[str, str]] = []  # ("start" | "end", speaker id), in order
        self.lock = threading.Lock()

    def script(self, speaker_id: str, *behaviours: Behaviour) -> None:
        self.behaviour[speaker_id] = list(behaviours)

    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        with self.lock:
            self.log.append(("start", speaker.id))
            script = self.behaviour.get(speaker.id, [sent])
            behaviour = script.pop(0) if len(script) > 1 else script[0]
        try:
            return behaviour(speaker, frames, stop)
        finally:
            with self.lock:
                self.log.append(("end", speaker.id))

    def started(self, speaker_id: str) -> bool:
        with self.lock:
            return ("start", speaker_id) in self.log


def holding(speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
    return sent(speaker, frames, stop, hold_s=0.05)


def failing(failure: DeliveryFailure, after_frames: int = 0) -> Behaviour:
    def behaviour(speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        taken = b"".join(list(frames)[:after_frames])
        return Delivery(speaker.id, False, failure, f"scripted {failure.value}", sent_pcm=taken)

    return behaviour


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def router(transport: ScriptedTransport) -> Iterator[VoiceDelivery]:
    transports = {DeliveryKind.RTP: transport, DeliveryKind.SIP: transport}
    router = VoiceDelivery(transports, retry_delay_s=0.01, live_depth_frames=10)
    _port: SpeakerPort = router  # mypy holds it to the core's port
    yield router
    router.close()


def wait_for(predicate: Callable[[], bool], what: str) -> None:
    done = threading.Event()
    for _ in range(int(WAIT_S / 0.01)):
        if predicate():
            return
        done.wait(0.01)
    pytest.fail(f"timed out waiting for {what}")


def test_every_target_gets_the_clip_and_the_result_keeps_their_order(router, transport) -> None:
    a, b, c = speaker(1), speaker(2), speaker(3, DeliveryKind.SIP)
    deliveries = router.announce([c, a, b, a], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert [d.speaker_id for d in deliveries] == ["spk3", "spk1", "spk2", "spk1"]
    assert all(d.delivered and d.sent_pcm == clip().pcm and d.attempts == 1 for d in deliveries)
    assert sorted(sid for what, sid in transport.log if what == "start") == ["spk1", "spk2", "spk3"]  # once
    assert router.announce([], clip(), VoicePriority.OPERATOR).result.result(WAIT_S) == ()


def test_a_kind_without_a_transport_is_not_configured_and_shown_down(router) -> None:
    http = Speaker("gate", "Gate", DeliveryKind.HTTP, "http://127.0.0.1:1/play")
    (delivery,) = router.announce([http], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED and "http" in delivery.detail
    assert router.down()["gate"].failure is DeliveryFailure.NOT_CONFIGURED


def test_a_higher_priority_preempts_and_starts_once_the_lower_has_let_go(router, transport) -> None:
    spk = speaker(1)
    transport.script(spk.id, holding, sent)
    automatic = router.announce([spk], clip(200), VoicePriority.AUTOMATIC)
    wait_for(lambda: transport.started(spk.id), "the automatic prompt to start")
    live = router.announce([spk], clip(), VoicePriority.LIVE)
    (first,) = automatic.result.result(WAIT_S)
    (second,) = live.result.result(WAIT_S)
    assert first.failure is DeliveryFailure.PREEMPTED and "live" in first.detail
    assert 0 < len(first.sent_pcm) < len(clip(200).pcm)  # cut off where the live talk took over
    assert second.delivered
    assert transport.log == [("start", "spk1"), ("end", "spk1"), ("start", "spk1"), ("end", "spk1")]
    assert "spk1" not in router.down()  # pre-empted is not down


@pytest.mark.parametrize("second", [VoicePriority.AUTOMATIC, VoicePriority.OPERATOR])
def test_a_lower_or_equal_priority_is_refused_busy_and_the_play_goes_on(router, transport, second) -> None:
    spk = speaker(1)
    transport.script(spk.id, holding)
    first = router.announce([spk], clip(20), VoicePriority.OPERATOR)
    wait_for(lambda: transport.started(spk.id), "the first prompt to start")
    (refused,) = router.announce([spk], clip(), second).result.result(WAIT_S)
    assert refused.failure is DeliveryFailure.BUSY and "operator" in refused.detail
    assert first.result.result(WAIT_S)[0].delivered  # untouched by the refusal
    assert "spk1" not in router.down()
    # once it is over, the speaker is free again
    assert router.announce([spk], clip(1), second).result.result(WAIT_S)[0].delivered


@pytest.mark.parametrize("failure", [DeliveryFailure.UNREACHABLE, DeliveryFailure.TIMEOUT])
def test_a_clip_is_tried_once_more_when_nothing_left(router, transport, failure) -> None:
    spk = speaker(1)
    transport.script(spk.id, failing(failure), sent)
    (delivery,) = router.announce([spk], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert delivery.delivered and delivery.attempts == 2


@pytest.mark.parametrize(
    ("failure", "after_frames"),
    [(DeliveryFailure.UNREACHABLE, 2), (DeliveryFailure.REFUSED, 0), (DeliveryFailure.BUSY, 0)],
)
def test_no_retry_once_audio_left_or_when_the_peer_said_no(router, transport, failure, after_frames) -> None:
    spk = speaker(1)
    transport.script(spk.id, failing(failure, after_frames), sent)
    (delivery,) = router.announce([spk], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert delivery.failure is failure and delivery.attempts == 1


def test_live_audio_is_never_replayed(router, transport) -> None:
    spk = speaker(1)
    transport.script(spk.id, failing(DeliveryFailure.UNREACHABLE), sent)
    (delivery,) = router.announce([spk], iter([b"\0" * FRAME_BYTES] * 3), VoicePriority.LIVE).result.result(
        WAIT_S
    )
    assert delivery.failure is DeliveryFailure.UNREACHABLE and delivery.attempts == 1


def test_down_lists_the_latest_failure_and_a_success_clears_it(router, transport) -> None:
    spk = speaker(1)
    transport.script(spk.id, failing(DeliveryFailure.REFUSED), sent)
    router.announce([spk], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert router.down()["spk1"].detail == "scripted refused"
    router.announce([spk], clip(), VoicePriority.OPERATOR).result.result(WAIT_S)
    assert router.down() == {}


def test_one_dead_speaker_does_not_delay_nineteen_others(router, transport) -> None:
    speakers = [speaker(n) for n in range(20)]
    dead = speakers[7]
    release = threading.Event()
    together = threading.Barrier(19, timeout=WAIT_S)  # the 19 only pass if they play at the same time

    def hangs(spk: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        release.wait(WAIT_S)
        return Delivery(spk.id, False, DeliveryFailure.TIMEOUT, "no answer", sent_pcm=b"x")

    def at_once(spk: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        together.wait()
        return sent(spk, frames, stop)

    for spk in speakers:
        transport.script(spk.id, hangs if spk is dead else at_once)
    announcement = router.announce(speakers, clip(), VoicePriority.EMERGENCY)
    wait_for(lambda: sum(what == "end" for what, _ in transport.log) == 19, "the 19 live speakers")
    assert ("end", dead.id) not in transport.log and not announcement.result.done()
    release.set()
    deliveries = announcement.result.result(WAIT_S)
    assert [d.delivered for d in deliveries] == [spk is not dead for spk in speakers]
    assert deliveries[7].failure is DeliveryFailure.TIMEOUT
    assert list(router.down()) == [dead.id]


def test_live_frames_reach_every_speaker_and_a_slow_one_holds_nobody_back(router, transport) -> None:
    frames = [bytes([n]) * FRAME_BYTES for n in range(40)]
    slow_may_go = threading.Event()

    def slow(spk: Speaker, source: Iterable[bytes], stop: threading.Event) -> Delivery:
        slow_may_go.wait(WAIT_S)
        return sent(spk, source, stop)

    speakers = [speaker(n) for n in range(4)]
    transport.script(speakers[3].id, slow)
    announcement = router.announce(speakers, iter(frames), VoicePriority.LIVE)
    wait_for(lambda: sum(what == "end" for what, _ in transport.log) == 3, "the three quick speakers")
    slow_may_go.set()
    deliveries = announcement.result.result(WAIT_S)
    assert [d.sent_pcm for d in deliveries[:3]] == [b"".join(frames)] * 3
    # the slow one lost the oldest frames it could not keep up with, never the latest
    assert deliveries[3].delivered and b"".join(frames).endswith(deliveries[3].sent_pcm)
    assert 0 < len(deliveries[3].sent_pcm) <= 10 * FRAME_BYTES


def test_stop_ends_every_play_as_stopped(router, transport) -> None:
    speakers = [speaker(n) for n in range(3)]
    for spk in speakers:
        transport.script(spk.id, holding)
    announcement = router.announce(speakers, clip(400), VoicePriority.OPERATOR)
    wait_for(lambda: all(transport.started(s.id) for s in speakers), "every speaker to start")
    announcement.stop()
    deliveries = announcement.result.result(WAIT_S)
    assert {d.failure for d in deliveries} == {DeliveryFailure.STOPPED}
    assert router.down() == {}


def test_a_transport_that_raises_fails_that_speaker_only(router, transport) -> None:
    def broken(spk: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        raise RuntimeError("bug")

    transport.script("spk1", broken)
    announcement = router.announce([speaker(0), speaker(1)], clip(), VoicePriority.OPERATOR)
    good, bad = announcement.result.result(WAIT_S)
    assert good.delivered and bad.failure is DeliveryFailure.BAD_RESPONSE and "RuntimeError" in bad.detail


def test_close_stops_what_plays_and_refuses_new_announcements(transport) -> None:
    router = VoiceDelivery({DeliveryKind.RTP: transport})
    transport.script("spk1", holding)
    announcement = router.announce([speaker(1)], clip(400), VoicePriority.OPERATOR)
    wait_for(lambda: transport.started("spk1"), "the prompt to start")
    router.close()
    assert announcement.result.result(WAIT_S)[0].failure is DeliveryFailure.STOPPED
    with pytest.raises(RuntimeError, match="closed"):
        router.announce([speaker(1)], clip(), VoicePriority.OPERATOR)
