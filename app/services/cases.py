"""The case service: the one owner of the case workflow (no Qt, no I/O of its own).

People's commands (file, dispatch, feedback, verify, return, close, defer, extend …) go through
the core's table (:mod:`app.core.cases`), are written by the one case writer thread (the GUI never
waits on the database) and come back as a future; every subscriber hears each stored change. The
store is the truth: a change is told only after it is stored, and a change made on an old version
of the case (another workstation was quicker) fails with
:class:`~app.core.case_ports.CaseConflict`, nothing overwritten.

Cases come from alerts by rule (:class:`AutoCreate`): when an operator confirms an alert (the
default; the confirmation is the 核实, so the case is reported *and filed* in the confirming
operator's name), or when an alert stays open and undismissed for N minutes (off by default; the
case is then only reported, by the system, and waits for a person). Never two open cases for one
(camera, zone, category): a repeat becomes an occurrence on the open case. A case made from an
alert that the store refused is kept in memory and tried again on every tick (never lost).

The catalogue, routing and calendar are read through callables, so that an edited settings file
(kept "last good" by :mod:`app.services.settings_files`) applies to the next case without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from app.core import cases as flow
from app.core.alert_ports import Clock, StoreUnavailable
from app.core.alerts import SHOWN_EVIDENCE, Alert, AlertChange, AlertState
from app.core.audit import AuditEvent
from app.core.case_catalogue import CaseKind
from app.core.case_ports import CaseConflict, CaseQuery, CaseRepository, OpenCaseExists, OutboxItem
from app.core.cases import (
    Actor,
    Case,
    CaseChange,
    CaseCommand,
    CaseEvidence,
    CaseFacts,
    CaseSource,
    CaseState,
    EvidenceStage,
    RequestKind,
    Role,
)
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.services.listeners import add_listener

log = logging.getLogger(__name__)

C = CaseCommand
STORE = "cases"  # the subject of the store's system events
SYSTEM = Actor("system", Role.SYSTEM)


# --- what the service reads from the site's settings (the catalogue, routing and calendar) ----------
class CategoryInfo(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def kind(self) -> CaseKind: ...

    @property
    def time_limit(self) -> TimeLimit: ...

    @property
    def urgent(self) -> bool: ...


class CatalogueInfo(Protocol):
    """What the service reads of :class:`~app.core.case_catalogue.Catalogue`."""

    def category(self, code: str, kind: CaseKind = CaseKind.EVENT) -> Any:
        """The category (a CategoryInfo); raises LookupError (UnknownCategory) for an unknown code."""
        ...

    def category_for_alert(self, rule: str, event_code: str) -> Any: ...


class RoutingInfo(Protocol):
    """What the service reads of :class:`~app.core.case_catalogue.Routing`."""

    def suggest(self, category: Any, grid_code: str | None) -> Any:
        """A suggestion with ``.department.id`` (None: no rule matches)."""
        ...


class CalendarInfo(Protocol):
    def deadline(self, start: float, limit: TimeLimit) -> float: ...

    def extend(self, due_at: float, extension: TimeLimit) -> float: ...

    def resume(self, due_at: float, paused_at: float, resumed_at: float, unit: DeadlineUnit) -> float: ...


@dataclass(frozen=True)
class Place:
    """Where a camera looks: what a case made at it is located by."""

    grid_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    address: str = ""


@dataclass(frozen=True)
class AutoCreate:
    on_confirm: bool = True  # a confirmed alert becomes a filed case
    after_open_minutes: float | None = None  # an alert open (undismissed) this long becomes a case


@dataclass(frozen=True)
class CaseNotice:
    """What subscribers hear: a stored change, or a case that just went overdue."""

    case: Case
    change: CaseChange | None = None  # None: nothing changed in the record (an overdue notice)
    overdue: bool = False


Listener = Callable[[CaseNotice], None]
T = TypeVar("T")


def new_case_id(at: float) -> str:
    """Readable and unique across workstations: C20261207-183012-1a2b3c."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(at))
    return f"C{stamp}-{uuid.uuid4().hex[:6]}"


