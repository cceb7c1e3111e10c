"""The camera's own loudspeaker, through the ONVIF RTSP audio back-channel.

ONVIF Streaming Specification, "Back channel connection": the client puts
``Require: www.onvif.org/ver20/backchannel`` on its requests; a camera without a back-channel
answers DESCRIBE with ``551 Option not supported``; one with it adds a media section per audio
decoder it has, marked ``a=sendonly`` (media the *client* sends to the server; what the camera
sends is ``a=recvonly``). We pick G.711 at 8 kHz (the speaker's codec first, else the other
law), SETUP only that track (RTP interleaved on the RTSP connection; plain UDP when the camera
answers ``461 Unsupported Transport``), PLAY, wait for its 200 (the spec forbids sending before),
then send RTP paced in real time, GET_PARAMETER as keep-alive at half the session timeout (a
camera counts RTSP requests and RTCP as liveness, not the RTP we send), and TEARDOWN.

Address: the camera's RTSP URL (``speaker.address``, ``rtsp://host[:port]/path``), the one its
media profile streams from; user info in it is dropped (credentials come from the speaker, i.e.
the environment). Failures: no back-channel or no G.711 → NO_AUDIO; refused login → AUTH;
refused connection → UNREACHABLE; silence → TIMEOUT; the camera hanging up mid-play →
UNREACHABLE with how much audio had left.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.adapters.voice.rtp_packets import RtpPacketizer
from app.adapters.voice.rtsp import RtspConnection, RtspFailure, RtspResponse
from app.adapters.voice.sdp import Media, SessionDescription, parse_sdp, resolve
from app.adapters.voice.transport import FRAME_S, paced
from app.core.voice import FRAME_SAMPLES, SAMPLE_RATE, Codec, Delivery, DeliveryFailure, Speaker

log = logging.getLogger(__name__)

BACKCHANNEL_TAG = "www.onvif.org/ver20/backchannel"
DEFAULT_SESSION_TIMEOUT_S = 60.0  # RFC 2326 12.37
MIN_KEEPALIVE_S = 0.5
DRAIN_S = 0.3  # after the last packet, before TEARDOWN (GStreamer's server drops the last one without)


def choose_backchannel(sdp: SessionDescription, preferred: Codec) -> tuple[Media, Codec, int]:
    """The back-channel section and G.711 law to send (``preferred`` first), with its payload type."""
    tracks = [m for m in sdp.media if m.kind == "audio" and sdp.direction_of(m) == "sendonly"]
    if not tracks:
        raise RtspFailure(
            DeliveryFailure.NO_AUDIO,
            "the camera offers no audio back-channel (no a=sendonly audio in its SDP)",
        )
    other = Codec.PCMA if preferred is Codec.PCMU else Codec.PCMU
    for codec in (preferred, other):
        for media in tracks:
            payload_type = media.g711().get(codec)
            if payload_type is not None:
                return media, codec, payload_type
    offered = "; ".join(m.describe_formats() for m in tracks)
    raise RtspFailure(
        DeliveryFailure.NO_AUDIO, f"the camera's back-channel takes {offered}: no G.711 at 8 kHz"
    )


def _expect_ok(response: RtspResponse, what: str) -> None:
    if 200 <= response.status < 300:
        return
    detail = f"{what}: {response.status_line}"
    if response.status == 551:
        raise RtspFailure(DeliveryFailure.NO_AUDIO, f"{detail} (the camera has no audio back-channel)")
    if response.status == 403:
        raise RtspFailure(DeliveryFailure.AUTH, detail)
    if response.status in (453, 503):
        raise RtspFailure(DeliveryFailure.BUSY, detail)
    raise RtspFailure(DeliveryFailure.REFUSED, detail)


def _transport_params(header: str | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for piece in (header or "").split(",")[0].split(";"):
        name, _, value = piece.strip().partition("=")
        params[name.lower()] = value.strip('"')
    return params


def _pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    first, _, second = value.partition("-")
    if not first.isdigit():
        return None
    return int(first), int(second) if second.isdigit() else int(first) + 1


class _Sender:
    """Where the RTP goes: interleaved on the RTSP connection, or UDP to the camera's port."""

    def __init__(
        self, conn: RtspConnection, channel: int | None = None, udp: socket.socket | None = None,
        destination: tuple[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.conn, self.channel, self.udp, self.destination = conn, channel, udp, destination

    def send(self, packet: bytes) -> None:
        if self.channel is not None:
            self.conn.send_interleaved(self.channel, packet)
            return
        assert self.udp is not None and self.destination is not None
        try:
            self.udp.sendto(packet, self.destination)
        except OSError as exc:
            raise RtspFailure(
                DeliveryFailure.UNREACHABLE, f"RTP to the camera failed: {exc.strerror}"
            ) from None

    def close(self) -> None:
        if self.udp is not None:
            self.udp.close()


def _udp_pair(host: str) -> tuple[socket.socket, socket.socket]:
    """Two UDP sockets on consecutive ports, the first even (RTP, RTCP: RFC 3550 11)."""
    for _ in range(50):
        rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rtp.bind((host, 0))
        port = rtp.getsockname()[1]
        if port % 2 == 0 and port < 65535:
            rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                rtcp.bind((host, port + 1))
                return rtp, rtcp
            except OSError:
                rtcp.close()
        rtp.close()
    raise RtspFailure(DeliveryFailure.UNREACHABLE, "no pair of free UDP ports for RTP")


@dataclass
class _Progress:
    sent: list[bytes] = field(default_factory=list)
    started_at: float | None = None
    last_sent_at: float | None = None

    @property
    def seconds(self) -> float:
        return len(self.sent) * FRAME_SAMPLES / SAMPLE_RATE


class BackchannelTransport:
    """:class:`~app.adapters.voice.transport.Transport` for DeliveryKind.BACKCHANNEL speakers."""

    def __init__(
        self,
        *,
        timeout_s: float = 5.0,
        user_agent: str = "CityWall",
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self._wall = wall_clock

    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        progress = _Progress()
        try:
            conn = RtspConnection(
                speaker.address, username=speaker.username, password=speaker.password,
                timeout_s=self.timeout_s, require=BACKCHANNEL_TAG, user_agent=self.user_agent,
            )  # fmt: skip
        except ValueError as exc:
            return Delivery(speaker.id, False, DeliveryFailure.NOT_CONFIGURED, str(exc))
        try:
            self._play(conn, speaker, frames, stop, progress)
        except RtspFailure as exc:
            log.info("back-channel to %s failed: %s (%s)", speaker.id, exc.failure.value, exc.detail)
            return self._result(speaker, progress, exc.failure, exc.detail)
        finally:
            conn.close()
        if stop.is_set():
            return self._result(
                speaker, progress, DeliveryFailure.STOPPED, f"stopped after {progress.seconds:.1f} s"
            )
        return self._result(speaker, progress, None, "")

    def _result(
        self, speaker: Speaker, progress: _Progress, failure: DeliveryFailure | None, detail: str
    ) -> Delivery:
        return Delivery(
            speaker.id, failure is None, failure, detail, started_at=progress.started_at,
            ended_at=progress.last_sent_at + FRAME_S if progress.last_sent_at is not None else None,
            sent_pcm=b"".join(progress.sent),
        )  # fmt: skip

    def _play(
        self, conn: RtspConnection, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event,
        progress: _Progress,
    ) -> None:  # fmt: skip
        if stop.is_set():
            return
        conn.open()
        described = conn.request("DESCRIBE", conn.url, {"Accept": "application/sdp"})
        _expect_ok(described, "DESCRIBE")
        if "sdp" not in (described.get("Content-Type") or "application/sdp").lower():
            raise RtspFailure(DeliveryFailure.BAD_RESPONSE, "DESCRIBE: the camera's answer is not SDP")
        sdp = parse_sdp(described.body.decode("utf-8", "replace"))
        base = described.get("Content-Base") or described.get("Content-Location") or conn.url
        media, codec, payload_type = choose_backchannel(sdp, speaker.codec)
        sender = self._setup(conn, resolve(base, media.control))
        try:
            aggregate = resolve(base, sdp.control)
            if stop.is_set():
                return
            _expect_ok(conn.request("PLAY", aggregate), "PLAY")
            log.debug("back-channel to %s: %s, payload type %d", speaker.id, codec.value, payload_type)
            try:
                self._stream(conn, sender, aggregate, codec, payload_type, frames, stop, progress)
            except RtspFailure as exc:
                if progress.started_at is None:
                    raise
                raise RtspFailure(
                    exc.failure, f"{exc.detail} after {progress.seconds:.1f} s of audio"
                ) from None
            if not stop.is_set():  # let the camera's playout buffer run dry: TEARDOWN cuts what is in it
                self._drain(conn, stop)
            try:
                conn.request("TEARDOWN", aggregate, timeout_s=min(self.timeout_s, 2.0))
            except RtspFailure as exc:  # the audio has left; a lost goodbye changes nothing it heard
                log.info("back-channel to %s: TEARDOWN unanswered (%s)", speaker.id, exc.detail)
        finally:
            sender.close()

    @staticmethod
    def _drain(conn: RtspConnection, stop: threading.Event) -> None:
        end = time.monotonic() + DRAIN_S
        while (left := end - time.monotonic()) > 0 and not stop.wait(min(left, 0.05)):
            conn.poll()

    def _setup(self, conn: RtspConnection, url: str) -> _Sender:
        response = conn.request("SETUP", url, {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"})
        udp: tuple[socket.socket, socket.socket] | None = None
        if response.status == 461:  # Unsupported Transport: this camera wants UDP
            udp = _udp_pair(conn.local_host())
            port = udp[0].getsockname()[1]
            try:
                response = conn.request(
                    "SETUP", url, {"Transport": f"RTP/AVP;unicast;client_port={port}-{port + 1}"}
                )
            except RtspFailure:
                udp[0].close()
                raise
            finally:
                udp[1].close()  # no RTCP is sent; the port pair only had to be reserved
        try:
            _expect_ok(response, "SETUP")
            session = response.get("Session")
            if not session:
                raise RtspFailure(DeliveryFailure.BAD_RESPONSE, "SETUP: the camera gave no Session")
            session_id, *options = (p.strip() for p in session.split(";"))
            conn.session = session_id
            for option in options:
                name, _, value = option.partition("=")
                if name.lower() == "timeout":
                    with contextlib.suppress(ValueError):  # delta-seconds; a few cameras write decimals
                        conn.session_timeout_s = float(value)
            params = _transport_params(response.get("Transport"))
            if udp is None:
                channels = _pair(params.get("interleaved"))
                if channels is None:
                    raise RtspFailure(
                        DeliveryFailure.BAD_RESPONSE, "SETUP: no interleaved channel in Transport"
                    )
                return _Sender(conn, channel=channels[0])
            ports = _pair(params.get("server_port"))
            if ports is None:
                raise RtspFailure(DeliveryFailure.BAD_RESPONSE, "SETUP: no server_port in Transport")
            return _Sender(conn, udp=udp[0], destination=(params.get("source") or conn.peer_host(), ports[0]))
        except RtspFailure:
            if udp is not None:
                udp[0].close()
            raise

    def _stream(
        self, conn: RtspConnection, sender: _Sender, aggregate: str, codec: Codec, payload_type: int,
        frames: Iterable[bytes], stop: threading.Event, progress: _Progress,
    ) -> None:  # fmt: skip
        packetizer = RtpPacketizer(codec)
        every = max(MIN_KEEPALIVE_S, (conn.session_timeout_s or DEFAULT_SESSION_TIMEOUT_S) / 2)
        next_keepalive = time.monotonic() + every
        for frame in paced(frames, stop):
            packet = packetizer.packet(frame)
            if payload_type != packetizer.payload_type:  # a dynamic type the camera mapped to G.711
                packet = packet[:1] + bytes([(packet[1] & 0x80) | payload_type]) + packet[2:]
            sender.send(packet)
            progress.last_sent_at = self._wall()
            if progress.started_at is None:
                progress.started_at = progress.last_sent_at
            progress.sent.append(frame)
            conn.poll()
            now = time.monotonic()
            if now >= next_keepalive:
                conn.send_request("GET_PARAMETER", aggregate)
                next_keepalive = now + every
