"""The demo speakers are strict enough that a client's mistake fails the voice tests: each mistake a
back-channel or clip-API client could make is refused or recorded, as the specs say it may be."""

from __future__ import annotations

import socket
import struct
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.adapters.voice.backchannel import BACKCHANNEL_TAG, BackchannelTransport
from app.adapters.voice.http_clip import multipart
from app.adapters.voice.rtp_packets import RtpPacketizer
from app.adapters.voice.rtsp import RtspConnection
from app.adapters.voice.wav import write_wav
from app.adapters.voice.web_auth import Authenticator
from app.core.voice import Codec, DeliveryFailure, DeliveryKind, Speaker
from app.demo.speaker_http import ClipSpeaker
from app.demo.speaker_rtsp import BackchannelCamera
from app.demo.speakers import SpeakerProcess
from tests.voice_audio import speechlike
from tests.waiting import wait_until

pytestmark = pytest.mark.peer


def connect(cam: BackchannelCamera, require: str | None = BACKCHANNEL_TAG) -> RtspConnection:
    conn = RtspConnection(cam.url, require=require, timeout_s=2)
    conn.open()
    return conn


def test_the_backchannel_needs_its_tag(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path) as cam:
        plain = connect(cam, require=None)
        sdp = plain.request("DESCRIBE", cam.url).body.decode()
        assert "a=sendonly" not in sdp and "a=recvonly" in sdp  # as a real camera: no back-channel offered
        refused = plain.request(
            "SETUP", cam.url + "/back0", {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"}
        )
        assert refused.status == 551 and refused.get("Unsupported") == BACKCHANNEL_TAG
        tagged = connect(cam)
        assert "a=sendonly" in tagged.request("DESCRIBE", cam.url).body.decode()
        plain.close()
        tagged.close()


def test_sessions_tracks_and_order(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path) as cam:
        conn = connect(cam)
        assert conn.request("PLAY", cam.url).status == 454  # no session yet
        assert (
            conn.request("SETUP", cam.url + "/nosuch", {"Transport": "RTP/AVP/TCP;interleaved=0-1"}).status
            == 404
        )
        tcp_only = "RTP/AVP/TCP;unicast;interleaved=0-1"
        setup = conn.request("SETUP", cam.url + "/back0", {"Transport": tcp_only})
        assert setup.status == 200 and (setup.get("Session") or "").endswith(";timeout=60")
        conn.session = "0000"
        assert conn.request("PLAY", cam.url).status == 454
        conn.close()


def test_rtp_before_play_and_bad_framing_end_the_connection(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path) as cam:
        conn = connect(cam)
        setup = conn.request(
            "SETUP", cam.url + "/back0", {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"}
        )
        conn.session = (setup.get("Session") or "").split(";")[0]
        conn.send_interleaved(0, RtpPacketizer(Codec.PCMU).packet(bytes(320)))
        wait_until(lambda: bool(cam.errors), 5, "the camera to object")
        assert cam.errors == ["interleaved data before the PLAY answer"]
        conn.close()
        raw = socket.create_connection(("127.0.0.1", int(cam.url.split(":")[2].split("/")[0])))
        raw.sendall(b"\x00\x01garbage\r\n\r\n")
        wait_until(lambda: len(cam.errors) == 2, 5, "the camera to object")
        assert cam.errors[1].startswith("bad interleaved framing")
        assert raw.recv(100) == b""  # the camera hung up
        raw.close()


def test_wrong_payload_type_and_sequence_gaps(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path, codecs=(Codec.PCMA,)) as cam:
        conn = connect(cam)
        setup = conn.request(
            "SETUP", cam.url + "/back0", {"Transport": "RTP/AVP/TCP;unicast;interleaved=4-5"}
        )
        conn.session = (setup.get("Session") or "").split(";")[0]
        assert conn.request("PLAY", cam.url).status == 200
        conn.send_interleaved(4, RtpPacketizer(Codec.PCMU).packet(bytes(320)))  # PCMU on a PCMA track
        wait_until(lambda: bool(cam.errors), 5, "the camera to object")
        assert cam.errors == ["RTP payload type 0, the track offered 8"]
        conn.close()
        conn = connect(cam)
        setup = conn.request(
            "SETUP", cam.url + "/back0", {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"}
        )
        conn.session = (setup.get("Session") or "").split(";")[0]
        conn.request("PLAY", cam.url)
        packetizer = RtpPacketizer(Codec.PCMA)
        conn.send_interleaved(0, packetizer.packet(bytes(320)))
        packetizer.sequence += 1  # a packet lost: impossible on TCP, so a client bug
        conn.send_interleaved(0, packetizer.packet(bytes(320)))
        wait_until(lambda: len(cam.errors) == 2, 5, "the camera to object")
        assert cam.errors[1].startswith("RTP sequence jumped")
        conn.close()


def test_a_login_for_another_uri_is_refused(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path, auth="digest", password="pw") as cam:
        port = int(cam.url.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:

            def describe(cseq: int, authorization: str | None) -> str:
                extra = f"Authorization: {authorization}\r\n" if authorization else ""
                sock.sendall(f"DESCRIBE {cam.url} RTSP/1.0\r\nCSeq: {cseq}\r\n{extra}\r\n".encode())
                return sock.recv(65536).decode()

            challenge = describe(1, None)
            assert challenge.startswith("RTSP/1.0 401")
            auth = Authenticator("admin", "pw")
            assert auth.accept(
                [line.partition(":")[2] for line in challenge.splitlines() if line.startswith("WWW-")]
            )
            assert describe(2, auth.authorization("DESCRIBE", cam.url + "/other")).startswith("RTSP/1.0 401")
            assert describe(3, auth.authorization("DESCRIBE", cam.url)).startswith("RTSP/1.0 200")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_clip_api_refuses_what_axis_would(tmp_path: Path) -> None:
    wav = write_wav(speechlike(0.3).pcm, codec=Codec.PCMU)
    with ClipSpeaker(tmp_path, auth="none") as spk:
        cgi = f"{spk.url}/axis-cgi/mediaclip.cgi"
        content_type, body = multipart("clip", "a.wav", "audio/wav", wav)
        assert _post(f"{cgi}?action=upload", body, content_type) == (
            400,
            "400 Bad Request\nError: media=audio is required for upload\n",
        )
        assert _get(f"{cgi}?action=upload&media=audio")[0] == 400  # upload is a POST
        assert _post(f"{cgi}?action=upload&media=audio", body[:-4], content_type)[1].endswith(
            "malformed multipart body\n"
        )
        assert "unknown parameter 'colume'" in _get(f"{cgi}?action=play&clip=0&colume=5")[1]
        assert _post(f"{cgi}?action=upload&media=audio", body, content_type) == (200, "OK\nuploaded=0\n")
        assert _get(f"{cgi}?action=play&clip=0&volume=1001")[0] == 400
        assert _get(f"{cgi}?action=play&clip=0") == (200, "OK\nplaying=0\n")
        assert _get(f"{cgi}?action=remove&clip=0") == (200, "OK\nremoved=0\n")
        assert spk.errors == ["clip 0 removed while playing"]
        assert _get(f"{cgi}?action=play&clip=0")[1].endswith("Error: clip '0' does not exist\n")


def test_the_command_line_speakers(tmp_path: Path) -> None:
    with SpeakerProcess("rtsp", tmp_path, "--no-backchannel") as proc:
        spk = Speaker("c", "c", DeliveryKind.BACKCHANNEL, proc.url)
        delivery = BackchannelTransport().play(spk, speechlike(0.2).frames(), threading.Event())
    assert delivery.failure is DeliveryFailure.NO_AUDIO
    with SpeakerProcess("rtsp", tmp_path, "--codecs", "pcma", "--tcp-only") as proc:
        spk = Speaker("c", "c", DeliveryKind.BACKCHANNEL, proc.url)
        assert BackchannelTransport().play(spk, speechlike(0.2).frames(), threading.Event()).delivered
        heard = proc.wait_for("heard")
    assert heard["packets"] == 10 and Path(heard["wav"]).exists()
    assert struct.unpack("<H", Path(heard["wav"]).read_bytes()[20:22]) == (1,)  # a PCM WAV of what it heard
