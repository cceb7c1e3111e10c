"""A camera's last seconds as the camera sent them (encoded packets, never decoded), and clips cut
from them: ~10 s before an alert and ~20 s after, remuxed to MP4 without re-encoding.

The ring lives in the decoder worker beside the pull that reads the camera (packets never cross a
process boundary one by one; a finished clip crosses once). It is fed from the sub-stream pull the
wall already runs: tapping the main stream would cost every watched camera a second connection
and four times the memory (D1/1080p at 1-4 Mbit/s against CIF/D1 at 0.25-0.5 Mbit/s).

A clip starts at a key frame (at or before ``raised_at - before_s``: up to one GOP longer) and ends
at ``raised_at + after_s``, or earlier when the camera drops, said so in ``short_reason``.
"""

from __future__ import annotations

import io
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av

RING_SECONDS = 10.0
RING_MAX_BYTES = 8 << 20  # a camera that sends no key frame for long must not grow without bound
CLIP_GRACE_S = 3.0  # after raised_at + after_s, packets late by this much are not waited for
MAX_GAP_S = 2.0  # a timestamp jump larger than this (a loop, a reconnect) is joined, not kept


class StreamParams:
    """What the muxer needs to know of the stream the packets belong to: its codec parameters
    (extradata included), kept as a stream of an output container that is never written. PyAV
    copies codec parameters only from a stream (``add_stream_from_template``), and the input
    stream dies with its connection."""

    def __init__(self, stream: Any) -> None:
        ctx = stream.codec_context
        self.key = (
            ctx.name,
            ctx.width,
            ctx.height,
            bytes(ctx.extradata) if ctx.extradata else b"",
            Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000),
        )
        self.codec, self.width, self.height = ctx.name, ctx.width, ctx.height
        self.time_base = self.key[4]
        self._holder = av.open(io.BytesIO(), mode="w", format="mp4")
        self.template = self._holder.add_stream_from_template(stream)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StreamParams) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    @staticmethod
    def of(stream: Any) -> StreamParams:
        return StreamParams(stream)


@dataclass(frozen=True, slots=True)
class RingPacket:
    seq: int
    arrival: float  # wall-clock seconds when it arrived
    pts: int | None
    dts: int | None
    key: bool
    data: bytes


PACKET_OVERHEAD = (
    sys.getsizeof(RingPacket(0, 0.0, 0, 0, False, b"")) + sys.getsizeof(b"") + 64
)  # + deque slot


@dataclass(frozen=True)
class ClipCut:
    """A finished clip (MP4 bytes) and what it covers, in wall-clock seconds."""

    request_id: int
    camera_id: str
    data: bytes
    start_at: float
    end_at: float
    raised_at: float
    stream: str  # "sub" (see the module doc)
    packets: int
    short_reason: str = ""  # why it ends early (the camera dropped), empty when complete

    @property
    def before_s(self) -> float:
        return max(0.0, self.raised_at - self.start_at)

    @property
    def after_s(self) -> float:
        return max(0.0, self.end_at - self.raised_at)


class ClipUnavailable(RuntimeError):
    """No clip could be cut (no packets at all, the camera is not buffered, the worker restarted)."""


@dataclass
class _Cut:
    request_id: int
    raised_at: float
    end_at: float
    params: StreamParams | None
    packets: list[RingPacket] = field(default_factory=list)
    short_reason: str = ""
    done: bool = False


