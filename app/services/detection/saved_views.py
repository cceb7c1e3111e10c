"""What the detection worker had learnt, kept in the site's data folder across a restart of the app.

The service holds every view's latest :class:`ViewCheckpoint` (:mod:`app.services.detection.resume`)
for a restarted worker; :class:`SavedViews` writes them to one file every ``SAVE_EVERY_S`` and at a
clean quit, and the composition root reads them back at start, so that a restarted app resumes as
a restarted worker does: a stall present from the first picture is not learnt as background (and
its stored alert wrongly cleared), a dwell in progress goes on.

The file (:mod:`app.adapters.state_file`: an ``.npz`` read without pickle, JSON for the values,
the background pictures and bin crops as members) is written atomically; the reader makes only the
types listed in ``KINDS``. A view is read back only when it still fits: its camera is in the site,
its zones are the ones it was learnt with (the worker checks that again), and it is not older
than the site's ``detection.resume_max_age_s`` counting the time the app was down (the street
may have changed a lot). Sample times are the machine's monotonic clock, which restarts with the
computer: they are moved by the wall-clock time that passed. A PTZ view resumes at the camera's
first settled place at the same preset (another run's ``settled_since`` means nothing).

A damaged file is set aside and reported (``STORE_DAMAGED``), and detection starts afresh; a
failed write is reported once (``STORE_NOT_SAVED``) until one succeeds again; detection runs on.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.adapters.json_store import set_aside
from app.adapters.state_file import StateFileError, dumps, loads
from app.core.alerts import (
    Alert,
    AlertPriority,
    AlertState,
    Box,
    DismissReason,
    EvidenceKind,
    EvidenceRef,
    Rule,
)
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.services.detection.protocol import ViewCheckpoint
from app.services.detection.setup import scene_geometry
from camera_config.files import write_atomic
from camera_config.models import SiteConfig
from detectors.appearance import ReferenceState
from detectors.bins import BinReferences
from detectors.furniture import FurnitureItem, FurnitureState
from detectors.pipeline import PipelineState
from detectors.rules import PersistenceState, Phase, RuleState, TrackState
from detectors.stationary import StationaryState
from detectors.types import BinRoi, Mask, SceneGeometry, Zone, ZoneKind

log = logging.getLogger(__name__)

FILE_NAME = "detection_views.npz"
FORMAT = "detection-views"
VERSION = 1
SAVE_EVERY_S = 60.0  # 100 watched views: ~3.7 MiB a write; a minute of dwell lost at worst


@dataclass(frozen=True)
class SavedView:
    checkpoint: ViewCheckpoint
    age_s: float  # since its latest checkpoint, when the file was written


KINDS: tuple[type, ...] = (
    SavedView, ViewCheckpoint, PipelineState, SceneGeometry, Zone, ZoneKind, BinRoi, Mask,
    RuleState, TrackState, PersistenceState, Phase, BinReferences, StationaryState,
    ReferenceState, FurnitureState, FurnitureItem,
    Alert, Box, EvidenceRef, EvidenceKind, Rule, AlertState, AlertPriority, DismissReason,
)  # fmt: skip
# Fields holding sample times (the monotonic clock), moved when read back after a restart.
TIMES: dict[type, tuple[str, ...]] = {
    PersistenceState: ("run_start", "cooldown_until", "times"),
    StationaryState: ("t0", "t_last"),
    FurnitureItem: ("first_seen", "last_seen"),
}
DETECTOR_STATES = (StationaryState,)  # the detectors' snapshots this file can keep


@dataclass(frozen=True)
class LoadedViews:
    """What was read back: ``views`` to resume (each with its age) and, for the log, how many were
    left out because they were too old, learnt for other zones, or of a camera no longer watched."""

    views: tuple[tuple[ViewCheckpoint, float], ...] = ()
    too_old: int = 0
    zones_changed: int = 0
    unknown: int = 0
    damaged: bool = False

    def describe(self) -> str:
        return (
            f"{len(self.views)} view(s) resumed; left out: {self.too_old} too old, "
            f"{self.zones_changed} with changed zones, {self.unknown} of cameras not watched"
        )


class SavedViews:
    """The file ``path`` (normally ``<data folder>/detection_views.npz``); ``events``: where a damaged
    file and a failed write are reported."""

    def __init__(self, path: Path, events: EventSink | None = None) -> None:
        self.path = Path(path)
        self._events = events
        self._failing = False  # the last write failed (said once until one succeeds)
        self.last_write_s = 0.0  # how long the last write took (encoding included)
        self.last_size = 0  # bytes

    # --- writing ------------------------------------------------------------------------------
    def save(
        self,
        views: Iterable[tuple[ViewCheckpoint, float]],
        *,
        mono: float | None = None,
        wall: float | None = None,
    ) -> bool:
        """Write every view's checkpoint (with its age); False when the write failed (reported once)."""
        start = time.perf_counter()
        saved = tuple(SavedView(_keepable(cp), age) for cp, age in views)
        meta = {
            "format": FORMAT,
            "version": VERSION,
            "saved_mono": time.monotonic() if mono is None else mono,
            "saved_wall": time.time() if wall is None else wall,
        }
        try:
            data = dumps(saved, KINDS, meta)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data)
        except (OSError, StateFileError) as exc:
            if not self._failing:
                self._failing = True
                log.warning("detection checkpoints not saved to %s: %s", self.path, exc)
                self._report(SystemEventKind.STORE_NOT_SAVED, f"{type(exc).__name__}: {exc}")
            return False
        if self._failing:
            log.info("detection checkpoints saved to %s again", self.path)
        self._failing = False
        self.last_write_s, self.last_size = time.perf_counter() - start, len(data)
        return True

    # --- reading ------------------------------------------------------------------------------
    def load(
        self,
        site: SiteConfig,
        stored_open: Iterable[Alert] = (),
        *,
        max_age_s: float | None = None,
        mono: float | None = None,
        wall: float | None = None,
    ) -> LoadedViews:
        """The views of the file that still fit ``site`` (its cameras and zones as they are now),
        their open alerts as the store gave them back (``stored_open``: acknowledged, assigned …).
        Never raises: a damaged file is set aside, reported, and nothing is resumed."""
        max_age = site.detection.resume_max_age_s if max_age_s is None else max_age_s
        now_mono = time.monotonic() if mono is None else mono
        now_wall = time.time() if wall is None else wall
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return LoadedViews()
        except OSError as exc:
            log.warning("detection checkpoints in %s not readable: %s", self.path, exc)
            self._report(SystemEventKind.STORE_DAMAGED, f"{type(exc).__name__}: {exc}")
            return LoadedViews(damaged=True)
        try:
            meta, value = loads(data, KINDS)
            if meta.get("format") != FORMAT or meta.get("version") != VERSION:
                raise StateFileError(f"format {meta.get('format')!r} version {meta.get('version')!r}")
            saved_mono, saved_wall = float(meta["saved_mono"]), float(meta["saved_wall"])
            if not (isinstance(value, tuple) and all(_valid(v) for v in value)):
                raise StateFileError("not a list of view checkpoints")
        except (StateFileError, KeyError, TypeError, ValueError) as exc:
            self._damaged(exc)
            return LoadedViews(damaged=True)
        down_s = max(0.0, now_wall - saved_wall)  # (a clock set back: no time passed)
        shift = (now_mono - saved_mono) - down_s  # old sample times → this run's clock
        stored = {a.id: a for a in stored_open}
        cameras = {c.id: c for c in site.cameras}
        views: list[tuple[ViewCheckpoint, float]] = []
        too_old = changed = unknown = 0
        for view in value:
            assert isinstance(view, SavedView)
            cp = view.checkpoint
            camera = cameras.get(cp.camera_id)
            age = down_s + max(0.0, view.age_s)
            if camera is None or camera.detection is None:
                unknown += 1
                continue
            if not math.isfinite(age) or age > max_age:
                too_old += 1
                continue
            try:
                current = scene_geometry(cp.camera_id, cp.preset, camera.detection.zones)
            except ValueError:
                current = None
            if current is None or current != cp.state.geometry:
                changed += 1
                continue
            ptz = camera.ptz is not None
            cp = dataclasses.replace(
                cp,
                state=shifted(cp.state, shift),
                settled_since=None if ptz else cp.settled_since,
                from_last_run=ptz,
                open_alerts=tuple(stored.get(a.id, a) for a in cp.open_alerts),
            )
            views.append((cp, age))
        loaded = LoadedViews(tuple(views), too_old, changed, unknown)
        log.info("detection checkpoints read from %s: %s", self.path, loaded.describe())
        return loaded

    def _damaged(self, exc: Exception) -> None:
        log.warning("detection checkpoints in %s are damaged (%s): detection starts afresh", self.path, exc)
        detail = f"{exc}"
        try:
            kept = set_aside(self.path)
            detail += f" (kept as {kept.name})"
        except OSError:
            pass
        self._report(SystemEventKind.STORE_DAMAGED, detail)

    def _report(self, kind: SystemEventKind, detail: str) -> None:
        if self._events is not None:
            self._events(SystemEvent.of(kind, subject=str(self.path), detail=detail))


