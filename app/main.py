"""Composition root: site config → decoder supervisor → wall UI. The only place that wires."""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from app.adapters.data_folder import check_folder, claim, clean_temp_files, free_bytes, site_folder
from app.adapters.json_store import workstation_name
from app.adapters.onvif.service import OnvifService
from app.adapters.onvif.streams import OnvifStreamResolver
from app.adapters.storage.evidence_files import EvidenceFiles
from app.adapters.storage.repository import SqlAlertRepository, open_repository
from app.adapters.storage.writer import AlertWriter
from app.core.alert_ports import EvidenceStore, StoreFault, StoreUnavailable
from app.core.alerts import Alert
from app.core.site_time import site_zone
from app.core.stream_health import StreamState
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.log_setup import configure_logging
from app.main_cases import open_cases
from app.main_voice import open_voice
from app.media.specs import camera_spec_or_error, site_specs
from app.media.supervisor import IngestSupervisor
from app.run_options import RunOptions
from app.services.alert_evidence import AlertEvidence
from app.services.alerts import AlertService
from app.services.bin_samples import BinSampleStore
from app.services.detection.alert_feed import DetectionAlerts
from app.services.detection.model_watch import ModelWatch
from app.services.detection.places import PtzPlaceFeed
from app.services.detection.saved_views import FILE_NAME as SAVED_VIEWS_FILE
from app.services.detection.saved_views import SavedViews
from app.services.detection.service import DetectionService
from app.services.disk_watch import DiskWatch
from app.services.evidence_capture import EvidenceCamera, EvidenceCapture
from app.services.main_stills import MainStills
from app.services.patrol_store import PatrolStore
from app.services.ptz_hub import PtzHub
from app.services.shared_locks import LockFolder
from app.services.site_models import site_with_models
from app.services.suppression_store import SuppressionStore, suppression_file_beside
from app.services.suppressions import SuppressionService
from app.services.system_events import SystemEventLog
from app.services.verdict_samples import VerdictSamples, verdict_folder
from app.services.zone_store import ZoneStore, site_with_zones
from app.ui.dialogs.discovery import site_hosts
from app.ui.main_window import AlertWiring, DetectionWiring, SiteUi
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
        cameras=[
            TileInfo(c.id, c.name, c.grid_code, c.group, ptz=c.ptz is not None)
            for c in site.cameras
            if c.enabled
        ],
        groups=[(g.id, g.name, g.parent) for g in site.groups],
        snapshot_dir=snapshots,
        timezone=site.site.timezone,
        site_file=site_file,
        known_hosts=frozenset(site_hosts(site)),
        discovery_target=discovery_target,
    )


def sites_root(data_dir: Path | None = None) -> Path:
    """Where sites without shared views keep their data: ``--data-dir``, else the user's data folder."""
    return data_dir if data_dir is not None else Path(platformdirs.user_data_dir("citywall")) / "sites"


def site_data_dir(site: SiteConfig, data_dir: Path | None = None) -> Path:
    """Operators' edits of a site (patrols, zones), its evidence and logs: beside the shared views,
    else a folder of the site's own (unique and stable for any name, Chinese included)."""
    if site.site.shared_views is not None:
        return Path(site.site.shared_views).parent
    return site_folder(sites_root(data_dir), site.site.name)


def patrol_store_for(site: SiteConfig, data: Path, events: EventSink | None = None) -> PatrolStore:
    return PatrolStore.for_site(site, data / "patrols.json", events=events)


def zone_store_for(site: SiteConfig, data: Path, events: EventSink | None = None) -> ZoneStore:
    return ZoneStore.for_site(site, data / "zones.json", events=events)


