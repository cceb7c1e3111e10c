"""Why detection does not check a camera now: an enum the scheduler reports and the UI words.

Two kinds: a camera detection does not watch at all (switched off, no zones drawn for where it
points) and one it watches but has paused for a while (moving, warming up, no picture).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PauseReason(StrEnum):
    # -- not watched -----------------------------------------------------------------------------
    CAMERA_DISABLED = "camera_disabled"  # the camera is disabled in the site file
    CAMERA_DETECTION_OFF = "camera_detection_off"  # detection switched off for this camera
    SITE_DETECTION_OFF = "site_detection_off"  # detection switched off in the site settings
    NO_DETECT_SLOTS = "no_detect_slots"  # the frame board has no room for detection's pictures
    DETECTOR_NOT_LOADED = "detector_not_loaded"  # a detector could not be loaded (a system event says which)
    SETTINGS_INVALID = "settings_invalid"  # the site's detection settings are wrong (a system event says how)
    NO_ZONES = "no_zones"  # no zones drawn for the view it shows (a PTZ camera: for this preset)
    # -- watched, paused for a while ---------------------------------------------------------------
    MOVING = "moving"  # a PTZ camera moving or away from a known preset
    WARMING_UP = "warming_up"  # settled on a preset a moment ago: the picture steadies first
    NO_PICTURE = "no_picture"  # its stream gives no picture

    @property
    def watched(self) -> bool:
        """Detection watches the camera and resumes by itself (rather than not watching it)."""
        return self in _WATCHED


_WATCHED = frozenset({PauseReason.MOVING, PauseReason.WARMING_UP, PauseReason.NO_PICTURE})


@dataclass(frozen=True)
class Pause:
    """A reason with what its words need."""

    reason: PauseReason
    preset: str | None = None  # NO_ZONES on a PTZ camera: the preset without zones
    seconds_left: int | None = None  # WARMING_UP: whole seconds until the first check

    @property
    def watched(self) -> bool:
        return self.reason.watched
