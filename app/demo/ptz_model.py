"""The mechanics of the demo PTZ head: where it points at any instant, and whether it moves.

Pure and clock-driven (every method takes ``now``), so tests need no sleeping. Positions are
physical: pan degrees (wraps at +-180), tilt degrees below the horizon, zoom magnification (see
:class:`app.adapters.onvif.ptz_math.HeadRange`). Moves are segments in time:

* a *ramp* goes to a target at a speed (absolute and relative moves, presets, home): the time is
  proportional to the distance, so a status read meanwhile says MOVING;
* a *drive* runs at a velocity until stopped or until its ONVIF Timeout (continuous moves), and
  halts at tilt and zoom limits, as the ONVIF PTZ spec asks.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from app.core.ptz_geometry import HeadRange, clamp, shortest_pan_delta, wrap_degrees


@dataclass(frozen=True)
class HeadSpeeds:
    """Top speeds: degrees per second for pan and tilt, magnification steps per second for zoom."""

    pan_deg_s: float = 90.0
    tilt_deg_s: float = 60.0
    zoom_per_s: float = 6.0  # 1x -> 20x in about 3 s


@dataclass(frozen=True)
class _Segment:
    """One axis' motion from ``t0``: a ramp to ``target`` or, when ``rate`` is set, a drive."""

    t0: float
    start: float
    delta: float = 0.0  # ramp: signed distance (pan: the short way round)
    duration: float = 0.0  # ramp: seconds
    rate: float = 0.0  # drive: units per second
    until: float = math.inf  # drive: when the ONVIF Timeout ends it

    @property
    def is_drive(self) -> bool:
        return self.rate != 0.0


class _Axis:
    def __init__(self, lo: float, hi: float, wraps: bool, value: float) -> None:
        self.lo, self.hi, self.wraps = lo, hi, wraps
        self.seg = _Segment(0.0, self._norm(value))

    def _norm(self, value: float) -> float:
        return wrap_degrees(value) if self.wraps else clamp(value, self.lo, self.hi)

    def value(self, now: float) -> float:
        s = self.seg
        if s.is_drive:
            t = min(now, s.until) - s.t0
            return self._norm(s.start + s.rate * max(0.0, t))
        if s.duration <= 0.0 or now >= s.t0 + s.duration:
            return self._norm(s.start + s.delta)
        return self._norm(s.start + s.delta * max(0.0, now - s.t0) / s.duration)

    def moving(self, now: float) -> bool:
        s = self.seg
        if s.is_drive:
            if now >= s.until:
                return False
            if self.wraps:
                return True
            at = self.value(now)  # a drive into a limit has stopped there
            return not ((s.rate > 0 and at >= self.hi) or (s.rate < 0 and at <= self.lo))
        return s.duration > 0.0 and now < s.t0 + s.duration

    def ramp(self, now: float, target: float, speed: float) -> None:
        start = self.value(now)
        delta = shortest_pan_delta(start, target) if self.wraps else self._norm(target) - start
        duration = abs(delta) / speed if speed > 0 else 0.0
        self.seg = _Segment(now, start, delta=delta, duration=duration)

    def ramp_by(self, now: float, delta: float, speed: float) -> None:
        """Move by ``delta`` (pan: that way round, even past 180; tilt/zoom: up to the limit)."""
        start = self.value(now)
        if not self.wraps:
            delta = self._norm(start + delta) - start
        duration = abs(delta) / speed if speed > 0 else 0.0
        self.seg = _Segment(now, start, delta=delta, duration=duration)

    def drive(self, now: float, rate: float, until: float) -> None:
        start = self.value(now)
        self.seg = _Segment(now, start, rate=rate, until=until) if rate else _Segment(now, start)

    def stop(self, now: float) -> None:
        self.seg = _Segment(now, self.value(now))


