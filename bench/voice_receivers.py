"""The voice bench's loudspeakers: RTP receivers on loopback in a process of their own (their CPU
and GIL are not the app's), keeping for every stream they hear (one SSRC: one play) when each
packet arrived, its sequence number and its payload.

Arrival times are the kernel's receive timestamps (``SO_TIMESTAMPNS``, on Linux): CLOCK_REALTIME,
the clock of ``time.time()`` in the app's process, taken when the packet reached the socket, not
when this process got round to reading it. Elsewhere (or if the kernel gives none) ``time.time()``
at the read, which carries this process's scheduling delays; :attr:`Stream.kernel_stamps` says which.

    receivers = Receivers.start(20)      # ports bound, the process listening
    … announce to receivers.ports …
    streams = receivers.stop()           # everything heard, by port
"""

from __future__ import annotations

import multiprocessing
import selectors
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from app.adapters.voice.rtp_packets import parse

HOST = "127.0.0.1"
# Linux's values (asm-generic; x86 and ARM alike); Python 3.11's socket module does not name them.
SO_TIMESTAMPNS = int(getattr(socket, "SO_TIMESTAMPNS", 35))
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
TIMESPEC = struct.Struct("@qq")  # struct timespec on a 64-bit Linux
RECV_BUFFER = 1 << 20  # 20 speakers × 50 packets/s: room for a second of this process asleep


@dataclass
class Stream:
    """One play as a receiver heard it, packets in arrival order."""

    port: int
    ssrc: int
    payload_type: int
    arrivals: list[float] = field(default_factory=list)  # wall clock (time.time's), seconds
    sequences: list[int] = field(default_factory=list)
    kernel_stamps: bool = True  # every arrival is the kernel's stamp
    payloads: dict[int, bytes] = field(default_factory=dict, repr=False)  # by sequence number

    @property
    def first(self) -> float:
        return self.arrivals[0]

    @property
    def last(self) -> float:
        return self.arrivals[-1]

    @property
    def packets(self) -> int:
        return len(self.arrivals)

    def payload(self) -> bytes:
        """The payloads in sequence order (wrapping at 65536), as a receiver would play them."""
        if not self.sequences:
            return b""
        base = self.sequences[0]
        ordered = sorted(self.payloads, key=lambda s: (s - base) & 0xFFFF)
        return b"".join(self.payloads[s] for s in ordered)

    def add(self, at: float, sequence: int, payload: bytes, kernel: bool) -> None:
        self.arrivals.append(at)
        self.sequences.append(sequence)
        self.payloads[sequence] = payload
        self.kernel_stamps &= kernel


def _open(count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)
        if sys.platform == "linux":
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.bind((HOST, 0))
        sock.setblocking(False)
        socks.append(sock)
    return socks


def _stamp(ancillary: list[tuple[int, int, bytes]]) -> float | None:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SCM_TIMESTAMPNS and len(data) >= TIMESPEC.size:
            seconds, nanoseconds = TIMESPEC.unpack_from(data)
            return float(seconds) + float(nanoseconds) / 1e9
    return None


def _drain(sock: socket.socket, port: int, streams: dict[tuple[int, int], Stream]) -> None:
    while True:
        try:
            packet, ancillary, _flags, _peer = sock.recvmsg(2048, socket.CMSG_SPACE(TIMESPEC.size))
        except BlockingIOError:
            return
        stamp = _stamp(ancillary)
        at = stamp if stamp is not None else time.time()
        try:
            payload_type, sequence, _ts, ssrc, payload = parse(packet)
        except ValueError:
            continue  # not RTP: not a speaker's business
        stream = streams.get((port, ssrc))
        if stream is None:
            stream = streams[port, ssrc] = Stream(port, ssrc, payload_type)
        stream.add(at, sequence, payload, stamp is not None)


def serve(conn: Connection, count: int) -> None:
    """The receivers' process: bind ``count`` ports, send them, record until told to stop, then
    send every stream heard (in the order they began)."""
    socks = _open(count)
    ports = [int(s.getsockname()[1]) for s in socks]
    streams: dict[tuple[int, int], Stream] = {}
    selector = selectors.DefaultSelector()
    for sock, port in zip(socks, ports, strict=True):
        selector.register(sock, selectors.EVENT_READ, port)
    selector.register(conn, selectors.EVENT_READ, None)
    conn.send(ports)
    stopping = False
    while not stopping:
        for key, _events in selector.select(timeout=1.0):
            if key.data is None:
                conn.recv()
                stopping = True
            else:
                _drain(key.fileobj, key.data, streams)  # type: ignore[arg-type]
    for sock, port in zip(socks, ports, strict=True):
        _drain(sock, port, streams)  # whatever came in with the stop
        sock.close()
    conn.send(sorted(streams.values(), key=lambda s: s.first))
    conn.close()


class Receivers:
    """The receivers' process, seen from the bench."""

    def __init__(self, process: BaseProcess, conn: Connection, ports: list[int]) -> None:
        self._process, self._conn, self.ports = process, conn, ports

    @staticmethod
    def start(count: int, timeout_s: float = 60.0) -> Receivers:
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(
            target=serve, args=(theirs, count), name="voice-bench-speakers", daemon=True
        )
        process.start()
        theirs.close()
        if not mine.poll(timeout_s):
            process.kill()
            raise RuntimeError(f"the receivers did not start in {timeout_s:g} s")
        ports: list[int] = mine.recv()
        return Receivers(process, mine, ports)

    def stop(self, timeout_s: float = 60.0) -> list[Stream]:
        """Everything heard, the earliest stream first; the process ends."""
        try:
            self._conn.send("stop")
            if not self._conn.poll(timeout_s):
                raise RuntimeError(f"the receivers did not answer in {timeout_s:g} s")
            streams: list[Stream] = self._conn.recv()
            return streams
        finally:
            self._conn.close()
            self._process.join(5.0)
            if self._process.is_alive():
                self._process.kill()
