"""What the PTZ service needs from a camera, as a port (the ONVIF adapter implements it).

* :class:`PtzVector`, :class:`PtzStatus`, :class:`Preset`: plain values in the generic spaces of
  :mod:`app.core.ptz_geometry` (no protocol objects leak out of an adapter);
* :class:`CameraCommandError`: a camera failed or refused a command; ``str()`` is the operator's
  sentence, ``detail`` the technical part for the log (never a password);
* :class:`PtzPort`: the commands, each answered by a ``concurrent.futures.Future`` (never block
  the caller), generic over the adapter's camera description (the site file's camera), which the
  core only passes through;
* :class:`HeldMove`: a continuous move the operator holds, with a dead-man stop.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, TypeVar

MoveState = Literal["IDLE", "MOVING", "UNKNOWN"]


@dataclass(frozen=True)
class PtzVector:
    """Generic-space values; None leaves that axis alone (or, in a status, the camera did not say)."""

    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None

    @property
    def pan_tilt(self) -> bool:
        return self.pan is not None or self.tilt is not None


@dataclass(frozen=True)
class PtzStatus:
    position: PtzVector | None
    pan_tilt: MoveState = "UNKNOWN"
    zoom: MoveState = "UNKNOWN"
    error: str | None = None
    utc_time: datetime | None = None

    @property
    def moving(self) -> bool:
        return "MOVING" in (self.pan_tilt, self.zoom)

    @property
    def idle(self) -> bool:
        """No axis moves and at least one says IDLE (an axis the camera does not report is ignored)."""
        return not self.moving and "IDLE" in (self.pan_tilt, self.zoom)


@dataclass(frozen=True)
class Preset:
    token: str
    name: str
    position: PtzVector | None = None


class CameraCommandError(Exception):
    """A camera failed or refused a command; ``str()`` is for the operator, ``detail`` for the log.

    Adapters raise subclasses (``OnvifError``); the service tells these expected failures from its
    own bugs by this type alone."""

    def __init__(self, message: str, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.camera = camera
        self.detail = detail

    def __str__(self) -> str:
        return f"camera {self.camera}: {self.message}" if self.camera else self.message


class HeldMove(Protocol):
    """A continuous move the operator holds: re-asserted by ``keep_alive``; stops by itself when
    the re-asserts stop coming (dead-man), or on ``release``."""

    first: Future[None]  # the first continuous move command

    @property
    def active(self) -> bool: ...

    def keep_alive(self, velocity: PtzVector | None = None) -> None: ...

    def release(self) -> Future[None]: ...


CameraT_contra = TypeVar("CameraT_contra", contravariant=True)


class PtzPort(Protocol[CameraT_contra]):
    """PTZ commands to the cameras of a site; futures fail with :class:`CameraCommandError`.

    Commands to one camera run in the order given (a stop never overtakes the move it ends)."""

    def status(self, camera: CameraT_contra) -> Future[PtzStatus]: ...

    def presets(self, camera: CameraT_contra) -> Future[list[Preset]]: ...

    def goto_preset(self, camera: CameraT_contra, token: str, speed: float | None = None) -> Future[None]: ...

    def set_preset(
        self, camera: CameraT_contra, name: str | None = None, token: str | None = None
    ) -> Future[str]: ...

    def remove_preset(self, camera: CameraT_contra, token: str) -> Future[None]: ...

    def relative_move(
        self, camera: CameraT_contra, translation: PtzVector, speed: float | None = None
    ) -> Future[None]: ...

    def absolute_move(
        self, camera: CameraT_contra, position: PtzVector, speed: float | None = None
    ) -> Future[None]: ...

    def goto_home(self, camera: CameraT_contra, speed: float | None = None) -> Future[None]: ...

    def stop(self, camera: CameraT_contra) -> Future[None]: ...

    def hold_move(
        self,
        camera: CameraT_contra,
        velocity: PtzVector,
        on_expired: Callable[[HeldMove], None] | None = None,
    ) -> HeldMove: ...