@dataclass(frozen=True)
class HeadState:
    pan: float
    tilt: float
    zoom: float
    pan_tilt_moving: bool
    zoom_moving: bool


class PtzHead:
    """A pan/tilt/zoom head; thread-safe (the HTTP handlers and the view ticker share it)."""

    def __init__(
        self,
        ranges: HeadRange | None = None,
        speeds: HeadSpeeds | None = None,
        position: tuple[float, float, float] = (0.0, 30.0, 1.0),
    ) -> None:
        self.ranges = r = ranges or HeadRange()
        self.speeds = speeds or HeadSpeeds()
        pan, tilt, zoom = position
        self._lock = threading.Lock()
        self._pan = _Axis(r.pan_min, r.pan_max, r.pan_wraps, pan)
        self._tilt = _Axis(r.tilt_min, r.tilt_max, False, tilt)
        self._zoom = _Axis(r.zoom_min, r.zoom_max, False, zoom)

    def state(self, now: float) -> HeadState:
        with self._lock:
            return HeadState(
                self._pan.value(now),
                self._tilt.value(now),
                self._zoom.value(now),
                self._pan.moving(now) or self._tilt.moving(now),
                self._zoom.moving(now),
            )

    def drive(
        self,
        now: float,
        pan: float | None,
        tilt: float | None,
        zoom: float | None,
        timeout_s: float | None,
    ) -> None:
        """Continuous move at generic velocities (-1..1; + is right, up, tele); None leaves an axis."""
        until = math.inf if timeout_s is None else now + max(0.0, timeout_s)
        s = self.speeds
        with self._lock:
            if pan is not None or tilt is not None:
                self._pan.drive(now, clamp(pan or 0.0, -1, 1) * s.pan_deg_s, until)
                # + is up, which makes the angle below the horizon smaller
                self._tilt.drive(now, -clamp(tilt or 0.0, -1, 1) * s.tilt_deg_s, until)
            if zoom is not None:
                self._zoom.drive(now, clamp(zoom, -1, 1) * s.zoom_per_s, until)

    def go_to(
        self,
        now: float,
        pan: float | None,
        tilt: float | None,
        zoom: float | None,
        pan_tilt_speed: float = 1.0,
        zoom_speed: float = 1.0,
    ) -> None:
        """Ramp to a physical position at a fraction (0..1] of the top speed; None leaves an axis."""
        s = self.speeds
        pts, zs = clamp(pan_tilt_speed, 0.01, 1.0), clamp(zoom_speed, 0.01, 1.0)
        with self._lock:
            if pan is not None:
                self._pan.ramp(now, pan, s.pan_deg_s * pts)
            if tilt is not None:
                self._tilt.ramp(now, tilt, s.tilt_deg_s * pts)
            if zoom is not None:
                self._zoom.ramp(now, zoom, s.zoom_per_s * zs)

    def go_by(
        self,
        now: float,
        dx: float,
        dy: float,
        dz: float,
        pan_tilt_speed: float = 1.0,
        zoom_speed: float = 1.0,
    ) -> None:
        """Relative move by generic translations (-1..1 of each axis' full travel; + right, up, tele)."""
        r, s = self.ranges, self.speeds
        pts, zs = clamp(pan_tilt_speed, 0.01, 1.0), clamp(zoom_speed, 0.01, 1.0)
        with self._lock:
            if dx:
                self._pan.ramp_by(now, r.pan_translation_deg(dx), s.pan_deg_s * pts)
            if dy:
                self._tilt.ramp_by(now, r.tilt_translation_deg(dy), s.tilt_deg_s * pts)
            if dz:
                self._zoom.ramp_by(now, r.zoom_translation(dz), s.zoom_per_s * zs)

    def stop(self, now: float, pan_tilt: bool = True, zoom: bool = True) -> None:
        with self._lock:
            if pan_tilt:
                self._pan.stop(now)
                self._tilt.stop(now)
            if zoom:
                self._zoom.stop(now)