def _keepable(cp: ViewCheckpoint) -> ViewCheckpoint:
    """The checkpoint without detector snapshots this file cannot keep (that detector relearns)."""
    models = cp.state.detectors
    if models is None or all(isinstance(m, DETECTOR_STATES) for m in models.values()):
        return cp
    kept = {name: m for name, m in models.items() if isinstance(m, DETECTOR_STATES)}
    return dataclasses.replace(cp, state=dataclasses.replace(cp.state, detectors=kept))


def _valid(view: object) -> bool:
    """The shape the reader relies on (the simple fields are checked as the file is read)."""
    if not isinstance(view, SavedView) or not isinstance(view.checkpoint, ViewCheckpoint):
        return False
    cp, state = view.checkpoint, view.checkpoint.state
    return (
        isinstance(view.age_s, float | int)
        and isinstance(state, PipelineState)
        and isinstance(state.geometry, SceneGeometry)
        and isinstance(state.rules, tuple)
        and all(isinstance(r, RuleState) for r in state.rules)
        and (state.bin_references is None or isinstance(state.bin_references, BinReferences))
        and (state.detectors is None or isinstance(state.detectors, Mapping))
        and isinstance(cp.open_alerts, tuple)
        and all(isinstance(a, Alert) for a in cp.open_alerts)
    )


