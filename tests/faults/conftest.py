"""Fault injection against real peers: the demo RTSP server (gst-rtsp-server) and small socket peers.

``wall_of(specs, workers)`` starts an IngestSupervisor whose system events land in a
SystemEventLog, as in the app; every one started is stopped at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from app.core.stream_health import HealthPolicy
from app.core.system_events import SystemEvent, SystemEventKind
from app.media.protocol import CameraSpec, SecretUrl, ViewMode
from app.media.supervisor import IngestSupervisor
from app.services.system_events import SystemEventLog

TILE = (192, 108)
# Quick to notice and retry, so that each fault plays out in seconds.
FAST_POLICY = HealthPolicy(
    stall_after_s=1.5, backoff_initial_s=0.3, backoff_max_s=2.0, offline_after_s=6.0, picture_timeout_s=3.0
)


def spec(camera_id: str, url: str, password: str | None = None) -> CameraSpec:
    """A camera at ``url``; with ``password``, the URL carries it (as site files' credentials do)."""
    if password:
        url = url.replace("rtsp://", f"rtsp://admin:{password}@", 1)
    return CameraSpec(
        camera_id,
        SecretUrl(url),
        None,
        policy=FAST_POLICY,
        connect_timeout_s=3.0,
        read_timeout_s=3.0,
        secrets=(password,) if password else (),
    )


class Wall:
    """What the operator sees of the cameras: their health, their pictures, the system events."""

    def __init__(self, specs: Sequence[CameraSpec], workers: int) -> None:
        self.events = SystemEventLog()
        self.supervisor = IngestSupervisor(specs, workers=workers, events=self.events.publish)

    def show_all(self) -> None:
        self.supervisor.set_demands("wall", {c: (ViewMode.LIVE, TILE) for c in self.supervisor.camera_ids})

    def frames(self, camera_id: str) -> int:
        meta = self.supervisor.frame_meta(camera_id)
        return 0 if meta is None else meta.count

    def of(self, kind: SystemEventKind, camera_id: str | None = None) -> list[SystemEvent]:
        return [
            e
            for e in self.events.recent()
            if e.kind == kind and (camera_id is None or e.camera_id == camera_id)
        ]

    def about(self, camera_id: str) -> list[SystemEventKind]:
        return [e.kind for e in self.events.recent() if e.camera_id == camera_id]


StartWall = Callable[[Sequence[CameraSpec], int], Wall]


@pytest.fixture
def wall_of() -> Iterator[StartWall]:
    walls: list[Wall] = []

    def start(specs: Sequence[CameraSpec], workers: int) -> Wall:
        wall = Wall(specs, workers)
        walls.append(wall)
        wall.supervisor.start()
        wall.show_all()
        return wall

    yield start
    for wall in walls:
        wall.supervisor.stop()
