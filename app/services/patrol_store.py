"""Patrols (巡航) edited in CityWall, stored per site beside the shared views, over the site file's.

The site file's ``ptz.patrol`` of each camera is the default; a patrol saved here for a camera
overrides it (``None`` saved for a camera means "no patrol", even if the site file has one), and
:meth:`PatrolStore.reset` goes back to the site file's. The file is JSON, shared by every
workstation of the site::

    {"version": 1, "patrols": {"cam001": {"steps": [...], "schedule": [...], "resume_after_s": 30},
                               "cam026": null}}

Every save goes through :class:`~app.adapters.json_store.SharedJsonFile`: under a file lock it
re-reads the file, so a patrol another workstation saved meanwhile for another camera is kept, and
it refuses (:class:`~app.adapters.json_store.StoreConflict`) to overwrite the patrol of a camera
that another workstation changed since it was read here. A damaged file (not JSON, wrong shape, an
invalid patrol) is reported with file, camera and field, and never overwritten silently: the next
save first keeps it beside as ``<name>.damaged-<time>.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.adapters.json_store import SharedJsonFile
from app.core.system_events import EventSink
from app.services.shared_store import FORMAT_VERSION, versioned_section
from camera_config.explain import Problem, explain
from camera_config.issues import format_path
from camera_config.models import Patrol, SiteConfig

FILE_NAME = "patrols.json"


def patrol_file_beside(shared_views: Path) -> Path:
    """Where a site's patrols are kept: ``patrols.json`` in the shared views' folder."""
    return Path(shared_views).with_name(FILE_NAME)


def site_patrols(site: SiteConfig) -> dict[str, Patrol | None]:
    """The site file's patrol (or None) of every PTZ camera: the defaults a store layers over."""
    return {camera.id: camera.ptz.patrol for camera in site.cameras if camera.ptz is not None}


def patrol_problems(exc: ValidationError) -> list[Problem]:
    """The problems of a :class:`Patrol` that failed validation, at their field paths.

    pydantic also reports a list whose item failed as too short (the item did not count): only
    the item's own problem is kept.
    """
    problems = explain(exc, Patrol)
    inner = {p.loc[:n] for p in problems for n in range(1, len(p.loc))}
    return [p for p in problems if not (p.type == "too_short" and p.loc in inner)]


class PatrolStore:
    """The patrols in effect for a site's PTZ cameras: the site file's, overridden per camera."""

    def __init__(
        self, path: Path, config: Mapping[str, Patrol | None], *, events: EventSink | None = None
    ) -> None:
        self.path = Path(path)
        self._config = dict(config)
        self._file = SharedJsonFile(self.path, PatrolCodec(self.path), events=events)

    @classmethod
    def for_site(cls, site: SiteConfig, path: Path, *, events: EventSink | None = None) -> PatrolStore:
        store = cls(path, site_patrols(site), events=events)
        store.load()
        return store

    @property
    def _overrides(self) -> dict[str, Patrol | None]:
        return self._file.items

    @property
    def problems(self) -> list[str]:
        return self._file.problems

    # -- reading ---------------------------------------------------------------------------------------
    def load(self) -> list[str]:
        """(Re-)read the file; return the problems found (also kept in :attr:`problems`)."""
        return list(self._file.load().problems)

    def patrol(self, camera_id: str) -> Patrol | None:
        """The camera's patrol in effect: the stored one if any, else the site file's."""
        if camera_id in self._overrides:
            return self._overrides[camera_id]
        return self._config.get(camera_id)

    def configured(self, camera_id: str) -> Patrol | None:
        """The site file's patrol of the camera (what :meth:`reset` goes back to)."""
        return self._config.get(camera_id)

    def is_overridden(self, camera_id: str) -> bool:
        """Whether the camera's patrol was saved here (and so differs from the site file's)."""
        return camera_id in self._overrides

    def patrols(self) -> dict[str, Patrol]:
        """Every PTZ camera of the site that has a patrol in effect, with that patrol."""
        out: dict[str, Patrol] = {}
        for camera_id in self._config:
            patrol = self.patrol(camera_id)
            if patrol is not None:
                out[camera_id] = patrol
        return out

    # -- writing ---------------------------------------------------------------------------------------
    def save(self, camera_id: str, patrol: Patrol | None) -> None:
        """Store the camera's patrol (``None``: no patrol) for every workstation of the site.

        Raises OSError when the file cannot be written; the file on disk is then as it was.
        """
        self._write(camera_id, patrol, remove=False)

    def reset(self, camera_id: str) -> None:
        """Forget the stored patrol of the camera: the site file's applies again."""
        self._write(camera_id, None, remove=True)

    def _write(self, camera_id: str, patrol: Patrol | None, *, remove: bool) -> None:
        if remove:
            self._file.change({}, deletions=frozenset({camera_id}))
        else:
            self._file.change({camera_id: patrol})


class PatrolCodec:
    """patrols.json cut into items, one per camera, and put back together."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def join(self, items: Mapping[str, Patrol | None]) -> dict[str, Any]:
        patrols = {cid: None if p is None else p.model_dump(mode="json") for cid, p in sorted(items.items())}
        return {"version": FORMAT_VERSION, "patrols": patrols}

    def label(self, key: str) -> str:
        return f"the patrol of camera {key!r}"

    def split(self, data: Any) -> tuple[dict[str, Patrol | None], list[str]]:
        patrols = versioned_section(self.path, data, "patrols", dict)
        if isinstance(patrols, str):
            return {}, [patrols]
        overrides: dict[str, Patrol | None] = {}
        problems: list[str] = []
        for camera_id, raw in patrols.items():
            if raw is None:
                overrides[str(camera_id)] = None
                continue
            try:
                overrides[str(camera_id)] = Patrol.model_validate(raw)
            except ValidationError as exc:
                for problem in patrol_problems(exc):
                    where = format_path(("patrols", str(camera_id), *problem.loc))
                    problems.append(f"{self.path}: {where}: {problem.message}")
        return overrides, problems
