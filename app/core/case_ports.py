"""What the case service needs from the outside world, as ports (implemented in ``app/adapters``).

* :class:`CaseRepository`: cases (current state, for lists) and their audit events (the shared,
  hash-chained record of :mod:`app.core.audit`), SQLite or PostgreSQL. ``append`` writes a change
  only if the stored case is still at ``expected_version``: two people changing one case, the
  second gets :class:`CaseConflict` and nothing is overwritten. A change may carry an
  :class:`OutboxItem`, written in the same transaction (the transactional outbox: a case change and
  its delivery to the city platform are kept together or not at all).
* :class:`OutboxStore`: the durable queue of deliveries to the city platform.
* :class:`CaseDelivery`: sends one item to the platform (HTTP), idempotent by ``OutboxItem.key``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from app.core.audit import AuditDraft, AuditEvent
from app.core.cases import Case, CaseFacts, CaseSource, CaseState


class CaseConflict(RuntimeError):
    """The case changed since it was read (someone else was quicker): reload, then decide again."""

    def __init__(self, case_id: str, expected: int | None, found: int | None, by: str | None) -> None:
        who = f" by {by}" if by else ""
        if expected is None:
            text = f"case {case_id} exists already"
        else:
            text = f"case {case_id} was changed{who} (version {found}, you had {expected})"
        super().__init__(text)
        self.case_id, self.expected, self.found, self.by = case_id, expected, found, by


class OpenCaseExists(CaseConflict):
    """A new case for a place (camera, zone, category) that has an open case already: another
    workstation made it first. The new one is not stored; the alert belongs on ``existing_id``."""

    def __init__(self, case_id: str, existing_id: str) -> None:
        super().__init__(case_id, None, None, None)
        self.args = (f"case {case_id}: case {existing_id} is open for the same place already",)
        self.existing_id = existing_id


class SortKey(StrEnum):
    CREATED = "created_at"
    DUE = "due_at"
    UPDATED = "updated_at"
    STATE = "state"
    CATEGORY = "category_code"
    GRID = "grid_code"
    DEPARTMENT = "department_id"


@dataclass(frozen=True)
class CaseQuery:
    """The case list's filters; every field left None matches all. Times are wall-clock seconds."""

    states: frozenset[CaseState] | None = None
    category_codes: frozenset[str] | None = None  # a class code ("05") matches its subclasses
    grid_prefix: str | None = None  # "330105" matches every grid of that district
    department_ids: frozenset[str] | None = None
    sources: frozenset[CaseSource] | None = None
    overdue_at: float | None = None  # only cases overdue at this time (dispatched/in progress, past due)
    created_from: float | None = None
    created_to: float | None = None
    text: str | None = None  # in the id, address, description or note
    sort: SortKey = SortKey.CREATED
    descending: bool = True
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class OutboxItem:
    """One delivery to the city platform: the case as it was at ``version``."""

    key: str  # idempotency key, f"{case_id}:{version}": the platform ignores a key it has seen
    case_id: str
    version: int
    payload: str  # canonical JSON (the documented export schema)
    created_at: float


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting (first try or retry after ``next_attempt_at``)
    DELIVERED = "delivered"
    REJECTED = "rejected"  # the platform refused it for good (4xx other than 408/409/429): shown, kept


@dataclass(frozen=True)
class OutboxEntry:
    item: OutboxItem
    state: DeliveryState
    attempts: int
    next_attempt_at: float
    last_error: str = ""
    delivered_at: float | None = None


class CaseRepository(Protocol):
    where: str

    def append(
        self,
        case: Case,
        draft: AuditDraft,
        *,
        expected_version: int | None,
        outbox: OutboxItem | None = None,
        one_open_per_place: bool = False,
    ) -> AuditEvent:
        """Store ``case`` and seal ``draft`` as the next audit event (and queue ``outbox``), all in
        one transaction; ``expected_version`` None means new. ``one_open_per_place``: a new case
        whose (camera, zone, category) has an open case already is refused with OpenCaseExists
        (checked inside the transaction, so two workstations cannot both make one). Raises
        CaseConflict or StoreUnavailable (app.core.alert_ports)."""
        ...

    def get(self, case_id: str) -> Case | None: ...

    def open_case_for(self, camera_id: str, zone_id: str, category_code: str) -> Case | None:
        """The open case of (camera, zone, category), if any (one at most)."""
        ...

    def case_for_alert(self, alert_id: str) -> Case | None: ...

    def search(self, query: CaseQuery) -> list[Case]: ...

    def count(self, query: CaseQuery, at_most: int | None = None) -> int:
        """How many cases match; with ``at_most`` it stops counting there (an answer of
        ``at_most + 1`` means "more than at_most": a list needs no exact 150,000)."""
        ...

    def facts(self, created_from: float | None = None, created_to: float | None = None) -> list[CaseFacts]:
        """What the figures need, for cases created in [from, to) (all when None)."""
        ...

    def facts_in_period(self, start: float, end: float) -> list[CaseFacts]:
        """What the figures of [start, end) need: the cases made in it, or due in it, or closed in
        it (a case is judged at its closure or its deadline, whichever comes first)."""
        ...

    def events(self, case_id: str) -> list[AuditEvent]:
        """One case's own audit events, in the order written."""
        ...

    def timeline(self, case_id: str) -> list[AuditEvent]:
        """The case's whole story: its own events and those of the alerts it holds (raised,
        prompted, the ladder's steps, confirmed …), in time order."""
        ...

    def cased_alerts(self, raised_from: float, raised_to: float) -> set[str]:
        """The ids of the alerts raised in [from, to) that a case was made from (or joined)."""
        ...

    def all_cases(self) -> Iterator[Case]: ...

    def changed_since(self, updated_after: float) -> list[Case]:
        """Cases changed after a time (another workstation's changes, for the lists)."""
        ...


class OutboxStore(Protocol):
    def due(self, now: float, limit: int = 50) -> list[OutboxEntry]:
        """Pending entries whose next attempt is due, oldest first."""
        ...

    def mark_delivered(self, key: str, at: float, note: str = "") -> None: ...

    def mark_failed(self, key: str, at: float, error: str, next_attempt_at: float) -> None: ...

    def mark_rejected(self, key: str, at: float, error: str) -> None: ...

    def latest_for(self, case_id: str) -> OutboxEntry | None:
        """The newest delivery of a case (its export status in the UI)."""
        ...

    def counts(self) -> dict[DeliveryState, int]: ...

    def entries(
        self, states: Sequence[DeliveryState] | None = None, limit: int = 500
    ) -> list[OutboxEntry]: ...


class DeliveryFailed(RuntimeError):
    """One try failed; ``retry`` False when the platform refused the item for good."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason, self.retry = reason, retry


class CaseDelivery(Protocol):
    def deliver(self, item: OutboxItem) -> str:
        """Send one item; returns the platform's receipt (its id or "duplicate"); raises DeliveryFailed."""
        ...
