"""The alert store over SQLAlchemy Core: one :class:`~app.core.alert_ports.AlertRepository` for
SQLite and PostgreSQL.

``append`` seals the audit draft inside the transaction that writes it: the next sequence number
and the previous hash are read under a lock that serialises every writer (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so two workstations, threads or
processes appending at once still make one unbroken chain. Reads use their own connections.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.storage import engines
from app.adapters.storage.migrate import MIGRATIONS, Upgrade, upgrade_on_start
from app.adapters.storage.reads import StoreReads
from app.adapters.storage.schema import alerts, audit_events, evidence
from app.core.alert_ports import AlertQuery
from app.core.alerts import OPEN_STATES, Alert, AlertState, EvidenceRef, alert_from_record, alert_to_record
from app.core.audit import GENESIS, AuditDraft, AuditEvent, canonical, seal

PG_APPEND_LOCK = 0x43575F41  # "CW_A": the advisory lock every appender takes


class SqlAlertRepository(StoreReads):
    """Alerts and their audit chain in one database. ``append`` is called from one writer thread
    (:class:`~app.adapters.storage.writer.AlertWriter`); reads from any thread."""

    def __init__(self, write_engine: Engine, read_engine: Engine, where: str) -> None:
        self._write, self._read, self.where = write_engine, read_engine, where
        database = write_engine.url.database
        self._folder = (
            Path(database).parent if write_engine.url.get_backend_name() == "sqlite" and database else None
        )
        self.dialect = write_engine.dialect.name
        self._statements = _WriteStatements(self.dialect)
        self.upgrade: Upgrade | None = None

    # --- writing -----------------------------------------------------------------------------
    def append(self, alert: Alert, draft: AuditDraft) -> AuditEvent:
        return self.append_many([(alert, draft)])[0]

    def append_many(self, changes: Sequence[tuple[Alert | None, AuditDraft]]) -> list[AuditEvent]:
        """Several changes in one transaction (one commit, one sync to disk): all kept or none,
        chained in the order given. Each table gets one executemany of statements built once:
        building a statement per row cost ~2 ms of the writer's CPU per write (SQLAlchemy's
        construction and cache keys), which a busy GUI thread turned into tens of ms of latency."""
        events: list[AuditEvent] = []
        event_rows: list[dict[str, Any]] = []
        alert_rows: list[dict[str, Any]] = []
        evidence_rows: list[dict[str, Any]] = []
        try:
            with self._write.begin() as conn:
                seq, prev = lock_chain(conn)
                for alert, draft in changes:
                    event = seal(draft, seq + 1, prev)
                    seq, prev = event.seq, event.hash
                    event_rows.append(event_row(event))
                    events.append(event)
                    if alert is None:  # an event of its own (no alert row to keep)
                        continue
                    alert_rows.append(_alert_row(alert, canonical(alert_to_record(alert))))
                    evidence_rows += _evidence_records(alert.evidence)
                conn.execute(self._statements.insert_event, event_rows)
                if alert_rows:
                    conn.execute(self._statements.upsert_alert, alert_rows)  # in order: the last one stays
                if evidence_rows:
                    conn.execute(self._statements.insert_evidence, evidence_rows)
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc
        return events

    # --- reading -----------------------------------------------------------------------------
    def get(self, alert_id: str) -> Alert | None:
        rows = self._fetch(select(alerts.c.record).where(alerts.c.id == alert_id))
        return _alert(rows[0]) if rows else None

    def open_alerts(self) -> list[Alert]:
        """Open ones, and any nobody acknowledged yet (not dismissed), oldest first."""
        needs_ack = and_(alerts.c.acknowledged_by.is_(None), alerts.c.state != AlertState.DISMISSED.value)
        query = (
            select(alerts.c.record)
            .where(or_(alerts.c.state.in_([s.value for s in OPEN_STATES]), needs_ack))
            .order_by(alerts.c.raised_at, alerts.c.id)
        )
        return [_alert(row) for row in self._fetch(query)]

    def search(self, query: AlertQuery) -> list[Alert]:
        """Newest first; ``raised_from`` ≤ raised_at < ``raised_to``; ``text`` in the zone name,
        note or camera id (case-insensitive)."""
        where: list[Any] = []
        if query.camera_ids is not None:
            where.append(alerts.c.camera_id.in_(sorted(query.camera_ids)))
        if query.rules is not None:
            where.append(alerts.c.rule.in_(sorted(r.value for r in query.rules)))
        if query.states is not None:
            where.append(alerts.c.state.in_(sorted(s.value for s in query.states)))
        if query.reasons is not None:
            where.append(alerts.c.dismiss_reason.in_(sorted(r.value for r in query.reasons)))
        if query.raised_from is not None:
            where.append(alerts.c.raised_at >= query.raised_from)
        if query.raised_to is not None:
            where.append(alerts.c.raised_at < query.raised_to)
        if query.text:
            cols = (alerts.c.zone_name, alerts.c.note, alerts.c.camera_id)
            where.append(or_(*(c.icontains(query.text, autoescape=True) for c in cols)))
        stmt = select(alerts.c.record).where(*where).order_by(alerts.c.raised_at.desc(), alerts.c.id.desc())
        return [_alert(row) for row in self._fetch(stmt.limit(query.limit))]

    def events(self, subject: str | None = None) -> Iterator[AuditEvent]:
        stmt = select(audit_events).order_by(audit_events.c.seq)
        if subject is not None:
            stmt = stmt.where(audit_events.c.subject == subject)
        return self._stream(stmt, row_event)

    def all_alerts(self) -> Iterator[Alert]:
        return self._stream(select(alerts.c.record).order_by(alerts.c.raised_at, alerts.c.id), _alert)

    def alert_rows(self) -> Iterator[Row[Any]]:
        """Every alert row with its columns as stored (for ``audit verify``)."""
        return self._stream(select(alerts).order_by(alerts.c.id), lambda row: row)

    def evidence_rows(self) -> Iterator[Row[Any]]:
        return self._stream(select(evidence).order_by(evidence.c.sha256), lambda row: row)

    def count(self, table: str) -> int:
        chosen = {"alerts": alerts, "audit_events": audit_events, "evidence": evidence}[table]
        rows = self._fetch(select(text("count(*)")).select_from(chosen))
        return int(rows[0][0])

    @property
    def engines(self) -> tuple[Engine, Engine]:
        """(write, read): for the case store beside the alerts in the same database."""
        return self._write, self._read

    def close(self) -> None:
        self._write.dispose()
        self._read.dispose()


def open_repository(
    url: str | None,
    data_dir: Path,
    *,
    password: str | None = None,
    migrations: Path = MIGRATIONS,
    upgrade: bool = True,
) -> SqlAlertRepository:
    """The alert store of a site, its schema brought up to date (for the composition root).

    ``url`` None: ``alerts.sqlite3`` in ``data_dir`` (an SQLite file is backed up to
    ``data_dir/backups`` before a schema upgrade); else a PostgreSQL URL, ``password`` from the
    site file's ``database.password_env``. Raises :class:`~app.core.alert_ports.SchemaTooNew`
    for a newer schema and :class:`~app.core.alert_ports.StoreUnavailable` when the database
    cannot be opened (read-only or full folder, server down, wrong password). ``upgrade`` False
    (a check) opens an existing database as it is: :class:`SchemaNotCurrent` when it is older."""
    opened = open_engines(url, data_dir, password=password, migrations=migrations, upgrade=upgrade)
    repository = SqlAlertRepository(opened.write, opened.read, opened.where)
    repository.upgrade = opened.upgrade
    return repository


@dataclass(frozen=True)
class OpenedStore:
    write: Engine
    read: Engine
    where: str
    upgrade: Upgrade


def open_engines(
    url: str | None, data_dir: Path, *, password: str | None, migrations: Path, upgrade: bool
) -> OpenedStore:
    """The engines of a site's database, its schema brought up to date (see :func:`open_repository`)."""
    target = engines.database_url(url, data_dir, password)
    where = engines.describe(target)
    sqlite_file = target.get_backend_name() == "sqlite"
    if sqlite_file and not Path(str(target.database)).parent.is_dir():
        raise engines.store_error(FileNotFoundError(2, "the folder does not exist"), where)
    write, read = engines.make_engine(target, writer=True), engines.make_engine(target, writer=False)
    try:
        backups = Path(str(target.database)).parent / "backups" if sqlite_file else None
        done = upgrade_on_start(write, where, backups=backups, migrations=migrations, apply=upgrade)
    except (SQLAlchemyError, OSError, sqlite3.Error) as exc:
        write.dispose()
        read.dispose()
        folder = Path(str(target.database)).parent if sqlite_file else None
        raise engines.store_error(exc, where, folder) from exc
    except BaseException:
        write.dispose()
        read.dispose()
        raise
    return OpenedStore(write, read, where, done)


