"""Detection zones edited in CityWall, stored per site beside the shared views, over the site file's.

Zones are drawn per (camera, preset): a no-vending polygon drawn at preset 1 of a dome is wrong at
preset 2, and a fixed camera has one view (preset ``None``). The site file's ``detection.zones`` of
each camera are the defaults; zones saved here for a (camera, preset) replace the site file's zones
of that camera *at that preset* (an empty list saved means "no zones here", even if the site file
has some), and :meth:`ZoneStore.reset` goes back to the site file's. The file is JSON, shared by
every workstation of the site::

    {"version": 1, "cameras": {"cam001": [{"preset": null, "zones": [{"id": "zone-1", ...}]}],
                               "cam026": [{"preset": "2", "zones": []}]}}

Every save goes through :class:`~app.adapters.json_store.SharedJsonFile`: under a file lock it
re-reads the file, so zones another workstation saved meanwhile for another camera or preset are
kept, and it refuses (:class:`~app.adapters.json_store.StoreConflict`) to overwrite zones of the
same camera and preset that another workstation changed since they were read here. A damaged file
(not JSON, wrong shape, an invalid zone) is reported with file, camera, preset and field, and never
overwritten silently: the next save first keeps it beside as ``<name>.damaged-<time>.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.core.system_events import EventSink
from app.services.shared_store import FORMAT_VERSION, SharedFileStore, versioned_section
from camera_config.explain import explain
from camera_config.issues import format_path
from camera_config.models import CameraDetection, SiteConfig, ZoneSpec

FILE_NAME = "zones.json"

Preset = str | None
Entries = dict[str, dict[Preset, tuple[ZoneSpec, ...]]]


def zone_file_beside(shared_views: Path) -> Path:
    """Where a site's edited zones are kept: ``zones.json`` in the shared views' folder."""
    return Path(shared_views).with_name(FILE_NAME)


def site_zones(site: SiteConfig) -> dict[str, tuple[ZoneSpec, ...]]:
    """The site file's zones (all presets) of every camera: the defaults a store layers over."""
    return {c.id: (c.detection.zones if c.detection is not None else ()) for c in site.cameras}


def preset_label(preset: Preset) -> str:
    """A preset as messages name it ("fixed view" for a camera without presets)."""
    return "fixed view" if preset is None else f"preset {preset!r}"


