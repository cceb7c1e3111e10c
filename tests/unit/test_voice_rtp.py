"""RTP G.711 to a socket on loopback: the packets, a stop, a speaker that is not there, bad addresses."""

from __future__ import annotations

import socket
import threading

import pytest

from app.adapters.voice import g711
from app.adapters.voice.rtp import RtpAddress, RtpTransport, parse_rtp_address
from app.adapters.voice.rtp_packets import parse
from app.core.voice import FRAME_BYTES, Clip, Codec, DeliveryFailure, DeliveryKind, Speaker
from tests import voice_peers

CLIP = Clip("prompt", voice_peers.speech_like(0.2))  # 10 packets


def rtp_speaker(address: str, codec: Codec = Codec.PCMU) -> Speaker:
    return Speaker("spk", "Speaker", DeliveryKind.RTP, address, codec)


@pytest.mark.parametrize(
    ("address", "parsed"),
    [
        ("rtp://239.0.1.10:5004", RtpAddress("239.0.1.10", 5004)),
        ("rtp://239.0.1.10:5004?ttl=4", RtpAddress("239.0.1.10", 5004, 4)),
        ("RTP://speaker-7.local:6000", RtpAddress("speaker-7.local", 6000)),
        ("rtp://[ff0e::10]:5004", RtpAddress("ff0e::10", 5004)),
    ],
)
def test_addresses(address: str, parsed: RtpAddress) -> None:
    assert parse_rtp_address(address) == parsed


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("udp://1.2.3.4:5004", "starts with rtp://"),
        ("rtp://1.2.3.4", "give the host and the port"),
        ("rtp://1.2.3.4:70000", "port must be"),
        ("rtp://1.2.3.4:5004?ttl=0", "ttl must be"),
        ("rtp://1.2.3.4:5004?hops=2", "unknown option 'hops'"),
    ],
)
def test_a_bad_address_is_refused_as_not_configured(address: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_rtp_address(address)
    delivery = RtpTransport().play(rtp_speaker(address), CLIP.frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED and says in delivery.detail


@pytest.mark.parametrize("codec", [Codec.PCMU, Codec.PCMA])
def test_each_frame_is_one_numbered_packet_of_g711(codec: Codec) -> None:
    with voice_peers.sink("127.0.0.1") as sink:
        delivery = RtpTransport().play(
            rtp_speaker(f"rtp://127.0.0.1:{sink.port}", codec), CLIP.frames(), threading.Event()
        )
        voice_peers.wait_packets(sink, 10)
    assert delivery.delivered and delivery.sent_pcm == CLIP.pcm and delivery.failure is None
    packets = [parse(data) for _, data in sink.packets]
    assert {p[0] for p in packets} == {g711.PAYLOAD_TYPE[codec]} and len({p[3] for p in packets}) == 1
    assert [(p[1] - packets[0][1]) % 65536 for p in packets] == list(range(10))
    assert [(p[2] - packets[0][2]) % 2**32 for p in packets] == [160 * n for n in range(10)]
    assert sink.packets[0][1][1] & 0x80 and not any(data[1] & 0x80 for _, data in sink.packets[1:])  # marker
    assert b"".join(p[4] for p in packets) == g711.encode(CLIP.pcm, codec)


def test_a_stop_ends_the_stream_and_says_what_left() -> None:
    stop = threading.Event()
    frames = iter(Clip("long", b"\x01\x00" * 8000 * 5).frames())

    def stopping():
        for n, frame in enumerate(frames):
            if n == 5:
                stop.set()
            yield frame

    with voice_peers.sink("127.0.0.1") as sink:
        delivery = RtpTransport().play(rtp_speaker(f"rtp://127.0.0.1:{sink.port}"), stopping(), stop)
    assert delivery.failure is DeliveryFailure.STOPPED and delivery.detail == "stopped after 0.10 s"
    assert delivery.sent_pcm == b"\x01\x00" * 160 * 5


def test_a_speaker_whose_port_is_closed_is_unreachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = RtpTransport().play(rtp_speaker(f"rtp://127.0.0.1:{port}"), CLIP.frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.UNREACHABLE and "Connection refused" in delivery.detail
    assert f"rtp://127.0.0.1:{port}" in delivery.detail
    assert len(delivery.sent_pcm) < len(CLIP.pcm) and len(delivery.sent_pcm) % FRAME_BYTES == 0


@pytest.mark.parametrize("address", ["rtp://192.0.2.7:5004", "rtp://239.1.1.1:5004"])
def test_a_socket_error_is_a_failed_delivery_never_an_exception(address: str) -> None:
    # The tests' network guard refuses anything beyond loopback, as a firewall would.
    delivery = RtpTransport().play(rtp_speaker(address), CLIP.frames(), threading.Event())
    assert (
        delivery.failure is DeliveryFailure.UNREACHABLE
        and address.split("//")[1].split(":")[0] in delivery.detail
    )
