"""Small tiles decode P-frames without deblocking; larger pictures get the full decode back."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from app.core.stream_health import StreamState
from app.media.frame_board import BoardLayout, FrameBoard
from app.media.protocol import CameraSpec, Output, SecretUrl
from app.media.pull import StreamPull, light_decoding_fits
from tests.waiting import wait_until

CIF = (352, 288)
WALL_TILE = (127, 98)  # a 100-tile wall on a 1920x1080 screen
GOP = 5


def test_only_pictures_well_below_the_source_size_skip_deblocking() -> None:
    assert light_decoding_fits("h264", CIF, [WALL_TILE])
    assert light_decoding_fits("h264", CIF, [WALL_TILE, (140, 114)])  # the same camera on two wall windows
    assert not light_decoding_fits("h264", CIF, [(176, 144)])  # half size: blocking would show
    assert not light_decoding_fits("h264", CIF, [WALL_TILE, CIF])  # one window shows it large
    assert not light_decoding_fits("h264", CIF, [])  # nothing shown: nothing to decide for
    assert not light_decoding_fits("h264", (0, 0), [WALL_TILE])  # size not known yet
    assert not light_decoding_fits("hevc", CIF, [WALL_TILE])  # not measured for it


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return texture_clip(tmp_path_factory.mktemp("light") / "texture.mp4", GOP)


@pytest.fixture(scope="module")
def long_gop_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return texture_clip(tmp_path_factory.mktemp("light") / "one_keyframe.mp4", 45)


def texture_clip(path: Path, gop: int, codec: str = "libx264") -> Path:
    """Three seconds of a scrolling texture, starved of bits so deblocking has work to do."""
    rng = np.random.default_rng(7)
    texture = rng.integers(0, 255, (CIF[1], CIF[0] * 2, 3), dtype=np.uint8)
    with av.open(str(path), "w") as out:
        if codec == "libx264":
            options = {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "bf": "0"}
        else:
            options = {"x265-params": f"keyint={gop}:bframes=0:log-level=none"}
        stream = out.add_stream(codec, rate=15, options=options)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = CIF[0], CIF[1], "yuv420p", 150_000
        for i in range(45):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(texture[:, 4 * i : 4 * i + CIF[0]]))
            frame.pts, frame.time_base = i, Fraction(1, 15)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.fixture
def board() -> Iterator[FrameBoard]:
    layout = BoardLayout((CIF,), workers=1, detect_slots=1, detect_capacity=CIF, request_slots=1)
    board = FrameBoard.create(layout)
    yield board
    board.close()


def test_a_pull_switches_decoders_at_keyframes_as_its_tiles_grow_and_shrink(
    clip: Path, board: FrameBoard
) -> None:
    spec = CameraSpec("cam", SecretUrl(str(clip)), None, is_file=True)
    pull = StreamPull("cam/sub", spec.sub_url, spec, board, lambda _: None)
    pull.configure([Output(0, WALL_TILE)], keyframes_only=False)
    pull.start()
    try:
        wait_until(
            lambda: pull.light_decoding and board.count(0) > GOP, 5, "the light decoder on a small tile"
        )
        small = board.latest(0)
        assert (
            small is not None and small.pixels.shape == (98, 118, 4) and small.pixels[..., :3].std() > 8
        )  # a picture, not grey

        pull.configure([Output(0, CIF)], keyframes_only=False)  # the tile went full-window
        took = wait_until(lambda: not pull.light_decoding, 5, "the full decoder on a large tile")
        assert took < 2 * GOP / 15  # at the next keyframe, not at a reconnect
        frames = board.count(0)
        wait_until(lambda: board.count(0) > frames + GOP, 5, "pictures after the switch")
        large = board.latest(0)
        assert large is not None and large.pixels.shape == (CIF[1], CIF[0], 4)

        pull.configure([Output(0, WALL_TILE)], keyframes_only=False)  # and back to the wall
        wait_until(lambda: pull.light_decoding, 5, "the light decoder again")
        assert (
            pull.health.state == StreamState.LIVE and pull.health.snapshot.attempts == 0
        )  # never reconnected
    finally:
        pull.stop()


def test_detection_is_answered_within_frames_while_tiles_decode_light(
    long_gop_clip: Path, board: FrameBoard
) -> None:
    """Not at the next keyframe: that can be seconds away (here three)."""
    spec = CameraSpec("cam", SecretUrl(str(long_gop_clip)), None, is_file=True)
    pull = StreamPull("cam/sub", spec.sub_url, spec, board, lambda _: None, sample_slot=0)
    pull.configure([Output(0, WALL_TILE)], keyframes_only=False)
    pull.start()
    try:
        wait_until(lambda: pull.light_decoding and board.count(0) > 2, 5, "the light decoder on a small tile")
        token = board.request_sample(0, 0, CIF)
        took = wait_until(lambda: board.sample_ready(0, token), 5, "the sample")
        assert took < 0.5
        answer = board.read_sample(0, token)
        assert answer is not None and answer[0].shape == (CIF[1], CIF[0], 4)
    finally:
        pull.stop()


def test_a_codec_not_measured_for_it_decodes_in_full_on_small_tiles(
    tmp_path: Path, board: FrameBoard
) -> None:
    clip = texture_clip(tmp_path / "hevc.mp4", GOP, codec="libx265")
    spec = CameraSpec("cam", SecretUrl(str(clip)), None, is_file=True)
    pull = StreamPull("cam/sub", spec.sub_url, spec, board, lambda _: None)
    pull.configure([Output(0, WALL_TILE)], keyframes_only=False)
    pull.start()
    try:
        wait_until(lambda: board.count(0) > 2 * GOP, 5, "pictures from the HEVC clip")
        assert not pull.light_decoding
    finally:
        pull.stop()
