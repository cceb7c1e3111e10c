"""A camera's loudspeaker as the ONVIF RTSP audio back-channel offers it: a small RTSP/1.0 server
that writes what it hears to a WAV file per session.

It follows the ONVIF Streaming Specification ("Back channel connection") and RFC 2326, and is
stricter than most cameras so that a client's mistake fails a test instead of passing by luck:
the back-channel tag ``www.onvif.org/ver20/backchannel`` must be in ``Require`` on DESCRIBE (else
the SDP has no back-channel, as on a real camera) and on every SETUP/PLAY/GET_PARAMETER/TEARDOWN
of the back-channel (else ``551 Option not supported``); CSeq must grow; the Session must match
(``454``); the SETUP URL must be one the SDP gave (``404``); RTP before the PLAY answer, on a
channel SETUP did not give, with a payload type the track did not offer, with a sequence gap or a
changed SSRC, or bytes that are neither ``$`` frames nor RTSP requests, end the connection and are
recorded in :attr:`BackchannelCamera.errors`. Only RTSP requests and RTCP keep a session alive
(the spec's keep-alive rule): a client that only sends RTP is dropped after the session timeout.
``backchannel=False`` is a camera without one: DESCRIBE with the tag gets ``551``.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import math
import re
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.adapters.voice import g711
from app.adapters.voice.rtp_packets import parse
from app.adapters.voice.wav import write_wav
from app.adapters.voice.web_auth import parse_challenges
from app.core.voice import Codec
from app.demo.onvif_auth import DigestChecker

BACKCHANNEL_TAG = "www.onvif.org/ver20/backchannel"
HOST = "127.0.0.1"
REALM = "CityWall demo camera"
_PT = {Codec.PCMU: 0, Codec.PCMA: 8}
_METHOD = re.compile(r"[A-Z][A-Z_]*")
Auth = Literal["none", "digest", "basic"]


@dataclass
class HeardSession:
    """One back-channel session as the camera saw it."""

    id: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # method, headers (lower-case)
    codec: Codec | None = None
    payload_type: int | None = None
    transport: str = ""  # "tcp" or "udp"
    playing: bool = False
    torn_down: bool = False
    packets: int = 0
    pcm: bytearray = field(default_factory=bytearray)  # placed by RTP timestamp from the first packet
    arrivals: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wav: Path | None = None
    _first_ts: int | None = None
    _last_seq: int | None = None
    _ssrc: int | None = None

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / 2 / 8000

    def take_rtp(self, packet: bytes) -> str | None:
        """Store one RTP packet; the reason it breaks the stream, or None."""
        try:
            payload_type, seq, ts, ssrc, payload = parse(packet)
        except ValueError as exc:
            return f"not RTP: {exc}"
        if payload_type != self.payload_type:
            return f"RTP payload type {payload_type}, the track offered {self.payload_type}"
        if self._ssrc is not None and ssrc != self._ssrc:
            return "the SSRC changed mid-stream"
        if self._last_seq is not None and seq != (self._last_seq + 1) & 0xFFFF:
            return f"RTP sequence jumped from {self._last_seq} to {seq}"
        if self._first_ts is None:
            self._first_ts = ts
        self._ssrc, self._last_seq = ssrc, seq
        offset = ((ts - self._first_ts) & 0xFFFFFFFF) * 2
        if offset > 8000 * 2 * 600:
            return "RTP timestamp jumped by more than ten minutes"
        assert self.codec is not None
        pcm = g711.decode(payload, self.codec)
        if len(self.pcm) < offset:
            self.pcm += b"\x00" * (offset - len(self.pcm))
        self.pcm[offset : offset + len(pcm)] = pcm
        self.packets += 1
        self.arrivals.append(time.monotonic())
        return None


class _Closed(Exception):
    """End this connection (the reason is already recorded)."""


class _Connection:
    def __init__(self, camera: BackchannelCamera, sock: socket.socket) -> None:
        self.camera, self.sock = camera, sock
        self.buf = bytearray()
        self.last_cseq = 0
        self.session: HeardSession | None = None
        self.channels: tuple[int, int] | None = None
        self.udp: socket.socket | None = None
        self.udp_thread: threading.Thread | None = None
        self.client_rtp: tuple[str, int] | None = None
        self.alive_at = time.monotonic()

    # --- the byte stream --------------------------------------------------------------------------
    def serve(self) -> None:
        self.sock.settimeout(0.1)
        try:
            while not self.camera.stopping:
                try:
                    data = self.sock.recv(65536)
                except TimeoutError:
                    self._check_timeout()
                    continue
                if not data:
                    break
                self.buf += data
                self._consume()
                self._check_timeout()
        except (_Closed, OSError):
            pass
        finally:
            self._end_session()
            with contextlib.suppress(OSError):
                self.sock.close()

    def _error(self, text: str) -> _Closed:
        self.camera.record_error(self.session, text)
        return _Closed(text)

    def _check_timeout(self) -> None:
        idle = time.monotonic() - self.alive_at
        if self.session and self.session.playing and idle > self.camera.session_timeout_s:
            raise self._error(f"session {self.session.id} timed out (no RTSP request or RTCP)")

    def _consume(self) -> None:
        buf = self.buf
        while buf:
            if buf[0] == 0x24:
                if len(buf) < 4:
                    return
                channel, size = buf[1], struct.unpack("!H", buf[2:4])[0]
                if len(buf) < 4 + size:
                    return
                payload = bytes(buf[4 : 4 + size])
                del buf[: 4 + size]
                self._frame(channel, payload)
                continue
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if not bytes(buf[:1]).isalpha() or len(buf) > 16384:
                    raise self._error(f"bad interleaved framing: {bytes(buf[:16])!r}")
                return
            head = buf[:end].decode("utf-8", "replace")
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not _METHOD.fullmatch(parts[0]):
                raise self._error(f"bad interleaved framing: {lines[0][:40]!r}")
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if len(buf) < end + 4 + length:
                return
            del buf[: end + 4 + length]
            self._request(parts[0], parts[1], parts[2], headers)

    def _frame(self, channel: int, payload: bytes) -> None:
        session = self.session
        if session is None or not session.playing or self.channels is None:
            raise self._error("interleaved data before the PLAY answer")
        if channel == self.channels[1]:
            self.alive_at = time.monotonic()  # RTCP counts as keep-alive
            return
        if channel != self.channels[0]:
            raise self._error(
                f"interleaved frame on channel {channel}; SETUP gave {self.channels[0]}-{self.channels[1]}"
            )
        problem = session.take_rtp(payload)
        if problem:
            raise self._error(problem)
        self.camera.heard_packet(session)

    # --- requests -------------------------------------------------------------------------------------
    def _send(
        self, status: str, cseq: str | None, headers: Sequence[tuple[str, str]] = (), body: bytes = b""
    ) -> None:
        lines = [f"RTSP/1.0 {status}"]
        if cseq is not None:
            lines.append(f"CSeq: {cseq}")
        lines += [f"{k}: {v}" for k, v in headers]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _request(self, method: str, uri: str, version: str, headers: dict[str, str]) -> None:
        camera = self.camera
        cseq = headers.get("cseq")
        if version != "RTSP/1.0":
            return self._send("505 RTSP Version Not Supported", cseq)
        if cseq is None or not cseq.isdigit() or int(cseq) <= self.last_cseq:
            camera.record_error(self.session, f"{method}: CSeq {cseq!r} after {self.last_cseq}")
            return self._send("400 Bad Request", cseq)
        self.last_cseq = int(cseq)
        if self.session is not None:
            self.session.requests.append((method, headers))
        camera.requests.append((method, headers))
        challenge = camera.check_auth(method, uri, headers.get("authorization"))
        if challenge:
            return self._send("401 Unauthorized", cseq, [("WWW-Authenticate", challenge)])
        tags = [t.strip() for t in headers.get("require", "").split(",") if t.strip()]
        unsupported = [t for t in tags if t != BACKCHANNEL_TAG or not camera.backchannel]
        if unsupported:
            return self._send("551 Option not supported", cseq, [("Unsupported", ", ".join(unsupported))])
        tagged = BACKCHANNEL_TAG in tags
        if not uri.startswith(camera.url):
            return self._send("404 Not Found", cseq)
        handler = getattr(self, f"_do_{method.lower()}", None)
        if handler is None:
            return self._send("501 Not Implemented", cseq)
        handler(uri, cseq, headers, tagged)
        return None

    def _session_ok(self, headers: dict[str, str]) -> bool:
        given = headers.get("session", "").split(";")[0].strip()
        return self.session is not None and given == self.session.id

    def _do_options(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        self._send("200 OK", cseq, [("Public", "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN")])

    def _do_describe(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        if uri.rstrip("/") != self.camera.url.rstrip("/"):
            return self._send("404 Not Found", cseq)
        sdp = self.camera.sdp(with_backchannel=tagged).encode()
        self._send(
            "200 OK",
            cseq,
            [("Content-Type", "application/sdp"), ("Content-Base", self.camera.url + "/")],
            sdp,
        )
        return None

    def _do_setup(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        camera = self.camera
        codec = camera.track_of(uri)
        if codec is False:
            return self._send("404 Not Found", cseq)
        if codec is not None and not tagged:
            return self._send("551 Option not supported", cseq, [("Unsupported", BACKCHANNEL_TAG)])
        if "session" in headers and not self._session_ok(headers):
            return self._send("454 Session Not Found", cseq)
        if codec is None:  # the video or microphone track: accepted, never streamed by this demo camera
            return self._setup_reply(cseq, headers.get("transport", ""), None)
        if self.session is not None and self.session.codec is not None:
            return self._send("459 Aggregate Operation Not Allowed", cseq)
        return self._setup_reply(cseq, headers.get("transport", ""), codec)

    def _setup_reply(self, cseq: str, transport: str, codec: Codec | None) -> None:
        camera = self.camera
        reply: str | None = None
        for option in transport.split(","):
            params = [p.strip() for p in option.split(";")]
            values = dict(p.partition("=")[::2] for p in params[1:])
            if params[0] == "RTP/AVP/TCP" and "tcp" in camera.transports and "interleaved" in values:
                first, _, second = values["interleaved"].partition("-")
                if first.isdigit() and second.isdigit():
                    if codec is not None:
                        self.channels = (int(first), int(second))
                    reply, kind = f"RTP/AVP/TCP;unicast;interleaved={first}-{second}", "tcp"
                    break
            if (
                params[0] in ("RTP/AVP", "RTP/AVP/UDP")
                and "udp" in camera.transports
                and "client_port" in values
            ):
                first, _, second = values["client_port"].partition("-")
                if first.isdigit() and codec is not None:
                    self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    self.udp.bind((HOST, 0))
                    port = self.udp.getsockname()[1]
                    self.client_rtp = (self.sock.getpeername()[0], int(first))
                    reply = (
                        f"RTP/AVP;unicast;client_port={values['client_port']};server_port={port}-{port + 1}"
                    )
                    kind = "udp"
                    break
        if reply is None:
            return self._send("461 Unsupported Transport", cseq)
        if self.session is None:
            self.session = HeardSession(secrets.token_hex(6))
            camera.sessions.append(self.session)
        if codec is not None:
            self.session.codec, self.session.payload_type, self.session.transport = codec, _PT[codec], kind
        timeout = f"{self.session.id};timeout={math.ceil(camera.session_timeout_s)}"
        self._send("200 OK", cseq, [("Session", timeout), ("Transport", reply)])
        return None

    def _do_play(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        if not self._session_ok(headers):
            return self._send("454 Session Not Found", cseq)
        assert self.session is not None
        if self.session.codec is not None and not tagged:
            return self._send("551 Option not supported", cseq, [("Unsupported", BACKCHANNEL_TAG)])
        self._send("200 OK", cseq, [("Session", self.session.id)])
        self.session.playing = True
        self.alive_at = time.monotonic()
        if self.udp is not None:
            self.udp_thread = threading.Thread(
                target=self._receive_udp, args=(self.session, self.udp), daemon=True
            )
            self.udp_thread.start()
        self.camera.emit({"event": "play", "session": self.session.id, "codec": str(self.session.codec)})
        return None

    def _do_get_parameter(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        if not self._session_ok(headers):
            return self._send("454 Session Not Found", cseq)
        assert self.session is not None
        if self.session.codec is not None and not tagged:
            return self._send("551 Option not supported", cseq, [("Unsupported", BACKCHANNEL_TAG)])
        self.alive_at = time.monotonic()
        self._send("200 OK", cseq, [("Session", self.session.id)])
        return None

    def _do_teardown(self, uri: str, cseq: str, headers: dict[str, str], tagged: bool) -> None:
        if not self._session_ok(headers):
            return self._send("454 Session Not Found", cseq)
        assert self.session is not None
        if self.session.codec is not None and not tagged:
            return self._send("551 Option not supported", cseq, [("Unsupported", BACKCHANNEL_TAG)])
        self.session.torn_down = True
        self._send("200 OK", cseq, [("Session", self.session.id)])
        self._end_session()
        return None

    def _receive_udp(self, session: HeardSession, udp: socket.socket) -> None:
        udp.settimeout(0.05)
        while True:
            ending = self.session is not session or self.camera.stopping
            try:
                packet, source = udp.recvfrom(65536)
            except TimeoutError:
                if ending:  # drained: what was sent before TEARDOWN is in
                    return
                continue
            except OSError:
                return
            if source != self.client_rtp:
                self.camera.record_error(session, f"RTP from {source}, SETUP said {self.client_rtp}")
                continue
            problem = session.take_rtp(packet)
            if problem:
                self.camera.record_error(session, problem)
            else:
                self.camera.heard_packet(session)

    def _end_session(self) -> None:
        session, self.session = self.session, None
        if self.udp_thread is not None:
            self.udp_thread.join(timeout=2)
            self.udp_thread = None
        if self.udp is not None:
            self.udp.close()
            self.udp = None
        if session is not None:
            self.camera.finish(session)


class BackchannelCamera:
    """The server; ``url`` is the camera's RTSP URL (what a speaker's address names)."""

    def __init__(
        self,
        out_dir: Path | None = None,
        *,
        codecs: Sequence[Codec] = (Codec.PCMU, Codec.PCMA),
        other_backchannel_formats: Sequence[str] = (),  # e.g. "97 G726-32/8000": a decoder we do not take
        backchannel: bool = True,
        auth: Auth = "none",
        username: str = "admin",
        password: str = "",
        transports: Sequence[str] = ("tcp", "udp"),
        session_timeout_s: float = 60.0,
        path: str = "/onvif/profile1",
        port: int = 0,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.codecs, self.other_formats = tuple(codecs), tuple(other_backchannel_formats)
        self.backchannel = backchannel
        self.auth, self.username, self._password = auth, username, password
        self.transports, self.session_timeout_s, self.path = tuple(transports), session_timeout_s, path
        self._port = port
        self._on_event = on_event
        self._digest = DigestChecker(username, password, REALM)
        self.sessions: list[HeardSession] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.stopping = False
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._finished = 0

    @property
    def url(self) -> str:
        return f"rtsp://{HOST}:{self._port}{self.path}"

    def start(self) -> BackchannelCamera:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self._port))
        listener.listen(16)
        self._port = listener.getsockname()[1]
        self._listener = listener
        self.stopping = False
        thread = threading.Thread(target=self._accept, name="backchannel-camera", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self) -> None:
        assert self._listener is not None
        self._listener.settimeout(0.1)  # closing a socket does not wake accept(): look at stopping
        while not self.stopping:
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self._lock:
                self._connections.append(sock)
            thread = threading.Thread(target=_Connection(self, sock).serve, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self.stopping = True
        if self._listener is not None:
            self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()

    def crash(self) -> None:
        """Die as a killed process would: every connection reset, nothing said."""
        self.stopping = True
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for sock in self._connections:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()

    def __enter__(self) -> BackchannelCamera:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what the SDP offers ----------------------------------------------------------------------
    def sdp(self, *, with_backchannel: bool) -> str:
        lines = [
            "v=0", f"o=- {secrets.randbits(32)} 1 IN IP4 {HOST}", "s=CityWall demo camera", "t=0 0",
            "a=control:*",
            "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=control:track1", "a=recvonly",
            "m=audio 0 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=control:track2", "a=recvonly",
        ]  # fmt: skip
        if with_backchannel:
            for n, codec in enumerate(self.codecs):
                pt = _PT[codec]
                lines += [
                    f"m=audio 0 RTP/AVP {pt}",
                    f"a=rtpmap:{pt} {codec.name}/8000",
                    f"a=control:back{n}",
                    "a=sendonly",
                ]
            for n, fmt in enumerate(self.other_formats):
                other_pt, _, name = fmt.partition(" ")
                lines += [
                    f"m=audio 0 RTP/AVP {other_pt}",
                    f"a=rtpmap:{other_pt} {name}",
                    f"a=control:other{n}",
                    "a=sendonly",
                ]
        return "\r\n".join(lines) + "\r\n"

    def track_of(self, uri: str) -> Codec | Literal[False] | None:
        """The back-channel codec a SETUP URL names, None for the camera's own tracks, False: unknown."""
        control = uri.removeprefix(self.url + "/")
        if control in ("track1", "track2"):
            return None
        for n, codec in enumerate(self.codecs):
            if control == f"back{n}":
                return codec
        return False

    # --- login ------------------------------------------------------------------------------------
    def check_auth(self, method: str, uri: str, header: str | None) -> str | None:
        """None if the request may go on, else the challenge to send with 401."""
        if self.auth == "none":
            return None
        if self.auth == "basic":
            expected = "Basic " + base64.b64encode(f"{self.username}:{self._password}".encode()).decode()
            if header and hmac.compare_digest(header.encode(), expected.encode()):
                return None
            return f'Basic realm="{REALM}"'
        if header and self._digest.check(header, method):
            parsed = parse_challenges([header])
            if parsed and parsed[0].params.get("uri") == uri:
                return None
        return self._digest.challenge()

    # --- records ------------------------------------------------------------------------------------
    def record_error(self, session: HeardSession | None, text: str) -> None:
        with self._lock:
            self.errors.append(text)
        if session is not None:
            session.errors.append(text)
        self.emit({"event": "error", "text": text})

    def heard_packet(self, session: HeardSession) -> None:
        if session.packets % 25 == 0:  # every half second of audio: how far it got (for a kill test)
            self.emit({"event": "audio", "session": session.id, "seconds": session.packets / 50})

    def finish(self, session: HeardSession) -> None:
        with self._lock:
            self._finished += 1
            number = self._finished
        if self.out_dir is not None and session.packets:
            session.wav = self.out_dir / f"heard-{number:03d}-{session.id}.wav"
            session.wav.write_bytes(write_wav(bytes(session.pcm)))
        self.emit({
            "event": "heard", "session": session.id, "packets": session.packets,
            "seconds": round(session.duration_s, 3), "wav": str(session.wav) if session.wav else None,
            "torn_down": session.torn_down,
        })  # fmt: skip

    def emit(self, event: dict[str, Any]) -> None:
        if self._on_event is not None:
            self._on_event(event)
