"""A frame source without processes: coloured moving frames and scripted health per camera."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QImage

from app.core.stream_failure import StreamFailure
from app.core.stream_health import StreamState
from app.media.frame_board import BgraImage, FrameMeta, FrameRef
from app.media.protocol import ViewMode
from app.media.pull import fit_size
from app.media.supervisor import CameraHealth


class FakeSource:
    def __init__(self, cameras: list[str], size: tuple[int, int] = (352, 288)) -> None:
        self.cameras = cameras
        self.size = size
        self.states: dict[str, StreamState] = dict.fromkeys(cameras, StreamState.LIVE)
        self.errors: dict[str, str] = {}
        self.reasons: dict[str, StreamFailure] = {}
        self.demands: dict[str, dict[str, tuple[ViewMode, tuple[int, int]]]] = {}
        self.count = 0
        self.reads = 0
        self.t0 = time.monotonic() - 60  # streams have been running for a minute: counts are high
        self.focus_started: dict[str, float] = {}
        self.held: dict[tuple[str, bool], tuple[FrameRef, bool]] = {}  # the frame "in place" per stream

    def set_demands(self, client: str, wanted: dict[str, tuple[ViewMode, tuple[int, int]]]) -> None:
        self.demands[client] = dict(wanted)

    def mode(self, camera_id: str) -> ViewMode:
        return max((d[camera_id][0] for d in self.demands.values() if camera_id in d), default=ViewMode.OFF)

    def box(self, camera_id: str) -> tuple[int, int]:
        """The size the strongest demand asks for, as the real supervisor decodes to."""
        sizes = [d[camera_id][1] for d in self.demands.values() if camera_id in d]
        return max(sizes, default=self.size)

    def read_frame(
        self,
        camera_id: str,
        dest: BgraImage | None = None,
        newer_than: int = 0,
        *,
        main: bool = True,
        newer_than_main: int = 0,
    ) -> tuple[BgraImage, FrameMeta, bool] | None:
        if self.states.get(camera_id) != StreamState.LIVE:
            return None
        focused = main and self.mode(camera_id) == ViewMode.FOCUSED
        # 15 fps per stream, counted apart as the real frame board does; a focus restarts the main count.
        now = time.monotonic()
        if focused:
            started = self.focus_started.setdefault(camera_id, now)
            count = 1 + int((now - started) * 15)
            if count <= newer_than_main:
                return None
        else:
            self.focus_started.pop(camera_id, None)
            count = 1 + int((now - self.t0) * 15)
            if count <= newer_than:
                return None
        self.count = count
        self.reads += 1
        width, height = fit_size(
            (self.size[0] * 2, self.size[1] * 2) if focused else self.size, self.box(camera_id)
        )
        if dest is None or dest.shape != (height, width, 4):
            dest = np.empty((height, width, 4), np.uint8)
        hue = (self.cameras.index(camera_id) * 37) % 200 + 40
        dest[:] = (hue, 255 - hue, (hue * 3) % 255, 255)
        bar = self.count % width
        dest[:, bar : bar + 8, :3] = 250  # something moves, as in a real picture
        meta = FrameMeta(width, height, time.monotonic_ns(), time.time_ns(), self.count)
        return dest, meta, focused

    def latest_frame(self, camera_id: str, *, main: bool = True) -> tuple[FrameRef, bool] | None:
        """As the frame board: the newest frame in place; a later frame is drawn into the same
        buffer (the ref stops holding), as a real decoder overtakes a slow reader."""
        key = (camera_id, main and self.mode(camera_id) == ViewMode.FOCUSED)
        held = self.held.get(key)
        seen = held[0].meta.count if held else 0
        dest = held[0].pixels if held else None
        got = self.read_frame(camera_id, dest, seen, main=main, newer_than_main=seen)
        if got is None:
            return held
        pixels, meta, focused = got
        ref = FrameRef(self.cameras.index(camera_id), 0, meta.count, pixels, meta)
        self.held[key] = (ref, focused)
        return self.held[key]

    def still_holds(self, ref: FrameRef) -> bool:
        return any(r is ref for r, _ in self.held.values())

    def new_frames(self, camera_ids: Sequence[str | None], seen: Sequence[int]) -> list[tuple[int, FrameRef]]:
        count = 1 + int((time.monotonic() - self.t0) * 15)
        found = []
        for index, camera_id in enumerate(camera_ids):
            if camera_id is None or self.states.get(camera_id) != StreamState.LIVE or count == seen[index]:
                continue
            got = self.latest_frame(camera_id, main=False)
            if got is not None:
                found.append((index, got[0]))
        return found

    def health(self, camera_id: str) -> CameraHealth:
        state = self.states.get(camera_id, StreamState.STOPPED)
        return CameraHealth(
            camera_id=camera_id,
            state=state,
            since=time.time() - 65,
            last_error=self.errors.get(camera_id),
            attempts=0 if state == StreamState.LIVE else 3,
            fps=15.0 if state == StreamState.LIVE else 0.0,
            source_size=self.size,
            last_frame_age_s=0.02 if state == StreamState.LIVE else None,
            main_state=StreamState.STOPPED,
            main_error=None,
            mode=self.mode(camera_id),
            reason=self.reasons.get(camera_id),
        )


def image_array(image: QImage) -> np.ndarray:
    """RGB32 QImage → (h, w, 3) int32 array (B, G, R) for pixel checks."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :3].astype(np.int32)