def suppressions_for(data: Path, alerts: AlertService, events: EventSink | None = None) -> SuppressionService:
    """What operators' dismissals taught detection (``suppressions.json`` beside the zones): it
    follows the alert service, and records its changes in the alerts' audit chain."""
    store = SuppressionStore.open(suppression_file_beside(data / "zones.json"), events=events)
    for problem in store.problems:
        log.warning("%s", problem)
    service = SuppressionService(store, WallClock(), record=alerts.record_event)
    alerts.subscribe(service.on_alert_change)
    return service


WRITE_FAILURES = frozenset(
    {
        SystemEventKind.EVIDENCE_NOT_SAVED,
        SystemEventKind.TRAINING_SAMPLE_NOT_SAVED,
        SystemEventKind.STORE_NOT_SAVED,
        SystemEventKind.SNAPSHOT_NOT_SAVED,
        SystemEventKind.SITE_FILE_NOT_SAVED,
    }
)


def open_data_folders(name: str, data: Path, evidence: Path, events: SystemEventLog, level: str) -> DiskWatch:
    """Check the data (and evidence) folder before anything writes there; log into it; watch its
    free space. A read-only folder is a standing fault the operator sees (the wall still runs);
    one that can be neither made nor read stops the start (:class:`DataFolderError`)."""
    state = check_folder(data)
    logs = data / "logs" if state.writable else Path(platformdirs.user_log_dir("citywall"))
    path = configure_logging(logs, level)
    log.info("CityWall starting on site %r; data folder %s; log %s", name, data, path)
    folders = [state]
    if evidence.resolve() != data.resolve() and not evidence.resolve().is_relative_to(data.resolve()):
        folders.append(check_folder(evidence))
    for folder in folders:
        if not folder.writable:
            events.report(
                SystemEventKind.DATA_FOLDER_READ_ONLY, subject=str(folder.path), detail=folder.detail
            )
            continue
        for leftover in clean_temp_files(folder.path):
            log.info("removed %s, left by an interrupted write", leftover)
    if state.writable:
        claim(data, name)
    watch = DiskWatch(str(data), lambda: free_bytes(data), events)

    # A failed write anywhere (evidence, a store, a snapshot) checks the space at once.
    def on_event(event: SystemEvent) -> None:
        if event.kind in WRITE_FAILURES:
            watch.check()

    events.subscribe(on_event)
    watch.start()
    return watch


def lock_folder_for(data: Path) -> LockFolder:
    """Operator locks are shared through files beside the shared views (every workstation sees them)."""
    return LockFolder(data / "ptz_locks", workstation_name())


def bin_samples_for(data: Path) -> BinSampleStore:
    return BinSampleStore(data / "bin_samples")


def saved_views_for(data: Path, events: SystemEventLog) -> SavedViews:
    """Where detection keeps what it learnt across a restart of the app."""
    return SavedViews(data / SAVED_VIEWS_FILE, events.publish)


def evidence_dir_for(site: SiteConfig, data: Path) -> Path:
    return site.detection.evidence_dir or data / "evidence"


class WallClock:
    """The alert service's clock: wall-clock seconds."""

    def now(self) -> float:
        return time.time()


@dataclass
class Alerts:
    """The alerts of a run: the store, its one writer, the service that owns them, their evidence."""

    repository: SqlAlertRepository
    service: AlertService
    evidence: EvidenceStore

    def close(self) -> None:
        self.service.close()  # the writer finishes what it was given
        self.repository.close()


