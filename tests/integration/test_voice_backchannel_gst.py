"""CityWall's back-channel client against a third-party implementation of the ONVIF back-channel:
GStreamer's RTSPOnvifServer (resources/demo/gst_onvif_backchannel.py), whose decoded audio must be
what was sent, in both G.711 laws."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.adapters.voice.backchannel import BackchannelTransport
from app.core.voice import Codec, DeliveryKind, Speaker
from app.demo.paths import SERVER_SCRIPT
from app.demo.rtsp_server import default_python
from tests.voice_audio import assert_same_audio, speechlike
from tests.waiting import wait_until

pytestmark = pytest.mark.peer

SCRIPT = SERVER_SCRIPT.parent / "gst_onvif_backchannel.py"


@pytest.fixture
def gst_camera(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "heard.s16"
    codec = request.param
    proc = subprocess.Popen(
        [default_python(), str(SCRIPT), "--out", str(out), "--codec", codec],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY "), (
            f"the GStreamer ONVIF server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
        yield line.split()[1], out
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize(("gst_camera", "codec"), [("pcmu", Codec.PCMU), ("pcma", Codec.PCMA)],
                         indirect=["gst_camera"], ids=["pcmu", "pcma"])  # fmt: skip
def test_gstreamer_onvif_server_hears_what_was_sent(gst_camera: tuple[str, Path], codec: Codec) -> None:
    url, out = gst_camera
    clip = speechlike(1.2)
    speaker = Speaker("gst", "GStreamer ONVIF camera", DeliveryKind.BACKCHANNEL, url, codec)
    delivery = BackchannelTransport().play(speaker, clip.frames(), threading.Event())
    assert delivery.delivered, delivery.detail
    wait_until(
        lambda: out.exists() and out.stat().st_size >= len(delivery.sent_pcm), 5, "GStreamer's decoded audio"
    )
    assert_same_audio(delivery.sent_pcm, out.read_bytes())