def shifted(state: PipelineState, shift: float) -> PipelineState:
    """``state`` with every sample time (``TIMES``) moved by ``shift`` seconds."""
    moved = _shifted(state, shift)
    assert isinstance(moved, PipelineState)
    return moved


def _shifted(value: object, shift: float) -> object:
    """``value`` with every sample time (``TIMES``) moved by ``shift`` seconds."""
    if shift == 0.0:
        return value
    if isinstance(value, tuple):
        moved = tuple(_shifted(v, shift) for v in value)
        return value if all(a is b for a, b in zip(moved, value, strict=True)) else moved
    if isinstance(value, Mapping):
        return {k: _shifted(v, shift) for k, v in value.items()}
    if not dataclasses.is_dataclass(value) or isinstance(value, type | SceneGeometry):
        return value
    times = TIMES.get(type(value), ())
    changes: dict[str, object] = {}
    for f in dataclasses.fields(value):
        old = getattr(value, f.name)
        new = _moved(old, shift) if f.name in times else _shifted(old, shift)
        if new is not old:
            changes[f.name] = new
    return dataclasses.replace(value, **changes) if changes else value


def _moved(value: object, shift: float) -> object:
    if isinstance(value, tuple):
        return tuple(_moved(v, shift) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return value + shift  # (an infinity stays one)
    return value
