"""The voice bench measures what it says: its receivers hear what the RTP transport sends (both
laws, byte for byte, on the sender's clock), and its figures find lost packets, a sender off the
20 ms rate, a late stream and a speaker that heard nothing."""

from __future__ import annotations

import math
import sys
import threading
import time

import numpy as np
import pytest

from app.adapters.voice.rtp import RtpTransport
from app.core.voice import Clip, Codec, DeliveryKind, Speaker
from bench.voice_figures import FRAME_S, assign, expected_payload, pacing
from bench.voice_receivers import Receivers, Stream


def tone(seconds: float) -> Clip:
    samples = np.sin(np.arange(int(8000 * seconds)) * 2 * np.pi * 440 / 8000) * 9000
    return Clip("tone", samples.astype("<i2").tobytes())


def stream(port: int, arrivals: list[float], sequences: list[int], clip: Clip, codec: Codec) -> Stream:
    """A stream as a receiver keeps it, the clip's frames under the given sequence numbers."""
    payload = expected_payload(clip, codec)
    heard = Stream(port, ssrc=7, payload_type=0 if codec is Codec.PCMU else 8)
    base = sequences[0]
    for at, seq in zip(arrivals, sequences, strict=True):
        offset = (seq - base) & 0xFFFF
        heard.add(at, seq, payload[offset * 160 : (offset + 1) * 160], kernel=True)
    return heard


def test_receivers_hear_both_laws_byte_for_byte_on_the_senders_clock() -> None:
    clip = tone(0.3)
    receivers = Receivers.start(2)
    speakers = [
        Speaker(f"s{n}", f"s{n}", DeliveryKind.RTP, f"rtp://127.0.0.1:{port}", codec)
        for n, (port, codec) in enumerate(zip(receivers.ports, (Codec.PCMU, Codec.PCMA), strict=True))
    ]
    before = time.time()
    try:
        threads = [
            threading.Thread(target=RtpTransport().play, args=(s, clip.frames(), threading.Event()))
            for s in speakers
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    finally:
        streams = receivers.stop()
    after = time.time()
    assert sorted(s.port for s in streams) == sorted(receivers.ports)
    frames = len(list(clip.frames()))
    for heard in streams:
        codec = Codec.PCMU if heard.port == receivers.ports[0] else Codec.PCMA
        figures = pacing(heard, frames, expected_payload(clip, codec), codec)
        assert figures.exact and figures.right_law and figures.lost == 0 and figures.packets == frames
        assert before <= heard.first <= heard.last <= after  # time.time's clock on both sides
        if sys.platform == "linux":
            assert heard.kernel_stamps


def test_pacing_finds_a_slow_sender_a_lost_packet_and_a_late_one() -> None:
    clip = tone(1.0)  # 50 frames
    payload = expected_payload(clip, Codec.PCMU)
    on_time = stream(
        1, [100 + k * FRAME_S for k in range(50)], [(65530 + k) & 0xFFFF for k in range(50)], clip, Codec.PCMU
    )
    figures = pacing(on_time, 50, payload, Codec.PCMU)
    assert figures.rate_err_pct == pytest.approx(0, abs=1e-6) and figures.lost == 0 and figures.exact
    assert figures.jitter_ms == pytest.approx(0, abs=1e-6) and figures.duration_err_pct == pytest.approx(
        0, abs=1e-6
    )

    slow = stream(1, [100 + k * 0.021 for k in range(50)], list(range(50)), clip, Codec.PCMU)
    assert pacing(slow, 50, payload, Codec.PCMU).rate_err_pct == pytest.approx(5.0)

    gone = [k for k in range(50) if k != 20]  # one packet lost: the rate is taken over its slot too
    lossy = stream(1, [100 + k * FRAME_S for k in gone], gone, clip, Codec.PCMU)
    figures = pacing(lossy, 50, payload, Codec.PCMU)
    assert figures.lost == 1 and not figures.exact and figures.rate_err_pct == pytest.approx(0, abs=1e-6)
    assert figures.jitter_ms == pytest.approx(20)  # the hole looks like a 40 ms interval

    late = [100 + k * FRAME_S + (0.030 if k == 10 else 0) for k in range(50)]
    figures = pacing(stream(1, late, list(range(50)), clip, Codec.PCMU), 50, payload, Codec.PCMU)
    assert figures.lag_ms == pytest.approx(30) and figures.jitter_ms == pytest.approx(30)
    assert not pacing(on_time, 50, payload, Codec.PCMA).right_law


def test_streams_are_matched_to_their_round_and_a_silent_speaker_is_infinitely_late() -> None:
    clip = tone(0.2)
    early = stream(1, [99.0], [0], clip, Codec.PCMU)  # before the first round: nobody's
    first = stream(1, [100.05, 100.07], [0, 1], clip, Codec.PCMU)
    second = stream(1, [104.2, 104.22], [5, 6], clip, Codec.PCMU)
    other = stream(2, [100.1], [0], clip, Codec.PCMA)
    heard = assign([100.0, 104.0], {1: Codec.PCMU, 2: Codec.PCMA}, [early, first, other, second])
    by = {(h.round, h.port): h for h in heard}
    assert by[0, 1].stream is first and by[0, 1].start_ms == pytest.approx(50)
    assert by[1, 1].stream is second and by[1, 1].start_ms == pytest.approx(200)
    assert by[0, 2].stream is other and by[1, 2].stream is None and math.isinf(by[1, 2].start_ms)
