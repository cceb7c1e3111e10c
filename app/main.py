"""Composition root: site config → decoder supervisor → wall UI. The only place that wires."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app.core.stream_health import StreamState
from app.media.specs import site_specs
from app.media.supervisor import IngestSupervisor
from app.run_options import RunOptions
from app.ui.main_window import SiteUi
from app.ui.runner import run_wall
from app.ui.wall.compositor import TileInfo
from camera_config.models import SiteConfig

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What a (timed) run saw: which cameras were live at least once."""

    cameras: list[str]
    ever_live: set[str] = field(default_factory=set)

    @property
    def never_live(self) -> list[str]:
        return [c for c in self.cameras if c not in self.ever_live]


def snapshot_dir() -> Path:
    return Path(platformdirs.user_pictures_dir()) / "CityWall"


def site_ui_for(site: SiteConfig, snapshots: Path) -> SiteUi:
    """What the window shows of the site: cameras in config order, the group tree."""
    return SiteUi(
        name=site.site.name,
        cameras=[TileInfo(c.id, c.name, c.grid_code, c.group) for c in site.cameras if c.enabled],
        groups=[(g.id, g.name, g.parent) for g in site.groups],
        snapshot_dir=snapshots,
    )


def build_supervisor(site: SiteConfig) -> IngestSupervisor:
    settings = site.ingest
    return IngestSupervisor(
        site_specs(site),
        workers=None if settings.workers == "auto" else settings.workers,
        cameras_per_worker=settings.cameras_per_worker,
        tile_capacity=settings.tile_capacity,
        focus_capacity=settings.focus_capacity,
        focus_slots=settings.focus_slots,
    )


def run_site(site: SiteConfig, opts: RunOptions) -> tuple[int, RunReport]:
    """Run the wall on ``site`` until closed (or for ``opts.seconds``)."""
    site_ui = site_ui_for(site, snapshot_dir())
    supervisor = build_supervisor(site)
    report = RunReport([t.camera_id for t in site_ui.cameras])

    def note_live() -> None:
        for camera_id in report.cameras:
            if camera_id not in report.ever_live and supervisor.health(camera_id).state == StreamState.LIVE:
                report.ever_live.add(camera_id)

    supervisor.start()
    try:
        code = run_wall(supervisor, site_ui, site.site.shared_views, opts, on_tick=note_live)
        note_live()
    finally:
        supervisor.stop()
    return code, report
