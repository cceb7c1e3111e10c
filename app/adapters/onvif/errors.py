"""What can go wrong talking to an ONVIF camera, in words an operator understands.

``str(error)`` is the sentence for the UI ("camera 路口东北角: camera did not answer within 3 s");
``error.detail`` is the technical part for the log. Neither ever holds a password: the client
scrubs every secret it knows from both before raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.core.ptz_port import CameraCommandError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class OnvifError(CameraCommandError):
    """Base of every ONVIF failure; the message is for the operator, ``detail`` for the log."""

    def for_camera(self, camera: str | None) -> OnvifError:
        """Name the camera in the message (no-op when it is already named or ``camera`` is None)."""
        if camera and not self.camera:
            self.camera = camera
        return self


class OnvifAuthError(OnvifError):
    """The camera refused the user name or password (WS-UsernameToken or HTTP digest)."""

    def __init__(self, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__(
            "camera refused the login (check the user name and password)", camera=camera, detail=detail
        )


class OnvifTimeout(OnvifError):
    """No answer within the configured timeout."""

    def __init__(self, timeout_s: float, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__(f"camera did not answer within {timeout_s:g} s", camera=camera, detail=detail)
        self.timeout_s = timeout_s


class OnvifUnreachable(OnvifError):
    """The camera's address does not take connections (wrong address, camera off, firewall)."""

    def __init__(self, where: str, reason: str, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__(f"cannot connect to the camera at {where} ({reason})", camera=camera, detail=detail)


class OnvifNotSupported(OnvifError):
    """The camera lacks the feature (``what`` completes "camera does not support ...")."""

    def __init__(self, what: str, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__(f"camera does not support {what}", camera=camera, detail=detail)
        self.what = what


class OnvifBadResponse(OnvifError):
    """The camera answered something that is not a valid ONVIF answer (malformed XML, wrong shape)."""

    def __init__(self, *, camera: str | None = None, detail: str = "") -> None:
        super().__init__("unexpected answer from camera", camera=camera, detail=detail)


class OnvifCameraFault(OnvifError):
    """The camera understood the request and refused it (a SOAP fault, or an HTTP error status)."""


class OnvifConfigError(OnvifError):
    """The site configuration does not say how to reach the camera over ONVIF."""


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***`` (and control characters removed)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _CONTROL.sub(" ", text)


def camera_words(text: str | None, limit: int = 160) -> str:
    """A camera's own fault text, made safe to show: one line, printable, bounded."""
    words = " ".join(_CONTROL.sub(" ", text or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"
