"""The demo's loudspeaker: what it hears over RTP is what was sent, kept as a WAV per announcement."""

from __future__ import annotations

import socket
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from app.adapters.voice.rtp_packets import RtpPacketizer
from app.core.voice import Clip, Codec
from app.demo.rtp_speaker import RtpSpeaker
from tests.voice_fakes import tone


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("codec", [Codec.PCMU, Codec.PCMA])
def test_the_demo_speaker_keeps_what_it_heard_in_order(tmp_path: Path, codec: Codec) -> None:
    speaker = RtpSpeaker("scn001", tmp_path).start()
    try:
        sent = Clip("x", tone(0.6, 523.0))
        packets = list(RtpPacketizer(codec).packets(sent.frames()))
        packets[3], packets[4] = packets[4], packets[3]  # the network reordered two packets
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for packet in [b"garbage", *packets]:
                sock.sendto(packet, ("127.0.0.1", speaker.port))
        wait_for(lambda: len(speaker.announcements()) == 1)
    finally:
        speaker.stop()
    (heard,) = speaker.announcements()
    assert heard.packets == 30 and heard.seconds == pytest.approx(0.6, abs=0.021)
    with wave.open(str(heard.path)) as wav:
        got = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(float)
    want = np.frombuffer(sent.pcm, "<i2").astype(float)
    corr = float(np.dot(got[: len(want)], want) / (np.linalg.norm(got[: len(want)]) * np.linalg.norm(want)))
    assert corr > 0.99  # G.711 keeps a tone nearly intact; a reordering would break this
