"""Full-resolution pictures for snapshots: one key frame from a camera's main stream, pulled off the
GUI thread (the wall decodes tiles at tile size; an operator's 抓拍 wants the camera's own pixels).

The pull is the alert evidence's (``app.media.evidence.grab``): open, first key frame, close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from app.media.evidence.grab import KEY_WAIT_S, NoPicture, Picture, grab_picture
from app.media.protocol import CameraSpec

WORKERS = 2  # snapshots come one key press at a time; each waits on the network


def grab_main(spec: CameraSpec, key_wait_s: float = KEY_WAIT_S) -> Picture:
    """The first key frame of ``spec``'s main stream (its only stream when it has one)."""
    if spec.setup_error is not None:
        raise NoPicture(spec.setup_error)
    return grab_picture(
        spec.main_url or spec.sub_url,
        transport=spec.transport,
        connect_timeout_s=spec.connect_timeout_s,
        key_wait_s=key_wait_s,
        is_file=spec.is_file,
        secrets=spec.secrets,
    )


class MainStills:
    """``take(camera_id)`` returns at once; its future gives the Picture or fails with
    :class:`NoPicture` saying why (no credentials in it)."""

    def __init__(
        self,
        specs: Callable[[], Iterable[CameraSpec]],
        *,
        grab: Callable[[CameraSpec], Picture] = grab_main,
        workers: int = WORKERS,
    ) -> None:
        """``specs``: the cameras' streams as resolved now (an ONVIF camera's may change)."""
        self._specs, self._grab = specs, grab
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="snapshot")

    def take(self, camera_id: str) -> Future[Picture]:
        return self._pool.submit(self._take, camera_id)

    def _take(self, camera_id: str) -> Picture:
        spec = next((s for s in self._specs() if s.camera_id == camera_id), None)
        if spec is None:
            raise NoPicture(f"{camera_id} is not a camera of this site")
        return self._grab(spec)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
