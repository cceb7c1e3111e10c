"""The port the wall (and later detection) uses to get frames and stream health."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from app.media.frame_board import BgraImage, FrameMeta, FrameRef
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

    def latest_frame(self, camera_id: str, *, main: bool = True) -> tuple[FrameRef, bool] | None:
        """The newest frame in place, no copy (the wall's hot path); the bool says main stream."""
        ...

    def still_holds(self, ref: FrameRef) -> bool: ...

    def new_frames(self, camera_ids: Sequence[str | None], seen: Sequence[int]) -> list[tuple[int, FrameRef]]:
        """The newest sub-stream frame, in place, of each camera whose count (as ``read_frame``'s
        ``newer_than`` counts them) differs from ``seen``, with its index in ``camera_ids``; None
        and unknown ids are skipped. A wall's poll: one call for all its tiles."""
        ...

    def health(self, camera_id: str) -> CameraHealth: ...
