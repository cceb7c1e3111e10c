"""The composition root's case side (imported only by :mod:`app.main`): the case store beside the
alerts, the settings files in force, the case service, its ticker, and the city platform's outbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.adapters.city_platform import HttpCaseDelivery
from app.adapters.holidays import calendar_from_settings, national_holidays
from app.adapters.storage.cases import SqlCaseRepository
from app.adapters.storage.repository import SqlAlertRepository
from app.core.alert_ports import AlertQuery, Clock, EvidenceStore
from app.core.alerts import Alert
from app.core.case_catalogue import Catalogue
from app.core.case_export import CategoryNames, outbox_item
from app.core.case_figures import Period
from app.core.case_ports import OutboxItem
from app.core.cases import Case
from app.core.site_time import site_zone
from app.core.work_calendar import WorkCalendar
from app.services.alerts import AlertService
from app.services.case_outbox import OutboxPump
from app.services.case_rules import CaseRules
from app.services.case_ticker import CaseTicker, OutboxAlarm
from app.services.cases import AutoCreate, CaseService, Place
from app.services.system_events import SystemEventLog
from app.ui.cases.wiring import CaseWiring
from camera_config.calendar_file import parse_calendar_text
from camera_config.models import SiteConfig


@dataclass
class Cases:
    """The case workflow of a run: the store (beside the alerts), the settings files in force,
    the service, its ticker, and the delivery to the city platform when one is configured."""

    repository: SqlCaseRepository
    rules: CaseRules
    service: CaseService
    ticker: CaseTicker
    pump: OutboxPump | None = None

    def wiring(
        self,
        evidence: EvidenceStore,
        due_soon_share: float,
        alerts: SqlAlertRepository,
        speaker_names: Mapping[str, str] | None = None,
    ) -> CaseWiring:
        rules = self.rules
        names = dict(speaker_names or {})

        def alerts_in(period: Period) -> list[Alert]:  # a month of alerts for the false-alarm figures
            return alerts.search(AlertQuery(raised_from=period.start, raised_to=period.end, limit=1_000_000))

        return CaseWiring(
            self.service, rules.catalogue, rules.routing, rules.calendar, evidence, due_soon_share, alerts_in,
            self.repository.latest_for if self.pump is not None else None,
            speaker_name=lambda speaker_id: names.get(speaker_id) or speaker_id,
        )  # fmt: skip

    def close(self) -> None:
        self.ticker.stop()
        self.service.close()  # the case writer finishes what it was given
        if self.pump is not None:
            self.pump.stop()


def case_place(site: SiteConfig) -> Callable[[str], Place]:
    """Where a case made at a camera is: its grid, coordinates and name (the address to correct)."""
    places = {
        c.id: Place(
            c.grid_code,
            c.location.lon if c.location else None,
            c.location.lat if c.location else None,
            c.name,
        )
        for c in site.cameras
    }
    return lambda camera_id: places.get(camera_id, Place())


def export_names(catalogue: Catalogue, case: Case) -> CategoryNames | None:
    category = catalogue.find(case.category_code, case.category_kind)
    if category is None:
        return None
    return CategoryNames(
        category.kind.value, category.class_code, category.class_name.zh, category.name.zh,
        category.class_name.en, category.name.en,
    )  # fmt: skip


def open_cases(
    site: SiteConfig,
    data: Path,
    events: SystemEventLog,
    alerts: AlertService,
    store: SqlAlertRepository,
    clock: Clock,
) -> Cases:
    """Cases in the alert store's database; the catalogue, dispatch table and calendar files kept
    last good (copies in ``data``/settings); confirmed alerts become cases; the outbox pump when
    the site names a city platform endpoint."""
    repository = SqlCaseRepository.beside(store)
    national = national_holidays()
    zone_name, settings = site.site.timezone, site.cases

    def calendar(text: str, path: Path) -> WorkCalendar:
        return calendar_from_settings(parse_calendar_text(text, path), national, site_time_zone=zone_name)

    rules = CaseRules(
        settings, data / "settings", calendar, grid_digits=site.site.grid_code_digits, events=events.publish
    )
    zone = site_zone(zone_name)
    pump: OutboxPump | None = None
    outbox: Callable[[Case, float], OutboxItem] | None = None
    if settings.export.endpoint:
        token = settings.export.token
        delivery = HttpCaseDelivery(
            settings.export.endpoint,
            token.get_secret_value() if token is not None else None,
            timeout_s=settings.export.timeout_s,
        )
        pump = OutboxPump(repository, delivery, on_status=OutboxAlarm(events.publish))

        def outbox(case: Case, at: float) -> OutboxItem:
            return outbox_item(case, at, zone=zone, category=export_names(rules.catalogue(), case))

    auto = AutoCreate(settings.auto_create.on_confirm, settings.auto_create.after_open_minutes)
    service = CaseService(
        repository, clock, catalogue=rules.catalogue, routing=rules.routing, calendar=rules.calendar,
        place_of=case_place(site), auto=auto, outbox=outbox, events=events.publish,
    )  # fmt: skip
    alerts.subscribe(service.on_alert_change)
    if pump is not None:
        service.subscribe(lambda _notice: pump.wake())  # a new version waits no longer than needed
        pump.start()
    ticker = CaseTicker(service, rules, alerts.open_alerts)
    ticker.tick()  # settings problems and unknown holiday years are said at start
    ticker.start()
    return Cases(repository, rules, service, ticker, pump)
