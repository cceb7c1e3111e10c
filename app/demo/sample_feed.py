"""The decoders' part of detection without streams: scripted pictures straight onto a frame board.

:class:`SampleFeed` keeps each camera's tile slot fresh (so the detection worker sees a picture) and
answers every sample request with the picture of that moment, rendered by a function of the time
since the feed started, fitted into the size asked, as a decoder's ``StreamPull`` does. Detection
fault tests and the restart bench drive real detection workers with it: what a camera shows is
then a function of time alone, the same for every board it feeds, whatever the machine's load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from app.demo.variants import Image, as_image
from app.media.frame_board import FrameBoard
from app.media.pull import fit_size

Render = Callable[[float], Image]  # seconds since the feed started -> BGR picture


@dataclass(frozen=True)
class FedCamera:
    board: FrameBoard
    slot: int  # the camera's tile slot on that board
    render: Render


class SampleFeed:
    def __init__(
        self, cameras: Sequence[FedCamera], poll_s: float = 0.01, tile_every_s: float = 0.25
    ) -> None:
        self._cameras = list(cameras)
        self._served: dict[int, int] = {}  # camera index -> request token answered
        self.answered: dict[int, int] = dict.fromkeys(range(len(self._cameras)), 0)
        self._poll_s, self._tile_every_s = poll_s, tile_every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sample-feed", daemon=True)
        self.started_at = 0.0

    def start(self) -> SampleFeed:
        self.started_at = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def clip_time(self) -> float:
        return time.monotonic() - self.started_at

    def _run(self) -> None:
        next_tile = 0.0
        while not self._stop.is_set():
            t = self.clip_time()
            if t >= next_tile:
                next_tile = t + self._tile_every_s
                for cam in self._cameras:
                    cam.board.write(cam.slot, np.zeros((8, 8, 4), np.uint8))  # a picture keeps coming
            for i, cam in enumerate(self._cameras):
                request = cam.board.sample_request(cam.slot)
                if request is None or request.token == self._served.get(i):
                    continue
                picture = cam.render(self.clip_time())
                h, w = picture.shape[:2]
                size = fit_size((w, h), request.size)
                if size != (w, h):
                    picture = as_image(cv2.resize(picture, size, interpolation=cv2.INTER_AREA))
                bgra = np.ascontiguousarray(cv2.cvtColor(picture, cv2.COLOR_BGR2BGRA), np.uint8)
                cam.board.write(request.detect_slot, bgra, request.token)  # refused if withdrawn
                self._served[i] = request.token
                self.answered[i] += 1
            self._stop.wait(self._poll_s)


def looped(frames: Sequence[Image], fps: float) -> Render:
    """A render function that plays ``frames`` at ``fps``, over and over."""
    if not frames:
        raise ValueError("no frames to play")

    def render(t: float) -> Image:
        return frames[int(t * fps) % len(frames)]

    return render
