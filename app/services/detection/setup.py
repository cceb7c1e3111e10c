"""What the detection worker is started with, and how the site's settings become pipelines.

Small, picklable values (:class:`WorkerSetup` crosses into the spawn child) and pure functions:
the site's detection settings as a :class:`PipelineConfig`, a camera's zones at one preset as a
:class:`SceneGeometry`, and the shared (stateless) detectors loaded once per worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.core.alert_ports import EvidenceStore
from app.core.alerts import Alert
from app.media.frame_board import BoardLayout
from app.services.detection.protocol import ViewCheckpoint
from app.services.detection.scheduler import SchedulerConfig
from camera_config.models import DetectionSettings, ZoneSpec
from detectors import registry
from detectors.pipeline import PipelineConfig
from detectors.rules import DEFAULT_CLASS_EVENTS
from detectors.types import BinRoi, Detector, Mask, SceneGeometry, Zone, ZoneKind

# Plugins that would pull torch/ultralytics into this process: they run in the training venv only.
IN_PROCESS_FORBIDDEN = {
    "ultralytics": "needs torch and ultralytics, which never run in the app's detection worker; "
    "export the model to ONNX and configure onnx_yolo instead",
}


@dataclass(frozen=True)
class CameraSetup:
    """What the worker needs of one camera (small and picklable)."""

    camera_id: str
    name: str = ""
    ptz: bool = False  # a PTZ camera pauses until the GUI says where it points (ViewPlace)
    enabled: bool = True
    off_reason: str | None = None
    zones: tuple[ZoneSpec, ...] = ()
    grid_code: str | None = None  # the unit grid (单元网格) its alerts are raised in


@dataclass(frozen=True)
class WorkerSetup:
    settings: DetectionSettings
    cameras: tuple[CameraSetup, ...]
    board_name: str
    layout: BoardLayout
    tile_slots: Mapping[str, int]
    evidence_store: EvidenceStore  # picklable (a folder's store): the worker keeps its pictures there
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    timezone: str = "Asia/Shanghai"
    sample_size: tuple[int, int] | None = None  # None: the board's detect capacity
    sample_timeout_s: float = 5.0
    stats_interval_s: float = 1.0
    resume: tuple[ViewCheckpoint, ...] = ()  # what the previous worker had learnt (a restart)
    adopt: tuple[Alert, ...] = ()  # alerts the app had stored open (the app restarted)


# --- configuration → pipelines ---------------------------------------------------------------------
def pipeline_config(settings: DetectionSettings) -> PipelineConfig:
    """The site's detection settings as a pipeline configuration.

    ``rules`` may hold ``vending``, ``bins``, ``bin_monitor`` and ``motion`` (the pipeline's own
    sections); ``class_events`` extends the vending rule's class → event mapping. Raises
    ``ValueError`` naming the setting.
    """
    rules = {k: dict(v) for k, v in settings.rules.items()}
    vending = rules.pop("vending", {})
    if settings.class_events:
        vending["class_events"] = {
            **DEFAULT_CLASS_EVENTS,
            **dict(vending.get("class_events", {})),
            **settings.class_events,
        }
    data: dict[str, Any] = {"detectors": settings.detectors, **rules}
    if vending:
        data["vending"] = vending
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe_error(err) for err in exc.errors())
        raise ValueError(f"detection settings: {problems}") from exc


def _describe_error(err: Any) -> str:
    loc = [str(p) for p in err.get("loc", ())]
    if loc and loc[0] != "detectors":
        loc = ["rules", *loc]
    return f"detection.{'.'.join(loc)}: {err.get('msg', 'invalid')}"


def scene_geometry(camera_id: str, preset: str | None, zones: Iterable[ZoneSpec]) -> SceneGeometry | None:
    """The zones drawn for one (camera, preset) view; None when nothing is watched there."""
    mine = [z for z in zones if z.preset == preset]
    vending = tuple(
        Zone(z.id, tuple(z.polygon), ZoneKind.NO_VENDING, z.name) for z in mine if z.kind == "no_vending"
    )
    bins = tuple(
        BinRoi(z.id, _bbox(z.polygon), z.overflow_line, name=z.name) for z in mine if z.kind == "bin"
    )
    masks = tuple(Mask(tuple(z.polygon), z.name or z.id) for z in mine if z.kind == "mask")
    if not vending and not bins:
        return None
    return SceneGeometry(camera_id, preset, vending, bins, masks)


def _bbox(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def load_detectors(config: PipelineConfig) -> dict[str, Detector]:
    """Load the shared (stateless) detectors once; validate the options of the per-view ones.

    Raises :class:`registry.DetectorLoadError` naming the plugin.
    """
    shared: dict[str, Detector] = {}
    try:
        for name, options in config.detectors.items():
            if name in IN_PROCESS_FORBIDDEN:
                raise registry.DetectorLoadError(name, IN_PROCESS_FORBIDDEN[name])
            plugin = registry.get_plugin(name)
            if plugin.stateful:
                registry.validate_options(name, options)
            else:
                shared[name] = registry.load_plugin(plugin, options)
    except Exception:
        for det in shared.values():
            det.close()
        raise
    return shared
