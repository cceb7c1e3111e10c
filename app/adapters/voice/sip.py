"""A SIP paging call to a speaker that answers by itself: a small user agent client (RFC 3261, UDP).

INVITE with an SDP offer of PCMU and PCMA (the speaker's codec first) → 100/180/183 → 200 OK → ACK
→ G.711 RTP to the address and port of the answer's SDP, paced in real time → BYE → its 200. The
INVITE is retransmitted on timer A (T1, doubling) until a provisional response; a stop before the
answer sends CANCEL (once a provisional response allows it, RFC 3261 §9.1); a 401/407 is answered
once with digest credentials (RFC 2617; MD5 and SHA-256 per RFC 8760) from the speaker's user name
and password. Final answers map to :class:`DeliveryFailure`: 486/600 BUSY, 408/480 NO_ANSWER,
401/407/403 after credentials AUTH, 488/606 (no common codec) NO_AUDIO, any other REFUSED with the
status line; no final answer in ``answer_timeout_s`` TIMEOUT.

Why our own: the one pure-Python SIP library on PyPI that does calls, pyVoIP (1.6.8, January 2024),
is a softphone that must REGISTER with a PBX before it can call, imports ``audioop`` (gone in Python
3.13, which CityWall supports), offers PCMU only, never retransmits an INVITE (a lost datagram hangs
the call), cannot CANCEL, reuses the INVITE's branch after a challenge and leaves 407 (proxy
authentication) as a TODO. The rest are a B2BUA server (sippy), asyncio frameworks with little
use, or bindings to PJSIP's C library. A paging call needs one dialog and four transactions: about
800 lines here with :mod:`~app.adapters.voice.sip_messages`, tested against SIPp and a scripted UAS.

The signalling socket is *connected* to the speaker: a speaker whose SIP port is closed answers
ICMP "port unreachable", which only a connected UDP socket reports, so a dead speaker fails at once
(UNREACHABLE) instead of after the timeout. A speaker behind a proxy that answers from another
address than the one it was sent to is therefore not supported.
"""

from __future__ import annotations

import logging
import secrets
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from app.adapters.voice import rtp
from app.adapters.voice.sip_messages import (
    SdpAnswer,
    SipMessage,
    SipUri,
    digest_authorization,
    hostport,
    new_branch,
    new_token,
    parse_challenge,
    parse_message,
    parse_sdp_answer,
    parse_sip_uri,
    refuses_audio,
    response_to,
    sdp_offer,
    supported,
    uri_of,
)
from app.core.voice import Codec, Delivery, DeliveryFailure, Speaker

log = logging.getLogger(__name__)

_FAILURES = {
    486: DeliveryFailure.BUSY, 600: DeliveryFailure.BUSY,
    408: DeliveryFailure.NO_ANSWER, 480: DeliveryFailure.NO_ANSWER,
    488: DeliveryFailure.NO_AUDIO, 606: DeliveryFailure.NO_AUDIO,
}  # fmt: skip
Header = tuple[str, str]
_POLL_S = 0.05  # how often a wait for the peer looks at the stop event


def failure_for(status: int, *, authenticated: bool) -> DeliveryFailure:
    """What a final answer of 300 or more means for the delivery."""
    if status in (401, 403, 407) and authenticated:
        return DeliveryFailure.AUTH
    return _FAILURES.get(status, DeliveryFailure.REFUSED)


@dataclass(frozen=True)
class SipTimers:
    t1_s: float = 0.5  # RFC 3261's round-trip estimate: the first retransmission interval
    t2_s: float = 4.0  # the longest retransmission interval of a non-INVITE request (BYE, CANCEL)
    answer_timeout_s: float = 10.0  # no final answer by then: CANCEL, TIMEOUT (speakers answer at once)
    bye_timeout_s: float = 2.0  # how long BYE and CANCEL wait for their answer
    hangup_delay_s: float = 0.3  # after the last packet, before BYE: the speaker's jitter buffer plays out