def lock_chain(conn: Connection) -> tuple[int, str]:
    """Take the append lock (PostgreSQL: an advisory lock held to the end of the transaction;
    SQLite: BEGIN IMMEDIATE has taken it) and read the chain's head: (last seq, its hash). Alerts
    and cases are sealed under the same lock, into one chain."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(_advisory_lock()))
    last = conn.execute(
        select(audit_events.c.seq, audit_events.c.hash).order_by(audit_events.c.seq.desc()).limit(1)
    ).first()
    return (int(last.seq), str(last.hash)) if last is not None else (0, GENESIS)


def dialect_insert(dialect: str, table: Any) -> Any:
    """An INSERT that knows ON CONFLICT on this dialect."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_evidence(conn: Connection, dialect: str, refs: Sequence[EvidenceRef]) -> None:
    """A row per evidence file (kept once per sha256)."""
    rows = _evidence_records({r.sha256: r for r in refs}.values())  # one file twice in one statement: once
    if rows:
        conn.execute(
            dialect_insert(dialect, evidence).values(rows).on_conflict_do_nothing(index_elements=["sha256"])
        )


class _WriteStatements:
    """The writer's statements, built once: rows go in as parameters (an upsert sets every column
    from the row it tried to insert, as ``excluded``)."""

    def __init__(self, dialect: str) -> None:
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.insert_event = insert(audit_events)
        upsert = make(alerts)
        self.upsert_alert = upsert.on_conflict_do_update(
            index_elements=[alerts.c.id],
            set_={c.name: upsert.excluded[c.name] for c in alerts.c if c.name != "id"},
        )
        self.insert_evidence = make(evidence).on_conflict_do_nothing(index_elements=["sha256"])


