"""RTP (RFC 3550) packets for G.711 audio: a 12-byte header, 20 ms of samples per packet."""

from __future__ import annotations

import random
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from app.adapters.voice import g711
from app.core.voice import FRAME_SAMPLES, Codec


@dataclass
class RtpPacketizer:
    """Numbers and stamps the packets of one stream (random SSRC, sequence and timestamp start, as
    RFC 3550 asks); the first packet carries the marker bit (the start of a talkspurt)."""

    codec: Codec
    ssrc: int = field(default_factory=lambda: random.getrandbits(32))
    sequence: int = field(default_factory=lambda: random.getrandbits(16))
    timestamp: int = field(default_factory=lambda: random.getrandbits(32))
    _first: bool = True

    @property
    def payload_type(self) -> int:
        return g711.PAYLOAD_TYPE[self.codec]

    def packet(self, pcm_frame: bytes) -> bytes:
        """One packet of one 20 ms frame of 16-bit PCM."""
        payload = g711.encode(pcm_frame, self.codec)
        marker = 0x80 if self._first else 0
        header = struct.pack(
            "!BBHII", 0x80, marker | self.payload_type, self.sequence, self.timestamp, self.ssrc
        )
        self._first = False
        self.sequence = (self.sequence + 1) & 0xFFFF
        self.timestamp = (self.timestamp + len(payload)) & 0xFFFFFFFF
        return header + payload

    def packets(self, frames: Iterable[bytes]) -> Iterator[bytes]:
        for frame in frames:
            yield self.packet(frame)


def parse(packet: bytes) -> tuple[int, int, int, int, bytes]:
    """(payload type, sequence, timestamp, ssrc, payload) of an RTP packet (no CSRCs/extensions
    expected; they are skipped when present)."""
    if len(packet) < 12 or packet[0] >> 6 != 2:
        raise ValueError("not an RTP version 2 packet")
    first, second, seq, ts, ssrc = struct.unpack("!BBHII", packet[:12])
    offset = 12 + 4 * (first & 0x0F)
    if first & 0x10:  # header extension
        (length,) = struct.unpack("!H", packet[offset + 2 : offset + 4])
        offset += 4 + 4 * length
    payload = packet[offset:]
    if first & 0x20 and payload:  # padding
        payload = payload[: -payload[-1]]
    return second & 0x7F, seq, ts, ssrc, payload


FRAME_SECONDS = FRAME_SAMPLES / 8000
