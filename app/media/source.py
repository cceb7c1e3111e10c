"""The port the wall (and later detection) uses to get frames and stream health."""

from __future__ import annotations

from typing import Protocol

from app.media.frame_board import BgraImage, FrameMeta
from app.media.protocol import ViewMode
from app.media.supervisor import CameraHealth


class FrameSource(Protocol):
    def set_demands(self, client: str, wanted: dict[str, tuple[ViewMode, tuple[int, int]]]) -> None: ...

    def read_frame(
        self,
        camera_id: str,
        dest: BgraImage | None = None,
        newer_than: int = 0,
        *,
        main: bool = True,
        newer_than_main: int = 0,
    ) -> tuple[BgraImage, FrameMeta, bool] | None: ...

    def health(self, camera_id: str) -> CameraHealth: ...