class CaseService:
    def __init__(
        self,
        repository: CaseRepository,
        clock: Clock,
        *,
        catalogue: Callable[[], CatalogueInfo],
        routing: Callable[[], RoutingInfo],
        calendar: Callable[[], CalendarInfo],
        place_of: Callable[[str], Place] = lambda camera_id: Place(),
        auto: AutoCreate = AutoCreate(),
        outbox: Callable[[Case, float], OutboxItem] | None = None,
        events: EventSink | None = None,
    ) -> None:
        self._repo, self._clock = repository, clock
        self._catalogue, self._routing, self._calendar = catalogue, routing, calendar
        self._place_of, self.auto, self._outbox, self._events = place_of, auto, outbox, events
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-writer")
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._waiting: list[tuple[Alert, Actor, bool]] = []  # alert cases the store refused: retried
        self._failing = False
        self._overdue_told: set[str] = set()
        self._seen_updated_at = clock.now()  # changes before start are in the lists' first read

    # --- reading (any thread; the UI reads off the GUI thread for big lists) ---------------------------
    def get(self, case_id: str) -> Case | None:
        return self._repo.get(case_id)

    def search(self, query: CaseQuery) -> list[Case]:
        return self._repo.search(query)

    def count(self, query: CaseQuery, at_most: int | None = None) -> int:
        return self._repo.count(query, at_most)

    def facts(self, created_from: float | None = None, created_to: float | None = None) -> list[CaseFacts]:
        return self._repo.facts(created_from, created_to)

    def facts_in_period(self, start: float, end: float) -> list[CaseFacts]:
        return self._repo.facts_in_period(start, end)

    def timeline(self, case_id: str) -> list[AuditEvent]:
        """The case's events and its alerts' (the raise, each voice prompt, the ladder's steps, the
        confirmation …), in time order."""
        return self._repo.timeline(case_id)

    def cased_alerts(self, raised_from: float, raised_to: float) -> set[str]:
        """The alerts raised in [from, to) a case was made from (the voice figures' "escalated")."""
        return self._repo.cased_alerts(raised_from, raised_to)

    def case_for_alert(self, alert_id: str) -> Case | None:
        return self._repo.case_for_alert(alert_id)

    def suggest_department(self, case: Case) -> str | None:
        """What the routing table proposes for the case's category and grid (None: no rule)."""
        try:
            category = self._catalogue().category(case.category_code, case.category_kind)
        except LookupError:
            return None
        suggestion = self._routing().suggest(category, case.grid_code)
        return str(suggestion.department.id) if suggestion is not None else None

    def due_at(self, case: Case, start: float) -> float | None:
        """The deadline if the case were dispatched at ``start`` (for the dispatch dialog)."""
        limit = case.time_limit or self._limit_of(case)
        return None if limit is None else self._calendar().deadline(start, limit)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every stored change (on the case writer's thread)."""
        return add_listener(self._listeners, self._lock, listener)

    # --- people's commands ----------------------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        *,
        category_code: str,
        category_kind: CaseKind = CaseKind.EVENT,
        camera_id: str | None = None,
        description: str = "",
        evidence: tuple[CaseEvidence, ...] = (),
        grid_code: str | None = None,
        address: str | None = None,
        file_now: bool = True,
    ) -> Future[Case]:
        """A case made by hand (at a tile: its snapshot, a category, the camera's grid prefilled)."""
        return self._submit(lambda: self._create_by_hand(
            actor, category_code, category_kind, camera_id, description, evidence, grid_code, address,
            file_now,
        ))  # fmt: skip

    def execute(
        self, case_id: str, command: CaseCommand, actor: Actor, expected_version: int, **args: Any
    ) -> Future[Case]:
        """Any person's command on a case as the person saw it (``expected_version``)."""
        return self._submit(lambda: self._command(case_id, command, actor, expected_version, args))

    def file(self, case_id: str, actor: Actor, version: int, note: str = "") -> Future[Case]:
        return self.execute(case_id, CaseCommand.FILE, actor, version, note=note)

    def dispatch(
        self, case_id: str, actor: Actor, version: int, department_id: str | None = None, note: str = ""
    ) -> Future[Case]:
        return self.execute(
            case_id, CaseCommand.DISPATCH, actor, version, department_id=department_id, note=note
        )

    # --- alerts become cases ------------------------------------------------------------------------
    def on_alert_change(self, change: AlertChange) -> None:
        """Subscribed to the alert service: a confirmation makes (or adds to) a case."""
        alert = change.after
        confirmed = alert.state is AlertState.CONFIRMED and (
            change.before is None or change.before.state is not AlertState.CONFIRMED
        )
        if confirmed and self.auto.on_confirm and alert.confirmed_by:
            actor = Actor(alert.confirmed_by, Role.OPERATOR)
            self._background(lambda: self._case_from_alert(alert, actor, file_now=True))

    def case_from_alert(self, alert: Alert, actor: Actor = SYSTEM) -> Future[Case | None]:
        """A case for ``alert`` made by a rule (the escalation ladder: still there after its last
        prompt): reported in ``actor``'s name with the alert's evidence (stills, clips, the audio of
        the prompts); filed when a person makes it (立案 is a person's 核实). An open case of the
        same (camera, zone, category) gets the alert as an occurrence instead."""
        return self._submit(
            lambda: self._case_from_alert(alert, actor, file_now=actor.role is not Role.SYSTEM)
        )

    def tick(self, open_alerts: list[Alert] | None = None) -> None:
        """About every few seconds: alerts open too long become cases, refused ones are tried
        again, cases that went overdue are told once, and other workstations' changes are picked up."""
        self._background(lambda: self._tick(open_alerts or []))

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    # --- the writer thread ----------------------------------------------------------------------------
    def _submit(self, work: Callable[[], T]) -> Future[T]:
        return self._writer.submit(work)

    def _background(self, work: Callable[[], object]) -> None:
        """Work nobody waits for: a failure is logged (store failures are handled inside)."""

        def done(future: Future[object]) -> None:
            if future.exception() is not None:
                log.error("case work failed: %s", future.exception(), exc_info=future.exception())

        self._submit(work).add_done_callback(done)

    def _store(self, change: CaseChange, *, outbox: bool = True, one_open_per_place: bool = False) -> Case:
        expected = change.before.version if change.before is not None else None
        item = None
        if outbox and self._outbox is not None and change.after.state is not CaseState.REPORTED:
            item = self._outbox(change.after, change.draft.at)
        self._repo.append(
            change.after, change.draft, expected_version=expected, outbox=item,
            one_open_per_place=one_open_per_place,
        )  # fmt: skip
        self._tell(CaseNotice(change.after, change))
        return change.after

    def _tell(self, notice: CaseNotice) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(notice)
            except Exception:  # one view's bug must not stop the others
                log.exception("case listener failed")

    def _current(self, case_id: str, expected_version: int) -> Case:
        case = self._repo.get(case_id)
        if case is None:
            raise KeyError(f"no case {case_id!r}")
        if case.version != expected_version:
            raise CaseConflict(case_id, expected_version, case.version, case.updated_by)
        return case

    def _category(self, case: Case) -> CategoryInfo:
        category: CategoryInfo = self._catalogue().category(case.category_code, case.category_kind)
        return category

    def _limit_of(self, case: Case) -> TimeLimit | None:
        try:
            return self._category(case).time_limit
        except LookupError:
            return None

    def _command(
        self, case_id: str, command: CaseCommand, actor: Actor, version: int, args: dict[str, Any]
    ) -> Case:
        case = self._current(case_id, version)
        now = self._clock.now()
        note = str(args.get("note", "") or "")
        if command is C.FILE:
            category = self._category(case)
            change = flow.file(
                case, actor, now, time_limit=category.time_limit, urgent=category.urgent, note=note
            )
        elif command is C.DISPATCH:
            department = args.get("department_id") or case.department_id or self.suggest_department(case)
            if not department:
                raise ValueError(f"case {case_id}: no department given and the routing table has none")
            limit = case.time_limit or self._category(case).time_limit
            due = self._calendar().deadline(now, limit)
            change = flow.dispatch(case, actor, now, department_id=str(department), due_at=due, note=note)
        elif command is C.REDISPATCH:
            change = flow.redispatch(case, actor, now, department_id=str(args["department_id"]), reason=note)
        elif command is C.EDIT:
            change = flow.edit(case, actor, now, args["what"], note=note)
        elif command is C.CANCEL:
            change = flow.cancel(case, actor, now, note)
        elif command is C.START:
            change = flow.start(case, actor, now, note)
        elif command is C.FEEDBACK:
            change = flow.feedback(case, actor, now, note, tuple(args.get("evidence", ())))
        elif command is C.VERIFY:
            change = flow.verify(case, actor, now, tuple(args.get("evidence", ())), note)
        elif command is C.RETURN:
            change = flow.return_for_rework(case, actor, now, note, tuple(args.get("evidence", ())))
        elif command is C.CLOSE:
            change = flow.close(case, actor, now, note)
        elif command in (C.REQUEST_DEFERRAL, C.REQUEST_EXTENSION):
            kind = RequestKind.DEFERRAL if command is C.REQUEST_DEFERRAL else RequestKind.EXTENSION
            amount = None if args.get("amount") is None else float(args["amount"])
            if amount is not None and case.time_limit is not None:
                TimeLimit(amount, case.time_limit.unit)  # refused now, not at approval (½ 工作日)
            change = flow.request(case, actor, now, kind, note, amount)
        elif command is C.APPROVE:
            change = flow.approve(case, actor, now, new_due_at=self._extended_due(case), note=note)
        elif command is C.REJECT:
            change = flow.reject(case, actor, now, note)
        elif command is C.RESUME:
            change = flow.resume(case, actor, now, new_due_at=self._resumed_due(case, now), note=note)
        elif command is C.ADD_EVIDENCE:
            change = flow.add_evidence(case, actor, now, tuple(args["evidence"]))
        else:
            raise flow.InvalidCaseTransition(case_id, case.state, command)
        return self._store(change)

    def _extended_due(self, case: Case) -> float | None:
        pending = case.pending
        if pending is None or pending.kind is not RequestKind.EXTENSION or pending.amount is None:
            return None
        if case.time_limit is None or case.due_at is None:
            return None
        return self._calendar().extend(case.due_at, TimeLimit(pending.amount, case.time_limit.unit))

    def _resumed_due(self, case: Case, now: float) -> float:
        """What was left when it was deferred is left again, counted from now on the calendar."""
        if case.due_at is None or case.deferred_at is None or case.time_limit is None:
            return case.due_at or now
        return self._calendar().resume(case.due_at, case.deferred_at, now, case.time_limit.unit)

    def _create_by_hand(
        self,
        actor: Actor,
        category_code: str,
        category_kind: CaseKind,
        camera_id: str | None,
        description: str,
        evidence: tuple[CaseEvidence, ...],
        grid_code: str | None,
        address: str | None,
        file_now: bool,
    ) -> Case:
        catalogue = self._catalogue()
        try:
            category: CategoryInfo = catalogue.category(category_code, category_kind)
        except LookupError:  # a picker that offers codes only: a component code (部件) is one too
            other = CaseKind.COMPONENT if category_kind is CaseKind.EVENT else CaseKind.EVENT
            category = catalogue.category(category_code, other)  # unknown in both: refused
        now = self._clock.now()
        place = self._place_of(camera_id) if camera_id else Place()
        case = Case(
            id=new_case_id(now), source=CaseSource.OPERATOR, category_code=category.code,
            category_kind=category.kind, created_at=now,
            created_by=actor.name, camera_id=camera_id, grid_code=grid_code or place.grid_code,
            lon=place.lon, lat=place.lat, address=place.address if address is None else address,
            description=description, evidence=evidence, urgent=category.urgent,
        )  # fmt: skip
        case = replace(case, suggested_department_id=self.suggest_department(case))
        stored = self._store(flow.report(case, actor, now))
        if file_now:
            stored = self._file_with_suggestion(stored, actor, now, category)
        return stored

    def _file_with_suggestion(self, case: Case, actor: Actor, now: float, category: CategoryInfo) -> Case:
        department = case.suggested_department_id
        return self._store(flow.file(
            case, actor, now, time_limit=category.time_limit, urgent=category.urgent,
            department_id=department, chosen_by="routing" if department else None,
        ))  # fmt: skip

    def _case_from_alert(self, alert: Alert, actor: Actor, *, file_now: bool) -> Case | None:
        try:
            return self._case_from_alert_now(alert, actor, file_now)
        except (StoreUnavailable, OSError) as exc:
            with self._lock:
                if not any(a.id == alert.id for a, _, _ in self._waiting):
                    self._waiting.append((alert, actor, file_now))
            log.error("case for alert %s not stored: %s", alert.id, exc)
            if not self._failing and self._events is not None:
                self._events(SystemEvent.of(
                    SystemEventKind.CASE_NOT_STORED, subject=STORE, detail=f"{alert.id}: {exc}"
                ))  # fmt: skip
            self._failing = True
            return None

    def _case_from_alert_now(self, alert: Alert, actor: Actor, file_now: bool) -> Case | None:
        existing = self._repo.case_for_alert(alert.id)
        if existing is not None:
            return existing  # made before (a retry, or another workstation)
        category: CategoryInfo | None = self._catalogue().category_for_alert(
            alert.rule.value, alert.event_code
        )
        if category is None:
            log.warning("alert %s: no case category for %s/%s", alert.id, alert.rule.value, alert.event_code)
            return None
        now = self._clock.now()
        open_case = self._repo.open_case_for(alert.camera_id, alert.zone_id, category.code)
        if open_case is not None:
            return self._store(flow.add_occurrence(open_case, actor, now, alert.id))
        place = self._place_of(alert.camera_id)
        evidence = tuple(
            CaseEvidence(ref, EvidenceStage.REPORT, actor.name, now)
            for ref in alert.evidence
            if ref.kind in SHOWN_EVIDENCE  # the undrawn judged picture is training data, not evidence
        )
        words = alert.zone_name or alert.zone_id
        case = Case(
            id=new_case_id(now), source=CaseSource.VIDEO, category_code=category.code,
            category_kind=category.kind, created_at=now,
            created_by=actor.name, camera_id=alert.camera_id, preset=alert.preset, zone_id=alert.zone_id,
            grid_code=alert.grid_code or place.grid_code, lon=place.lon, lat=place.lat,
            address=" ".join(p for p in (place.address, words) if p), description=alert.note,
            alert_ids=(alert.id,), last_seen_at=alert.last_seen_at or alert.raised_at,
            evidence=evidence, urgent=category.urgent,
        )  # fmt: skip
        case = replace(case, suggested_department_id=self.suggest_department(case))
        try:
            stored = self._store(flow.report(case, actor, now), one_open_per_place=True)
        except OpenCaseExists as exc:  # another workstation made the place's case meanwhile
            made = self._repo.get(exc.existing_id)
            if made is None:
                raise
            return self._store(flow.add_occurrence(made, actor, now, alert.id))
        if file_now:
            stored = self._file_with_suggestion(stored, actor, now, category)
        return stored

    def _tick(self, open_alerts: list[Alert]) -> None:
        now = self._clock.now()
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for alert, actor, file_now in waiting:
            self._case_from_alert(alert, actor, file_now=file_now)
        with self._lock:
            recovered = self._failing and not self._waiting and bool(waiting)
            if recovered:
                self._failing = False
        if recovered and self._events is not None:
            self._events(SystemEvent.of(SystemEventKind.CASES_STORED, subject=STORE))
        minutes = self.auto.after_open_minutes
        if minutes is not None:
            for alert in open_alerts:
                due = alert.is_open and now - alert.raised_at >= minutes * 60.0 and not alert.snoozed(now)
                if due and self._repo.case_for_alert(alert.id) is None:
                    self._case_from_alert(alert, SYSTEM, file_now=False)
        self._tell_overdue(now)
        self._pick_up_changes()

    def _tell_overdue(self, now: float) -> None:
        try:
            overdue = self._repo.search(CaseQuery(overdue_at=now, limit=500))
        except StoreUnavailable as exc:
            log.warning("overdue check skipped: %s", exc)
            return
        for case in overdue:
            if case.id in self._overdue_told:
                continue
            self._overdue_told.add(case.id)
            if self._events is not None:
                self._events(SystemEvent.of(SystemEventKind.CASE_OVERDUE, subject=case.id, at=now))
            self._tell(CaseNotice(case, None, overdue=True))

    def _pick_up_changes(self) -> None:
        """Another workstation's changes reach this one's lists (the store is shared)."""
        try:
            changed = self._repo.changed_since(self._seen_updated_at)
        except StoreUnavailable:
            return
        for case in changed:
            self._seen_updated_at = max(self._seen_updated_at, case.updated_at or 0.0)
            self._tell(CaseNotice(case))
