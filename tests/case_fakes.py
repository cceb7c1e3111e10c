"""An outbox store in memory for the pump's unit tests, and cases at several versions.

The real store is the SQL one of app/adapters/storage (table case_outbox, written in the case's
transaction; the kill test runs on it); this implements the same port,
app.core.case_ports.OutboxStore, so the pump and its faults are tested fast without it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import replace

from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.case_ports import DeliveryState, OutboxEntry, OutboxItem
from app.core.cases import Actor, Case, CaseEvidence, CaseSource, EvidenceStage, Role, dispatch, file, report
from app.core.time_limits import DeadlineUnit, TimeLimit


class MemoryOutbox:
    """OutboxStore in a dict; ``broken`` makes every call raise StoreUnavailable (a lost database)."""

    def __init__(self) -> None:
        self._entries: dict[str, OutboxEntry] = {}
        self._lock = threading.Lock()
        self.broken = False
        self.calls = 0

    def _check(self) -> None:
        self.calls += 1
        if self.broken:
            raise StoreUnavailable("memory", StoreFault.UNREACHABLE, "the test broke it")

    def add(self, item: OutboxItem) -> None:
        """What CaseRepository.append does with its ``outbox`` argument."""
        with self._lock:
            if item.key not in self._entries:
                self._entries[item.key] = OutboxEntry(item, DeliveryState.PENDING, 0, item.created_at)

    def due(self, now: float, limit: int = 50) -> list[OutboxEntry]:
        with self._lock:
            self._check()
            due = [
                e
                for e in self._entries.values()
                if e.state is DeliveryState.PENDING and e.next_attempt_at <= now
            ]
            return sorted(due, key=lambda e: (e.item.created_at, e.item.version))[:limit]

    def _update(self, key: str, **changes: object) -> None:
        with self._lock:
            self._check()
            entry = self._entries[key]
            self._entries[key] = replace(entry, **changes)  # type: ignore[arg-type]

    def mark_delivered(self, key: str, at: float, note: str = "") -> None:
        attempts = self._entries[key].attempts + 1
        self._update(key, state=DeliveryState.DELIVERED, delivered_at=at, attempts=attempts, last_error="")

    def mark_failed(self, key: str, at: float, error: str, next_attempt_at: float) -> None:
        attempts = self._entries[key].attempts + 1
        self._update(key, attempts=attempts, last_error=error, next_attempt_at=next_attempt_at)

    def mark_rejected(self, key: str, at: float, error: str) -> None:
        attempts = self._entries[key].attempts + 1
        self._update(key, state=DeliveryState.REJECTED, attempts=attempts, last_error=error)

    def latest_for(self, case_id: str) -> OutboxEntry | None:
        with self._lock:
            self._check()
            mine = [e for e in self._entries.values() if e.item.case_id == case_id]
            return max(mine, key=lambda e: e.item.version, default=None)

    def counts(self) -> dict[DeliveryState, int]:
        with self._lock:
            self._check()
            out = dict.fromkeys(DeliveryState, 0)
            for entry in self._entries.values():
                out[entry.state] += 1
            return out

    def entries(self, states: Sequence[DeliveryState] | None = None, limit: int = 500) -> list[OutboxEntry]:
        with self._lock:
            self._check()
            chosen = [e for e in self._entries.values() if states is None or e.state in states]
            return sorted(chosen, key=lambda e: (e.item.created_at, e.item.version))[:limit]


T0 = 1_715_000_000.0  # 2024-05-06 20:53:20 +08:00
OPERATOR = Actor("wang", Role.OPERATOR)
LEADER = Actor("li", Role.SHIFT_LEADER)


def evidence(
    data: bytes,
    kind: EvidenceKind = EvidenceKind.STILL,
    stage: EvidenceStage = EvidenceStage.REPORT,
    media_type: str = "image/jpeg",
    at: float = T0,
) -> CaseEvidence:
    ref = EvidenceRef(hashlib.sha256(data).hexdigest(), kind, media_type, len(data), at, "cam-01", "main")
    return CaseEvidence(ref, stage, "wang", at)


def case_versions(n: int, at: float = T0) -> list[Case]:
    """Case ``C-n`` at versions 1 (reported, with a still and a clip), 2 (filed), 3 (dispatched)."""
    base = Case(
        id=f"C-{n}", source=CaseSource.VIDEO, category_code="0501", created_at=at, created_by="wang",
        camera_id="cam-01", zone_id="z1", grid_code="330105001002003", lon=120.16, lat=30.27,
        address="延安路 100 号", description="无照经营游商：三轮车卖水果",
        alert_ids=(f"A-{n}",), evidence=(
            evidence(f"still {n}".encode()),
            evidence(f"clip {n}".encode(), EvidenceKind.CLIP, media_type="video/mp4"),
        ),
    )  # fmt: skip
    reported = report(base, OPERATOR, at).after
    filed = file(reported, OPERATOR, at + 60, time_limit=TimeLimit(4, DeadlineUnit.WORK_HOURS)).after
    sent = dispatch(filed, OPERATOR, at + 120, department_id="城管执法一中队", due_at=at + 4 * 3600).after
    return [reported, filed, sent]