def open_alerts_store(site: SiteConfig, data: Path, events: SystemEventLog) -> Alerts:
    """The site's alert store (SQLite in ``data``, or the site's PostgreSQL), its schema brought up
    to date; the one writer; the alert service with every alert that still matters loaded.

    Raises :class:`~app.core.alert_ports.SchemaTooNew` or
    :class:`~app.core.alert_ports.StoreUnavailable` (the caller says why and stops)."""
    database = site.database
    password = database.password if database is not None else None
    try:
        repository = open_repository(
            database.url if database is not None else None,
            data,
            password=password.get_secret_value() if password is not None else None,
        )
    except StoreUnavailable as exc:
        if database is not None or exc.fault is not StoreFault.READ_ONLY:
            raise
        # A read-only data folder still runs the wall (DATA_FOLDER_READ_ONLY says nothing is
        # saved): this run's alerts are kept in a scratch store that goes with the run.
        scratch = Path(tempfile.mkdtemp(prefix="citywall-alerts-"))
        log.warning("alert store read-only (%s): this run's alerts are kept in %s only", exc, scratch)
        repository = open_repository(None, scratch)
    service = AlertService(AlertWriter(repository), WallClock(), events.publish)
    loaded = service.load(repository.open_alerts())
    log.info("alert store open: %d alert(s) still to handle", loaded)
    return Alerts(repository, service, EvidenceFiles(evidence_dir_for(site, data)))


def alert_evidence_for(
    site: SiteConfig, supervisor: IngestSupervisor, alerts: Alerts, events: SystemEventLog
) -> AlertEvidence:
    """Main-stream stills and clips for every new alert, kept in the alerts' evidence store."""
    names = {camera.id: camera.name for camera in site.cameras}

    def camera(camera_id: str) -> EvidenceCamera | None:
        # The streams as resolved now (an ONVIF camera's addresses may have changed since start).
        spec = next((s for s in supervisor.specs() if s.camera_id == camera_id), None)
        return EvidenceCamera(spec, names.get(camera_id, camera_id)) if spec is not None else None

    capture = EvidenceCapture(alerts.evidence, tz=site_zone(site.site.timezone), clips=supervisor)
    return AlertEvidence(alerts.service, capture, camera, supervisor, events.publish)


def start_detection(
    site: SiteConfig,
    supervisor: IngestSupervisor,
    ptz: PtzHub | None,
    data: Path,
    events: SystemEventLog,
    evidence: EvidenceStore,
    adopt: list[Alert] | None = None,
) -> tuple[DetectionService, PtzPlaceFeed] | None:
    """The detection worker (its own process) and the feed of where PTZ cameras point; its faults
    (and its restarts) go to ``events``. ``adopt``: the stored open alerts, taken over by the worker
    (a condition still there continues its alert; one that went while the app was down clears).
    What the worker had learnt in the app's last run (``data``/detection_views.npz) is resumed
    where it still fits, and kept there again while this run goes on and when it ends."""
    if not site.detection.enabled:
        return None
    models = ModelWatch.for_site(site, data)  # one swapped in while the wall runs is taken up
    site = site_with_models(site, data)  # the site's fine-tuned model where it has one
    saved = saved_views_for(data, events)
    resume = saved.load(site, adopt or ())
    service = DetectionService.for_ingest(
        site,
        supervisor,
        evidence,
        adopt=adopt or (),
        resume=resume.views,
        saved=saved,
        events=events,
        models=models,
    )
    retrained = bin_samples_for(data).classifier_path
    if retrained.is_file():
        service.set_bin_classifier(retrained)  # the site's own, retrained from its pictures
    service.start()
    feed = PtzPlaceFeed(service, site, ptz)
    feed.start()
    return service, feed


