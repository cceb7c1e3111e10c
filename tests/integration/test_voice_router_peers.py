"""The router with the real transports: twenty speakers at once, nineteen RTP receivers on loopback
and one SIP speaker that never answers. The silent one fails on its own time (TIMEOUT, tried twice)
while the nineteen have heard the whole prompt long before."""

from __future__ import annotations

import contextlib
import time

import pytest

from app.adapters.voice.delivery import VoiceDelivery
from app.adapters.voice.rtp import RtpTransport
from app.adapters.voice.sip import SipTimers, SipTransport
from app.core.voice import Clip, DeliveryFailure, DeliveryKind, Speaker, VoicePriority
from tests import voice_peers
from tests.voice_uas import Script, ScriptedUas

pytestmark = [pytest.mark.peer, pytest.mark.slow]

ANSWER_TIMEOUT_S = 2.0


def test_a_silent_speaker_delays_none_of_nineteen_others() -> None:
    clip = Clip("prompt", voice_peers.speech_like(0.4))
    timers = SipTimers(t1_s=0.1, answer_timeout_s=ANSWER_TIMEOUT_S)
    router = VoiceDelivery(
        {DeliveryKind.RTP: RtpTransport(), DeliveryKind.SIP: SipTransport(timers=timers)}, retry_delay_s=0.1
    )
    silent = ScriptedUas(Script(silent=True))
    with contextlib.ExitStack() as stack:
        stack.callback(router.close)
        stack.callback(silent.close)
        sinks = [stack.enter_context(voice_peers.sink("127.0.0.1")) for _ in range(19)]
        speakers = [
            Speaker(f"rtp{n}", f"RTP {n}", DeliveryKind.RTP, f"rtp://127.0.0.1:{s.port}")
            for n, s in enumerate(sinks)
        ]
        speakers.insert(7, Speaker("dead", "Silent SIP", DeliveryKind.SIP, silent.address))
        asked = time.time()
        deliveries = router.announce(speakers, clip, VoicePriority.OPERATOR).result.result(
            4 * ANSWER_TIMEOUT_S
        )
    dead = deliveries[7]
    assert dead.failure is DeliveryFailure.TIMEOUT and dead.attempts == 2, dead
    live = [d for d in deliveries if d is not dead]
    assert all(d.delivered and d.sent_pcm == clip.pcm for d in live)
    # Every one of the nineteen had played the whole prompt before the silent one's first timeout.
    finished = max(d.ended_at or 0 for d in live) - asked
    assert finished < ANSWER_TIMEOUT_S, finished
    assert [len(s.packets) for s in sinks] == [20] * 19
    assert list(router.down()) == ["dead"]
