"""What travels between the GUI process and the detection worker process (small, picklable values).

Frames never travel here: the worker reads its samples from the shared FrameBoard.
GUI → worker: :class:`ViewPlace`, :class:`ZonesChanged`, :class:`AlertBoost`,
:class:`BinClassifierChanged`, :class:`ModelChanged`, :class:`BinsClean`, :class:`ZonesClean`,
:class:`SuppressionsChanged`, :class:`StopDetection`.
Worker → GUI: :class:`DetectionUpdate`, :class:`RevisitStats`, :class:`AlertRaised` (the core's
:class:`~app.core.alerts.Alert`, as the alert service keeps it), :class:`AlertCleared`,
:class:`DetectionProblem`, :class:`ModelLoaded`, :class:`ViewCheckpoint` (what a view has learnt,
kept by the service for a restarted worker) and :class:`WorkerStarted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.core.alerts import Alert, Box, EvidenceRef
from app.core.detection_faults import DetectionFault
from app.core.detection_pause import Pause
from camera_config.models import ZoneSpec
from detectors.pipeline import PipelineState
from detectors.types import Suppression


# --- GUI → worker ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewPlace:
    """Where a camera points. Fixed cameras are always settled on preset None.

    ``settled_since`` (time.monotonic of the GUI process; monotonic clocks are shared on one machine)
    is None while a PTZ camera moves or is off every known preset: detection pauses then, and it
    waits the warm-up after the camera settles again.
    """

    camera_id: str
    preset: str | None
    settled_since: float | None


@dataclass(frozen=True)
class ZonesChanged:
    """The camera's zones as they are now (all presets), e.g. after an operator drew one."""

    camera_id: str
    zones: tuple[ZoneSpec, ...]


@dataclass(frozen=True)
class AlertBoost:
    """The camera has an alert that still needs handling (open, not snoozed): check it more often.
    Follows the alert service: a dismissed or snoozed alert's camera loses it."""

    camera_id: str
    boosted: bool


@dataclass(frozen=True)
class CheckSoon:
    """Check this camera before the others, once (the escalation ladder's recheck after a prompt)."""

    camera_id: str


@dataclass(frozen=True)
class BinClassifierChanged:
    """Judge bins with the classifier at ``path`` from now on (e.g. retrained from the site's pictures)."""

    path: str


@dataclass(frozen=True)
class ModelChanged:
    """The model file of ``plugin`` (the vending model) changed on disk: load ``path`` and use it
    from now on, keeping every view's state; the old model stays when the new one does not load."""

    plugin: str
    path: str
    sha256: str = ""  # of the file as the service saw it (the worker reports what it loaded)


@dataclass(frozen=True)
class BinsClean:
    """An operator says these bins are clean now: their next picture is a reference to judge by."""

    camera_id: str
    preset: str | None
    bin_ids: tuple[str, ...]


@dataclass(frozen=True)
class ZonesClean:
    """An operator says these no-vending zones are clean now ("clean now"): the view's next picture
    is their reference; whatever stands there then is scene furniture."""

    camera_id: str
    preset: str | None
    zone_ids: tuple[str, ...]


@dataclass(frozen=True)
class SuppressionsChanged:
    """The camera's suppressed places as they are now (all presets): what operators dismissed as a
    fixed object or a false detection no longer counts there. Every dwell is kept."""

    camera_id: str
    suppressions: tuple[Suppression, ...]


@dataclass(frozen=True)
class StopDetection:
    pass


# --- worker → GUI ---------------------------------------------------------------------------------
BoxKind = Literal["object", "stationary", "bin", "furniture"]


@dataclass(frozen=True)
class OverlayBox(Box):
    """A detection to draw on the tile: the core's :class:`~app.core.alerts.Box` (``label``: the
    class as the detector names it, or the bin's name; the wall words it) and what found it."""

    kind: BoxKind = "object"


@dataclass(frozen=True)
class DetectionUpdate:
    """The result of one check of one camera (for boxes on the wall)."""

    camera_id: str
    preset: str | None
    checked_at: float  # time.monotonic
    boxes: tuple[OverlayBox, ...]
    paused: bool  # the view changed wholesale (the camera moved): dwell restarted
    # what the view's zones take for scene furniture at this check (never alerts); kind "furniture",
    # label "reference" (as in the zone's clean picture) or "learnt" (there for days)
    furniture: tuple[OverlayBox, ...] = ()


@dataclass(frozen=True)
class CameraRevisit:
    camera_id: str
    watched: bool  # has zones for where it points now
    pause: Pause | None  # why it is not being checked now (None: it is)
    last_checked: float | None  # time.monotonic
    interval_s: float | None  # the effective revisit interval lately (what the UI shows)


@dataclass(frozen=True)
class RevisitStats:
    """Sent about once a second: how often each watched camera is actually checked."""

    cameras: tuple[CameraRevisit, ...]
    samples_per_s: float
    inference_ms: float  # mean CPU per check in the worker


@dataclass(frozen=True)
class AlertRaised:
    """A rule raised ``alert`` (its evidence picture, when one could be kept, is in ``alert.evidence``)."""

    alert: Alert


@dataclass(frozen=True)
class AlertCleared:
    """The condition of the alert ``alert_id`` went away at ``at`` (wall-clock seconds); ``evidence``:
    the picture it cleared on, when one could be kept."""

    alert_id: str
    camera_id: str
    at: float
    evidence: tuple[EvidenceRef, ...] = ()


AlertMessage = AlertRaised | AlertCleared


@dataclass(frozen=True)
class DetectionProblem:
    """Something the operators should know (a plugin failed to load, a camera gives no picture).

    ``fault`` is what the UI words; ``detail`` the technical text for the log and a tooltip."""

    camera_id: str | None
    fault: DetectionFault
    detail: str = ""
    subject: str = ""  # what it is about: a plugin, a file, a preset
    value: float | None = None

    @property
    def message(self) -> str:
        """One technical line (logs, benches)."""
        about = f" {self.subject}" if self.subject else ""
        return f"{self.fault.value}{about}: {self.detail}" if self.detail else f"{self.fault.value}{about}"


@dataclass(frozen=True)
class ModelLoaded:
    """The worker's answer to :class:`ModelChanged`: ``ok`` (it checks with the new model now) or
    not (``detail``: why; it keeps the old one). ``seconds``: how long loading took."""

    plugin: str
    path: str
    ok: bool
    detail: str = ""
    sha256: str = ""
    seconds: float = 0.0


@dataclass(frozen=True, eq=False)
class ViewCheckpoint:
    """What one (camera, preset) view has learnt and which of its alerts are open.

    Sent after every check (at once when the check raised or cleared something, before the alert
    itself, so that the service never holds an alert without the state that raised it); parts of
    ``state`` left None were not taken this time. ``settled_since``: the place the view was learnt
    at (a PTZ camera told the same place again resumes; one that moved starts afresh).
    ``from_last_run``: read back after the app restarted, when a PTZ camera's ``settled_since``
    (another run's clock) means nothing: the camera's first settled place at the same preset
    resumes it."""

    camera_id: str
    preset: str | None
    settled_since: float | None
    state: PipelineState
    open_alerts: tuple[Alert, ...] = ()
    from_last_run: bool = False


@dataclass(frozen=True)
class WorkerStarted:
    """The worker is running; ``resumed_views``/``open_alerts``: what it took over from checkpoints."""

    resumed_views: int
    open_alerts: int
