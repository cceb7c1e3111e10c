"""The voice bench's figures from what the receivers heard (:mod:`bench.voice_receivers`): which
stream belongs to which announcement and speaker, and per stream its start latency, pacing and
content.

Pacing, per stream (arrival times, the kernel's):

- rate error: the mean packet interval (last − first arrival, over the sequence numbers between
  them) against the 20 ms the packets are meant to leave at, in % (what "pacing ≤ 2 %" is about:
  a sender running fast or slow);
- duration error: ``last − first + 20 ms`` (the heard duration) against the clip's sent duration
  (its frames × 20 ms), in % (a lost or late last packet shows here);
- jitter: the largest ``|interval − 20 ms|`` between consecutive arrivals, ms;
- lag: the latest any packet came behind its slot on the first packet's 20 ms schedule (by its
  sequence number), ms: how far a sender fell behind before it caught up (its schedule is
  absolute, so it does).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.adapters.voice import g711
from app.core.voice import Clip, Codec
from bench.voice_receivers import Stream
from bench.wall import percentile

FRAME_S = 0.020
PAYLOAD_TYPES = {g711.PAYLOAD_TYPE[c]: c for c in Codec}


@dataclass(frozen=True)
class Heard:
    """One speaker in one announcement: what its receiver heard (``stream`` None: nothing)."""

    round: int
    port: int
    codec: Codec
    announced_at: float  # wall clock
    stream: Stream | None

    @property
    def start_ms(self) -> float:
        """From the announcement to the first packet at the speaker (inf: never heard)."""
        return (self.stream.first - self.announced_at) * 1000 if self.stream else math.inf


@dataclass(frozen=True)
class Pacing:
    packets: int
    lost: int  # frames of the clip never heard
    rate_err_pct: float
    duration_err_pct: float
    jitter_ms: float
    lag_ms: float
    exact: bool  # the payload is the clip, encoded in the speaker's law, byte for byte
    right_law: bool  # the payload type is the speaker's codec


def assign(announced: Sequence[float], ports: Mapping[int, Codec], streams: Sequence[Stream]) -> list[Heard]:
    """Each (announcement, speaker) with the stream that began at that port after the announcement
    and before the next one (the first such, should there be more)."""
    out = []
    for index, at in enumerate(announced):
        until = announced[index + 1] if index + 1 < len(announced) else math.inf
        for port, codec in ports.items():
            found = next((s for s in streams if s.port == port and at <= s.first < until), None)
            out.append(Heard(index, port, codec, at, found))
    return out


def expected_payload(clip: Clip, codec: Codec) -> bytes:
    """What the speaker should hear: the clip's 20 ms frames, encoded in its law."""
    return b"".join(g711.encode(frame, codec) for frame in clip.frames())


def pacing(stream: Stream, frames: int, expected: bytes, codec: Codec) -> Pacing:
    """``frames``: how many the clip has; ``expected``: :func:`expected_payload` for the codec."""
    times = stream.arrivals
    n = len(times)
    intervals = [b - a for a, b in itertools.pairwise(times)]
    slots = (stream.sequences[-1] - stream.sequences[0]) & 0xFFFF  # a lost packet is still a slot
    mean = (times[-1] - times[0]) / slots if slots else math.nan
    heard_s = times[-1] - times[0] + FRAME_S
    sent_s = frames * FRAME_S
    return Pacing(
        packets=n,
        lost=max(0, frames - len(set(stream.sequences))),
        rate_err_pct=abs(mean - FRAME_S) / FRAME_S * 100,
        duration_err_pct=abs(heard_s - sent_s) / sent_s * 100,
        jitter_ms=max((abs(i - FRAME_S) * 1000 for i in intervals), default=0.0),
        lag_ms=max(
            (t - times[0] - ((seq - stream.sequences[0]) & 0xFFFF) * FRAME_S) * 1000
            for t, seq in zip(times, stream.sequences, strict=True)
        ),
        exact=stream.payload() == expected,
        right_law=PAYLOAD_TYPES.get(stream.payload_type) is codec,
    )


def spread(values: Sequence[float], unit: str, digits: int = 1) -> str:
    """``p50 … p95 … max …`` of ``values``."""
    if not values:
        return "no samples"
    f = f"{{:.{digits}f}}"
    return (
        f"p50 {f.format(percentile(values, 50))}, p95 {f.format(percentile(values, 95))}, "
        f"max {f.format(max(values))} {unit} ({len(values)} samples)"
    )
