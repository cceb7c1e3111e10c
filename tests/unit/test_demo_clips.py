"""Demo clips (format, cache, fallback) and the demo site built on them. No RTSP server needed."""

from __future__ import annotations

import itertools
import logging
import os
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from app.demo import clips as clips_module
from app.demo import synthetic
from app.demo.clips import ClipSet, StreamName, generate_demo_clips
from app.demo.site import build_demo_site, clip_for, demo_manifest
from app.demo.variants import VARIANTS, render
from camera_config.models import FileSource, RtspSource

SECONDS = 2.0


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    return generate_demo_clips(
        tmp_path_factory.mktemp("clips"), duration_s=SECONDS, variants=("full", "night")
    )


def probe(path: Path) -> dict[str, Any]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        keyframes = [i for i, p in enumerate(packets) if p.is_keyframe]
        return {
            "size": (stream.codec_context.width, stream.codec_context.height),
            "fps": stream.average_rate,
            "profile": stream.codec_context.profile,
            "pix_fmt": stream.codec_context.pix_fmt,
            "frames": len(packets),
            "keyframes": keyframes,
            "in_order": all(p.pts == p.dts for p in packets),  # no B-frames: decode order is display order
            "kbit_s": path.stat().st_size * 8 / (len(packets) / 15) / 1000,
        }


@pytest.mark.parametrize(
    ("stream", "size", "profile", "kbit_s"),
    [("sub", (352, 288), "Constrained Baseline", 250), ("main", (704, 576), "Main", 1000)],
)
def test_clip_is_a_camera_like_stream(
    clips: ClipSet, stream: StreamName, size: tuple[int, int], profile: str, kbit_s: int
) -> None:
    for name in clips.variants:
        info = probe(clips.clip(name, stream))
        assert info["size"] == size and info["fps"] == 15 and info["pix_fmt"] == "yuv420p"
        assert info["profile"] == profile and info["in_order"]
        assert info["frames"] == int(SECONDS * 15)
        assert info["keyframes"] == list(range(0, int(SECONDS * 15), 15))  # GOP 15: one a second
        assert 0.5 * kbit_s < info["kbit_s"] < 1.6 * kbit_s


def test_second_run_is_a_cache_hit(clips: ClipSet) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in [*clips.sub.values(), *clips.main.values()]}
    messages: list[tuple[float, str]] = []
    again = generate_demo_clips(
        clips.directory,
        duration_s=SECONDS,
        variants=("full", "night"),
        progress=lambda f, m: messages.append((f, m)),
    )
    assert again == clips
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing re-encoded
    assert messages == [(1.0, messages[-1][1])] and "0 made" in messages[-1][1]
    assert not list(clips.directory.glob("*.part*")), "temporary files were left behind"


def test_progress_runs_from_zero_to_one(tmp_path: Path) -> None:
    seen: list[float] = []
    generate_demo_clips(
        tmp_path,
        duration_s=2.0,
        source="synthetic",
        variants=("full",),
        streams=("sub",),
        progress=lambda f, _m: seen.append(f),
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_changed_source_makes_new_clips(clips: ClipSet, tmp_path: Path) -> None:
    src = tmp_path / "source.mp4"
    src.write_bytes(clips.clip("full").read_bytes())  # any video serves as a source
    first = generate_demo_clips(tmp_path, duration_s=1.0, source=src, variants=("full",), streams=("sub",))
    os.utime(src, ns=(0, 10**18))
    second = generate_demo_clips(tmp_path, duration_s=1.0, source=src, variants=("full",), streams=("sub",))
    assert first.clip("full") != second.clip("full")


def test_synthetic_fallback_when_vtest_is_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(clips_module.VTEST_ENV, raising=False)
    monkeypatch.setattr(clips_module, "RESOURCES", tmp_path / "no-resources")
    monkeypatch.setattr(clips_module, "DEBIAN_VTEST", tmp_path / "no-vtest.avi")
    with caplog.at_level(logging.WARNING):
        made = generate_demo_clips(tmp_path, duration_s=1.0, variants=("full",), streams=("sub",))
    assert made.source == "synthetic" and made.source_path is None
    assert "synthetic" in caplog.text
    assert probe(made.clip("full"))["frames"] == 15


def test_synthetic_scene_is_deterministic_and_moves() -> None:
    a, b = list(synthetic.frames(15, 3)), list(synthetic.frames(15, 3))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert a[0].shape == (576, 768, 3)
    assert np.abs(a[0].astype(int) - a[2].astype(int)).mean() > 0.5  # walkers walk (beyond the noise)


def test_variants_look_different() -> None:
    frame = next(synthetic.frames(15, 1))
    views = [render(v, frame, (352, 288)).astype(int) for v in VARIANTS]
    for x, y in itertools.combinations(views, 2):
        assert np.abs(x - y).mean() > 8


def test_truncated_clip_breaks_and_garbage_never_decodes(clips: ClipSet) -> None:
    assert clips.truncated is not None and clips.garbage is not None
    assert clips.truncated.stat().st_size == int(clips.clip("full").stat().st_size * 0.4)
    assert count_frames(clips.truncated) < int(SECONDS * 15)
    assert count_frames(clips.garbage) == 0


def count_frames(path: Path) -> int:
    frames = 0
    try:
        with av.open(str(path)) as container:
            for _ in container.decode(video=0):
                frames += 1
    except av.FFmpegError:
        pass
    return frames


# -- the demo site ---------------------------------------------------------------------------------
def test_demo_site_has_100_distinct_cameras_in_one_district() -> None:
    site = build_demo_site("rtsp://127.0.0.1:8554")
    cams = site.cameras
    assert [c.id for c in cams] == [f"cam{i:03d}" for i in range(1, 101)]
    assert len({c.name for c in cams}) == 100
    streets = [g for g in site.groups if g.parent == "district"]
    assert 6 <= len(streets) <= 8 and all(g.name.endswith("街道") for g in streets)
    street_codes = {g.id: f"{i:03d}" for i, g in enumerate(streets, 1)}
    for cam in cams:
        assert cam.grid_code is not None and len(cam.grid_code) == 15
        assert cam.grid_code[6:9] == street_codes[cam.group or ""]
        assert isinstance(cam.source, RtspSource)
        assert (cam.source.sub, cam.source.main) == (
            f"rtsp://127.0.0.1:8554/{cam.id}",
            f"rtsp://127.0.0.1:8554/{cam.id}_main",
        )
    assert len({c.grid_code for c in cams}) == 100
    lons = [c.location.lon for c in cams if c.location]
    lats = [c.location.lat for c in cams if c.location]
    assert max(lons) - min(lons) < 0.05 and max(lats) - min(lats) < 0.05  # a few km across


def test_demo_manifest_mounts_every_stream_with_varied_clips(clips: ClipSet) -> None:
    site = build_demo_site("rtsp://127.0.0.1:8554", n_cameras=20)
    manifest = demo_manifest(site, clips)
    paths = [m["path"] for m in manifest["mounts"]]
    assert len(paths) == len(set(paths)) == 40 and "cam020_main" in paths
    subs = [m for m in manifest["mounts"] if not m["path"].endswith("_main")]
    assert all(a["file"] != b["file"] for a, b in itertools.pairwise(subs))
    assert len({m["offset_frames"] for m in subs}) == 20
    assert clip_for(1, clips.variants) != clip_for(2, clips.variants)


def test_demo_site_without_a_server_plays_the_clips(clips: ClipSet) -> None:
    site = build_demo_site(None, n_cameras=5, clips=clips)
    assert all(isinstance(c.source, FileSource) and c.source.path.is_file() for c in site.cameras)
