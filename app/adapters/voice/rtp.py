"""RTP G.711 to an IP paging speaker: PCMU or PCMA, 8 kHz mono, 20 ms a packet, unicast or multicast.

Address: ``rtp://HOST:PORT`` (``rtp://[ff0e::10]:5004`` for IPv6), with an optional ``?ttl=N`` that
overrides :attr:`Speaker.ttl` for a multicast group. Packets leave on an absolute 20 ms schedule
(:func:`~app.adapters.voice.transport.paced`), so a late one never slows the rest.

Unicast sockets are *connected*: the kernel then picks the source address by its routes and, on a
speaker host whose port is closed, reports the ICMP "port unreachable" as ``ECONNREFUSED`` on the
next send, so a dead speaker is reported instead of talked to for the whole clip. Multicast sets
the hop limit (TTL) and keeps the loop on, so a receiver on this machine (the demo's recorder, a
monitor) hears the group too; ``interface`` picks the outgoing interface where the routes would not.

:func:`stream` is the sending loop the SIP transport shares.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from app.adapters.voice.rtp_packets import RtpPacketizer
from app.adapters.voice.transport import FRAME_S, paced
from app.core.voice import Codec, Delivery, DeliveryFailure, Speaker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RtpAddress:
    host: str
    port: int
    ttl: int | None = None  # from ``?ttl=``; None: the speaker's own

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"rtp://{host}:{self.port}"


def parse_rtp_address(address: str) -> RtpAddress:
    """``rtp://HOST:PORT[?ttl=N]`` → its parts; ValueError naming what is wrong."""
    parts = urlsplit(address.strip())
    if parts.scheme.lower() != "rtp":
        raise ValueError(f"{address!r}: an RTP speaker's address starts with rtp://")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{address!r}: the port must be a number from 1 to 65535") from exc
    if not parts.hostname or port is None or port == 0:
        raise ValueError(f"{address!r}: give the host and the port (rtp://239.0.1.10:5004)")
    ttl: int | None = None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"ttl"})
    if unknown:
        raise ValueError(f"{address!r}: unknown option {unknown[0]!r} (only ttl)")
    if "ttl" in query:
        text = query["ttl"][-1]
        if not text.isdigit() or not 1 <= int(text) <= 255:
            raise ValueError(f"{address!r}: ttl must be a number from 1 to 255")
        ttl = int(text)
    return RtpAddress(parts.hostname, port, ttl)


@dataclass
class Streamed:
    """What one RTP stream did: the frames that left, when, and why it ended early (if it did)."""

    frames: list[bytes] = field(default_factory=list)
    started_at: float | None = None  # wall clock, first packet
    ended_at: float | None = None  # wall clock, when the last packet's 20 ms were over
    error: OSError | None = None  # the socket failed
    stopped: bool = False  # ``stop`` was set before the last frame
    aborted: str = ""  # ``between`` ended it (the peer hung up): its words

    @property
    def sent_pcm(self) -> bytes:
        return b"".join(self.frames)

    @property
    def complete(self) -> bool:
        return self.error is None and not self.stopped and not self.aborted


def stream(
    send: Callable[[bytes], object],
    codec: Codec,
    frames: Iterable[bytes],
    stop: threading.Event,
    *,
    between: Callable[[], str] | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> Streamed:
    """Send ``frames`` as RTP through ``send`` in real time; ``between`` runs after each packet (the
    SIP call reads its signalling there) and ends the stream by returning a reason. Returns once the
    last packet's 20 ms are over, so the next play on the speaker does not overlap this one."""
    packetizer = RtpPacketizer(codec)
    done = Streamed()
    first_mono = 0.0
    exhausted = False

    def source() -> Iterator[bytes]:
        nonlocal exhausted
        yield from frames
        exhausted = True  # every frame was taken: a stop set from here on cut nothing

    try:
        for frame in paced(source(), stop, clock=clock):
            send(packetizer.packet(frame))
            if done.started_at is None:  # the first packet left (not merely tried to)
                done.started_at, first_mono = wall(), clock()
            done.frames.append(frame)
            if between is not None and (why := between()):
                done.aborted = why
                break
    except OSError as exc:
        done.error = exc
    done.stopped = done.error is None and not done.aborted and not exhausted
    if done.started_at is not None:
        if done.complete:  # let the last packet play out (a stop cuts that short)
            remaining = first_mono + len(done.frames) * FRAME_S - clock()
            if remaining > 0:
                stop.wait(remaining)
        done.ended_at = wall()
    return done


def reason(exc: OSError) -> str:
    """An OS error in words, without the errno noise (``Connection refused``)."""
    return exc.strerror or str(exc) or type(exc).__name__


def outcome(speaker: Speaker, done: Streamed, where: str) -> Delivery:
    """The delivery an RTP stream amounts to (the SIP call adds its own failures)."""
    failure: DeliveryFailure | None = None
    detail = ""
    played = f"{len(done.frames) * FRAME_S:.2f} s"
    if done.error is not None:
        failure = DeliveryFailure.UNREACHABLE
        detail = f"{where}: {reason(done.error)}" + (f" (after {played} of audio)" if done.frames else "")
    elif done.stopped:
        failure, detail = DeliveryFailure.STOPPED, f"stopped after {played}"
    return Delivery(
        speaker.id, failure is None, failure, detail,
        started_at=done.started_at, ended_at=done.ended_at, sent_pcm=done.sent_pcm,
    )  # fmt: skip


class RtpTransport:
    """:class:`~app.adapters.voice.transport.Transport` for :attr:`DeliveryKind.RTP` speakers.

    ``interface``: the local IPv4 address to send multicast from (None: the system's routes)."""

    def __init__(
        self,
        *,
        interface: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._interface = interface
        self._clock, self._wall = clock, wall

    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        try:
            address = parse_rtp_address(speaker.address)
        except ValueError as exc:
            return Delivery(speaker.id, False, DeliveryFailure.NOT_CONFIGURED, str(exc))
        try:
            sock, target, multicast = self._open(address, speaker.ttl)
        except OSError as exc:
            log.warning("speaker %s: cannot reach %s: %s", speaker.id, address, reason(exc))
            return Delivery(speaker.id, False, DeliveryFailure.UNREACHABLE, f"{address}: {reason(exc)}")
        with sock:

            def to_group(packet: bytes) -> None:
                sock.sendto(packet, target)

            send: Callable[[bytes], object] = to_group if multicast else sock.send
            done = stream(send, speaker.codec, frames, stop, clock=self._clock, wall=self._wall)
        delivery = outcome(speaker, done, str(address))
        if done.error is not None:
            log.warning("speaker %s: %s", speaker.id, delivery.detail)
        return delivery

    def _open(self, address: RtpAddress, speaker_ttl: int) -> tuple[socket.socket, tuple[str, int], bool]:
        family, _, _, _, sockaddr = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_DGRAM)[0]
        target = (str(sockaddr[0]), int(sockaddr[1]))
        multicast = ipaddress.ip_address(target[0].split("%")[0]).is_multicast
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            if multicast:
                ttl = address.ttl if address.ttl is not None else speaker_ttl
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, ttl)
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
                else:
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
                    if self._interface:
                        sock.setsockopt(
                            socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(self._interface)
                        )
                        sock.bind((self._interface, 0))
            else:
                sock.connect(target)
        except OSError:
            sock.close()
            raise
        return sock, target, multicast
