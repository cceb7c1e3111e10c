"""What can go wrong in detection, as values: the worker says which fault (an enum) and the technical
detail; the service turns each into a :class:`~app.core.system_events.SystemEvent` that the UI words
in the operator's language (no layer re-parses English sentences)."""

from __future__ import annotations

from enum import StrEnum

from app.core.system_events import SystemEventKind


class DetectionFault(StrEnum):
    FRAME_BOARD_UNAVAILABLE = "frame_board_unavailable"  # detection off: no access to the pictures
    DETECTOR_NOT_LOADED = "detector_not_loaded"  # detection off: a plugin failed (subject: plugin)
    SETTINGS_INVALID = "settings_invalid"  # detection off: the site's detection settings (detail: field)
    NO_DETECT_SLOTS = "no_detect_slots"  # detection off: the frame board has no room for samples
    CLASSIFIER_NOT_LOADED = "classifier_not_loaded"  # subject: the file; the old classifier stays
    NO_PICTURE = "no_picture"  # a camera's samples do not come (value: the timeout in seconds)
    ZONES_INVALID = "zones_invalid"  # subject: the preset ("" for a fixed camera)
    CHECK_FAILED = "check_failed"  # a check raised; that view starts afresh (detail: the exception)
    BUDGET_SHORT = "budget_short"  # not every camera within revisit_s (value: seconds achievable)
    EVIDENCE_NOT_SAVED = "evidence_not_saved"  # subject: the picture; the alert went without it


def event_kind(fault: DetectionFault) -> SystemEventKind:
    """The system event a fault is reported as (its subject then names the fault)."""
    if fault is DetectionFault.EVIDENCE_NOT_SAVED:
        return SystemEventKind.EVIDENCE_NOT_SAVED
    return SystemEventKind.DETECTION_PROBLEM
