"""Messages between the GUI process (supervisor) and decoder worker processes.

Only small, picklable values travel here; frames travel through the shared FrameBoard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

from app.core.stream_health import HealthPolicy, HealthSnapshot
from app.media.evidence.ring import ClipCut
from camera_config.masking import mask_url


class ViewMode(IntEnum):
    """How much of a camera is wanted; ordered so that the strongest demand wins."""

    OFF = 0  # not shown anywhere: no connection
    KEYFRAMES = 1  # thumbnail / hidden page: decode key frames only
    LIVE = 2  # tile: sub-stream, every frame
    FOCUSED = 3  # full window: main stream (sub-stream kept running for a seamless switch back)


class SecretUrl:
    """A stream URL that may carry credentials; never shows them in repr/str."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretUrl({mask_url(self._value)!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretUrl) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[type[SecretUrl], tuple[str]]:
        return (SecretUrl, (self._value,))


@dataclass(frozen=True)
class CameraSpec:
    """Everything a worker needs to pull one camera."""

    camera_id: str
    sub_url: SecretUrl  # the tile stream; the main URL when the camera has one stream only
    main_url: SecretUrl | None  # None when there is no separate main stream
    is_file: bool = False
    transport: Literal["tcp", "udp"] = "tcp"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 5.0
    policy: HealthPolicy = field(default_factory=HealthPolicy)
    secrets: tuple[str, ...] = field(default=(), repr=False)  # scrubbed from error messages
    setup_error: str | None = None  # the streams could not be found (e.g. ONVIF unreachable): show why


@dataclass(frozen=True)
class Output:
    """Where and how big a pull writes its frames. ``size`` is the box to fit into."""

    slot: int
    size: tuple[int, int]
    token: int = 0


# --- parent → worker ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AddCamera:
    spec: CameraSpec
    tile_slot: int


@dataclass(frozen=True)
class RemoveCamera:
    camera_id: str


@dataclass(frozen=True)
class SetView:
    camera_id: str
    mode: ViewMode
    tile_size: tuple[int, int]
    focus: Output | None = None  # set while mode is FOCUSED


@dataclass(frozen=True)
class Shutdown:
    pass


@dataclass(frozen=True)
class BufferClips:
    """Keep the camera's last ``seconds`` of packets for evidence clips (0: stop keeping them)."""

    camera_id: str
    seconds: float


@dataclass(frozen=True)
class CutClip:
    """Cut a clip from ``raised_at - before_s`` to ``raised_at + after_s`` (wall-clock seconds)."""

    request_id: int
    camera_id: str
    raised_at: float
    before_s: float
    after_s: float


# --- worker → parent ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HealthChanged:
    camera_id: str
    stream: Literal["sub", "main"]
    snapshot: HealthSnapshot


@dataclass(frozen=True)
class PullStats:
    fps: float
    packets: int
    frames: int
    width: int  # source resolution
    height: int


@dataclass(frozen=True)
class StatsReport:
    worker: int
    cameras: dict[str, dict[str, PullStats]]  # camera id → {"sub"/"main": stats}


@dataclass(frozen=True)
class WorkerReady:
    """Sent once the worker has imported its modules and attached to the frame board."""

    worker: int


@dataclass(frozen=True)
class ClipDone:
    """The answer to a CutClip: the clip, or why there is none."""

    request_id: int
    clip: ClipCut | None
    error: str = ""


@dataclass(frozen=True)
class WorkerFault:
    worker: int
    message: str
