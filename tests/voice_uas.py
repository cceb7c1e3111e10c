"""A scripted SIP user agent server on loopback for the edge cases SIPp does not script simply:
challenges, a peer that never answers (to time retransmissions), one that rings until cancelled,
one that hangs up mid-prompt, odd SDP answers. It follows RFC 3261 as far as each case needs, checks
digest credentials with its own hashing (not the app's), and keeps every request it received with
its arrival time.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from dataclasses import dataclass, field

from app.adapters.voice.sip_messages import SipMessage, param, parse_challenge, parse_message, uri_of

REALM = "uas.test"
NONCE = "5f1d3c2b9a"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass
class Script:
    """What the UAS does with an INVITE. ``final``: the status it ends with (200 answers with
    ``sdp`` or one pointing at its RTP socket); ``ring``: send 180 and wait for CANCEL (no final);
    ``silent``: say nothing; ``challenge``: 401 or 407 first, then check the credentials
    (``password``); ``hang_up_after``: RTP packets after which it sends BYE."""

    final: int = 200
    reason: str = "OK"
    ring: bool = False
    silent: bool = False
    challenge: int | None = None
    password: str = "s3cret"
    answer_types: str = "0 8"
    answer_port: int | None = None  # None: its own RTP socket
    sdp: bytes | None = None
    hang_up_after: int | None = None
    answer_bye: bool = True


@dataclass
class ScriptedUas:
    script: Script = field(default_factory=Script)
    requests: list[tuple[float, SipMessage]] = field(default_factory=list)
    rtp: list[bytes] = field(default_factory=list)
    auth_ok: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.media.bind(("127.0.0.1", 0))
        self.port = int(self.sip.getsockname()[1])
        self._stop = threading.Event()
        self._peer: tuple[str, int] | None = None
        self._invite: SipMessage | None = None
        self._hung_up = False
        self._threads = [
            threading.Thread(target=self._serve, daemon=True),
            threading.Thread(target=self._media, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def address(self) -> str:
        return f"sip:pa@127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(2)
        self.sip.close()
        self.media.close()

    def methods(self) -> list[str]:
        return [m.method for _, m in self.requests]

    def wait_for(self, method: str, count: int = 1, timeout_s: float = 5.0) -> None:
        """Wait until ``count`` requests of ``method`` came (the UAC may return before its last
        datagram has been read here)."""
        deadline = time.monotonic() + timeout_s
        while len(self.of(method)) < count and time.monotonic() < deadline:
            self._stop.wait(0.01)

    def wait_rtp(self, count: int, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.rtp) < count and time.monotonic() < deadline:
            self._stop.wait(0.01)

    def of(self, method: str) -> list[tuple[float, SipMessage]]:
        return [(t, m) for t, m in self.requests if m.method == method]

    # --- signalling ------------------------------------------------------------------------------------
    def _serve(self) -> None:
        self.sip.settimeout(0.05)
        while not self._stop.is_set():
            try:
                data, peer = self.sip.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            message = parse_message(data)
            self._peer = peer
            if message.is_response:
                continue  # the answer to our BYE
            self.requests.append((time.monotonic(), message))
            self._handle(message)

    def _handle(self, request: SipMessage) -> None:
        s = self.script
        if request.method == "INVITE":
            if s.silent:
                return
            if s.challenge and not any(m.method == "INVITE" for _, m in self.requests[:-1]):
                return self._challenge(request)
            if s.challenge:
                header = request.header("proxy-authorization" if s.challenge == 407 else "authorization")
                ok = header is not None and self._check(request, header)
                self.auth_ok.append(ok)
                if not ok:
                    return self._challenge(request)
            self._invite = request
            self._respond(request, 100, "Trying", tag=False)
            self._respond(request, 180, "Ringing")
            if s.ring:
                return
            if s.final == 200:
                self._respond(request, 200, "OK", body=self._answer_sdp())
            else:
                self._respond(request, s.final, s.reason)
        elif request.method == "CANCEL":
            self._respond(request, 200, "OK")
            if self._invite is not None:
                self._respond(self._invite, 487, "Request Terminated")
        elif request.method == "BYE":
            if s.answer_bye:
                self._respond(request, 200, "OK")
        elif request.method != "ACK":
            self._respond(request, 200, "OK")

    def _challenge(self, request: SipMessage) -> None:
        name = "Proxy-Authenticate" if self.script.challenge == 407 else "WWW-Authenticate"
        reason = "Proxy Authentication Required" if self.script.challenge == 407 else "Unauthorized"
        value = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'
        self._respond(request, self.script.challenge or 401, reason, extra=[(name.lower(), value)])

    def _check(self, request: SipMessage, header: str) -> bool:
        given = parse_challenge(header) or {}
        ha1 = _md5(f"{given.get('username')}:{REALM}:{self.script.password}")
        ha2 = _md5(f"INVITE:{given.get('uri')}")
        expected = _md5(f"{ha1}:{NONCE}:{given.get('nc')}:{given.get('cnonce')}:{given.get('qop')}:{ha2}")
        return given.get("response") == expected and given.get("nonce") == NONCE

    def _answer_sdp(self) -> bytes:
        if self.script.sdp is not None:
            return self.script.sdp
        port = self.script.answer_port if self.script.answer_port is not None else self.media.getsockname()[1]
        types = self.script.answer_types.split()
        lines = [
            "v=0", "o=uas 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            f"m=audio {port} RTP/AVP {' '.join(types)}", "a=recvonly",
        ]  # fmt: skip
        return ("\r\n".join(lines) + "\r\n").encode()

    def _respond(
        self,
        request: SipMessage,
        status: int,
        reason: str,
        *,
        tag: bool = True,
        body: bytes = b"",
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        headers = []
        for key, value in request.headers:
            if key == "to" and tag and param(value, "tag") is None:
                value = f"{value};tag=uas1"
            if key in ("via", "from", "to", "call-id", "cseq"):
                headers.append((key, value))
        headers.append(("contact", f"<sip:pa@127.0.0.1:{self.port}>"))
        headers += extra or []
        if body:
            headers.append(("content-type", "application/sdp"))
        assert self._peer is not None
        self.sip.sendto(SipMessage(f"SIP/2.0 {status} {reason}", headers, body).to_bytes(), self._peer)

    def _bye(self) -> None:
        """The speaker hangs up: a BYE of its own in the dialog (From and To swapped)."""
        invite = self._invite
        assert invite is not None and self._peer is not None
        headers = [
            ("via", f"SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKuasbye"),
            ("from", f"{invite.header('to')};tag=uas1"), ("to", invite.header("from") or ""),
            ("call-id", invite.header("call-id") or ""), ("cseq", "1 BYE"),
        ]  # fmt: skip
        self.sip.sendto(
            SipMessage(f"BYE {uri_of(invite.header('contact') or '')} SIP/2.0", headers).to_bytes(),
            self._peer,
        )

    # --- media -------------------------------------------------------------------------------------------
    def _media(self) -> None:
        self.media.settimeout(0.05)
        while not self._stop.is_set():
            try:
                packet = self.media.recv(2048)
            except TimeoutError:
                continue
            except OSError:
                return
            self.rtp.append(packet)
            after = self.script.hang_up_after
            if after is not None and len(self.rtp) >= after and not self._hung_up:
                self._hung_up = True
                self._bye()
