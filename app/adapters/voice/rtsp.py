"""A small RTSP/1.0 client connection (RFC 2326) for sending audio to a camera.

Requests carry CSeq, the Session once SETUP gave one, the feature tags of ``Require`` (the ONVIF
back-channel puts its tag on every request) and Authorization once the camera challenged us
(:mod:`app.adapters.voice.web_auth`). Responses are read from a stream that may also carry
interleaved binary frames (``$``, channel, 16-bit length: RFC 2326 section 10.12), which are
skipped, and requests from the server, which are read and ignored. Every fault becomes an
:class:`RtspFailure` with the :class:`~app.core.voice.DeliveryFailure` it means and words an
operator can read; the URL's user info and the password never appear in them.
"""

from __future__ import annotations

import select
import socket
import struct
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from app.adapters.voice.web_auth import Authenticator, parse_challenges
from app.core.voice import DeliveryFailure

RTSP_PORT = 554
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024


class RtspFailure(Exception):
    def __init__(self, failure: DeliveryFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


@dataclass
class RtspResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def get(self, name: str) -> str | None:
        values = self.get_all(name)
        return values[0] if values else None

    def get_all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def status_line(self) -> str:
        return f"RTSP/1.0 {self.status} {self.reason}".rstrip()


def split_url(url: str) -> tuple[str, str, int]:
    """(the URL without user info, host, port) of an ``rtsp://`` URL; ValueError if it is not one."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "rtsp" or not parts.hostname:
        raise ValueError("the address must be an rtsp://host[:port]/path URL")
    host = parts.hostname
    port = parts.port or RTSP_PORT
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, "")), host, port


def _parse_head(head: str) -> tuple[str, list[tuple[str, str]]]:
    lines = head.replace("\r\n", "\n").split("\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # a folded header continues the previous one
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return lines[0].strip(), headers


class RtspConnection:
    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 5.0,
        require: str | None = None,
        user_agent: str = "CityWall",
    ) -> None:
        self.url, self.host, self.port = split_url(url)
        self._username, self._password = username, password
        self.timeout_s = timeout_s
        self.require = require
        self.user_agent = user_agent
        self.session: str | None = None
        self.session_timeout_s: float | None = None
        self._auth: Authenticator | None = None
        self._cseq = 0
        self._buffer = bytearray()
        self._sock: socket.socket | None = None

    # --- the socket ---------------------------------------------------------------------------------
    def open(self) -> None:
        where = f"{self.host}:{self.port}"
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except ConnectionRefusedError:
            raise RtspFailure(DeliveryFailure.UNREACHABLE, f"{where} refused the connection") from None
        except TimeoutError:
            raise RtspFailure(
                DeliveryFailure.TIMEOUT, f"no answer from {where} within {self.timeout_s:.0f} s"
            ) from None
        except socket.gaierror:
            raise RtspFailure(DeliveryFailure.UNREACHABLE, f"no such host: {self.host}") from None
        except OSError as exc:
            raise RtspFailure(DeliveryFailure.UNREACHABLE, f"{where}: {exc.strerror or exc}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    @property
    def sock(self) -> socket.socket:
        if self._sock is None:
            raise RtspFailure(DeliveryFailure.UNREACHABLE, "not connected")
        return self._sock

    def local_host(self) -> str:
        return str(self.sock.getsockname()[0])

    def peer_host(self) -> str:
        return str(self.sock.getpeername()[0])

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def _lost(self, exc: OSError | None = None) -> RtspFailure:
        if isinstance(exc, TimeoutError):
            return RtspFailure(DeliveryFailure.TIMEOUT, f"the camera took no data for {self.timeout_s:.0f} s")
        return RtspFailure(DeliveryFailure.UNREACHABLE, "the camera closed the connection")

    def _sendall(self, data: bytes) -> None:
        sock = self.sock
        sock.settimeout(self.timeout_s)
        try:
            sock.sendall(data)
        except OSError as exc:
            raise self._lost(exc) from None

    # --- requests -----------------------------------------------------------------------------------
    def send_request(self, method: str, uri: str, headers: dict[str, str] | None = None) -> int:
        """Send a request without waiting for its answer (a keep-alive); returns its CSeq."""
        self._cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self._cseq}", f"User-Agent: {self.user_agent}"]
        if self.require:
            lines.append(f"Require: {self.require}")
        if self.session and method != "DESCRIBE":
            lines.append(f"Session: {self.session}")
        authorization = self._auth.authorization(method, uri) if self._auth else None
        if authorization:
            lines.append(f"Authorization: {authorization}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
        return self._cseq

    def request(
        self, method: str, uri: str, headers: dict[str, str] | None = None, *, timeout_s: float | None = None
    ) -> RtspResponse:
        """Send a request and return its response, answering the camera's challenges (once each;
        a challenge marked stale gets a fresh try)."""
        for _ in range(3):
            authorized = self._auth is not None and self._auth.scheme is not None
            cseq = self.send_request(method, uri, headers)
            response = self._await(cseq, method, timeout_s or self.timeout_s)
            if response.status != 401:
                return response
            self._answer_challenge(response, authorized)
        raise RtspFailure(
            DeliveryFailure.AUTH, f"{response.status_line}: the camera keeps asking for a login"
        )

    def _answer_challenge(self, response: RtspResponse, authorized: bool) -> None:
        if self._username is None or self._password is None:
            raise RtspFailure(
                DeliveryFailure.NOT_CONFIGURED,
                f"{response.status_line}: the camera asks for a user name and password; none configured",
            )
        challenges = response.get_all("WWW-Authenticate")
        stale = any(c.stale for c in parse_challenges(challenges))
        if authorized and not stale:
            raise RtspFailure(
                DeliveryFailure.AUTH, f"{response.status_line}: the camera refused the user name or password"
            )
        self._auth = self._auth or Authenticator(self._username, self._password)
        if not self._auth.accept(challenges):
            schemes = ", ".join(sorted({c.scheme for c in parse_challenges(challenges)})) or "none"
            raise RtspFailure(
                DeliveryFailure.AUTH, f"{response.status_line}: no login scheme we can answer ({schemes})"
            )

    def _await(self, cseq: int, method: str, timeout_s: float) -> RtspResponse:
        deadline = time.monotonic() + timeout_s
        while True:
            response = self._next_response(deadline)
            if response is None:
                raise RtspFailure(
                    DeliveryFailure.TIMEOUT, f"the camera did not answer {method} within {timeout_s:.0f} s"
                )
            if response.get("CSeq") == str(cseq):
                return response

    def _next_response(self, deadline: float | None) -> RtspResponse | None:
        """The next complete response in the stream; None at ``deadline`` (None: only what has
        already arrived, without waiting)."""
        sock = self.sock
        while True:
            response = self._parse_buffer()
            if response is not None:
                return response
            if deadline is None:
                readable, _, _ = select.select([sock], [], [], 0)
                if not readable:
                    return None
                sock.settimeout(self.timeout_s)
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return None
            except OSError as exc:
                raise self._lost(exc) from None
            if not chunk:
                raise self._lost()
            self._buffer += chunk

    def poll(self) -> None:
        """Read whatever the camera sent meanwhile (keep-alive answers, RTCP) without waiting;
        raises RtspFailure if it closed the connection."""
        while self._next_response(None) is not None:
            pass

    def _parse_buffer(self) -> RtspResponse | None:
        buf = self._buffer
        while buf:
            if buf[0] == 0x24:  # "$": an interleaved frame (RTCP from the camera): skip it
                if len(buf) < 4:
                    return None
                size = struct.unpack("!H", buf[2:4])[0]
                if len(buf) < 4 + size:
                    return None
                del buf[: 4 + size]
                continue
            end = buf.find(b"\r\n\r\n")
            sep = 4
            if end < 0:
                end, sep = buf.find(b"\n\n"), 2
            if end < 0:
                if len(buf) > MAX_HEAD or not self._looks_like_rtsp(bytes(buf[:16])):
                    raise self._garbage(bytes(buf[:60]))
                return None
            first, headers = _parse_head(buf[:end].decode("utf-8", "replace"))
            length_text = next((v for k, v in headers if k.lower() == "content-length"), "0")
            length = int(length_text) if length_text.isdigit() else 0
            if length > MAX_BODY:
                raise RtspFailure(DeliveryFailure.BAD_RESPONSE, f"the camera sent a {length}-byte body")
            if len(buf) < end + sep + length:
                return None
            body = bytes(buf[end + sep : end + sep + length])
            del buf[: end + sep + length]
            if first.startswith("RTSP/"):
                parts = first.split(" ", 2)
                if len(parts) < 2 or not parts[1].isdigit():
                    raise self._garbage(first.encode())
                return RtspResponse(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body)
            if not first.endswith("RTSP/1.0"):
                raise self._garbage(first.encode())
            # a request from the camera (ANNOUNCE, SET_PARAMETER …): nothing we need; skipped
        return None

    @staticmethod
    def _looks_like_rtsp(start: bytes) -> bool:
        text = start.decode("ascii", "replace")
        return "RTSP/1.0".startswith(text[:8]) or text.split(" ")[0].isupper()

    @staticmethod
    def _garbage(start: bytes) -> RtspFailure:
        shown = start.decode("ascii", "replace").splitlines()[0] if start else ""
        return RtspFailure(
            DeliveryFailure.BAD_RESPONSE, f"the camera sent something that is not RTSP: {shown!r}"
        )

    # --- media on the connection ----------------------------------------------------------------------
    def send_interleaved(self, channel: int, payload: bytes) -> None:
        self._sendall(b"$" + struct.pack("!BH", channel, len(payload)) + payload)
