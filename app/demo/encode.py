"""Encode frames into camera-like H.264 MP4 clips with PyAV (libx264; no ffmpeg CLI needed)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av

from app.demo.variants import Image


@dataclass(frozen=True)
class StreamProfile:
    """What a typical city camera sends: fixed GOP of one second, no B-frames (low latency)."""

    name: Literal["sub", "main"]
    width: int
    height: int
    fps: int
    profile: Literal["baseline", "main"]
    bitrate: int  # bit/s
    gop: int

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


SUB = StreamProfile("sub", 352, 288, 15, "baseline", 250_000, 15)  # CIF
MAIN = StreamProfile("main", 704, 576, 15, "main", 1_000_000, 15)  # D1
PROFILES: dict[str, StreamProfile] = {p.name: p for p in (SUB, MAIN)}


class ClipWriter:
    """One MP4 being written; several can be open at once so the source is decoded only once."""

    def __init__(self, path: Path, p: StreamProfile) -> None:
        options = {
            "preset": "veryfast",
            "profile": p.profile,
            "g": str(p.gop),
            "keyint_min": str(p.gop),
            "sc_threshold": "0",  # no extra keyframes on scene cuts: a steady GOP like a camera
            "bf": "0",
            "maxrate": str(p.bitrate * 6 // 5),
            "bufsize": str(p.bitrate),
            # One slice per picture: x264's sliced threads would cut each frame into several slices,
            # which the loop server would then replay as separate frames (half pictures).
            "x264-params": "sliced-threads=0:slices=1",
        }
        self.profile, self.count, self._closed = p, 0, False
        # faststart puts the index first: a truncated copy still opens and plays its first part.
        self._out = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        self._stream = self._out.add_stream("libx264", rate=p.fps, options=options)
        self._stream.width, self._stream.height = p.width, p.height
        self._stream.pix_fmt, self._stream.bit_rate = "yuv420p", p.bitrate

    def write(self, img: Image) -> None:
        """Append one BGR frame of exactly the profile's size."""
        frame = av.VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts, frame.time_base = self.count, Fraction(1, self.profile.fps)
        self._out.mux(self._stream.encode(frame))
        self.count += 1

    def close(self) -> None:
        """Flush and finish the file; idempotent, so cleanup after an error can call it again."""
        if self._closed:
            return
        self._closed = True
        try:
            self._out.mux(self._stream.encode(None))
        finally:
            self._out.close()
