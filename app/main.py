"""Composition root: site config → decoder supervisor → wall UI. The only place that wires."""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app.adapters.onvif.streams import OnvifStreamResolver
from app.core.stream_health import StreamState
from app.media.specs import camera_spec_or_error, site_specs
from app.media.supervisor import IngestSupervisor
from app.run_options import RunOptions
from app.services.bin_samples import BinSampleStore
from app.services.detection.places import PtzPlaceFeed
from app.services.detection.service import DetectionService
from app.services.patrol_store import PatrolStore
from app.services.ptz_hub import PtzHub
from app.services.shared_locks import LockFolder
from app.services.system_events import SystemEventLog
from app.services.zone_store import ZoneStore, site_with_zones
from app.ui.dialogs.discovery import site_hosts
from app.ui.main_window import DetectionWiring, SiteUi
from app.ui.runner import run_wall
from app.ui.wall.compositor import TileInfo
from camera_config.models import SiteConfig

log = logging.getLogger(__name__)
RETRY_STREAMS_S = 60.0


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


def site_ui_for(
    site: SiteConfig,
    snapshots: Path,
    site_file: Path | None = None,
    discovery_target: tuple[str, int] | None = None,
) -> SiteUi:
    """What the window shows of the site: cameras in config order, the group tree."""
    return SiteUi(
        name=site.site.name,
        cameras=[TileInfo(c.id, c.name, c.grid_code, c.group) for c in site.cameras if c.enabled],
        groups=[(g.id, g.name, g.parent) for g in site.groups],
        snapshot_dir=snapshots,
        site_file=site_file,
        known_hosts=frozenset(site_hosts(site)),
        discovery_target=discovery_target,
    )


def site_data_dir(site: SiteConfig) -> Path:
    """Operators' edits of a site (patrols, zones) and its evidence: beside the shared views, else
    in this user's data folder."""
    if site.site.shared_views is not None:
        return Path(site.site.shared_views).parent
    slug = re.sub(r"[^0-9A-Za-z_-]+", "_", site.site.name).strip("_") or "site"
    return Path(platformdirs.user_data_dir("citywall")) / "sites" / slug


def patrol_store_for(site: SiteConfig) -> PatrolStore:
    return PatrolStore.for_site(site, site_data_dir(site) / "patrols.json")


def zone_store_for(site: SiteConfig) -> ZoneStore:
    return ZoneStore.for_site(site, site_data_dir(site) / "zones.json")


def workstation_name() -> str:
    """How this workstation is named to the others (in shared PTZ locks): CITYWALL_WORKSTATION, or
    the computer's name."""
    return os.environ.get("CITYWALL_WORKSTATION", "").strip() or socket.gethostname() or "workstation"


def lock_folder_for(site: SiteConfig) -> LockFolder:
    """Operator locks are shared through files beside the shared views (every workstation sees them)."""
    return LockFolder(site_data_dir(site) / "ptz_locks", workstation_name())


def bin_samples_for(site: SiteConfig) -> BinSampleStore:
    return BinSampleStore(site_data_dir(site) / "bin_samples")


def start_detection(
    site: SiteConfig, supervisor: IngestSupervisor, ptz: PtzHub | None, events: SystemEventLog
) -> tuple[DetectionService, PtzPlaceFeed] | None:
    """The detection worker (its own process) and the feed of where PTZ cameras point; its faults
    (and its restarts) go to ``events``."""
    if not site.detection.enabled:
        return None
    evidence = site.detection.evidence_dir or site_data_dir(site) / "evidence"
    service = DetectionService.for_ingest(site, supervisor, evidence, events=events)
    retrained = bin_samples_for(site).classifier_path
    if retrained.is_file():
        service.set_bin_classifier(retrained)  # the site's own, retrained from its pictures
    service.start()
    feed = PtzPlaceFeed(service, site, ptz)
    feed.start()
    return service, feed


def build_supervisor(site: SiteConfig, resolver: OnvifStreamResolver | None = None) -> IngestSupervisor:
    settings = site.ingest
    return IngestSupervisor(
        site_specs(site, resolver),
        workers=None if settings.workers == "auto" else settings.workers,
        cameras_per_worker=settings.cameras_per_worker,
        tile_capacity=settings.tile_capacity,
        focus_capacity=settings.focus_capacity,
        focus_slots=settings.focus_slots,
    )


def stream_resolver(site: SiteConfig) -> OnvifStreamResolver:
    """Ask every ONVIF camera for its stream addresses at once (bounded by the call timeout)."""
    resolver = OnvifStreamResolver(timeout_s=3.0)
    resolver.prefetch(site.cameras)
    return resolver


class StreamRetry:
    """Cameras whose streams could not be found at start-up are asked again every minute."""

    def __init__(self, site: SiteConfig, supervisor: IngestSupervisor, resolver: OnvifStreamResolver) -> None:
        self._site, self._supervisor, self._resolver = site, supervisor, resolver
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-retry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(RETRY_STREAMS_S):
            failed = {s.camera_id for s in self._supervisor.specs() if s.setup_error is not None}
            for camera in self._site.cameras:
                if camera.id in failed and not self._stop.is_set():
                    self._resolver.forget(camera.id)
                    spec = camera_spec_or_error(camera, self._site.ingest, self._resolver)
                    if spec.setup_error is None:
                        log.info("camera %s: streams found, connecting", camera.id)
                        self._supervisor.update_spec(spec)


def run_site(
    site: SiteConfig,
    opts: RunOptions,
    *,
    site_file: Path | None = None,
    discovery_target: tuple[str, int] | None = None,
) -> tuple[int, RunReport]:
    """Run the wall on ``site`` until closed (or for ``opts.seconds``)."""
    events = SystemEventLog()  # every fault and recovery, for the operator and the log
    zones = zone_store_for(site)
    site = site_with_zones(site, zones)  # zones drawn by operators win over the site file's
    site_ui = site_ui_for(site, snapshot_dir(), site_file, discovery_target)
    resolver = stream_resolver(site)
    supervisor = build_supervisor(site, resolver)
    retry = StreamRetry(site, supervisor, resolver)
    store = patrol_store_for(site)
    for problem in store.problems:
        log.warning("%s", problem)
    has_ptz = any(c.ptz is not None and c.enabled for c in site.cameras)
    ptz = PtzHub(site, patrol_of=store.patrol, locks=lock_folder_for(site)) if has_ptz else None
    report = RunReport([t.camera_id for t in site_ui.cameras])

    def note_live() -> None:
        for camera_id in report.cameras:
            if camera_id not in report.ever_live and supervisor.health(camera_id).state == StreamState.LIVE:
                report.ever_live.add(camera_id)

    supervisor.start()
    retry.start()
    if ptz is not None:
        ptz.start()
    detection = start_detection(site, supervisor, ptz, events)
    wiring = DetectionWiring(site, detection[0] if detection else None, zones, bin_samples_for(site))
    try:
        code = run_wall(
            supervisor,
            site_ui,
            site.site.shared_views,
            opts,
            on_tick=note_live,
            ptz=ptz,
            patrol_store=store,
            detection=wiring,
        )
        note_live()
    finally:
        retry.stop()
        if detection is not None:
            detection[1].stop()
            detection[0].stop()
        if ptz is not None:
            ptz.stop()
        supervisor.stop()
    return code, report
