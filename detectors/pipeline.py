"""One (camera, preset) view end to end: motion gate → detectors → rules → hits.

The detection scheduler keeps one :class:`ScenePipeline` per camera *and preset* (a zone drawn for
preset 1 is wrong at preset 2) and calls :meth:`ScenePipeline.process` with each sampled frame and
its capture time. Stateless model detectors (an ONNX session) are passed in ``shared`` so one serves
every camera; stateful ones (background models) are created per pipeline from the configuration.

* the motion gate decides whether the expensive stateless detectors run: when nothing moved,
  their last result (up to ``reuse_s`` old) is reused, so the rules keep getting samples;
* a wholesale change (the camera moves, lights switch) pauses detection: the rules forget their
  dwell, the background models start again, nothing is raised until the view settles;
* masks (timestamp, OSD) are blanked before the background models see the frame;
* the no-vending zones' clean reference picture is taken from the view's first checks after its
  zones were drawn (:mod:`detectors.appearance`): what looks as in it, or stays for days
  (:mod:`detectors.furniture`), is scene furniture, reported in :attr:`FrameResult.furniture`.

:meth:`ScenePipeline.snapshot` takes what a view has learnt out as plain values (the rules' dwell
and hit histories, the bins' and zones' clean references, the furniture learnt, what resumable
detectors learnt) and :meth:`ScenePipeline.restore` puts it into a new pipeline of the same view: a
detection worker that crashed resumes where it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from detectors import registry
from detectors.appearance import ReferenceState
from detectors.bins import BinMonitor, BinObservation, BinOptions, BinReferences
from detectors.furniture import FurnitureState
from detectors.motion import MotionGate, MotionOptions, MotionResult
from detectors.rules import (
    BinOverflowRule,
    BinParams,
    Furniture,
    LabelledDetections,
    Phase,
    RuleState,
    VendingParams,
    VendingRule,
)
from detectors.types import Detector, Frame, Hit, Resumable, SceneGeometry, Suppression
from detectors.zones import apply_masks


class PipelineConfig(BaseModel):
    """Per-view detection settings (what a site file holds for a camera preset)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detectors: dict[str, dict[str, Any]] = Field(
        default_factory=lambda: {"stationary": dict[str, Any]()},
        description="plugin name → its options (validated by the plugin's own model)",
    )
    vending: VendingParams = Field(default_factory=VendingParams)
    bins: BinParams = Field(default_factory=BinParams)
    bin_monitor: BinOptions = Field(default_factory=BinOptions)
    motion: MotionOptions = Field(default_factory=MotionOptions)
    reuse_s: float = Field(10.0, ge=0, description="reuse model detections this long while nothing moves")


@dataclass(frozen=True)
class FrameResult:
    t: float
    hits: list[Hit]
    detections: dict[str, LabelledDetections]  # per detector name, for overlays
    bins: dict[str, BinObservation]
    motion: MotionResult
    paused: bool  # the view moved wholesale: detection paused, dwell restarted
    ran: tuple[str, ...] = field(default=())  # detectors that ran on this frame (others were reused)
    furniture: tuple[Furniture, ...] = ()  # boxes the zones did not count: scene furniture


@dataclass(frozen=True, eq=False)
class PipelineState:
    """What one view's pipeline has learnt, as plain values. A part left None was not taken (a
    checkpoint need not repeat the bins' references or the background models every time)."""

    geometry: SceneGeometry
    rules: tuple[RuleState, ...] = ()
    bin_references: BinReferences | None = None
    detectors: Mapping[str, object] | None = None  # plugin name → what its snapshot() gave
    zone_reference: ReferenceState | None = None  # the no-vending zones' clean picture
    furniture: FurnitureState | None = None  # what the zones follow and have learnt as furniture

    def merged(self, newer: PipelineState) -> PipelineState:
        """``newer`` over this one: its parts where it has them, these where it has not."""
        if newer.geometry != self.geometry:
            return newer
        return replace(
            newer,
            bin_references=newer.bin_references or self.bin_references,
            zone_reference=newer.zone_reference or self.zone_reference,
            furniture=self.furniture if newer.furniture is None else newer.furniture,
            detectors=self.detectors if newer.detectors is None else newer.detectors,
        )


