"""System events: what went wrong (or right again) in the machinery, for the operator and the log.

A camera going down and coming back, a worker restarted, the data folder full or read-only, an
evidence picture not saved: each is one :class:`SystemEvent`. The kind is an enum so that the UI
translates it and no layer re-parses English sentences; ``detail`` carries the technical text
(an FFmpeg or OS error) for the log and the tooltip, never a password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from app.core.stream_failure import StreamFailure


class Severity(StrEnum):
    INFO = "info"  # something recovered or an operator's action succeeded
    WARNING = "warning"  # degraded: one camera, one picture, a retry under way
    ERROR = "error"  # something is lost or refused until a person acts


class SystemEventKind(StrEnum):
    CAMERA_DOWN = "camera_down"  # a stream stopped giving pictures (detail: why)
    CAMERA_UP = "camera_up"  # pictures again after CAMERA_DOWN
    DECODER_WORKER_RESTARTED = "decoder_worker_restarted"  # subject: worker number
    DETECTION_WORKER_DOWN = "detection_worker_down"  # detail: why; the service restarts it
    DETECTION_WORKER_UP = "detection_worker_up"  # restarted (and resumed its dwell state)
    DETECTION_PROBLEM = "detection_problem"  # a detector, zone or classifier could not be used
    MODEL_UPDATED = "model_updated"  # subject: the vending model's file name, taken up by detection
    MODEL_NOT_LOADED = "model_not_loaded"  # subject: the file; detail: why; the old model stays
    EVIDENCE_NOT_SAVED = "evidence_not_saved"  # an alert kept without its picture (detail: why)
    TRAINING_SAMPLE_NOT_SAVED = (
        "training_sample_not_saved"  # subject: the alert; its verdict not kept as data
    )
    DATA_FOLDER_READ_ONLY = "data_folder_read_only"  # subject: the folder
    DATA_FOLDER_UNUSABLE = "data_folder_unusable"  # cannot be created or read (subject, detail)
    DISK_LOW = "disk_low"  # subject: folder; value: free MiB
    DISK_FULL = "disk_full"  # subject: folder; writes are failing
    DISK_OK = "disk_ok"  # free space back above the warning level
    STORE_DAMAGED = "store_damaged"  # a views/zones/patrols file could not be read (subject: file)
    STORE_CONFLICT = "store_conflict"  # another workstation changed it first (subject: file)
    STORE_NOT_SAVED = "store_not_saved"  # an edit could not be written (subject: file, detail)
    SITE_FILE_SAVED = "site_file_saved"  # subject: file; detail: the backup's path
    SITE_FILE_NOT_SAVED = "site_file_not_saved"  # subject: file; detail: why
    SNAPSHOT_SAVED = "snapshot_saved"  # subject: the picture's path
    SNAPSHOT_NOT_SAVED = "snapshot_not_saved"  # subject: path; detail: why
    ALERT_NOT_STORED = "alert_not_stored"  # the alert database refused a write (detail: why); kept in memory
    ALERTS_STORED = "alerts_stored"  # every alert change is stored again
    CASE_NOT_STORED = "case_not_stored"  # a case made from an alert could not be stored (kept, retried)
    CASES_STORED = "cases_stored"  # every waiting case is stored again
    CASE_OVERDUE = "case_overdue"  # subject: the case id; its deadline passed with the department
    CASE_SETTINGS_INVALID = "case_settings_invalid"  # subject: the file; detail: file:line: field: why
    CASE_SETTINGS_OK = "case_settings_ok"  # subject: the file; read again without problems
    CASE_EXPORT_FAILING = "case_export_failing"  # subject: the platform; detail: why; value: waiting
    CASE_EXPORT_OK = "case_export_ok"  # the platform takes cases again
    HOLIDAYS_UNKNOWN = "holidays_unknown"  # subject: the year whose public holidays nobody gave
    SPEAKER_DOWN = "speaker_down"  # subject: the speaker's name; detail: why its latest play failed
    SPEAKER_UP = "speaker_up"  # a play reached it again
    VOICE_SETTINGS_PROBLEM = "voice_settings_problem"  # subject: field: why (a zone no camera has …)


DEFAULT_SEVERITY: dict[SystemEventKind, Severity] = {
    SystemEventKind.CAMERA_DOWN: Severity.WARNING,
    SystemEventKind.CAMERA_UP: Severity.INFO,
    SystemEventKind.DECODER_WORKER_RESTARTED: Severity.WARNING,
    SystemEventKind.DETECTION_WORKER_DOWN: Severity.ERROR,
    SystemEventKind.DETECTION_WORKER_UP: Severity.INFO,
    SystemEventKind.DETECTION_PROBLEM: Severity.WARNING,
    SystemEventKind.MODEL_UPDATED: Severity.INFO,
    SystemEventKind.MODEL_NOT_LOADED: Severity.WARNING,
    SystemEventKind.EVIDENCE_NOT_SAVED: Severity.ERROR,
    SystemEventKind.TRAINING_SAMPLE_NOT_SAVED: Severity.WARNING,
    SystemEventKind.DATA_FOLDER_READ_ONLY: Severity.ERROR,
    SystemEventKind.DATA_FOLDER_UNUSABLE: Severity.ERROR,
    SystemEventKind.DISK_LOW: Severity.WARNING,
    SystemEventKind.DISK_FULL: Severity.ERROR,
    SystemEventKind.DISK_OK: Severity.INFO,
    SystemEventKind.STORE_DAMAGED: Severity.ERROR,
    SystemEventKind.STORE_CONFLICT: Severity.WARNING,
    SystemEventKind.STORE_NOT_SAVED: Severity.ERROR,
    SystemEventKind.SITE_FILE_SAVED: Severity.INFO,
    SystemEventKind.SITE_FILE_NOT_SAVED: Severity.ERROR,
    SystemEventKind.SNAPSHOT_SAVED: Severity.INFO,
    SystemEventKind.SNAPSHOT_NOT_SAVED: Severity.ERROR,
    SystemEventKind.ALERT_NOT_STORED: Severity.ERROR,
    SystemEventKind.ALERTS_STORED: Severity.INFO,
    SystemEventKind.CASE_NOT_STORED: Severity.ERROR,
    SystemEventKind.CASES_STORED: Severity.INFO,
    SystemEventKind.CASE_OVERDUE: Severity.WARNING,
    SystemEventKind.CASE_SETTINGS_INVALID: Severity.ERROR,
    SystemEventKind.CASE_SETTINGS_OK: Severity.INFO,
    SystemEventKind.CASE_EXPORT_FAILING: Severity.WARNING,
    SystemEventKind.CASE_EXPORT_OK: Severity.INFO,
    SystemEventKind.HOLIDAYS_UNKNOWN: Severity.WARNING,
    SystemEventKind.SPEAKER_DOWN: Severity.WARNING,
    SystemEventKind.SPEAKER_UP: Severity.INFO,
    SystemEventKind.VOICE_SETTINGS_PROBLEM: Severity.WARNING,
}

# An event of the second kind ends the condition that the first kind announced (for the same
# camera / subject): the status bar stops showing the first once the second arrives.
RESOLVED_BY: dict[SystemEventKind, SystemEventKind] = {
    SystemEventKind.CAMERA_DOWN: SystemEventKind.CAMERA_UP,
    SystemEventKind.DETECTION_WORKER_DOWN: SystemEventKind.DETECTION_WORKER_UP,
    SystemEventKind.DISK_LOW: SystemEventKind.DISK_OK,
    SystemEventKind.DISK_FULL: SystemEventKind.DISK_OK,
    SystemEventKind.ALERT_NOT_STORED: SystemEventKind.ALERTS_STORED,
    SystemEventKind.CASE_NOT_STORED: SystemEventKind.CASES_STORED,
    SystemEventKind.CASE_SETTINGS_INVALID: SystemEventKind.CASE_SETTINGS_OK,
    SystemEventKind.CASE_EXPORT_FAILING: SystemEventKind.CASE_EXPORT_OK,
    SystemEventKind.SPEAKER_DOWN: SystemEventKind.SPEAKER_UP,
    SystemEventKind.MODEL_NOT_LOADED: SystemEventKind.MODEL_UPDATED,  # a model file that loads
}


# Kinds that announce different degrees of one condition (a disk first low, then full).
CONDITION_FAMILY: dict[SystemEventKind, str] = {
    SystemEventKind.DISK_LOW: "disk",
    SystemEventKind.DISK_FULL: "disk",
}


@dataclass(frozen=True)
class SystemEvent:
    """One thing that happened. ``at`` is wall-clock epoch seconds; ``seq`` is set by the log."""

    kind: SystemEventKind
    severity: Severity
    at: float = field(default_factory=time.time)
    camera_id: str | None = None
    subject: str = ""  # what it is about, untranslated: a file, a folder, a worker's number
    detail: str = ""  # technical reason (log and tooltip); never a secret
    value: float | None = None  # a number the message shows (free MiB, seconds until retry)
    reason: StreamFailure | None = None  # why a camera is down (CAMERA_DOWN): the UI translates it
    seq: int = 0

    @classmethod
    def of(
        cls,
        kind: SystemEventKind,
        *,
        camera_id: str | None = None,
        subject: str = "",
        detail: str = "",
        value: float | None = None,
        reason: StreamFailure | None = None,
        severity: Severity | None = None,
        at: float | None = None,
    ) -> SystemEvent:
        """An event with its kind's usual severity (and the time now, unless given)."""
        return cls(
            kind=kind,
            severity=severity or DEFAULT_SEVERITY[kind],
            at=time.time() if at is None else at,
            camera_id=camera_id,
            subject=subject,
            detail=detail,
            value=value,
            reason=reason,
        )

    def resolves(self, earlier: SystemEvent) -> bool:
        """True when this event ends the condition ``earlier`` announced."""
        return (
            RESOLVED_BY.get(earlier.kind) == self.kind
            and earlier.camera_id == self.camera_id
            and (earlier.subject == self.subject or self.kind == SystemEventKind.DISK_OK)
        )

    def log_text(self) -> str:
        """One line for the log file (English, technical: the UI translates from the kind)."""
        parts = [self.kind.value]
        if self.camera_id:
            parts.append(f"camera={self.camera_id}")
        if self.subject:
            parts.append(f"subject={self.subject}")
        if self.value is not None:
            parts.append(f"value={self.value:g}")
        if self.reason is not None:
            parts.append(f"reason={self.reason.value}")
        if self.detail:
            parts.append(f"detail={self.detail}")
        return " ".join(parts)


# Where a component publishes its events (SystemEventLog.publish in the app, a list's append in tests).
EventSink = Callable[[SystemEvent], object]
