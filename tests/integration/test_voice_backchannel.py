"""The camera's own speaker through the ONVIF RTSP back-channel, end to end against the demo camera
(app/demo/speaker_rtsp.py, which follows the ONVIF Streaming Spec strictly): what the camera heard
is what was sent, in both G.711 laws, over interleaved TCP and UDP; logins; cameras without a
back-channel or without G.711; and the camera failing mid-play (reset, kill -9), refusing or
never answering. Each failure is a Delivery with a reason an operator can read, never a hang."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.adapters.voice.backchannel import BACKCHANNEL_TAG, BackchannelTransport
from app.core.voice import Clip, Codec, Delivery, DeliveryFailure, DeliveryKind, Speaker
from app.demo.speaker_rtsp import BackchannelCamera
from app.demo.speakers import SpeakerProcess
from tests.odd_peers import Babbler, Tarpit
from tests.voice_audio import assert_same_audio, heard_pcm, speechlike
from tests.waiting import wait_until

pytestmark = pytest.mark.peer

PASSWORD = "s3cret-Pa55"


def speaker(url: str, codec: Codec = Codec.PCMU, *, password: str | None = PASSWORD) -> Speaker:
    return Speaker("cam-07-speaker", "东门摄像机喇叭", DeliveryKind.BACKCHANNEL, url, codec,
                   cameras=("cam-07",), username="admin", password=password)  # fmt: skip


@pytest.fixture
def camera(tmp_path: Path) -> Iterator[BackchannelCamera]:
    with BackchannelCamera(tmp_path, session_timeout_s=1) as cam:
        yield cam


def play(spk: Speaker, clip: Clip, stop: threading.Event | None = None, timeout_s: float = 5.0) -> Delivery:
    return BackchannelTransport(timeout_s=timeout_s).play(spk, clip.frames(), stop or threading.Event())


def play_in_thread(
    spk: Speaker, clip: Clip, stop: threading.Event
) -> tuple[threading.Thread, list[Delivery]]:
    result: list[Delivery] = []
    thread = threading.Thread(target=lambda: result.append(play(spk, clip, stop)), daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize(
    ("codec", "transports"),
    [(Codec.PCMU, ("tcp",)), (Codec.PCMA, ("tcp",)), (Codec.PCMU, ("udp",))],
    ids=["pcmu-interleaved", "pcma-interleaved", "pcmu-udp"],
)
def test_the_camera_hears_what_was_sent(tmp_path: Path, codec: Codec, transports: tuple[str, ...]) -> None:
    clip = speechlike(1.6)  # longer than the 1 s session timeout: keep-alives must flow
    with BackchannelCamera(tmp_path, transports=transports, session_timeout_s=1, auth="digest",
                           password=PASSWORD) as cam:  # fmt: skip
        before = time.time()
        delivery = play(speaker(cam.url, codec), clip)
        wait_until(lambda: bool(cam.sessions) and cam.sessions[0].wav is not None, 5, "the camera's WAV")
    assert delivery.delivered, delivery.detail
    assert delivery.failure is None
    assert delivery.sent_pcm == b"".join(clip.frames())
    assert delivery.started_at is not None and delivery.ended_at is not None
    assert before <= delivery.started_at < delivery.ended_at
    assert delivery.ended_at - delivery.started_at == pytest.approx(clip.duration_s, abs=0.5)
    assert cam.errors == []
    (session,) = cam.sessions
    assert session.codec is codec and session.transport == transports[0]
    assert session.torn_down
    assert_same_audio(delivery.sent_pcm, heard_pcm(session.wav))
    methods = [m for m, _ in cam.requests]
    assert methods[-1] == "TEARDOWN" and "GET_PARAMETER" in methods, methods
    assert all(BACKCHANNEL_TAG in h.get("require", "") for _, h in cam.requests)


def test_the_other_law_when_the_camera_lacks_the_speakers(tmp_path: Path) -> None:
    clip = speechlike(0.4)
    with BackchannelCamera(tmp_path, codecs=(Codec.PCMA,)) as cam:
        delivery = play(speaker(cam.url, Codec.PCMU), clip)
        wait_until(lambda: bool(cam.sessions) and cam.sessions[0].wav is not None, 5, "the camera's WAV")
    assert delivery.delivered, delivery.detail
    assert cam.sessions[0].codec is Codec.PCMA
    assert_same_audio(delivery.sent_pcm, heard_pcm(cam.sessions[0].wav))


@pytest.mark.parametrize("auth", ["digest", "basic"])
def test_logins(tmp_path: Path, auth: str) -> None:
    clip = speechlike(0.2)
    with BackchannelCamera(tmp_path, auth=auth, password=PASSWORD) as cam:  # type: ignore[arg-type]
        assert play(speaker(cam.url), clip).delivered
        wrong = play(speaker(cam.url, password="guess"), clip)
        missing = play(speaker(cam.url, password=None), clip)
    assert wrong.failure is DeliveryFailure.AUTH
    assert "401" in wrong.detail and "refused the user name or password" in wrong.detail
    assert missing.failure is DeliveryFailure.NOT_CONFIGURED
    assert "none configured" in missing.detail
    for failed in (wrong, missing):
        assert not failed.delivered and failed.sent_pcm == b"" and failed.started_at is None
        assert PASSWORD not in failed.detail and "guess" not in failed.detail


def test_a_camera_without_backchannel(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path, backchannel=False) as cam:
        delivery = play(speaker(cam.url), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.NO_AUDIO
    assert "RTSP/1.0 551 Option not supported" in delivery.detail
    assert [m for m, _ in cam.requests] == ["DESCRIBE"]


def test_a_backchannel_without_g711(tmp_path: Path) -> None:
    with BackchannelCamera(tmp_path, codecs=(), other_backchannel_formats=("97 G726-32/8000",)) as cam:
        delivery = play(speaker(cam.url), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.NO_AUDIO
    assert "G726-32/8000" in delivery.detail and "no G.711" in delivery.detail


def test_stop_mid_play(camera: BackchannelCamera) -> None:
    clip = speechlike(4.0)
    stop = threading.Event()
    thread, result = play_in_thread(speaker(camera.url), clip, stop)
    wait_until(lambda: bool(camera.sessions) and camera.sessions[0].packets >= 30, 5, "audio at the camera")
    stop.set()
    stopped_at = time.monotonic()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - stopped_at < 1.0
    (delivery,) = result
    assert delivery.failure is DeliveryFailure.STOPPED and not delivery.delivered
    assert 0.5 < len(delivery.sent_pcm) / 16000 < 3.0
    wait_until(lambda: camera.sessions[0].wav is not None, 5, "the camera's WAV")
    assert camera.sessions[0].torn_down
    assert_same_audio(delivery.sent_pcm, heard_pcm(camera.sessions[0].wav))
    assert camera.errors == []


def test_the_camera_resets_mid_play(camera: BackchannelCamera) -> None:
    stop = threading.Event()
    thread, result = play_in_thread(speaker(camera.url), speechlike(5.0), stop)
    wait_until(lambda: bool(camera.sessions) and camera.sessions[0].packets >= 25, 5, "audio at the camera")
    camera.crash()
    crashed_at = time.monotonic()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - crashed_at < 1.0
    (delivery,) = result
    assert delivery.failure is DeliveryFailure.UNREACHABLE
    assert "the camera closed the connection after" in delivery.detail and "s of audio" in delivery.detail
    assert 0 < len(delivery.sent_pcm) < 5.0 * 16000


def test_the_camera_is_killed_mid_play(tmp_path: Path) -> None:
    with SpeakerProcess("rtsp", tmp_path, "--auth", "digest", password=PASSWORD) as proc:
        stop = threading.Event()
        thread, result = play_in_thread(speaker(proc.url), speechlike(5.0), stop)
        proc.wait_for("audio", 10)  # half a second of audio reached the camera
        proc.kill()
        killed_at = time.monotonic()
        thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - killed_at < 1.5
    (delivery,) = result
    assert delivery.failure is DeliveryFailure.UNREACHABLE, delivery.detail
    assert "closed the connection" in delivery.detail
    assert 0 < len(delivery.sent_pcm) < 5.0 * 16000


def test_nobody_listening() -> None:
    with Tarpit() as pit:
        port = pit.port
    delivery = play(speaker(f"rtsp://127.0.0.1:{port}/onvif/profile1"), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.UNREACHABLE
    assert "refused the connection" in delivery.detail


def test_a_camera_that_never_answers() -> None:
    with Tarpit() as pit:
        started = time.monotonic()
        delivery = play(speaker(f"rtsp://127.0.0.1:{pit.port}/x"), speechlike(0.2), timeout_s=0.5)
    assert delivery.failure is DeliveryFailure.TIMEOUT
    assert "did not answer DESCRIBE" in delivery.detail
    assert time.monotonic() - started < 3


def test_something_that_is_not_rtsp() -> None:
    with Babbler() as babbler:
        delivery = play(speaker(f"rtsp://127.0.0.1:{babbler.port}/x"), speechlike(0.2))
    assert delivery.failure in (DeliveryFailure.BAD_RESPONSE, DeliveryFailure.UNREACHABLE)
    assert "SSH" in delivery.detail or "closed" in delivery.detail


def test_a_speaker_address_that_is_not_rtsp() -> None:
    delivery = play(speaker("http://127.0.0.1/onvif"), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED
    assert "rtsp://" in delivery.detail


def test_user_info_in_the_address_never_leaves(camera: BackchannelCamera) -> None:
    url = camera.url.replace("rtsp://", "rtsp://admin:leaked@")
    delivery = play(speaker(url), speechlike(0.2))
    assert delivery.delivered
    assert all("leaked" not in h.get("authorization", "") for _, h in camera.requests)
