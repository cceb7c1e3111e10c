"""Outbox stores for tests: in memory, and in a SQLite file (durable across kill -9).

The real store is the SQL one of app/adapters/storage (table case_outbox, written in the case's
transaction); these implement the same port, app.core.case_ports.OutboxStore, so the pump and its
faults are tested without it. ``SqliteFileOutbox`` exists only for the kill test: a child process
must find the queue where its killed predecessor left it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, payload TEXT NOT NULL,
    created_at REAL NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_attempt_at REAL NOT NULL, last_error TEXT NOT NULL, delivered_at REAL
)
"""


class SqliteFileOutbox:
    """OutboxStore in a SQLite file (each call its own connection and transaction: safe across
    threads, and whatever a call returned from is on disk when the process is killed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def _write(self, sql: str, args: Sequence[object]) -> None:
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(sql, args)
            db.execute("COMMIT")
        finally:
            db.close()

    def _read(self, sql: str, args: Sequence[object] = ()) -> list[OutboxEntry]:
        db = self._db()
        try:
            rows = db.execute(sql, args).fetchall()
        finally:
            db.close()
        return [
            OutboxEntry(OutboxItem(r[0], r[1], r[2], r[3], r[4]), DeliveryState(r[5]), r[6], r[7], r[8], r[9])
            for r in rows
        ]

    _COLUMNS = (
        "key, case_id, version, payload, created_at, state, attempts, next_attempt_at, last_error, "
        "delivered_at"
    )

    def add(self, item: OutboxItem) -> None:
        self._write(
            f"INSERT OR IGNORE INTO outbox ({self._COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, '', NULL)",
            (item.key, item.case_id, item.version, item.payload, item.created_at, item.created_at),
        )

    def due(self, now: float, limit: int = 50) -> list[OutboxEntry]:
        return self._read(
            f"SELECT {self._COLUMNS} FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY created_at, version LIMIT ?",
            (now, limit),
        )

    def mark_delivered(self, key: str, at: float, note: str = "") -> None:
        self._write(
            "UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, "
            "last_error = '' WHERE key = ?",
            (at, key),
        )

    def mark_failed(self, key: str, at: float, error: str, next_attempt_at: float) -> None:
        self._write(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE key = ?",
            (error, next_attempt_at, key),
        )

    def mark_rejected(self, key: str, at: float, error: str) -> None:
        self._write(
            "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ? WHERE key = ?",
            (error, key),
        )

    def latest_for(self, case_id: str) -> OutboxEntry | None:
        rows = self._read(
            f"SELECT {self._COLUMNS} FROM outbox WHERE case_id = ? ORDER BY version DESC LIMIT 1", (case_id,)
        )
        return rows[0] if rows else None

    def counts(self) -> dict[DeliveryState, int]:
        out = dict.fromkeys(DeliveryState, 0)
        for entry in self._read(f"SELECT {self._COLUMNS} FROM outbox"):
            out[entry.state] += 1
        return out

    def entries(self, states: Sequence[DeliveryState] | None = None, limit: int = 500) -> list[OutboxEntry]:
        chosen = [s.value for s in (states or list(DeliveryState))]
        marks = ", ".join("?" for _ in chosen)
        return self._read(
            f"SELECT {self._COLUMNS} FROM outbox WHERE state IN ({marks}) "
            "ORDER BY created_at, version LIMIT ?",
            (*chosen, limit),
        )


# --- sample cases ------------------------------------------------------------------------------------
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
