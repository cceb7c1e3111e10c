"""The decoders' Scaler: the size asked for, the colours of the picture, the stream's colour range."""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

from app.media.pull import Scaler


def picture(width: int = 352, height: int = 288) -> av.VideoFrame:
    """A CIF frame with a left-to-right ramp and a red block, in the stream's yuv420p."""
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[...] = np.linspace(0, 255, width, dtype=np.uint8)[None, :, None]
    rgb[height // 4 : height // 2, width // 4 : width // 2] = (220, 30, 30)
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


def plain(frame: av.VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """One reformat straight to BGRA: the way the scaler replaces."""
    image = VideoReformatter().reformat(
        frame, width=size[0], height=size[1], format="bgra", interpolation=Interpolation.BILINEAR
    )
    return image.to_ndarray()


def test_a_frame_comes_out_at_the_size_asked_for_with_its_colours() -> None:
    scaler, frame = Scaler(), picture()
    for size in ((160, 130), (80, 64), (352, 288), (352, 200)):
        out = scaler(frame, size)
        assert out.shape == (size[1], size[0], 4) and out.dtype == np.uint8
        assert (out[..., 3] == 255).all()  # opaque: the wall blits it as RGB32
        difference = np.abs(out[..., :3].astype(int) - plain(frame, size)[..., :3].astype(int))
        assert difference.mean() < 3  # another filter, the same picture
    red = scaler(frame, (160, 130))[130 * 3 // 8, 160 * 3 // 8]  # inside the block: B, G, R
    assert red[2] > 180 and red[0] < 70 and red[1] < 70


def test_a_full_range_stream_keeps_its_range() -> None:
    """Scaling first in YUV must carry the colour range to the conversion: a full-range camera
    scaled as if limited would lose its blacks and whites."""
    frame = picture()
    limited = Scaler()(frame, (160, 130)).astype(int)
    frame.color_range = 2  # JPEG (full) range, as some cameras flag their H.264
    full = Scaler()(frame, (160, 130)).astype(int)
    expected = plain(frame, (160, 130)).astype(int)
    assert np.abs(full - expected)[..., :3].mean() < 3
    assert np.abs(full - limited)[..., :3].mean() > 3  # the range made a difference