def build_supervisor(
    site: SiteConfig, resolver: OnvifStreamResolver | None = None, events: EventSink | None = None
) -> IngestSupervisor:
    """``events``: where cameras going down and up and decoder restarts are published."""
    settings = site.ingest
    return IngestSupervisor(
        site_specs(site, resolver),
        workers=None if settings.workers == "auto" else settings.workers,
        cameras_per_worker=settings.cameras_per_worker,
        tile_capacity=settings.tile_capacity,
        focus_capacity=settings.focus_capacity,
        focus_slots=settings.focus_slots,
        events=events,
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
    """Run the wall on ``site`` until closed (or for ``opts.seconds``).

    Raises :class:`DataFolderError` when the site's data folder can be neither made nor read."""
    events = SystemEventLog()
    data = site_data_dir(site, opts.data_dir)
    guard = open_data_folders(site.site.name, data, evidence_dir_for(site, data), events, opts.log_level)
    zones = zone_store_for(site, data, events.publish)
    site = site_with_zones(site, zones)  # zones drawn by operators win over the site file's
    site_ui = site_ui_for(site, snapshot_dir(), site_file, discovery_target)
    resolver = stream_resolver(site)
    supervisor = build_supervisor(site, resolver, events.publish)
    retry = StreamRetry(site, supervisor, resolver)
    stills = MainStills(supervisor.specs)  # 抓拍 at full resolution, from the main stream
    site_ui = replace(site_ui, stills=stills.take)
    store = patrol_store_for(site, data, events.publish)
    for problem in store.problems:
        log.warning("%s", problem)
    has_ptz = any(c.ptz is not None and c.enabled for c in site.cameras)
    onvif = OnvifService() if has_ptz else None  # the PTZ port: ONVIF calls off the GUI thread
    ptz = (
        PtzHub(site, onvif, patrol_of=store.patrol, locks=lock_folder_for(data))
        if onvif is not None
        else None
    )
    report = RunReport([t.camera_id for t in site_ui.cameras])

    def note_live() -> None:
        for camera_id in report.cameras:
            # stalled is only reached from live: a camera that stalled between two ticks went live
            state = supervisor.health(camera_id).state
            if camera_id not in report.ever_live and state in (StreamState.LIVE, StreamState.STALLED):
                report.ever_live.add(camera_id)

    try:
        alerts = open_alerts_store(site, data, events)
    except BaseException:
        guard.stop()
        raise
    supervisor.start()
    retry.start()
    if ptz is not None:
        ptz.start()
    detection = start_detection(
        site, supervisor, ptz, data, events, alerts.evidence, alerts.service.open_alerts()
    )
    suppressions = suppressions_for(data, alerts.service, events.publish)
    suppressions.attach(detection[0] if detection else None)
    wiring = DetectionWiring(
        site, detection[0] if detection else None, zones, bin_samples_for(data), suppressions
    )
    evidence = alert_evidence_for(site, supervisor, alerts, events) if detection is not None else None
    # Verdicts on vending alerts become the site's training data (citywall train --from-verdicts).
    verdicts = VerdictSamples(alerts.service, alerts.evidence, verdict_folder(data), events.publish)
    intake = (
        DetectionAlerts(alerts.service, detection[0], evidence.watch if evidence is not None else None)
        if detection is not None
        else None
    )
    alert_wiring = AlertWiring(
        alerts.service, intake, alerts.evidence, site.site.timezone, alerts.repository, data / "sounds"
    )
    cases = open_cases(site, data, events, alerts.service, alerts.repository, WallClock())
    clock = WallClock()
    voice = open_voice(
        site, data, events, alerts.service, alerts.evidence, clock,
        recheck=detection[0].check_soon if detection is not None else lambda camera_id: None,
        last_checked=detection[0].last_checked if detection is not None else lambda camera_id: None,
        create_case=cases.service.case_from_alert,
    )  # fmt: skip
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
            events=events,
            alerts=alert_wiring,
            cases=cases.wiring(
                alerts.evidence,
                site.cases.due_soon_share,
                alerts.repository,
                {s.id: s.name for s in site.speakers},  # the timeline names the loudspeakers
            ),
            voice=voice.wiring(clock),
        )
        note_live()
    finally:
        guard.stop()
        retry.stop()
        stills.close()
        if intake is not None:
            intake.close()
        if evidence is not None:
            evidence.close()
        verdicts.close()
        if detection is not None:
            detection[1].stop()
            detection[0].stop()
        voice.close()
        cases.close()
        alerts.close()
        if ptz is not None:
            ptz.stop()
        if onvif is not None:
            onvif.shutdown(wait=False)  # after the hub: held moves are released, then stopped
        supervisor.stop()
    return code, report