class ZoneStore(SharedFileStore[tuple[ZoneSpec, ...]]):
    """The zones in effect for a site's cameras: the site file's, replaced per (camera, preset)."""

    def __init__(
        self,
        path: Path,
        config: Mapping[str, Sequence[ZoneSpec]],
        *,
        events: EventSink | None = None,
    ) -> None:
        super().__init__(path, ZoneCodec(Path(path)), events=events)
        self._config = {camera_id: tuple(zones) for camera_id, zones in config.items()}
        self._overrides: Entries = {}
        self._renamed: dict[tuple[str, Preset, str], str] = {}

    @classmethod
    def for_site(cls, site: SiteConfig, path: Path, *, events: EventSink | None = None) -> ZoneStore:
        store = cls(path, site_zones(site), events=events)
        store.load()
        return store

    # -- reading ---------------------------------------------------------------------------------------
    def _sync(self) -> None:
        """The overrides as the file was last read or written here."""
        self._overrides = {}
        for key, zones in self._file.items.items():
            camera_id, preset = split_key(key)
            self._overrides.setdefault(camera_id, {})[preset] = zones
        self.problems = self._file.problems + self._merge_problems()

    def cameras(self) -> list[str]:
        """The site's cameras (the site file's order)."""
        return list(self._config)

    def zones(self, camera_id: str) -> tuple[ZoneSpec, ...]:
        """The camera's zones in effect, every preset: the site file's with the stored ones in place."""
        stored = self._overrides.get(camera_id, {})
        out: list[ZoneSpec] = [z for z in self._config.get(camera_id, ()) if z.preset not in stored]
        for preset, zones in stored.items():
            for zone in zones:
                renamed = self._renamed.get((camera_id, preset, zone.id))  # its id is taken meanwhile
                out.append(zone if renamed is None else zone.model_copy(update={"id": renamed}))
        return tuple(out)

    def zones_at(self, camera_id: str, preset: Preset) -> tuple[ZoneSpec, ...]:
        """The camera's zones in effect at one preset (``None``: a fixed camera's view)."""
        return tuple(z for z in self.zones(camera_id) if z.preset == preset)

    def configured(self, camera_id: str) -> tuple[ZoneSpec, ...]:
        """The site file's zones of the camera (what :meth:`reset` goes back to, per preset)."""
        return self._config.get(camera_id, ())

    def is_overridden(self, camera_id: str, preset: Preset) -> bool:
        """Whether the camera's zones at ``preset`` were saved here (and so may differ from the file's)."""
        return preset in self._overrides.get(camera_id, {})

    def overridden(self) -> list[tuple[str, Preset]]:
        """Every (camera, preset) whose zones were saved here."""
        return [(c, p) for c, presets in self._overrides.items() for p in presets]

    def all_zones(self) -> dict[str, tuple[ZoneSpec, ...]]:
        """Every camera of the site with its zones in effect (cameras without zones included)."""
        return {camera_id: self.zones(camera_id) for camera_id in self._config}

    # -- writing ---------------------------------------------------------------------------------------
    def check(self, camera_id: str, preset: Preset, zones: Sequence[ZoneSpec]) -> list[str]:
        """What is wrong with saving ``zones`` for (camera, preset), in words (empty: nothing)."""
        problems = []
        if camera_id not in self._config:
            problems.append(f"camera {camera_id!r} is not in the site")
        for zone in zones:
            if zone.preset != preset:
                problems.append(
                    f"zone {zone.id!r} belongs to {preset_label(zone.preset)}, not {preset_label(preset)}"
                )
        others = {z.id: z.preset for z in self.zones(camera_id) if z.preset != preset}
        seen: set[str] = set()
        for zone in zones:
            if zone.id in seen:
                problems.append(f"zone id {zone.id!r} is used twice")
            elif zone.id in others:
                problems.append(
                    f"zone id {zone.id!r} is already used at {preset_label(others[zone.id])} of this camera"
                )
            seen.add(zone.id)
        return problems

    def save(self, camera_id: str, preset: Preset, zones: Sequence[ZoneSpec]) -> tuple[ZoneSpec, ...]:
        """Store the camera's zones at ``preset`` for every workstation; return the camera's zones in
        effect (all presets: what ``ZonesChanged`` carries).

        Raises ValueError (in words) when the zones do not belong there or their ids clash, OSError
        when the file cannot be written; the file on disk is then as it was.
        """
        problems = self.check(camera_id, preset, zones)
        if problems:
            raise ValueError("; ".join(problems))
        self._write(camera_id, preset, tuple(zones), remove=False)
        return self.zones(camera_id)

    def reset(self, camera_id: str, preset: Preset) -> tuple[ZoneSpec, ...]:
        """Forget the stored zones of (camera, preset): the site file's apply again. Returns the
        camera's zones in effect."""
        self._write(camera_id, preset, (), remove=True)
        return self.zones(camera_id)

    def _write(self, camera_id: str, preset: Preset, zones: tuple[ZoneSpec, ...], *, remove: bool) -> None:
        key = zone_key(camera_id, preset)
        try:
            if remove:
                self._file.change({}, deletions=frozenset({key}))
            else:
                self._file.change({key: zones})
        finally:
            self._sync()  # a refused save still shows what the other workstation saved

    def _merge_problems(self) -> list[str]:
        """Stored zones whose id the site file now uses at another preset: renamed, and said so."""
        self._renamed = {}
        problems = []
        for camera_id, presets in self._overrides.items():
            if camera_id not in self._config:
                problems.append(
                    f"{self.path}: camera {camera_id!r} is not in the site file; its zones are kept "
                    "in the file but not used"
                )
                continue
            taken = {z.id for z in self._config[camera_id] if z.preset not in presets}
            for preset, zones in presets.items():
                for zone in zones:
                    if zone.id in taken:
                        new = _free_id(zone.id, taken | {z.id for z in zones})
                        self._renamed[(camera_id, preset, zone.id)] = new
                        problems.append(
                            f"{self.path}: camera {camera_id!r}, {preset_label(preset)}: zone id "
                            f"{zone.id!r} is also used at another preset; it is used as {new!r}"
                        )
                        taken.add(new)
                    taken.add(zone.id)
        return problems


def zone_key(camera_id: str, preset: Preset) -> str:
    """One (camera, preset) as the shared file's item key."""
    return json.dumps([camera_id, preset], ensure_ascii=False)


