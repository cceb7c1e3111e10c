"""The demo server's live loops: a client that connects late sees what one connected all along
sees (the loop runs on the server's clock), as with a real camera; a plain loop starts over."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from app.demo.clips import ClipSet
from tests.integration.conftest import StartServer

pytestmark = [pytest.mark.peer]


def first_picture(url: str) -> np.ndarray:
    with av.open(url, options={"rtsp_transport": "tcp"}, timeout=(5, 5)) as container:
        for frame in container.decode(video=0):
            return frame.to_ndarray(format="gray")
    raise AssertionError("no picture")


def seconds_into(picture: np.ndarray, clip: object) -> float:
    """Where in the clip (seconds) the picture is: the nearest of its frames."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        best, at = float("inf"), 0.0
        for frame in container.decode(stream):
            diff = float(np.abs(frame.to_ndarray(format="gray").astype(np.int16) - picture).mean())
            if diff < best:
                best, at = diff, float(frame.time or 0.0)
    return at


def test_a_late_client_of_a_live_loop_joins_where_the_loop_is_now(
    rtsp_server: StartServer, demo_clips: ClipSet
) -> None:
    clip = demo_clips.clip(demo_clips.variants[0])
    server = rtsp_server(0, extra_mounts=[
        {"path": "live", "file": str(clip), "mode": "loop", "live": True},
        {"path": "plain", "file": str(clip), "mode": "loop"},
    ])  # fmt: skip
    time.sleep(2.6)  # the test clips are 4 s long, a key frame every second
    live = seconds_into(first_picture(server.url("live")), clip)
    plain = seconds_into(first_picture(server.url("plain")), clip)
    assert plain < 0.5  # a plain loop starts from its offset for every new session
    assert live >= 1.5  # a live loop is where it would be had it played since the server started
