"""PTZ geometry in the generic spaces every ONVIF PTZ node supports, and a head's physical range.

The generic spaces (ONVIF PTZ Service Specification, "Generic spaces"):

* position: pan and tilt -1..1 over the head's full range, zoom 0 (wide) .. 1 (tele);
* translation (relative moves): -1..1 is the full negative..positive travel of the axis, positive
  means clockwise (right), up, and towards tele;
* velocity (continuous moves): -1..1 of the head's top speed, same directions;
* speed (absolute, relative, preset moves): 0..1 of the top speed.

Generic spaces say nothing about degrees. :class:`HeadRange` is how one head maps them, for heads
whose range is known (the demo simulator, a UI that shows degrees). Tilt is in degrees below the
horizon, the dome convention of camera data sheets: 90 looks straight down, -30 is 30 degrees above
the horizon; generic tilt +1 (up) is therefore the smallest tilt angle.

Pure: the PTZ service, the ONVIF adapter and the demo simulator all compute with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def clamp(value: float, lo: float, hi: float) -> float:
    if math.isnan(value):
        raise ValueError("PTZ value is not a number")
    return lo if value < lo else hi if value > hi else value


def wrap_degrees(deg: float) -> float:
    """``deg`` in [-180, 180)."""
    return (deg + 180.0) % 360.0 - 180.0


def wrap_generic_pan(x: float) -> float:
    """A generic pan value in [-1, 1): -1 and 1 are the same direction on a 360-degree head."""
    return (x + 1.0) % 2.0 - 1.0


def shortest_pan_delta(from_deg: float, to_deg: float) -> float:
    """Signed degrees to turn from ``from_deg`` to ``to_deg`` the short way round (-180..180)."""
    return wrap_degrees(to_deg - from_deg)


@dataclass(frozen=True)
class HeadRange:
    """A PTZ head's physical range: pan degrees, tilt degrees below the horizon, zoom magnification."""

    pan_min: float = -180.0
    pan_max: float = 180.0
    tilt_min: float = -30.0  # the highest the head looks: 30 degrees above the horizon
    tilt_max: float = 90.0  # straight down
    zoom_min: float = 1.0
    zoom_max: float = 20.0

    def __post_init__(self) -> None:
        if not (
            self.pan_min < self.pan_max and self.tilt_min < self.tilt_max and self.zoom_min < self.zoom_max
        ):
            raise ValueError("every PTZ range needs min < max")

    @property
    def pan_wraps(self) -> bool:
        """A full circle: pan turns endlessly, and generic -1 and 1 are the same direction."""
        return self.pan_max - self.pan_min >= 360.0

    # -- position space -------------------------------------------------------------------------
    def pan_to_generic(self, deg: float) -> float:
        if self.pan_wraps:
            deg = wrap_degrees(deg)
        deg = clamp(deg, self.pan_min, self.pan_max)
        return -1.0 + 2.0 * (deg - self.pan_min) / (self.pan_max - self.pan_min)

    def pan_from_generic(self, x: float) -> float:
        x = clamp(x, -1.0, 1.0)
        deg = self.pan_min + (x + 1.0) / 2.0 * (self.pan_max - self.pan_min)
        return wrap_degrees(deg) if self.pan_wraps else deg

    def tilt_to_generic(self, deg: float) -> float:
        deg = clamp(deg, self.tilt_min, self.tilt_max)
        return 1.0 - 2.0 * (deg - self.tilt_min) / (self.tilt_max - self.tilt_min)

    def tilt_from_generic(self, y: float) -> float:
        y = clamp(y, -1.0, 1.0)
        return self.tilt_min + (1.0 - y) / 2.0 * (self.tilt_max - self.tilt_min)

    def zoom_to_generic(self, magnification: float) -> float:
        magnification = clamp(magnification, self.zoom_min, self.zoom_max)
        return (magnification - self.zoom_min) / (self.zoom_max - self.zoom_min)

    def zoom_from_generic(self, z: float) -> float:
        z = clamp(z, 0.0, 1.0)
        return self.zoom_min + z * (self.zoom_max - self.zoom_min)

    # -- translation space (relative moves) -----------------------------------------------------
    def pan_translation_deg(self, dx: float) -> float:
        """Degrees to turn for a generic translation ``dx`` (1 = the full pan range, clockwise)."""
        return clamp(dx, -1.0, 1.0) * (self.pan_max - self.pan_min)

    def tilt_translation_deg(self, dy: float) -> float:
        """Change of the tilt angle for ``dy`` (positive is up, so the angle below horizon shrinks)."""
        return -clamp(dy, -1.0, 1.0) * (self.tilt_max - self.tilt_min)

    def zoom_translation(self, dz: float) -> float:
        """Change of magnification for ``dz`` (1 = the full zoom range towards tele)."""
        return clamp(dz, -1.0, 1.0) * (self.zoom_max - self.zoom_min)

    def translate(
        self, pan: float, tilt: float, zoom: float, dx: float, dy: float, dz: float
    ) -> tuple[float, float, float]:
        """Physical target of a relative move from (pan, tilt, zoom): pan wraps, tilt and zoom stop
        at their limits (ONVIF: a move that would leave the limits moves along them)."""
        new_pan = pan + self.pan_translation_deg(dx)
        new_pan = wrap_degrees(new_pan) if self.pan_wraps else clamp(new_pan, self.pan_min, self.pan_max)
        return (
            new_pan,
            clamp(tilt + self.tilt_translation_deg(dy), self.tilt_min, self.tilt_max),
            clamp(zoom + self.zoom_translation(dz), self.zoom_min, self.zoom_max),
        )


def velocity(value: float) -> float:
    """A generic velocity component, clamped to -1..1."""
    return clamp(value, -1.0, 1.0)


def speed(value: float) -> float:
    """A generic speed, clamped to 0..1."""
    return clamp(value, 0.0, 1.0)
