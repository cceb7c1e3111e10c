"""What the alert service needs from the outside world, as ports (implemented in ``app/adapters``).

* :class:`AlertRepository`: where alerts and their audit events are kept (SQLite or PostgreSQL);
  ``append`` writes a change (the alert as it is now and its sealed audit event) in one
  transaction. Called from one writer thread only.
* :class:`AlertWriter`: the one writer thread in front of the repository (the GUI never waits).
* :class:`EvidenceStore`: content-addressed files (stills, clips), by sha256.
* :class:`Clock`: wall-clock seconds (a fake one in tests).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from app.core.alerts import Alert, AlertState, DismissReason, EvidenceKind, EvidenceRef, Rule
from app.core.audit import AuditDraft, AuditEvent


class Clock(Protocol):
    def now(self) -> float: ...


@dataclass(frozen=True)
class AlertQuery:
    """History search; every field left None matches all. Times are wall-clock seconds."""

    camera_ids: frozenset[str] | None = None
    rules: frozenset[Rule] | None = None
    states: frozenset[AlertState] | None = None
    reasons: frozenset[DismissReason] | None = None
    raised_from: float | None = None
    raised_to: float | None = None
    text: str | None = None  # in the zone name, note or camera id
    limit: int = 1000


class SchemaTooNew(RuntimeError):
    """The database was written by a newer CityWall: refused, never downgraded."""


class StoreFault(StrEnum):
    """Why the alert store cannot be written (the UI words it; the service raises a system event)."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    LOCKED = "locked"  # another writer held the database longer than the busy timeout
    UNREACHABLE = "unreachable"  # the database server cannot be reached (or refused the login)
    DAMAGED = "damaged"  # the file is not a database, or is corrupt
    OTHER = "other"


class StoreUnavailable(RuntimeError):
    """A read or write of the alert store failed: ``where`` names the file (or the server, never
    its password), ``fault`` says why in a word, ``detail`` is the technical text."""

    def __init__(self, where: str, fault: StoreFault, detail: str) -> None:
        super().__init__(f"alert store {where}: {fault.value.replace('_', ' ')}: {detail}")
        self.where, self.fault, self.detail = where, fault, detail


class AlertRepository(Protocol):
    def append(self, alert: Alert, draft: AuditDraft) -> AuditEvent:
        """Store ``alert`` as it is now and seal ``draft`` as the next audit event, atomically."""
        ...

    def append_many(self, changes: Sequence[tuple[Alert | None, AuditDraft]]) -> list[AuditEvent]:
        """Several changes in one transaction, chained in the order given: all kept or none."""
        ...

    def get(self, alert_id: str) -> Alert | None: ...

    def open_alerts(self) -> list[Alert]:
        """Alerts not cleared, confirmed or dismissed, plus any nobody acknowledged yet."""
        ...

    def search(self, query: AlertQuery) -> list[Alert]:
        """Newest first."""
        ...

    def events(self, subject: str | None = None) -> Iterator[AuditEvent]:
        """Audit events in the order stored (all, or one subject's)."""
        ...

    def all_alerts(self) -> Iterator[Alert]: ...

    def close(self) -> None: ...


class AlertWriter(Protocol):
    """The one writer: changes are written in the order submitted, off the caller's thread."""

    def submit(self, alert: Alert | None, draft: AuditDraft) -> Future[AuditEvent]:
        """``alert`` None: an event of its own (a voice prompt played where no alert was open)."""
        ...

    def close(self) -> object:
        """Finish what was submitted, then stop (what it returns is the writer's own business)."""
        ...


class EvidenceProblem(RuntimeError):
    """The evidence could not be kept (disk full, folder read-only): says which file and why."""


class EvidenceStore(Protocol):
    def put(
        self,
        data: bytes,
        *,
        kind: EvidenceKind,
        media_type: str,
        captured_at: float,
        camera_id: str,
        stream: str,
        note: str = "",
    ) -> EvidenceRef:
        """Keep ``data`` under its sha256 (the same bytes twice are kept once); raises EvidenceProblem."""
        ...

    def read(self, ref: EvidenceRef) -> bytes: ...

    def verify(self, refs: Sequence[EvidenceRef]) -> list[tuple[EvidenceRef, str]]:
        """Each file that is missing or whose content no longer matches its hash, with why."""
        ...
