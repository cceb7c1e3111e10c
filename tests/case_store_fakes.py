"""A case repository in memory (with the store's version check and a shared audit chain), and the
small catalogue, routing and calendar the case service reads, for unit and UI tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.audit import GENESIS, AuditDraft, AuditEvent, seal
from app.core.case_catalogue import CaseKind
from app.core.case_ports import CaseConflict, CaseQuery, OpenCaseExists, OutboxItem
from app.core.case_timeline import merged
from app.core.cases import Case, CaseFacts, CaseState, facts_of
from app.core.time_limits import DeadlineUnit, TimeLimit


class MemoryCaseRepository:
    where = "memory"

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.chain: list[AuditEvent] = []
        self.outbox: list[OutboxItem] = []
        self.failing = False  # every write fails (a full disk)

    def append(
        self,
        case: Case,
        draft: AuditDraft,
        *,
        expected_version: int | None,
        outbox: OutboxItem | None = None,
        one_open_per_place: bool = False,
    ) -> AuditEvent:
        if self.failing:
            raise StoreUnavailable(self.where, StoreFault.DISK_FULL, "No space left on device")
        if one_open_per_place and expected_version is None:
            same = [c.id for c in self.cases.values() if c.is_open and c.key == case.key and c.id != case.id]
            if same and case.camera_id is not None and case.zone_id is not None:  # as the SQL store checks
                raise OpenCaseExists(case.id, same[0])
        stored = self.cases.get(case.id)
        if (stored is None) != (expected_version is None) or (
            stored is not None and stored.version != expected_version
        ):
            raise CaseConflict(case.id, expected_version, stored.version if stored else None,
                               stored.updated_by if stored else None)  # fmt: skip
        event = seal(draft, len(self.chain) + 1, self.chain[-1].hash if self.chain else GENESIS)
        self.chain.append(event)
        self.cases[case.id] = case
        if outbox is not None:
            self.outbox.append(outbox)
        return event

    def get(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def open_case_for(self, camera_id: str, zone_id: str, category_code: str) -> Case | None:
        return next(
            (c for c in self.cases.values() if c.is_open and c.key == (camera_id, zone_id, category_code)),
            None,
        )

    def case_for_alert(self, alert_id: str) -> Case | None:
        return next((c for c in self.cases.values() if alert_id in c.alert_ids), None)

    def search(self, query: CaseQuery) -> list[Case]:
        found = [c for c in self.cases.values() if _matches(c, query)]
        key = query.sort.value
        found.sort(
            key=lambda c: (getattr(c, key) is None, getattr(c, key) or 0, c.id), reverse=query.descending
        )
        return found[query.offset : query.offset + query.limit]

    def count(self, query: CaseQuery, at_most: int | None = None) -> int:
        found = sum(1 for c in self.cases.values() if _matches(c, query))
        return found if at_most is None else min(found, at_most + 1)

    def facts(self, created_from: float | None = None, created_to: float | None = None) -> list[CaseFacts]:
        return [facts_of(c) for c in self.cases.values()
                if (created_from is None or c.created_at >= created_from)
                and (created_to is None or c.created_at < created_to)]  # fmt: skip

    def facts_in_period(self, start: float, end: float) -> list[CaseFacts]:
        def within(at: float | None) -> bool:
            return at is not None and start <= at < end

        return [facts_of(c) for c in self.cases.values() if within(c.created_at) or within(c.due_at)
                or within(c.closed_at)]  # fmt: skip

    def events(self, case_id: str) -> list[AuditEvent]:
        return [e for e in self.chain if e.subject == f"case:{case_id}"]

    def timeline(self, case_id: str) -> list[AuditEvent]:
        case = self.cases.get(case_id)
        subjects = {f"case:{case_id}", *(f"alert:{a}" for a in (case.alert_ids if case else ()))}
        return merged(e for e in self.chain if e.subject in subjects)

    def cased_alerts(self, raised_from: float, raised_to: float) -> set[str]:
        """Every alert a case holds (the memory store keeps no alerts to know when they were raised)."""
        return {a for c in self.cases.values() for a in c.alert_ids}

    def all_cases(self) -> Iterator[Case]:
        return iter(list(self.cases.values()))

    def changed_since(self, updated_after: float) -> list[Case]:
        return sorted((c for c in self.cases.values() if (c.updated_at or 0) > updated_after),
                      key=lambda c: c.updated_at or 0)  # fmt: skip


def _matches(case: Case, q: CaseQuery) -> bool:
    if q.states is not None and case.state not in q.states:
        return False
    if q.category_codes is not None and not any(case.category_code.startswith(c) for c in q.category_codes):
        return False
    if q.grid_prefix and not (case.grid_code or "").startswith(q.grid_prefix):
        return False
    if q.department_ids is not None and case.department_id not in q.department_ids:
        return False
    if q.sources is not None and case.source not in q.sources:
        return False
    if q.overdue_at is not None and not (
        case.state in (CaseState.DISPATCHED, CaseState.IN_PROGRESS) and case.due_at is not None
        and case.due_at < q.overdue_at
    ):  # fmt: skip
        return False
    return not q.text or any(q.text in t for t in (case.id, case.address, case.description, case.note))


# --- settings the service reads -------------------------------------------------------------------
@dataclass(frozen=True)
class FakeCategory:
    code: str
    time_limit: TimeLimit
    urgent: bool = False
    kind: CaseKind = CaseKind.EVENT


@dataclass
class FakeCatalogue:
    categories: dict[str, FakeCategory] = field(default_factory=lambda: {
        "0501": FakeCategory("0501", TimeLimit(2, DeadlineUnit.WORK_HOURS)),
        "0504": FakeCategory("0504", TimeLimit(1, DeadlineUnit.WORK_DAYS)),
        "0102": FakeCategory("0102", TimeLimit(4, DeadlineUnit.WORK_HOURS)),
    })  # fmt: skip
    for_alerts: dict[tuple[str, str], str] = field(default_factory=lambda: {
        ("vending", "0501"): "0501", ("vending", "0504"): "0504", ("bin_overflow", "0102"): "0102",
    })  # fmt: skip

    def category(self, code: str, kind: CaseKind = CaseKind.EVENT) -> FakeCategory:
        return self.categories[code]  # KeyError is a LookupError, like UnknownCategory

    def category_for_alert(self, rule: str, event_code: str) -> FakeCategory | None:
        code = self.for_alerts.get((rule, event_code))
        return None if code is None else self.categories[code]


@dataclass(frozen=True)
class FakeDepartment:
    id: str


@dataclass(frozen=True)
class FakeSuggestion:
    department: FakeDepartment


class FakeRouting:
    """Vending to the enforcement squad, everything else to sanitation."""

    def suggest(self, category: FakeCategory, grid_code: str | None) -> FakeSuggestion | None:
        return FakeSuggestion(
            FakeDepartment("enforcement" if category.code.startswith("05") else "sanitation")
        )


class ClockCalendar:
    """Every hour is a working hour (the real calendar has its own tests)."""

    def deadline(self, start: float, limit: TimeLimit) -> float:
        hours = limit.amount * (8 if limit.unit is DeadlineUnit.WORK_DAYS else 1)
        return start + hours * 3600.0

    def extend(self, due_at: float, extension: TimeLimit) -> float:
        return self.deadline(due_at, extension)

    def resume(self, due_at: float, paused_at: float, resumed_at: float, unit: DeadlineUnit) -> float:
        return due_at if paused_at >= due_at else resumed_at + (due_at - paused_at)
