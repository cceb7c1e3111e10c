"""RTP G.711 to real receivers: GStreamer and FFmpeg write what they hear to a WAV, compared with what
was sent (cross-correlation ≥ 0.98, duration within 40 ms), PCMU and PCMA, unicast on loopback; a
Python receiver checks the pacing (±5 %). Multicast runs the same inside a private network namespace
(tests/voice_netns.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.adapters.voice.rtp import RtpTransport
from app.core.voice import Clip, Codec, DeliveryKind, Speaker
from tests import voice_peers
from tests.voice_netns import run_in_netns

pytestmark = pytest.mark.peer

SECONDS = 2.0


def check_recording(sent: bytes, received: bytes, codec: Codec) -> voice_peers.Match:
    match = voice_peers.compare(voice_peers.on_the_wire(sent, codec), received)
    print(f"{codec.value}: {match}, duration error {match.duration_error_ms:.1f} ms")  # shown with -s
    assert match.correlation >= 0.98, match
    assert match.duration_error_ms <= 40, match
    return match


@pytest.mark.parametrize("codec", [Codec.PCMU, Codec.PCMA])
@pytest.mark.parametrize("receiver", ["gst", "ffmpeg"])
def test_unicast_prompt_is_heard_as_sent(tmp_path: Path, receiver: str, codec: Codec) -> None:
    port = voice_peers.free_udp_port()
    clip = Clip("prompt", voice_peers.speech_like(SECONDS))
    speaker = Speaker("spk", "Speaker", DeliveryKind.RTP, f"rtp://127.0.0.1:{port}", codec)
    listening = voice_peers.start_receiver(receiver, "127.0.0.1", port, codec, tmp_path)
    try:
        delivery = RtpTransport().play(speaker, clip.frames(), threading.Event())
    finally:
        received = listening.stop()
    assert delivery.delivered, delivery
    assert delivery.sent_pcm == clip.pcm
    check_recording(clip.pcm, received, codec)


@pytest.mark.parametrize("codec", [Codec.PCMU, Codec.PCMA])
def test_packets_arrive_in_real_time(codec: Codec) -> None:
    clip = Clip("prompt", voice_peers.speech_like(SECONDS))
    with voice_peers.sink("127.0.0.1") as sink:
        speaker = Speaker("spk", "Speaker", DeliveryKind.RTP, f"rtp://127.0.0.1:{sink.port}", codec)
        delivery = RtpTransport().play(speaker, clip.frames(), threading.Event())
        voice_peers.wait_packets(sink, SECONDS * 50)
    assert delivery.delivered
    pacing = sink.pacing()
    print(f"{codec.value}: pacing {pacing}")
    assert abs(pacing["rate_error_pct"]) <= 5, pacing
    assert delivery.started_at is not None and delivery.ended_at is not None
    assert abs((delivery.ended_at - delivery.started_at) / SECONDS - 1) <= 0.05, delivery
    assert sink.pcm(codec) == voice_peers.on_the_wire(clip.pcm, codec)


@pytest.mark.parametrize(("codec", "interface"), [(Codec.PCMU, None), (Codec.PCMA, "127.0.0.1")])
def test_multicast_prompt_is_heard_by_every_receiver_in_the_group(
    tmp_path: Path, codec: Codec, interface: str | None
) -> None:
    voice_peers.need("gst-launch-1.0", "gstreamer1.0-tools")
    voice_peers.need("ffmpeg", "ffmpeg")
    found = run_in_netns(
        "rtp_multicast", codec=codec.value, seconds=SECONDS, folder=str(tmp_path), interface=interface
    )
    clip = Clip("prompt", voice_peers.speech_like(SECONDS))
    assert found["delivered"], found
    print(f"multicast {codec.value}: pacing {found['pacing']}")
    for name in ("gst", "ffmpeg"):
        check_recording(clip.pcm, voice_peers.read_wav(Path(found[name])), codec)
    assert abs(found["pacing"]["rate_error_pct"]) <= 5, found["pacing"]
    assert found["ttls"] == [3]  # the address's ?ttl= over the speaker's own
