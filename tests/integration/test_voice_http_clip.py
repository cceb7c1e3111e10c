"""An IP speaker's clip API (the Axis VAPIX media clip convention), end to end against the demo
speaker (app/demo/speaker_http.py): the whole clip goes up as a G.711 WAV, plays for its duration
and is removed; logins; refusals in the speaker's own words; stop; the speaker dying mid-play."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.adapters.voice.http_clip import HttpClipTransport
from app.adapters.voice.wav import WavFormat
from app.core.voice import Clip, Codec, Delivery, DeliveryFailure, DeliveryKind, Speaker
from app.demo.speaker_http import ClipSpeaker
from app.demo.speakers import SpeakerProcess
from tests.odd_peers import Tarpit, WebServer
from tests.voice_audio import assert_same_audio, heard_pcm, speechlike
from tests.waiting import wait_until

pytestmark = pytest.mark.peer

PASSWORD = "Axis-0perator"


def speaker(
    url: str, codec: Codec = Codec.PCMU, *, password: str | None = PASSWORD, volume: int | None = None
) -> Speaker:
    return Speaker("pole-3", "3号杆音柱", DeliveryKind.HTTP, url, codec, cameras=("cam-07",),
                   username="operator", password=password, volume=volume)  # fmt: skip


@pytest.fixture
def ip_speaker(tmp_path: Path) -> Iterator[ClipSpeaker]:
    with ClipSpeaker(tmp_path, password=PASSWORD) as spk:
        yield spk


def play(spk: Speaker, clip: Clip, stop: threading.Event | None = None, timeout_s: float = 5.0) -> Delivery:
    return HttpClipTransport(timeout_s=timeout_s).play(spk, clip.frames(), stop or threading.Event())


def play_in_thread(
    spk: Speaker, clip: Clip, stop: threading.Event
) -> tuple[threading.Thread, list[Delivery]]:
    result: list[Delivery] = []
    thread = threading.Thread(target=lambda: result.append(play(spk, clip, stop)), daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize("codec", [Codec.PCMU, Codec.PCMA])
def test_the_speaker_plays_what_was_sent(ip_speaker: ClipSpeaker, codec: Codec) -> None:
    clip = speechlike(1.0)
    before = time.time()
    delivery = play(speaker(ip_speaker.url, codec, volume=70), clip)
    assert delivery.delivered, delivery.detail
    assert delivery.sent_pcm == b"".join(clip.frames())
    assert delivery.started_at is not None and delivery.ended_at is not None and before <= delivery.started_at
    assert delivery.ended_at - delivery.started_at == pytest.approx(clip.duration_s, abs=0.02)
    (played,) = ip_speaker.plays
    assert not played.stopped and played.volume == 70
    assert ip_speaker.clips == {}, "the clip's slot is freed after the play"
    assert ip_speaker.errors == []
    assert_same_audio(delivery.sent_pcm, heard_pcm(played.wav))
    upload = ip_speaker.requests[-3][1]
    assert upload.startswith("/axis-cgi/mediaclip.cgi?action=upload&media=audio&name=citywall-")


def test_the_wav_is_g711_as_the_speaker_is_configured(tmp_path: Path) -> None:
    with ClipSpeaker(tmp_path, password=PASSWORD, formats=(WavFormat.MULAW,)) as spk:
        assert play(speaker(spk.url, Codec.PCMU), speechlike(0.2)).delivered
        refused = play(speaker(spk.url, Codec.PCMA), speechlike(0.2))
    assert refused.failure is DeliveryFailure.REFUSED
    assert refused.detail == "upload: HTTP 400 Bad Request: Error: unsupported audio format ALAW"
    assert refused.sent_pcm == b""


@pytest.mark.parametrize("auth", ["digest", "basic"])
def test_logins(tmp_path: Path, auth: str) -> None:
    with ClipSpeaker(tmp_path, auth=auth, password=PASSWORD) as spk:  # type: ignore[arg-type]
        assert play(speaker(spk.url), speechlike(0.2)).delivered
        wrong = play(speaker(spk.url, password="guess"), speechlike(0.2))
        missing = play(speaker(spk.url, password=None), speechlike(0.2))
        assert spk.plays and len(spk.plays) == 1
    assert wrong.failure is DeliveryFailure.AUTH
    assert wrong.detail == "upload: HTTP 401 Unauthorized: the speaker refused the user name or password"
    assert missing.failure is DeliveryFailure.NOT_CONFIGURED
    for failed in (wrong, missing):
        assert not failed.delivered and failed.sent_pcm == b"" and failed.started_at is None
        assert PASSWORD not in failed.detail and "guess" not in failed.detail


def test_the_address_places_the_api_and_adds_play_options(tmp_path: Path) -> None:
    with ClipSpeaker(tmp_path, auth="none", prefix="/speaker2") as spk:
        delivery = play(
            speaker(f"{spk.url}/axis-cgi/mediaclip.cgi?audiodeviceid=0&audiooutputid=1"), speechlike(0.2)
        )
        wrong_place = play(speaker(spk.url.removesuffix("/speaker2")), speechlike(0.2))
    assert delivery.delivered, delivery.detail
    assert spk.plays[0].params == {"audiodeviceid": "0", "audiooutputid": "1"}
    assert wrong_place.failure is DeliveryFailure.REFUSED
    assert (
        "HTTP 404" in wrong_place.detail
        and "no media clip API at /axis-cgi/mediaclip.cgi" in wrong_place.detail
    )


def test_clip_slots_are_freed_after_each_play(tmp_path: Path) -> None:
    with ClipSpeaker(tmp_path, auth="none", max_clips=1) as spk:
        results = [play(speaker(spk.url), speechlike(0.1, seed=n)) for n in range(3)]
    assert [d.delivered for d in results] == [True, True, True], [d.detail for d in results]
    assert len(spk.plays) == 3 and spk.errors == []


def test_stop_mid_play(ip_speaker: ClipSpeaker) -> None:
    clip = speechlike(4.0)
    stop = threading.Event()
    thread, result = play_in_thread(speaker(ip_speaker.url), clip, stop)
    wait_until(lambda: ip_speaker.playing is not None, 5, "the speaker to play")
    wait_until(lambda: time.monotonic() - ip_speaker.plays[0].started > 0.6, 5, "some of the clip")
    stop.set()
    stopped_at = time.monotonic()
    thread.join(5)
    assert time.monotonic() - stopped_at < 1.0
    (delivery,) = result
    assert delivery.failure is DeliveryFailure.STOPPED and delivery.detail.startswith("stopped after")
    assert delivery.sent_pcm == b"".join(clip.frames()), "the whole clip was uploaded"
    (played,) = ip_speaker.plays
    assert played.stopped and 0.5 < len(played.pcm) / 16000 < 2.0
    assert ("GET", "/axis-cgi/mediaclip.cgi?action=stop") in ip_speaker.requests
    assert ip_speaker.clips == {} and ip_speaker.errors == []
    assert delivery.ended_at is not None and delivery.started_at is not None
    assert delivery.ended_at - delivery.started_at == pytest.approx(len(played.pcm) / 16000, abs=0.3)


def test_the_speaker_is_killed_mid_play(tmp_path: Path) -> None:
    with SpeakerProcess(
        "http", tmp_path, "--auth", "digest", "--user", "operator", password=PASSWORD
    ) as proc:
        thread, result = play_in_thread(speaker(proc.url), speechlike(6.0), threading.Event())
        proc.wait_for("play", 10)
        proc.kill()
        killed_at = time.monotonic()
        thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - killed_at < 1.5
    (delivery,) = result
    assert delivery.failure is DeliveryFailure.UNREACHABLE
    assert "the speaker stopped answering" in delivery.detail


def test_nobody_listening() -> None:
    with Tarpit() as pit:
        port = pit.port
    delivery = play(speaker(f"http://127.0.0.1:{port}"), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.UNREACHABLE
    assert delivery.detail == f"upload: 127.0.0.1:{port} refused the connection"


def test_a_speaker_that_never_answers() -> None:
    with Tarpit() as pit:
        started = time.monotonic()
        delivery = play(speaker(f"http://127.0.0.1:{pit.port}"), speechlike(0.2), timeout_s=0.5)
    assert delivery.failure is DeliveryFailure.TIMEOUT
    assert time.monotonic() - started < 3


def test_a_web_page_that_is_not_a_clip_api() -> None:
    with WebServer(status=200) as page:
        delivery = play(speaker(f"http://127.0.0.1:{page.port}"), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.BAD_RESPONSE
    assert "no clip number" in delivery.detail


def test_a_speaker_address_that_is_not_http() -> None:
    delivery = play(speaker("rtsp://127.0.0.1/x"), speechlike(0.2))
    assert delivery.failure is DeliveryFailure.NOT_CONFIGURED
