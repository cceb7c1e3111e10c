"""Frames of a video file at a check interval, for :func:`detectors.replay.replay`.

Every frame is decoded (inter-coded video cannot be entered anywhere else), but only the frames
that fall on a check are converted to pixels and resized: that conversion, not the decoding, is
what costs at a check every few seconds. Frame times come from the file's timestamps (a
variable-rate clip is replayed at its real pace); a clip played several times continues its clock
across the loops, as a camera's would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import cv2

from detectors.replay import Sample
from detectors.types import Frame


class ClipError(OSError):
    """A clip that cannot be replayed; the message names the file."""


@dataclass(frozen=True)
class ClipInfo:
    path: Path
    width: int
    height: int
    fps: float
    duration_s: float  # one play; estimated from the container until a full play has been decoded


def probe(path: Path) -> ClipInfo:
    """What the clip is; :class:`ClipError` when it is not a readable video."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ClipError(f"{path}: no video stream in the file")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
            duration = _duration(container, stream, fps)
            return ClipInfo(path, stream.codec_context.width, stream.codec_context.height, fps, duration)
    except ClipError:
        raise
    except (OSError, av.FFmpegError) as exc:
        raise ClipError(f"{path}: cannot read the video: {_reason(exc)}") from exc


def _duration(container: av.container.InputContainer, stream: av.VideoStream, fps: float) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    if stream.frames:
        return stream.frames / fps
    return math.nan


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def fit(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """``width``×``height`` scaled down (never up) to fit in ``box``, aspect kept (as the worker's
    samples are fitted into its detect slots)."""
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(2, round(width * scale)), max(2, round(height * scale))


def clip_samples(
    path: Path,
    every_s: float,
    *,
    loops: int = 1,
    phase_s: float = 0.0,
    size: tuple[int, int] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Iterator[Sample]:
    """One sample every ``every_s`` seconds of video, the first at ``phase_s``, the clip played
    ``loops`` times; frames as BGR pixels fitted into ``size`` (None: as decoded). ``progress``
    hears the replay time of every decoded frame. Raises :class:`ClipError` naming the file."""
    if every_s <= 0 or loops < 1:
        raise ValueError("every_s must be > 0 and loops >= 1")
    step = 1.0 / probe(path).fps  # the gap a looped clip leaves between its last and first frame
    offset, next_check = 0.0, phase_s
    for loop in range(loops):
        length = 0.0
        for clip_t, frame in _frames(path):
            t = offset + clip_t
            length = max(length, clip_t)
            if progress is not None:
                progress(t)
            if t + 1e-6 < next_check:
                continue
            while next_check <= t + 1e-6:
                next_check += every_s
            pixels: Frame = frame.to_ndarray(format="bgr24")
            if size is not None:
                w, h = fit(pixels.shape[1], pixels.shape[0], size)
                if (w, h) != (pixels.shape[1], pixels.shape[0]):
                    pixels = cv2.resize(pixels, (w, h), interpolation=cv2.INTER_AREA)
            yield Sample(pixels, t, clip_t, loop)
        offset += length + step


def _frames(path: Path) -> Iterator[tuple[float, av.VideoFrame]]:
    """(seconds from the clip's first frame, frame) for every frame of the file."""
    try:
        container = av.open(str(path))
    except (OSError, av.FFmpegError) as exc:
        raise ClipError(f"{path}: cannot read the video: {_reason(exc)}") from exc
    with container:
        if not container.streams.video:
            raise ClipError(f"{path}: no video stream in the file")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate or 0) or 25.0
        first: float | None = None
        n = 0
        try:
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else n / fps
                first = t if first is None else first
                yield t - first, frame
                n += 1
        except av.FFmpegError as exc:
            if n == 0:
                raise ClipError(f"{path}: cannot decode the video: {_reason(exc)}") from exc
            # a damaged tail: replay what could be decoded (the summary says how long that was)
        if n == 0:
            raise ClipError(f"{path}: no video frames in the file")
