"""Clip samples: one frame per check at the file's own times, the clock going on across loops, frames
fitted into the detect size; a file that is no video is named."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from detectors.clip_samples import ClipError, clip_samples, fit, probe

FPS = 5


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s at 5 fps, 160x120; frame n is filled with grey level 10 n (so a sample says which it is)."""
    path = tmp_path_factory.mktemp("clip") / "grey.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.options = {"qp": "0"}
        for n in range(3 * FPS):
            pixels = np.full((120, 160, 3), 10 * n, np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="bgr24")))
        out.mux(stream.encode())
    return path


def test_one_sample_per_check_at_the_files_times_across_loops(clip: Path) -> None:
    info = probe(clip)
    assert (info.width, info.height, info.fps) == (160, 120, 5.0)
    samples = list(clip_samples(clip, 1.0, loops=2, phase_s=0.5))
    assert [round(s.t, 2) for s in samples] == [0.6, 1.6, 2.6, 3.6, 4.6, 5.6]
    assert [round(s.clip_t, 2) for s in samples] == [0.6, 1.6, 2.6, 0.6, 1.6, 2.6]  # 3 s a loop
    assert [s.loop for s in samples] == [0, 0, 0, 1, 1, 1]
    greys = [round(float(s.frame.mean()) / 10) for s in samples]
    assert greys == [3, 8, 13, 3, 8, 13]  # the frames at those times, not neighbours


def test_frames_fitted_into_the_detect_size_never_enlarged(clip: Path) -> None:
    small = next(clip_samples(clip, 1.0, size=(80, 80)))
    assert small.frame.shape == (60, 80, 3)
    same = next(clip_samples(clip, 1.0, size=(640, 480)))
    assert same.frame.shape == (120, 160, 3)
    assert fit(1920, 1080, (640, 480)) == (640, 360) and fit(352, 288, (640, 480)) == (352, 288)


def test_a_file_that_is_no_video_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(ClipError, match=r"notes\.mp4: cannot read the video"):
        probe(bad)
    with pytest.raises(ClipError, match=r"missing\.mp4: cannot read the video"):
        list(clip_samples(tmp_path / "missing.mp4", 1.0))