def split_key(key: str) -> tuple[str, Preset]:
    camera_id, preset = json.loads(key)
    return str(camera_id), None if preset is None else str(preset)


class ZoneCodec:
    """zones.json cut into items, one per (camera, preset), and put back together."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def split(self, data: Any) -> tuple[dict[str, tuple[ZoneSpec, ...]], list[str]]:
        cameras = versioned_section(self.path, data, "cameras", dict)
        if isinstance(cameras, str):
            return {}, [cameras]
        items: dict[str, tuple[ZoneSpec, ...]] = {}
        problems: list[str] = []
        for camera_id, entries in cameras.items():
            if not isinstance(entries, list):
                problems.append(f"{self.path}: cameras.{camera_id}: expected a list of {{preset, zones}}")
                continue
            for index, entry in enumerate(entries):
                where = ("cameras", str(camera_id), index)
                parsed = self._entry(entry, where, problems)
                if parsed is not None:
                    preset, zones = parsed
                    key = zone_key(str(camera_id), preset)
                    if key in items:
                        problems.append(f"{self.path}: {format_path(where)}: {preset_label(preset)} twice")
                        continue
                    items[key] = zones
        return items, problems

    def join(self, items: Mapping[str, tuple[ZoneSpec, ...]]) -> dict[str, Any]:
        overrides: Entries = {}
        for key, zones in items.items():
            camera_id, preset = split_key(key)
            overrides.setdefault(camera_id, {})[preset] = zones
        return {"version": FORMAT_VERSION, "cameras": _dump(overrides)}

    def label(self, key: str) -> str:
        camera_id, preset = split_key(key)
        return f"the zones of camera {camera_id!r} at {preset_label(preset)}"

    def _entry(
        self, entry: Any, where: tuple[str | int, ...], problems: list[str]
    ) -> tuple[Preset, tuple[ZoneSpec, ...]] | None:
        if not isinstance(entry, dict) or not isinstance(entry.get("zones"), list):
            problems.append(f"{self.path}: {format_path(where)}: expected {{'preset': ..., 'zones': [...]}}")
            return None
        preset = entry.get("preset")
        if preset is not None and (not isinstance(preset, str) or not preset):
            problems.append(f"{self.path}: {format_path((*where, 'preset'))}: must be a preset token or null")
            return None
        zones: list[ZoneSpec] = []
        bad = False
        for index, raw in enumerate(entry["zones"]):
            try:
                zone = ZoneSpec.model_validate(raw)
            except ValidationError as exc:
                bad = True
                for problem in explain(exc, ZoneSpec):
                    path = format_path((*where, "zones", index, *problem.loc))
                    problems.append(f"{self.path}: {path}: {problem.message}")
                continue
            if zone.preset != preset:
                bad = True
                problems.append(
                    f"{self.path}: {format_path((*where, 'zones', index, 'preset'))}: zone {zone.id!r} "
                    f"says {preset_label(zone.preset)} inside the entry of {preset_label(preset)}"
                )
                continue
            zones.append(zone)
        try:
            CameraDetection(zones=tuple(zones))
        except ValidationError as exc:
            bad = True
            for problem in explain(exc, CameraDetection):
                problems.append(f"{self.path}: {format_path(where)}: {problem.message}")
        return None if bad else (preset, tuple(zones))


def _free_id(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    n = 2
    while f"{base[:60]}-{n}" in used:
        n += 1
    return f"{base[:60]}-{n}"


def _dump(overrides: Entries) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for camera_id in sorted(overrides):
        presets = overrides[camera_id]
        out[camera_id] = [
            {"preset": preset, "zones": [z.model_dump(mode="json") for z in presets[preset]]}
            for preset in sorted(presets, key=lambda p: (p is not None, p or ""))
        ]
    return out


def site_with_zones(site: SiteConfig, store: ZoneStore) -> SiteConfig:
    """``site`` with every camera's ``detection.zones`` as the store has them in effect (what the
    detection worker should be started with)."""
    cameras = []
    for camera in site.cameras:
        zones = store.zones(camera.id)
        if zones != (camera.detection.zones if camera.detection else ()):
            detection = camera.detection or CameraDetection()
            camera = camera.model_copy(update={"detection": detection.model_copy(update={"zones": zones})})
        cameras.append(camera)
    return site.model_copy(update={"cameras": tuple(cameras)})