class SipTransport:
    """:class:`~app.adapters.voice.transport.Transport` for :attr:`DeliveryKind.SIP` speakers
    (address ``sip:user@host:port``). ``received``: RTP the speaker sends back (an echo test, a
    talk-back); dropped when None."""

    def __init__(
        self,
        *,
        timers: SipTimers | None = None,
        local_user: str = "citywall",
        user_agent: str = "CityWall",
        received: Callable[[Speaker, bytes], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.timers = timers or SipTimers()
        self.local_user, self.user_agent = local_user, user_agent
        self.received = received
        self.clock, self.wall = clock, wall

    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        try:
            uri = parse_sip_uri(speaker.address)
        except ValueError as exc:
            return Delivery(speaker.id, False, DeliveryFailure.NOT_CONFIGURED, str(exc))
        if stop.is_set():
            return Delivery(speaker.id, False, DeliveryFailure.STOPPED, "stopped before the call")
        call: _Call | None = None
        try:
            call = _Call(self, speaker, uri, stop)
            delivery = call.run(frames)
        except OSError as exc:  # before the answer (after it, the call keeps what it sent)
            delivery = Delivery(speaker.id, False, DeliveryFailure.UNREACHABLE, f"{uri}: {rtp.reason(exc)}")
        except ValueError as exc:  # the peer said something we cannot follow (an address, a number)
            delivery = Delivery(speaker.id, False, DeliveryFailure.BAD_RESPONSE, f"{uri}: {exc}")
        finally:
            if call is not None:
                call.close()
        if not delivery.delivered:
            log.warning("speaker %s: SIP call failed: %s %s", speaker.id, delivery.failure, delivery.detail)
        return delivery


@dataclass
class _Final:
    response: SipMessage | None  # the INVITE's final answer (None: none came)
    gave_up: str  # "stopped" or "timeout" when we ended the wait (and cancelled)
    proceeding: bool  # a provisional answer came


class _Call:
    """One dialog: its sockets, tags and sequence numbers."""

    def __init__(self, transport: SipTransport, speaker: Speaker, uri: SipUri, stop: threading.Event) -> None:
        self.t, self.speaker, self.uri, self.stop = transport, speaker, uri, stop
        self.timers, self.clock = transport.timers, transport.clock
        family, _, _, _, address = socket.getaddrinfo(uri.host, uri.port, type=socket.SOCK_DGRAM)[0]
        self.peer: tuple[str, int] = (str(address[0]), int(address[1]))
        self.sip = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self.sip.connect(self.peer)  # binds the local address the routes pick for the speaker
            self.local_ip, self.local_port = self.sip.getsockname()[:2]
            self.rtp = _even_port_socket(family, self.local_ip)
        except OSError:
            self.sip.close()
            raise
        self.call_id = f"{new_token(96)}@{self.local_ip}"
        local = hostport(self.local_ip, self.local_port)
        self.from_ = f'"CityWall" <sip:{transport.local_user}@{local}>;tag={new_token(32)}'
        self.contact = f"<sip:{transport.local_user}@{local}>"
        self.to = f"<{uri}>"
        self.cseq = secrets.randbelow(10_000) + 1
        self.remote_target, self.routes = uri, list[SipUri]()
        self.acks: dict[str, bytes] = {}  # branch → the ACK of its final answer (sent again if it is)
        self.hung_up = False
        self.invites_sent = 0
        self.ack_2xx = b""
        self.codecs = [speaker.codec, *(c for c in Codec if c is not speaker.codec)]
        session = secrets.randbelow(1 << 31)
        self.offer = sdp_offer(self.local_ip, self.rtp.getsockname()[1], self.codecs, session)

    def close(self) -> None:
        self.sip.close()
        self.rtp.close()

    # --- the call ------------------------------------------------------------------------------------
    def run(self, frames: Iterable[bytes]) -> Delivery:
        answer = self._invite()
        if isinstance(answer, Delivery):
            if self.ack_2xx:  # answered, but with nothing we can send to
                self._bye()
            return answer
        codec = answer.codec(self.codecs)
        assert codec is not None  # _answered checked it
        try:
            media = socket.getaddrinfo(answer.address, answer.port, type=socket.SOCK_DGRAM)[0][4]
            self.rtp.connect((str(media[0]), int(media[1])))
        except OSError as exc:
            self._bye()
            where = f"RTP to {answer.address}:{answer.port}"
            return self._failed(DeliveryFailure.UNREACHABLE, f"{where}: {rtp.reason(exc)}")
        done = rtp.stream(
            self.rtp.send, codec, frames, self.stop, between=self._between, clock=self.clock, wall=self.t.wall
        )
        if done.complete:
            self._linger(self.timers.hangup_delay_s)
        bye_problem = "" if self.hung_up else self._bye()
        delivery = rtp.outcome(self.speaker, done, f"RTP to {answer.address}:{answer.port}")
        if done.aborted:
            # It hung up (it said no), or its signalling port closed under the call (it went away).
            failure = DeliveryFailure.REFUSED if self.hung_up else DeliveryFailure.UNREACHABLE
            detail = f"{done.aborted} after {len(done.frames) * 0.02:.2f} s"
            return replace(delivery, delivered=False, failure=failure, detail=detail)
        if delivery.delivered and bye_problem:
            return replace(delivery, detail=bye_problem)
        return delivery

    def _failed(self, failure: DeliveryFailure, detail: str) -> Delivery:
        return Delivery(self.speaker.id, False, failure, detail)

    # --- INVITE --------------------------------------------------------------------------------------
    def _invite(self) -> SdpAnswer | Delivery:
        deadline = self.clock() + self.timers.answer_timeout_s
        auth: tuple[str, str] | None = None
        while True:
            extra = [auth] if auth else []
            invite = self._request("INVITE", self.uri, self.cseq, extra=extra, body=self.offer)
            final = self._invite_transaction(invite, deadline)
            response = final.response
            if final.gave_up == "stopped" and (response is None or response.status >= 300):
                return self._failed(DeliveryFailure.STOPPED, "stopped before the speaker answered")
            if response is None or (final.gave_up and response.status >= 300):
                if final.proceeding:
                    what = f"it rang, nobody answered within {self.timers.answer_timeout_s:g} s"
                else:
                    what = f"no response to INVITE (sent {self.invites_sent} times)"
                return self._failed(DeliveryFailure.TIMEOUT, f"{self.uri}: {what}")
            if response.status < 300:
                return self._answered(response)
            if response.status in (401, 407) and auth is None:
                challenge = self._challenge(response)
                if isinstance(challenge, Delivery):
                    return challenge
                auth = challenge
                self.cseq += 1
                continue
            failure = failure_for(response.status, authenticated=auth is not None)
            return self._failed(failure, response.start)

    def _challenge(self, response: SipMessage) -> tuple[str, str] | Delivery:
        """The credentials answering a 401/407 (once), or why there are none."""
        if not self.speaker.password:
            return self._failed(
                DeliveryFailure.NOT_CONFIGURED,
                f"{response.start}: the speaker asks for a password and none is set",
            )
        proxy = response.status == 407
        values = response.all("proxy-authenticate" if proxy else "www-authenticate")
        challenges = [c for c in map(parse_challenge, values) if c is not None and supported(c)]
        if not challenges:
            return self._failed(DeliveryFailure.AUTH, f"{response.start}: no digest challenge we can answer")
        value = digest_authorization(
            challenges[0], method="INVITE", uri=str(self.uri),
            username=self.speaker.username or self.uri.user, password=self.speaker.password,
        )  # fmt: skip
        return ("proxy-authorization" if proxy else "authorization", value)

    def _invite_transaction(self, invite: SipMessage, deadline: float) -> _Final:
        """RFC 3261 §17.1.1 with CANCEL: retransmit on timer A until a provisional answer, give up at
        timer B; stop or ``deadline`` → CANCEL (after a provisional answer) and wait for the final."""
        t1, branch = self.timers.t1_s, invite.branch
        self._send(invite)
        self.invites_sent = 1
        now = self.clock()
        retransmit_in, next_retransmit, timer_b = t1, now + t1, now + 64 * t1
        proceeding = False
        gave_up, give_up_by = "", 0.0
        cancel: SipMessage | None = None
        cancel_interval, next_cancel, cancel_answered = t1, 0.0, False
        while True:
            now = self.clock()
            if not gave_up and (self.stop.is_set() or now >= deadline):
                gave_up = "stopped" if self.stop.is_set() else "timeout"
                if not proceeding and gave_up == "timeout":
                    return _Final(None, gave_up, proceeding)  # nobody there to cancel
                # Stopped with no provisional answer yet: CANCEL must wait for one (§9.1), briefly.
                give_up_by = now + min(self.timers.bye_timeout_s, 2 * t1)
            if gave_up and proceeding and cancel is None:
                cancel = self._cancel_of(invite)
                self._send(cancel)
                next_cancel, give_up_by = now + cancel_interval, now + self.timers.bye_timeout_s
            if (gave_up and now >= give_up_by) or (not proceeding and now >= timer_b):
                return _Final(None, gave_up, proceeding)
            wakes = [now + _POLL_S, give_up_by if gave_up else deadline]
            if not proceeding:
                wakes += [next_retransmit, timer_b]
            if cancel is not None and not cancel_answered:
                wakes.append(next_cancel)
            message = self._recv(min(wakes) - now)
            now = self.clock()
            if message is None:
                if not proceeding and now >= next_retransmit:
                    self._send(invite)
                    self.invites_sent += 1
                    retransmit_in *= 2  # timer A doubles without a ceiling (§17.1.1.2)
                    next_retransmit = now + retransmit_in
                if cancel is not None and not cancel_answered and now >= next_cancel:
                    self._send(cancel)
                    cancel_interval = min(cancel_interval * 2, self.timers.t2_s)
                    next_cancel = now + cancel_interval
                continue
            if not message.is_response:
                self._answer_request(message)
                continue
            if message.branch != branch:
                if message.status >= 300 and message.branch in self.acks:  # an old final, sent again
                    self._send_raw(self.acks[message.branch])
                continue
            if message.method == "CANCEL":
                cancel_answered = True
            elif message.method == "INVITE" and message.status < 200:
                proceeding = True
            elif message.method == "INVITE":
                if message.status >= 300:
                    self._ack_failure(invite, message)
                return _Final(message, gave_up, proceeding)

    def _cancel_of(self, invite: SipMessage) -> SipMessage:
        keep = ("via", "max-forwards", "from", "to", "call-id", "route")
        headers = [(k, v) for k, v in invite.headers if k in keep]
        headers.append(("cseq", f"{invite.cseq[0]} CANCEL"))
        return SipMessage(f"CANCEL {self.uri} SIP/2.0", headers)

    def _ack_failure(self, invite: SipMessage, response: SipMessage) -> None:
        """The ACK of a final answer of 300 or more: part of the INVITE's transaction (same branch)."""
        keep = ("via", "max-forwards", "from", "to", "call-id", "route")
        to = response.header("to")  # with the peer's tag
        headers = [(k, to if k == "to" and to else v) for k, v in invite.headers if k in keep]
        headers.append(("cseq", f"{invite.cseq[0]} ACK"))
        ack = SipMessage(f"ACK {self.uri} SIP/2.0", headers).to_bytes()
        self.acks[response.branch or ""] = ack
        self._send_raw(ack)

    def _answered(self, response: SipMessage) -> SdpAnswer | Delivery:
        """ACK the 200 (a new transaction, to the remote target through the route set) and read its SDP."""
        self.to = response.header("to") or self.to
        contact = response.header("contact")
        try:
            if contact:
                self.remote_target = parse_sip_uri(uri_of(contact))
            self.routes = [parse_sip_uri(uri_of(r)) for r in reversed(response.all("record-route"))]
        except ValueError as exc:
            log.info("speaker %s: unusable Contact/Record-Route: %s", self.speaker.id, exc)
        ack = self._request("ACK", self.remote_target, self.cseq)
        self.ack_2xx = ack.to_bytes()
        self._send(ack)
        try:
            answer = parse_sdp_answer(response.body)
        except ValueError as exc:
            return self._failed(DeliveryFailure.BAD_RESPONSE, f"{response.start}: {exc}")
        if refuses_audio(answer) or answer.codec(self.codecs) is None:
            formats = " ".join(map(str, answer.payload_types))
            return self._failed(
                DeliveryFailure.NO_AUDIO,
                f"{response.start}: no G.711 audio to send (m=audio {answer.port}, formats {formats},"
                f" {answer.direction})",
            )
        return answer

    # --- during and after the audio ------------------------------------------------------------------
    def _between(self) -> str:
        """After each RTP packet: take what the speaker sent back; answer its signalling."""
        self._drain_rtp()
        while True:
            try:
                message = self._recv(0)
            except OSError as exc:
                return f"{self.uri}: {rtp.reason(exc)}"
            if message is None:
                return ""
            if message.is_response:
                if message.method == "INVITE" and message.status < 300:
                    self._send_raw(self.ack_2xx)  # our ACK was lost: the 200 came again
            else:
                self._answer_request(message)
            if self.hung_up:
                return "the speaker hung up (BYE)"

    def _linger(self, seconds: float) -> None:
        end = self.clock() + seconds
        while not self.stop.is_set() and not self.hung_up and (left := end - self.clock()) > 0:
            self.stop.wait(min(left, 0.02))
            self._between()

    def _bye(self) -> str:
        """End the dialog: BYE, retransmitted on timer E, until its answer; what went wrong, if anything."""
        self.cseq += 1
        bye = self._request("BYE", self.remote_target, self.cseq)
        interval = self.timers.t1_s
        try:
            self._send(bye)
            now = self.clock()
            end, next_send = now + self.timers.bye_timeout_s, now + interval
            while (now := self.clock()) < end:
                self._drain_rtp()
                message = self._recv(min(next_send, end, now + _POLL_S) - now)
                if message is None:
                    if self.clock() >= next_send:
                        self._send(bye)
                        interval = min(interval * 2, self.timers.t2_s)
                        next_send = self.clock() + interval
                elif not message.is_response:
                    self._answer_request(message)
                elif message.branch == bye.branch and message.status >= 200:
                    return "" if message.status < 300 else f"BYE: {message.start}"
        except OSError as exc:
            return f"BYE: {rtp.reason(exc)}"
        return f"BYE: no answer within {self.timers.bye_timeout_s:.0f} s"

    def _answer_request(self, request: SipMessage) -> None:
        """The speaker's own requests: its BYE ends the call; a re-INVITE is declined (the session
        goes on as it was, §14.2); anything else in the dialog is acknowledged."""
        if request.method == "ACK":
            return
        if (request.header("call-id") or "") != self.call_id:
            self._send_raw(response_to(request, 481, "Call/Transaction Does Not Exist").to_bytes())
        elif request.method == "BYE":
            self.hung_up = True
            self._send_raw(response_to(request, 200, "OK").to_bytes())
        elif request.method == "INVITE":
            self._send_raw(response_to(request, 488, "Not Acceptable Here").to_bytes())
        else:
            self._send_raw(response_to(request, 200, "OK").to_bytes())

    def _drain_rtp(self) -> None:
        try:
            while select.select([self.rtp], [], [], 0)[0]:
                packet = self.rtp.recv(2048)
                if self.t.received is not None:
                    self.t.received(self.speaker, packet)
        except OSError:  # an ICMP error: the next send reports it too
            return

    # --- the wire ------------------------------------------------------------------------------------
    def _request(
        self, method: str, target: SipUri, cseq: int, *, extra: Iterable[Header] = (), body: bytes = b""
    ) -> SipMessage:
        via = f"SIP/2.0/UDP {hostport(self.local_ip, self.local_port)};branch={new_branch()};rport"
        headers = [
            ("via", via), ("max-forwards", "70"), ("from", self.from_), ("to", self.to),
            ("call-id", self.call_id), ("cseq", f"{cseq} {method}"),
            *(("route", f"<{r}>") for r in self.routes),
        ]  # fmt: skip
        if method == "INVITE":
            headers += [("contact", self.contact), ("allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")]
        headers += [("user-agent", self.t.user_agent), *extra]
        if body:
            headers.append(("content-type", "application/sdp"))
        return SipMessage(f"{method} {target} SIP/2.0", headers, body)

    def _send(self, message: SipMessage) -> None:
        """Send a request where RFC 3261 §8.1.2 says: the first route, else its Request-URI."""
        hop = self.routes[0] if self.routes else parse_sip_uri(message.start.split(" ")[1])
        address = socket.getaddrinfo(hop.host, hop.port, type=socket.SOCK_DGRAM)[0][4]
        target = (str(address[0]), int(address[1]))
        if target != self.peer:
            self.sip.connect(target)
            self.peer = target
        self._send_raw(message.to_bytes())

    def _send_raw(self, data: bytes) -> None:
        self.sip.send(data)

    def _recv(self, timeout: float) -> SipMessage | None:
        """The next SIP message within ``timeout`` (0: only one already here); an ICMP error raises."""
        self.sip.settimeout(max(timeout, 0.0))
        try:
            data = self.sip.recv(65535)
        except (TimeoutError, BlockingIOError):
            return None
        try:
            return parse_message(data)
        except ValueError as exc:
            log.debug("speaker %s: ignored a datagram that is not SIP: %s", self.speaker.id, exc)
            return None


def _even_port_socket(family: socket.AddressFamily, host: str) -> socket.socket:
    """A UDP socket on an even port (RFC 3550 §11: RTP even, RTCP the odd one above)."""
    for _ in range(20):
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((host, 0))
        if sock.getsockname()[1] % 2 == 0:
            return sock
        sock.close()
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    return sock
