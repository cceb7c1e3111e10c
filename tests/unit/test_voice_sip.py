"""The SIP paging call against a scripted UAS on loopback (tests/voice_uas.py): retransmission on
timer A, CANCEL, digest credentials, the answer's codec and address, a speaker that hangs up, and
every failure the operator is told about. SIPp, a real UAS, runs in tests/integration."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator

import pytest

from app.adapters.voice import g711
from app.adapters.voice.rtp_packets import parse
from app.adapters.voice.sip import SipTimers, SipTransport
from app.adapters.voice.sip_messages import parse_message, parse_sdp_answer, parse_sip_uri
from app.core.voice import Clip, Codec, DeliveryFailure, DeliveryKind, Speaker
from tests.voice_uas import Script, ScriptedUas

FAST = SipTimers(t1_s=0.05, t2_s=0.2, answer_timeout_s=1.0, bye_timeout_s=0.5, hangup_delay_s=0.02)
CLIP = Clip("prompt", bytes(range(200)) * 16 * 2)  # 20 frames: 0.4 s


@pytest.fixture
def uas(request: pytest.FixtureRequest) -> Iterator[ScriptedUas]:
    script = getattr(request, "param", Script())
    peer = ScriptedUas(script)
    yield peer
    peer.close()


def speaker_for(uas: ScriptedUas, codec: Codec = Codec.PCMU, **extra: str) -> Speaker:
    return Speaker("pa", "PA", DeliveryKind.SIP, uas.address, codec, **extra)  # type: ignore[arg-type]


def play(uas: ScriptedUas, codec: Codec = Codec.PCMU, stop: threading.Event | None = None, **extra: str):
    return SipTransport(timers=FAST).play(
        speaker_for(uas, codec, **extra), CLIP.frames(), stop or threading.Event()
    )


def test_an_answered_call_sends_the_clip_then_hangs_up(uas: ScriptedUas) -> None:
    delivery = play(uas)
    uas.wait_for("BYE")
    uas.wait_rtp(20)
    assert delivery.delivered and delivery.sent_pcm == CLIP.pcm, delivery
    assert uas.methods() == ["INVITE", "ACK", "BYE"]
    payload = b"".join(parse(p)[4] for p in uas.rtp)
    assert g711.decode(payload, Codec.PCMU) == g711.decode(g711.encode(CLIP.pcm, Codec.PCMU), Codec.PCMU)
    (_, invite), (_, ack), (_, bye) = uas.requests
    offer = parse_sdp_answer(invite.body)
    assert offer.payload_types == (0, 8) and offer.direction == "sendonly"
    assert invite.header("call-id") == ack.header("call-id") == bye.header("call-id")
    assert ack.cseq == (invite.cseq[0], "ACK") and bye.cseq[0] == invite.cseq[0] + 1
    assert ack.branch != invite.branch  # the ACK of a 200 is a transaction of its own
    assert "tag=uas1" in (bye.header("to") or "")


@pytest.mark.parametrize("uas", [Script(answer_types="8")], indirect=True)
def test_the_answers_codec_is_used_even_when_the_speaker_prefers_another(uas: ScriptedUas) -> None:
    assert play(uas, Codec.PCMU).delivered
    assert {parse(p)[0] for p in uas.rtp} == {8}


@pytest.mark.parametrize("uas", [Script(silent=True)], indirect=True)
def test_an_unanswered_invite_is_sent_again_on_timer_a_then_times_out(uas: ScriptedUas) -> None:
    delivery = play(uas)
    assert delivery.failure is DeliveryFailure.TIMEOUT and "no response to INVITE" in delivery.detail
    times = [t for t, _ in uas.of("INVITE")]
    assert len({m.branch for _, m in uas.of("INVITE")}) == 1  # retransmissions, not new requests
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) >= 3, gaps
    for n, gap in enumerate(gaps[:4]):  # T1, 2·T1, 4·T1, 8·T1
        assert gap >= 0.8 * FAST.t1_s * 2**n, gaps


@pytest.mark.parametrize("uas", [Script(ring=True)], indirect=True)
def test_stopped_while_ringing_cancels_the_invite(uas: ScriptedUas) -> None:
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    delivery = play(uas, stop=stop)
    assert delivery.failure is DeliveryFailure.STOPPED and not delivery.sent_pcm
    (_, invite), (_, cancel) = uas.of("INVITE")[:1] + uas.of("CANCEL")[:1]
    assert cancel.branch == invite.branch and cancel.cseq == (invite.cseq[0], "CANCEL")
    assert "tag=" not in (cancel.header("to") or "")
    uas.wait_for("ACK")
    assert uas.methods()[-1] == "ACK"  # the 487 was acknowledged
    assert len(uas.of("INVITE")) == 1  # a provisional answer stopped the retransmissions


@pytest.mark.parametrize("uas", [Script(ring=True)], indirect=True)
def test_ringing_without_an_answer_times_out_and_cancels(uas: ScriptedUas) -> None:
    delivery = play(uas)
    assert delivery.failure is DeliveryFailure.TIMEOUT and "nobody answered" in delivery.detail
    assert "CANCEL" in uas.methods()


@pytest.mark.parametrize("challenge", [401, 407])
def test_a_challenge_is_answered_once_with_digest_credentials(challenge: int) -> None:
    uas = ScriptedUas(Script(challenge=challenge, password="s3cret"))
    try:
        delivery = play(uas, username="pa", password="s3cret")
        uas.wait_for("BYE")
    finally:
        uas.close()
    assert delivery.delivered, delivery
    assert uas.auth_ok == [True]
    (_, first), (_, second) = uas.of("INVITE")
    assert second.cseq[0] == first.cseq[0] + 1 and second.branch != first.branch
    assert second.header("call-id") == first.header("call-id") and second.header("from") == first.header(
        "from"
    )
    assert uas.methods() == ["INVITE", "ACK", "INVITE", "ACK", "BYE"]


@pytest.mark.parametrize("uas", [Script(challenge=401, password="right")], indirect=True)
def test_wrong_credentials_fail_as_auth_after_one_try(uas: ScriptedUas) -> None:
    delivery = play(uas, username="pa", password="wrong")
    assert delivery.failure is DeliveryFailure.AUTH and "401" in delivery.detail
    assert "wrong" not in delivery.detail
    assert len(uas.of("INVITE")) == 2


@pytest.mark.parametrize("uas", [Script(challenge=401)], indirect=True)
def test_a_challenge_without_a_password_says_it_is_not_configured(uas: ScriptedUas) -> None:
    delivery = play(uas)
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED and "password" in delivery.detail


@pytest.mark.parametrize(
    ("status", "reason", "failure"),
    [
        (486, "Busy Here", DeliveryFailure.BUSY),
        (600, "Busy Everywhere", DeliveryFailure.BUSY),
        (480, "Temporarily Unavailable", DeliveryFailure.NO_ANSWER),
        (408, "Request Timeout", DeliveryFailure.NO_ANSWER),
        (403, "Forbidden", DeliveryFailure.REFUSED),
        (404, "Not Found", DeliveryFailure.REFUSED),
        (488, "Not Acceptable Here", DeliveryFailure.NO_AUDIO),
        (500, "Server Internal Error", DeliveryFailure.REFUSED),
        (503, "Service Unavailable", DeliveryFailure.REFUSED),
        (603, "Decline", DeliveryFailure.REFUSED),
    ],
)
def test_final_answers_map_to_clear_failures(status: int, reason: str, failure: DeliveryFailure) -> None:
    uas = ScriptedUas(Script(final=status, reason=reason))
    try:
        delivery = play(uas)
        uas.wait_for("ACK")
    finally:
        uas.close()
    assert delivery.failure is failure and delivery.detail == f"SIP/2.0 {status} {reason}"
    assert uas.methods() == ["INVITE", "ACK"]  # the failure was acknowledged, nothing else sent
    assert uas.of("ACK")[0][1].branch == uas.of("INVITE")[0][1].branch  # within the INVITE's transaction


@pytest.mark.parametrize(
    "uas",
    [Script(answer_types="18"), Script(answer_port=0), Script(sdp=b"v=0\r\ns=-\r\nt=0 0\r\n")],
    indirect=True,
)
def test_an_answer_with_nothing_to_send_to_is_hung_up(uas: ScriptedUas) -> None:
    delivery = play(uas)
    uas.wait_for("BYE")
    assert delivery.failure in (DeliveryFailure.NO_AUDIO, DeliveryFailure.BAD_RESPONSE), delivery
    assert uas.methods() == ["INVITE", "ACK", "BYE"] and not uas.rtp


@pytest.mark.parametrize("uas", [Script(hang_up_after=5)], indirect=True)
def test_a_speaker_that_hangs_up_mid_prompt_is_a_failure_with_what_was_sent(uas: ScriptedUas) -> None:
    delivery = play(uas)
    assert delivery.failure is DeliveryFailure.REFUSED and "hung up" in delivery.detail
    assert 0 < len(delivery.sent_pcm) < len(CLIP.pcm)
    assert "BYE" not in uas.methods()  # its BYE ended the dialog: ours would be one too many


@pytest.mark.parametrize("uas", [Script(answer_bye=False)], indirect=True)
def test_an_unanswered_bye_is_retransmitted_and_the_prompt_still_counts(uas: ScriptedUas) -> None:
    delivery = play(uas)
    assert delivery.delivered and "BYE: no answer" in delivery.detail
    assert len(uas.of("BYE")) >= 3


def test_a_closed_port_fails_at_once_as_unreachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = Speaker("pa", "PA", DeliveryKind.SIP, f"sip:pa@127.0.0.1:{port}")
    delivery = SipTransport(timers=FAST).play(dead, CLIP.frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.UNREACHABLE and "refused" in delivery.detail.lower()


@pytest.mark.parametrize("address", ["sip:pa@", "http://pa", "sip:pa@host:99999"])
def test_a_bad_address_is_not_configured(address: str) -> None:
    bad = Speaker("pa", "PA", DeliveryKind.SIP, address)
    delivery = SipTransport(timers=FAST).play(bad, CLIP.frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED and address in delivery.detail


def test_a_speaker_beyond_loopback_is_blocked_in_tests_and_reported_not_raised() -> None:
    far = Speaker("pa", "PA", DeliveryKind.SIP, "sip:pa@192.0.2.10:5060")
    delivery = SipTransport(timers=FAST).play(far, CLIP.frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.UNREACHABLE and "192.0.2.10" in delivery.detail


def test_messages_parse_compact_forms_folded_lines_and_comma_lists() -> None:
    raw = (
        b"SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
        b"f: <sip:x@a>;tag=1\r\nt: <sip:y@b>\r\n ;tag=2\r\ni: abc\r\nCSeq: 7 INVITE\r\n"
        b'Record-Route: <sip:p1;lr>, <sip:p2;lr>\r\nWWW-Authenticate: Digest realm="a,b", nonce="n"\r\n'
        b"l: 4\r\n\r\nbodyTRAILING"
    )
    message = parse_message(raw)
    assert message.status == 200 and message.method == "INVITE" and message.branch == "z9hG4bK1"
    assert message.header("to") == "<sip:y@b> ;tag=2" and message.header("call-id") == "abc"
    assert message.all("record-route") == ["<sip:p1;lr>", "<sip:p2;lr>"]
    assert message.all("www-authenticate") == ['Digest realm="a,b", nonce="n"']  # never split
    assert message.body == b"body"
    assert parse_sip_uri("sip:pa@[::1]:5070;transport=udp").host == "::1"
    with pytest.raises(ValueError, match="not a SIP message"):
        parse_message(b"HTTP/1.1 200 OK\r\n\r\n")
