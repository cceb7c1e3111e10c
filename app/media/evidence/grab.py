"""A short pull for one picture: open a stream, decode the first key frame, close.

Used at raise time on the camera's main stream (the wall decodes the sub-stream; the main stream's
picture is the one that shows a face or a licence plate). Only the key frame is decoded: a P-frame
without its reference is a grey smear, and a 1080p key frame costs a few milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from app.media.protocol import SecretUrl
from app.media.pull import configure_decoder, rtsp_options
from app.media.scrub import scrub

KEY_WAIT_S = 4.0  # a city camera's GOP is 1-4 s: a key frame comes within this after the open

BgrImage = np.ndarray[Any, np.dtype[np.uint8]]


@dataclass(frozen=True)
class Picture:
    """A BGR picture and when it was taken (wall-clock seconds)."""

    image: BgrImage
    captured_at: float


class NoPicture(Exception):
    """The stream gave no picture in time; the message says why (no credentials in it)."""


def grab_picture(
    url: SecretUrl,
    *,
    transport: str = "tcp",
    connect_timeout_s: float = 5.0,
    key_wait_s: float = KEY_WAIT_S,
    is_file: bool = False,
    secrets: tuple[str, ...] = (),
) -> Picture:
    """The first key frame the stream sends after the open, decoded; raises :class:`NoPicture`."""
    started = time.monotonic()
    try:
        if is_file:
            container = av.open(url.reveal(), mode="r")
        else:
            container = av.open(
                url.reveal(),
                mode="r",
                options=rtsp_options(transport),
                timeout=(connect_timeout_s, min(connect_timeout_s, key_wait_s)),
            )
    except Exception as exc:
        raise NoPicture(_why(exc, url, secrets)) from exc
    try:
        return _first_key_frame(container, started + connect_timeout_s + key_wait_s, key_wait_s)
    except NoPicture:
        raise
    except Exception as exc:
        raise NoPicture(_why(exc, url, secrets)) from exc
    finally:
        container.close()


def _first_key_frame(container: Any, deadline: float, key_wait_s: float) -> Picture:
    stream = container.streams.video[0]
    decoder = stream.codec_context
    configure_decoder(decoder, light=False)
    keyed = False
    taken_at = 0.0
    for packet in container.demux(stream):
        if time.monotonic() > deadline:
            break
        if packet.size == 0:
            continue
        if not keyed:
            if not packet.is_keyframe:
                continue
            keyed, taken_at = True, time.time()
        # A decoder that holds frames back gives the key frame a packet or two later.
        for frame in decoder.decode(packet):
            image = frame.to_ndarray(format="bgr24")
            return Picture(np.ascontiguousarray(image), taken_at)
    raise NoPicture(f"no key frame within {key_wait_s:g} s")


def _why(exc: BaseException, url: SecretUrl, secrets: tuple[str, ...]) -> str:
    if isinstance(exc, av.error.FFmpegError) and exc.strerror:
        text = f"{exc.strerror} (FFmpeg {type(exc).__name__})"
    elif isinstance(exc, IndexError):
        text = "the stream has no video"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return scrub(text, secrets, url.reveal())
