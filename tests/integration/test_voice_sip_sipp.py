"""The SIP paging call against SIPp (package sip-tester) as the speaker, inside a private network
namespace (tests/voice_netns.py): an answered call whose echoed RTP matches what was sent, and each
failure the operator must see clearly. SIPp's own exit status says whether our side followed its
scenario (ACKs, CANCEL, BYE where they belong)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.core.voice import Codec
from tests import voice_peers
from tests.voice_netns import run_in_netns

pytestmark = pytest.mark.peer

SECONDS = 1.0


def call(tmp_path: Path, **kwargs: Any) -> dict[str, Any]:
    voice_peers.need("sipp", "sip-tester")
    found = run_in_netns("sip_call", folder=str(tmp_path), seconds=SECONDS, **kwargs)
    print(f"SIPp {kwargs}: {found}")  # shown with -s
    return found


def check_echo(found: dict[str, Any], codec: Codec) -> None:
    assert found["delivered"], found
    assert found["sent_bytes"] == int(SECONDS * 16000)
    assert found["echo_types"] == [0 if codec is Codec.PCMU else 8]
    sent = voice_peers.on_the_wire(voice_peers.speech_like(SECONDS), codec)
    match = voice_peers.compare(sent, voice_peers.read_wav(Path(found["echo_wav"])))
    print(f"echo {codec.value}: {match}, duration error {match.duration_error_ms:.1f} ms")
    assert match.correlation >= 0.98 and match.duration_error_ms <= 40, match
    assert found["sipp_exit"] == 0, found  # SIPp saw INVITE, ACK, BYE as its scenario says


def test_an_answered_call_is_echoed_as_sent(tmp_path: Path) -> None:
    check_echo(call(tmp_path, scenario="uas"), Codec.PCMU)  # SIPp's built-in answers PCMU


def test_the_codec_of_the_answer_is_the_one_sent(tmp_path: Path) -> None:
    found = call(tmp_path, scenario="answer", keys={"pt": "8", "codec": "PCMA"}, codec="pcmu")
    check_echo(found, Codec.PCMA)


@pytest.mark.parametrize(
    ("status", "reason", "failure"),
    [
        ("486", "Busy Here", "busy"),
        ("600", "Busy Everywhere", "busy"),
        ("480", "Temporarily Unavailable", "no_answer"),
        ("404", "Not Found", "refused"),
        ("503", "Service Unavailable", "refused"),
    ],
)
def test_a_refusal_is_a_clear_failure(tmp_path: Path, status: str, reason: str, failure: str) -> None:
    found = call(tmp_path, scenario="refuse", keys={"status": status, "reason": reason})
    assert (found["failure"], found["detail"]) == (failure, f"SIP/2.0 {status} {reason}"), found
    assert found["sent_bytes"] == 0 and found["attempts"] == 1
    assert found["sipp_exit"] == 0, found  # our ACK reached it


def test_no_answer_in_time_cancels_and_times_out(tmp_path: Path) -> None:
    found = call(tmp_path, scenario="ring", answer_timeout_s=1.0)
    assert found["failure"] == "timeout" and "nobody answered within 1 s" in found["detail"], found
    assert found["took_s"] < 4
    assert found["sipp_exit"] == 0, found  # it got our CANCEL and the ACK of its 487


def test_credentials_are_answered_as_the_peer_checks_them(tmp_path: Path) -> None:
    found = call(tmp_path, scenario="auth", username="pa", password="paging-secret")
    assert found["delivered"] and found["sipp_exit"] == 0, found


def test_wrong_credentials_fail_as_auth(tmp_path: Path) -> None:
    found = call(tmp_path, scenario="auth", username="pa", password="not-it")
    assert (found["failure"], found["detail"]) == ("auth", "SIP/2.0 403 Forbidden"), found
    assert "not-it" not in str(found)
    assert found["sipp_exit"] == 0, found
