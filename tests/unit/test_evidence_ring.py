"""The packet ring: bounded, clips start at a key frame, end early when the camera drops (said so),
and are the camera's packets remuxed, not re-encoded."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from app.demo.clips import generate_demo_clips
from app.media.evidence.ring import ClipCut, PacketRing, StreamParams

FPS, GOP = 15, 15


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clips = generate_demo_clips(
        tmp_path_factory.mktemp("clips"), duration_s=4.0, variants=["full"], streams=["sub"]
    )
    return clips.clip("full")


def packets(path: Path) -> tuple[StreamParams, list[tuple[int | None, int | None, bool, bytes]]]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        params = StreamParams.of(stream)
        out = [(p.pts, p.dts, p.is_keyframe, bytes(p)) for p in c.demux(stream) if p.size]
    return params, out


def feed(
    ring: PacketRing, pk: list[tuple[int | None, int | None, bool, bytes]], seconds: float, t0: float = 1000.0
) -> float:
    """``seconds`` of the looped clip at its frame rate; returns the last arrival time."""
    n = round(seconds * FPS)
    for i in range(n):
        pts, dts, key, data = pk[i % len(pk)]
        ring.add(t0 + i / FPS, pts, dts, key, data)
    return t0 + (n - 1) / FPS


def test_the_ring_keeps_ten_seconds_and_a_gop_at_most(source: Path) -> None:
    params, pk = packets(source)
    ring = PacketRing("cam001", seconds=10.0)
    ring.begin(params, 0.0)
    sizes = []
    for minute in range(3):
        feed(ring, pk, 60.0, t0=1000.0 + minute * 60)
        sizes.append(ring.memory_bytes())
        assert 10.0 <= ring.span_s() < 10.0 + GOP / FPS + 0.01
    assert max(sizes) - min(sizes) < 0.1 * max(sizes)  # flat: no growth over three minutes
    assert ring.memory_bytes() < 2 << 20


def test_a_clip_starts_at_a_key_frame_and_is_not_re_encoded(source: Path) -> None:
    params, pk = packets(source)
    ring = PacketRing("cam001", seconds=10.0)
    ring.begin(params, 0.0)
    raised = feed(ring, pk, 12.3)  # a loop every 4 s: the timestamps jump back, the clip must not
    ring.start_cut(7, raised, 3.0, 2.0)
    for i in range(1, 40):  # 2.6 s more: past the after-window
        pts, dts, key, data = pk[(round(12.3 * FPS) + i) % len(pk)]
        ring.add(raised + i / FPS, pts, dts, key, data)
        if i == 15:
            assert ring.finished(raised + 1.0) == []  # within the after-window: it waits
    (cut,) = ring.finished(raised + 2.7)
    assert isinstance(cut, ClipCut) and cut.request_id == 7 and not cut.short_reason
    assert 3.0 <= cut.before_s < 3.0 + GOP / FPS and 1.9 < cut.after_s <= 2.0
    with av.open(io.BytesIO(cut.data), mode="r") as clip:
        stream = clip.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.width, stream.codec_context.height) == (
            "h264", 352, 288,
        )  # fmt: skip
        duration = float(clip.duration or 0) / 1e6
        frames = [f.to_ndarray(format="gray") for f in clip.decode(stream)]
        clip.seek(0)
        demuxed = [p for p in clip.demux(stream) if p.size]
        sent = [bytes(p) for p in demuxed]
        assert demuxed[0].is_keyframe
    assert len(frames) == cut.packets and abs(duration - cut.packets / FPS) < 0.1
    assert set(sent) <= {d for (_, _, _, d) in pk}  # every packet as the camera sent it
    assert np.std(frames[0]) > 10


def test_a_camera_that_drops_gives_a_shorter_clip_said_so(source: Path) -> None:
    params, pk = packets(source)
    ring = PacketRing("cam001", seconds=10.0)
    ring.begin(params, 0.0)
    raised = feed(ring, pk, 8.0)
    ring.start_cut(1, raised, 5.0, 20.0)
    for i in range(1, 31):
        pts, dts, key, data = pk[(120 + i) % len(pk)]
        ring.add(raised + i / FPS, pts, dts, key, data)
    ring.end(raised + 2.5, "the camera's stream broke off")
    (cut,) = ring.finished(raised + 2.6)  # no waiting for the rest of the 20 s
    assert isinstance(cut, ClipCut)
    assert cut.short_reason == "the camera's stream broke off" and 1.9 < cut.after_s < 2.1


def test_a_silent_camera_ends_the_clip_at_the_deadline(source: Path) -> None:
    params, pk = packets(source)
    ring = PacketRing("cam001", seconds=10.0)
    ring.begin(params, 0.0)
    raised = feed(ring, pk, 8.0)
    ring.start_cut(1, raised, 5.0, 4.0)
    assert ring.finished(raised + 4.0) == []
    (cut,) = ring.finished(raised + 8.0)
    assert isinstance(cut, ClipCut) and cut.short_reason == "the camera sent nothing more"


def test_no_packets_no_clip() -> None:
    ring = PacketRing("cam001")
    ring.start_cut(3, 1000.0, 10.0, 1.0)
    ((request_id, error),) = ring.finished(1010.0)  # type: ignore[misc]
    assert request_id == 3 and "no packets" in str(error)