class PacketRing:
    """Thread-safe: the pull thread adds, the worker's threads start and collect cuts."""

    def __init__(self, camera_id: str, seconds: float = RING_SECONDS, stream: str = "sub") -> None:
        self.camera_id = camera_id
        self.seconds = seconds
        self.stream = stream
        self._lock = threading.Lock()
        self._packets: deque[RingPacket] = deque()
        self._keys: deque[RingPacket] = deque()  # the key frames in _packets, oldest first
        self._bytes = 0
        self._seq = 0
        self._params: StreamParams | None = None
        self._cuts: list[_Cut] = []
        self.dropped_at: float | None = None

    # --- the pull thread ---------------------------------------------------------------------------
    def begin(self, params: StreamParams, now: float) -> None:
        """A (re)connection: other stream parameters (a new resolution) make the old packets useless."""
        with self._lock:
            if params != self._params:
                self._clear()
                self._params = params
            self._interrupt(now, "the camera reconnected")
            self.dropped_at = None

    def end(self, now: float, why: str) -> None:
        """The connection ended (the pull reconnects): clips being collected end here."""
        with self._lock:
            self.dropped_at = now
            self._interrupt(now, why)

    def add(self, arrival: float, pts: int | None, dts: int | None, key: bool, data: bytes) -> None:
        with self._lock:
            if not self._packets and not key:
                return  # nothing decodes before the first key frame
            self._seq += 1
            packet = RingPacket(self._seq, arrival, pts, dts, key, data)
            self._packets.append(packet)
            self._bytes += len(data)
            if key:
                self._keys.append(packet)
            for cut in self._cuts:
                if cut.done:
                    continue
                if arrival > cut.end_at:
                    cut.done = True
                elif cut.packets or key:
                    cut.packets.append(packet)
            self._trim(arrival)

    # --- cuts --------------------------------------------------------------------------------------
    def start_cut(self, request_id: int, raised_at: float, before_s: float, after_s: float) -> None:
        """Collect from the key frame at or before ``raised_at - before_s`` to ``raised_at + after_s``."""
        with self._lock:
            since = raised_at - before_s
            start = next((k for k in reversed(self._keys) if k.arrival <= since), None)
            if start is None and self._keys:
                start = self._keys[0]  # the ring holds less than before_s: all of it
            packets = [p for p in self._packets if start is not None and p.seq >= start.seq]
            cut = _Cut(request_id, raised_at, raised_at + after_s, self._params, packets)
            if self._packets and self._packets[-1].arrival > cut.end_at:
                cut.packets = [p for p in packets if p.arrival <= cut.end_at]
                cut.done = True
            self._cuts.append(cut)

    def finished(self, now: float) -> list[ClipCut | tuple[int, ClipUnavailable]]:
        """Cuts whose after-window is over (or that ended early), remuxed; forgotten here."""
        with self._lock:
            ready: list[_Cut] = []
            waiting: list[_Cut] = []
            for cut in self._cuts:
                if not cut.done and now > cut.end_at + CLIP_GRACE_S:
                    last = cut.packets[-1].arrival if cut.packets else None
                    if last is None or cut.end_at - last > 1.0:
                        cut.short_reason = cut.short_reason or "the camera sent nothing more"
                    cut.done = True
                (ready if cut.done else waiting).append(cut)
            self._cuts = waiting
        return [self._finish(cut) for cut in ready]

    def pending(self) -> int:
        with self._lock:
            return len(self._cuts)

    def _finish(self, cut: _Cut) -> ClipCut | tuple[int, ClipUnavailable]:
        if not cut.packets or cut.params is None:
            return cut.request_id, ClipUnavailable(
                f"{self.camera_id}: no packets to cut a clip from ({cut.short_reason or 'nothing arrived'})"
            )
        try:
            data = remux_mp4(cut.params, cut.packets)
        except Exception as exc:
            return cut.request_id, ClipUnavailable(f"{self.camera_id}: the clip could not be written: {exc}")
        return ClipCut(
            request_id=cut.request_id,
            camera_id=self.camera_id,
            data=data,
            start_at=cut.packets[0].arrival,
            end_at=cut.packets[-1].arrival,
            raised_at=cut.raised_at,
            stream=self.stream,
            packets=len(cut.packets),
            short_reason=cut.short_reason,
        )

    # --- memory ------------------------------------------------------------------------------------
    def memory_bytes(self) -> int:
        """What the ring holds: packet bytes plus the Python objects around them."""
        with self._lock:
            return self._bytes + len(self._packets) * PACKET_OVERHEAD

    def span_s(self) -> float:
        with self._lock:
            return self._packets[-1].arrival - self._packets[0].arrival if self._packets else 0.0

    def __len__(self) -> int:
        with self._lock:
            return len(self._packets)

    # --- inside the lock ---------------------------------------------------------------------------
    def _trim(self, newest: float) -> None:
        """Keep from the newest key frame at or before ``newest - seconds`` (a clip must start at one)."""
        since = newest - self.seconds
        while len(self._keys) >= 2 and self._keys[1].arrival <= since:
            self._keys.popleft()
            self._drop_before(self._keys[0].seq)
        while self._bytes > RING_MAX_BYTES and len(self._keys) >= 2:
            self._keys.popleft()
            self._drop_before(self._keys[0].seq)

    def _drop_before(self, seq: int) -> None:
        while self._packets and self._packets[0].seq < seq:
            self._bytes -= len(self._packets.popleft().data)

    def _clear(self) -> None:
        self._packets.clear()
        self._keys.clear()
        self._bytes = 0

    def _interrupt(self, now: float, why: str) -> None:
        for cut in self._cuts:
            if not cut.done and cut.packets and now < cut.end_at:
                cut.done = True
                cut.short_reason = why


def remux_mp4(params: StreamParams, packets: list[RingPacket]) -> bytes:
    """The packets as an MP4, unchanged (no decoding, no encoding); timestamps made continuous
    across a jump (a file looping, a reconnect with the same parameters)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream_from_template(params.template)
        tb = params.time_base
        max_gap = int(MAX_GAP_S / tb)
        offset, step = 0, max(1, int(Fraction(1, 15) / tb))
        first: int | None = None
        prev: int | None = None
        for p in packets:
            dts = p.dts if p.dts is not None else p.pts
            if dts is None:
                continue
            if prev is not None:
                delta = dts + offset - prev
                if delta <= 0 or delta > max_gap:
                    offset += prev + step - (dts + offset)
                else:
                    step = delta
            prev = dts + offset
            if first is None:
                first = prev
            packet = av.Packet(p.data)
            packet.stream = stream
            packet.time_base = tb
            packet.dts = prev - first
            packet.pts = (p.pts if p.pts is not None else dts) + offset - first
            packet.is_keyframe = p.key
            out.mux(packet)
    return buffer.getvalue()