class ScenePipeline:
    def __init__(
        self,
        geometry: SceneGeometry,
        config: PipelineConfig | None = None,
        shared: Mapping[str, Detector] | None = None,
    ) -> None:
        self.geometry = geometry
        self.config = config or PipelineConfig()
        self.motion = MotionGate(self.config.motion, geometry.masks)
        self._stateful: dict[str, Detector] = {}
        self._stateless: dict[str, Detector] = {}
        for name, options in self.config.detectors.items():
            plugin = registry.get_plugin(name)
            if plugin.stateful:
                self._stateful[name] = registry.load_plugin(plugin, options)
            elif shared is not None and name in shared:
                self._stateless[name] = shared[name]
            else:
                self._stateless[name] = registry.load_plugin(plugin, options)
        self._cache: dict[str, tuple[float, LabelledDetections]] = {}
        self.vending = VendingRule(geometry, self.config.vending)
        self.bin_rule = BinOverflowRule(geometry, self.config.bins)
        self.bin_monitor = BinMonitor(geometry, self.config.bin_monitor) if geometry.bins else None
        self.generation = 0  # counts resets of the view (a checkpoint of the models before one is stale)

    def swap_detector(self, name: str, detector: Detector) -> None:
        """Check with ``detector`` as the stateless ``name`` from now on (a model file swapped in
        while running); what the old one found is not reused. The rules' state stays."""
        self._stateless[name] = detector
        self._cache.pop(name, None)

    def set_bin_reference(
        self,
        frame: Frame,
        replace: bool = False,
        bin_ids: Iterable[str] | None = None,
        confirmed: bool = False,
    ) -> None:
        """This frame shows the bins clean (after emptying, or on first set-up); ``confirmed``: an
        operator said so."""
        if self.bin_monitor is not None:
            self.bin_monitor.set_reference(frame, bin_ids, replace=replace, confirmed=confirmed)

    def set_zone_reference(self, zone_ids: Iterable[str] | None = None, confirmed: bool = False) -> None:
        """The no-vending zones (all by default) are clean now: what stands there in this and the
        next few checks (:class:`~detectors.appearance.AppearanceParams` ``reference_checks``) is
        scene furniture from then on; ``confirmed``: an operator said so ("clean now")."""
        self.vending.reference.take(zone_ids, confirmed=confirmed)

    @property
    def reference_changes(self) -> int:
        """Counts changes of the reference pictures (bins and zones): a checkpoint need not repeat them."""
        bins = self.bin_monitor.changes if self.bin_monitor is not None else 0
        return bins + self.vending.reference.changes

    def set_suppressions(self, suppressions: Iterable[Suppression]) -> None:
        """Places operators dismissed (this view's preset only): those detections no longer count.
        Changing them keeps every dwell (the view's zones did not change)."""
        self.vending.set_suppressions(tuple(suppressions))

    def reset_view(self) -> None:
        """The camera left this preset or the stream restarted: every dwell and background restarts."""
        self.vending.reset()
        self.bin_rule.reset()
        self.motion.reset()
        self._cache.clear()
        self.generation += 1
        for det in self._stateful.values():
            reset = getattr(det, "reset", None)
            if callable(reset):
                reset()

    def process(self, frame: Frame, t: float) -> FrameResult:
        m = self.motion.update(frame)
        if m.global_change:
            self.reset_view()
            self.motion.update(frame)  # keep this frame as the reference for the next one
            return FrameResult(t, [], {}, {}, m, True)
        self._take_missing_references()
        masked = apply_masks(frame, self.geometry.masks)
        found: dict[str, LabelledDetections] = {}
        ran: list[str] = []
        for name, det in self._stateful.items():
            found[name] = LabelledDetections(det.detect(masked, t), det.class_names)
            ran.append(name)
        for name, det in self._stateless.items():
            cached = self._cache.get(name)
            if cached is None or m.moving or t - cached[0] > self.config.reuse_s:
                cached = (t, LabelledDetections(det.detect(frame, t), det.class_names))
                self._cache[name] = cached
                ran.append(name)
            found[name] = cached[1]
        hits = self.vending.update(t, frame, list(found.values()))
        observations: dict[str, BinObservation] = {}
        if self.bin_monitor is not None:
            observations = self.bin_monitor.observe(frame)
            details = {k: v.as_scores() for k, v in observations.items()}
            hits += self.bin_rule.update(t, frame, {k: v.score for k, v in observations.items()}, details)
        return FrameResult(t, hits, found, observations, m, False, tuple(ran), self.vending.last_furniture)

    def _take_missing_references(self) -> None:
        """From the view's first check after its zones were drawn: the zones' reference is taken.
        Not for a zone whose alert is raised (adopted from the store, no reference kept): the
        object that raised it is not furniture."""
        reference = self.vending.reference
        if not self.config.vending.appearance.enabled:
            return
        raised = {zone for (zone, _), phase in self.vending.state().items() if phase is Phase.RAISED}
        missing = [z for z in reference.missing() if z not in raised]
        if missing:
            reference.take(missing)

    def snapshot(self, *, detectors: bool = True, references: bool = True) -> PipelineState:
        """What the view has learnt: always the rules; the bins' references and the detectors'
        models when asked (they are larger and change less often)."""
        refs = self.bin_monitor.references() if references and self.bin_monitor is not None else None
        models: dict[str, object] | None = None
        if detectors:
            models = {}
            for name, det in self._stateful.items():
                state = det.snapshot() if isinstance(det, Resumable) else None
                if state is not None:
                    models[name] = state
        zone_ref = self.vending.reference.snapshot() if references else None
        return PipelineState(
            self.geometry,
            (self.vending.snapshot(), self.bin_rule.snapshot()),
            refs,
            models,
            zone_ref,
            self.vending.furniture.snapshot(),
        )

    def restore(self, state: PipelineState) -> bool:
        """Continue from ``state`` (taken from a pipeline of the same view); False when the view's
        zones changed since (then nothing is taken over: a new zone starts afresh)."""
        if state.geometry != self.geometry:
            return False
        for rule_state in state.rules:
            self.vending.restore(rule_state)
            self.bin_rule.restore(rule_state)
        if state.bin_references is not None and self.bin_monitor is not None:
            self.bin_monitor.restore_references(state.bin_references)
        if state.zone_reference is not None:
            self.vending.reference.restore(state.zone_reference)
        if state.furniture is not None:
            self.vending.furniture.restore(state.furniture, (z.id for z in self.vending.zones))
        for name, saved in (state.detectors or {}).items():
            det = self._stateful.get(name)
            if isinstance(det, Resumable):
                det.restore(saved)
        return True

    def close(self) -> None:
        for det in self._stateful.values():
            det.close()