def _evidence_records(refs: Iterable[EvidenceRef]) -> list[dict[str, Any]]:
    return [
        {
            "sha256": ref.sha256, "kind": ref.kind.value, "media_type": ref.media_type,
            "size": ref.size, "captured_at": ref.captured_at, "camera_id": ref.camera_id,
            "stream": ref.stream, "note": ref.note,
        }
        for ref in refs
    ]  # fmt: skip


def _advisory_lock() -> Any:
    from sqlalchemy import func

    return func.pg_advisory_xact_lock(PG_APPEND_LOCK)


def _alert_row(alert: Alert, record: str) -> dict[str, Any]:
    return {
        "id": alert.id, "camera_id": alert.camera_id, "rule": alert.rule.value, "state": alert.state.value,
        "dismiss_reason": alert.dismiss_reason.value if alert.dismiss_reason else None,
        "raised_at": alert.raised_at, "zone_name": alert.zone_name, "note": alert.note,
        "owner": alert.owner, "acknowledged_by": alert.acknowledged_by, "updated_at": alert.updated_at,
        "record": record,
    }  # fmt: skip


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq, "subject": event.subject, "action": event.action, "actor": event.actor,
        "at": event.at, "reason": event.reason, "note": event.note, "data": canonical(event.data),
        "prev_hash": event.prev_hash, "hash": event.hash,
    }  # fmt: skip


def row_event(row: Row[Any]) -> AuditEvent:
    """An event as stored (its data parsed back: canonical JSON re-serialises to the same text)."""
    return AuditEvent(
        seq=int(row.seq), subject=row.subject, action=row.action, actor=row.actor, at=float(row.at),
        data=json.loads(row.data), reason=row.reason, note=row.note, prev_hash=row.prev_hash,
        hash=row.hash,
    )  # fmt: skip


def _alert(row: Row[Any]) -> Alert:
    return alert_from_record(json.loads(row.record))
