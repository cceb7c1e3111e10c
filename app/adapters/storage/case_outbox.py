"""The durable outbox of deliveries to the city platform (:class:`~app.core.case_ports.OutboxStore`),
part of :class:`~app.adapters.storage.cases.SqlCaseRepository`.

Items are written by ``append`` in the transaction of the case change they report; here they are
read when due and marked as each try ends. A case's versions go out in order: an item waits while
an older version of its case is still pending (a retry in back-off), so the platform never gets
version 4 before version 3 and overwrites the newer state with the older.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Row, and_, exists, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.storage import engines
from app.adapters.storage.reads import StoreReads
from app.adapters.storage.schema import case_outbox
from app.core.case_ports import DeliveryState, OutboxEntry, OutboxItem

PENDING = DeliveryState.PENDING.value


class OutboxQueries(StoreReads):
    """The outbox half of the case store (it shares the case store's engines)."""

    _write: Engine

    def due(self, now: float, limit: int = 50) -> list[OutboxEntry]:
        """Pending items whose next try is due, oldest first, none behind an older pending
        version of the same case."""
        older = case_outbox.alias("older")
        waits_behind = exists().where(
            older.c.case_id == case_outbox.c.case_id,
            older.c.state == PENDING,
            older.c.version < case_outbox.c.version,
        )
        stmt = (
            select(case_outbox)
            .where(case_outbox.c.state == PENDING, case_outbox.c.next_attempt_at <= now, ~waits_behind)
            .order_by(case_outbox.c.created_at, case_outbox.c.key)
            .limit(limit)
        )
        return [_entry(row) for row in self._fetch(stmt)]

    def mark_delivered(self, key: str, at: float, note: str = "") -> None:
        """Delivered (``note``: the platform's receipt). Marking it again changes nothing."""
        self._mark(
            key,
            case_outbox.c.state != DeliveryState.DELIVERED.value,
            state=DeliveryState.DELIVERED.value, delivered_at=at, last_attempt_at=at, receipt=note,
            attempts=case_outbox.c.attempts + 1,
        )  # fmt: skip

    def mark_failed(self, key: str, at: float, error: str, next_attempt_at: float) -> None:
        """A try failed: counted, its reason kept, tried again at ``next_attempt_at``. An item
        delivered or rejected meanwhile stays so."""
        self._mark(
            key,
            case_outbox.c.state == PENDING,
            attempts=case_outbox.c.attempts + 1, last_error=error, next_attempt_at=next_attempt_at,
            last_attempt_at=at,
        )  # fmt: skip

    def mark_rejected(self, key: str, at: float, error: str) -> None:
        """The platform refused it for good: kept with the reason, never tried again."""
        self._mark(
            key,
            case_outbox.c.state == PENDING,
            state=DeliveryState.REJECTED.value, attempts=case_outbox.c.attempts + 1, last_error=error,
            last_attempt_at=at,
        )  # fmt: skip

    def latest_for(self, case_id: str) -> OutboxEntry | None:
        stmt = (
            select(case_outbox)
            .where(case_outbox.c.case_id == case_id)
            .order_by(case_outbox.c.version.desc())
            .limit(1)
        )
        rows = self._fetch(stmt)
        return _entry(rows[0]) if rows else None

    def counts(self) -> dict[DeliveryState, int]:
        stmt = select(case_outbox.c.state, func.count().label("n")).group_by(case_outbox.c.state)
        found = {str(row.state): int(row.n) for row in self._fetch(stmt)}
        return {state: found.get(state.value, 0) for state in DeliveryState}

    def entries(self, states: Sequence[DeliveryState] | None = None, limit: int = 500) -> list[OutboxEntry]:
        """Newest first."""
        stmt = select(case_outbox)
        if states is not None:
            stmt = stmt.where(case_outbox.c.state.in_(sorted(s.value for s in states)))
        stmt = stmt.order_by(case_outbox.c.created_at.desc(), case_outbox.c.key.desc()).limit(limit)
        return [_entry(row) for row in self._fetch(stmt)]

    def _mark(self, key: str, condition: Any, **values: Any) -> None:
        """Update one item if ``condition`` holds; KeyError for a key that is not there."""
        try:
            with self._write.begin() as conn:
                done = conn.execute(
                    update(case_outbox).where(and_(case_outbox.c.key == key, condition)).values(**values)
                )
                if done.rowcount == 0:
                    there = conn.execute(select(case_outbox.c.key).where(case_outbox.c.key == key)).first()
                    if there is None:
                        raise KeyError(f"no outbox item {key!r}")
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc


def _entry(row: Row[Any]) -> OutboxEntry:
    item = OutboxItem(row.key, row.case_id, int(row.version), row.payload, float(row.created_at))
    return OutboxEntry(
        item, DeliveryState(row.state), int(row.attempts), float(row.next_attempt_at), row.last_error,
        None if row.delivered_at is None else float(row.delivered_at),
    )  # fmt: skip
