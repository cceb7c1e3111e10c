"""The case store over SQLAlchemy Core: :class:`~app.core.case_ports.CaseRepository` and
:class:`~app.core.case_ports.OutboxStore` for SQLite and PostgreSQL, in the alerts' database.

``append`` writes a case change in one transaction with everything that belongs to it: the audit
event (sealed under the same lock as the alerts', so alerts and cases make one chain), the case
row, which alerts it holds, its evidence rows and the outbox item that reports it to the city
platform. The stored version is checked under that lock, and the UPDATE carries the version too:
a change made on an older version (another workstation was quicker) is refused with
:class:`~app.core.case_ports.CaseConflict`, and nothing of it is written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    String,
    and_,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.storage import engines
from app.adapters.storage.case_list import CASES_TEXT, TRIGRAM, filters, matches, order, pg_page_ids
from app.adapters.storage.case_outbox import OutboxQueries
from app.adapters.storage.migrate import MIGRATIONS, Upgrade
from app.adapters.storage.repository import (
    SqlAlertRepository,
    dialect_insert,
    event_row,
    insert_evidence,
    lock_chain,
    open_engines,
    row_event,
)
from app.adapters.storage.schema import alerts as alert_rows
from app.adapters.storage.schema import audit_events, case_alerts, case_outbox, case_records, cases
from app.core.audit import AuditDraft, AuditEvent, canonical, seal
from app.core.case_ports import (
    CaseConflict,
    CaseQuery,
    DeliveryState,
    OpenCaseExists,
    OutboxItem,
    SortKey,
)
from app.core.cases import (
    OPEN_STATES,
    Case,
    CaseFacts,
    CaseSource,
    CaseState,
    case_from_record,
    case_to_record,
)

CASE_PREFIX = "case:"
ALERT_PREFIX = "alert:"
RECORD = case_records.c.record

# The columns a list filters, sorts or counts by, each a copy of the record's field of that name.
COLUMNS = (
    "state", "source", "category_code", "grid_code", "department_id", "camera_id", "zone_id",
    "created_at", "dispatched_at", "due_at", "handled_at", "closed_at", "updated_at", "updated_by",
    "rework_count", "was_deferred", "urgent", "version", "address", "description", "note",
)  # fmt: skip
_FACTS = (
    "id", "source", "category_code", "grid_code", "department_id", "state", "created_at",
    "dispatched_at", "due_at", "handled_at", "closed_at", "rework_count", "was_deferred", "urgent",
)  # fmt: skip
# A text that many cases hold (a street's name) is quicker found by reading the list in its order
# and testing each row than by looking up every case the index names: above this many, the list
# reads in order and the count asks the index alone.
SELECTIVE = 2_000
WALK_FROM = 2_000  # cases matching a filter, from which the list walks its sort order (see search)
_WALKABLE = frozenset(
    {"created_at", "due_at", "updated_at", "department_id", "category_code", "grid_code", "state"}
)


class SqlCaseRepository(OutboxQueries):
    """Cases, their outbox and their part of the audit chain. ``append`` and the outbox's marks
    may be called from any thread (each takes the database's write lock); reads from any."""

    def __init__(
        self, write_engine: Engine, read_engine: Engine, where: str, *, owns_engines: bool = True
    ) -> None:
        self._write, self._read, self.where = write_engine, read_engine, where
        database = write_engine.url.database
        self._folder = (
            Path(database).parent if write_engine.url.get_backend_name() == "sqlite" and database else None
        )
        self.dialect = write_engine.dialect.name
        self._owns_engines = owns_engines
        self.upgrade: Upgrade | None = None
        self._text_index = self.dialect == "sqlite" and _has_text_index(read_engine)
        self._counted: tuple[CaseQuery, int, float] | None = None  # search's count, for the next count
        self._candidate_counts: dict[str, int] = {}  # text → cases the index names (this session)

    @classmethod
    def beside(cls, alerts: SqlAlertRepository) -> SqlCaseRepository:
        """The cases of the alert store's database, on its engines (closing it leaves them open)."""
        write, read = alerts.engines
        return cls(write, read, alerts.where, owns_engines=False)

    # --- writing -----------------------------------------------------------------------------
    def append(
        self,
        case: Case,
        draft: AuditDraft,
        *,
        expected_version: int | None,
        outbox: OutboxItem | None = None,
        one_open_per_place: bool = False,
    ) -> AuditEvent:
        if draft.subject != CASE_PREFIX + case.id:
            raise ValueError(f"case {case.id}: its audit draft is about {draft.subject}")
        if outbox is not None and outbox.case_id != case.id:
            raise ValueError(f"case {case.id}: its outbox item is for case {outbox.case_id}")
        record = canonical(case_to_record(case))
        self._counted = None  # a count remembered for the list is old now
        try:
            with self._write.begin() as conn:
                seq, prev = lock_chain(conn)  # every appender waits here: the check below holds
                self._check_version(conn, case.id, expected_version)
                if one_open_per_place and expected_version is None:
                    self._check_place(conn, case)
                event = seal(draft, seq + 1, prev)
                conn.execute(insert(audit_events).values(event_row(event)))
                self._write_case(conn, case, record, expected_version)
                self._link_alerts(conn, case)
                insert_evidence(conn, self.dialect, [e.ref for e in case.evidence])
                if outbox is not None:
                    conn.execute(insert(case_outbox).values(_outbox_row(outbox)))
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc
        return event

    def _check_place(self, conn: Connection, case: Case) -> None:
        """Under the chain's lock (every writer of every workstation waits there): the place's
        open case, made by another workstation since this one looked, refuses the new one."""
        if case.camera_id is None or case.zone_id is None:
            return
        found = conn.execute(
            select(cases.c.id).where(
                cases.c.camera_id == case.camera_id, cases.c.zone_id == case.zone_id,
                cases.c.category_code == case.category_code,
                cases.c.state.in_(sorted(s.value for s in OPEN_STATES)), cases.c.id != case.id,
            ).limit(1)
        ).first()  # fmt: skip
        if found is not None:
            raise OpenCaseExists(case.id, str(found.id))

    def _check_version(self, conn: Connection, case_id: str, expected: int | None) -> None:
        found = conn.execute(select(cases.c.version, cases.c.updated_by).where(cases.c.id == case_id)).first()
        if expected is None and found is not None:
            raise CaseConflict(case_id, None, int(found.version), found.updated_by)
        if expected is not None and (found is None or int(found.version) != expected):
            raise CaseConflict(
                case_id, expected, None if found is None else int(found.version),
                None if found is None else found.updated_by,
            )  # fmt: skip

    def _write_case(self, conn: Connection, case: Case, record: str, expected: int | None) -> None:
        row = _case_row(case)
        if expected is None:
            conn.execute(insert(cases).values(row))
            conn.execute(insert(case_records).values(id=case.id, record=record))
            return
        done = conn.execute(
            update(cases).where(cases.c.id == case.id, cases.c.version == expected).values(row)
        )
        if done.rowcount != 1:  # cannot happen under the lock; the version condition is the guard
            raise CaseConflict(case.id, expected, None, None)
        conn.execute(update(case_records).where(case_records.c.id == case.id).values(record=record))

    def _link_alerts(self, conn: Connection, case: Case) -> None:
        if not case.alert_ids:
            return
        rows = [{"alert_id": a, "case_id": case.id, "position": n} for n, a in enumerate(case.alert_ids)]
        stmt = dialect_insert(self.dialect, case_alerts).values(rows)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["alert_id"]))  # an alert keeps its case

    # --- reading -----------------------------------------------------------------------------
    def get(self, case_id: str) -> Case | None:
        rows = self._fetch(select(case_records.c.record).where(case_records.c.id == case_id))
        return _case(rows[0]) if rows else None

    def open_case_for(self, camera_id: str, zone_id: str, category_code: str) -> Case | None:
        stmt = (
            select(RECORD)
            .join(case_records, case_records.c.id == cases.c.id)
            .where(
                cases.c.camera_id == camera_id,
                cases.c.zone_id == zone_id,
                cases.c.category_code == category_code,
                cases.c.state.in_(sorted(s.value for s in OPEN_STATES)),
            )
            .order_by(cases.c.created_at.desc(), cases.c.id.desc())
            .limit(1)
        )
        rows = self._fetch(stmt)
        return _case(rows[0]) if rows else None

    def case_for_alert(self, alert_id: str) -> Case | None:
        stmt = (
            select(RECORD)
            .join(case_alerts, case_alerts.c.case_id == case_records.c.id)
            .where(case_alerts.c.alert_id == alert_id)
        )
        rows = self._fetch(stmt)
        return _case(rows[0]) if rows else None

    def search(self, query: CaseQuery) -> list[Case]:
        """``created_from`` ≤ created_at < ``created_to``; sorted by ``query.sort`` (empty values
        last in both directions), then by id in the same direction (by state: then by the time it
        was made, then by id, as the state's index holds them). PostgreSQL's page: see
        :func:`~app.adapters.storage.case_list.pg_page_ids`."""
        # The page's ids from the slim columns first, then only their records.
        try:
            with self._read.connect() as conn:
                if self.dialect == "postgresql":
                    ids = pg_page_ids(conn, query)
                else:
                    where = filters(query, self._indexed(query), sqlite_text=True,
                                    plain=self._walk_sort_order(query))  # fmt: skip
                    page = select(cases.c.id).where(*where).order_by(*order(cases, query))
                    ids = [row.id for row in conn.execute(page.limit(query.limit).offset(query.offset))]
                stmt = select(case_records.c.id, RECORD).where(case_records.c.id.in_(ids))
                found = {str(r.id): str(r.record) for r in conn.execute(stmt)} if ids else {}
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc
        return [case_from_record(json.loads(found[i])) for i in ids if i in found]

    def count(self, query: CaseQuery, at_most: int | None = None) -> int:
        def capped(found: int) -> int:
            return found if at_most is None else min(found, at_most + 1)

        counted, self._counted = self._counted, None
        if counted is not None and counted[0] == _count_key(query) and time.monotonic() - counted[2] < 1.0:
            return capped(counted[1])  # the page's own count, a moment ago (the window asks for both)
        text = query.text
        if text and self._text_index and len(text) >= TRIGRAM and _only_text(query) and _one_case(text):
            # The index's phrase is the same substring test (for text whose letters have one case,
            # Chinese and ASCII): it counts alone, however many cases hold the text.
            return capped(self._candidates(text, fresh=True))
        where = filters(query, self._indexed(query), sqlite_text=self.dialect == "sqlite")
        if at_most is None:
            return int(self._fetch(select(func.count()).select_from(cases).where(*where))[0][0])
        # A search that scans (a character or two) stops after at_most + 1 matches.
        some = select(cases.c.id).where(*where).limit(at_most + 1).subquery()
        return int(self._fetch(select(func.count()).select_from(some))[0][0])

    def _walk_sort_order(self, query: CaseQuery) -> bool:
        """SQLite, without statistics, looks a filter up by its index and then sorts every case
        it found (300 ms for a district's 130,000 cases); when many cases match, walking the sort
        order's index and testing each row fills a page at once (under 1 ms). A filter few cases
        match stays with its index (a walk would read the whole list to find them)."""
        if self.dialect != "sqlite" or query.sort.value not in _WALKABLE:
            return False
        filters = (query.states, query.category_codes, query.department_ids, query.sources, query.grid_prefix)
        if all(f is None or f == "" for f in filters):
            return False
        total = self.count(query)
        self._counted = (_count_key(query), total, time.monotonic())  # the list asks it next
        return total >= WALK_FROM

    def _indexed(self, query: CaseQuery) -> bool:
        """Whether the text search starts from the trigram index: SQLite's index exists, the text
        has a trigram, and few cases hold it (see SELECTIVE)."""
        text = query.text
        if not (self._text_index and text and len(text) >= TRIGRAM):
            return False
        return self._candidates(text) <= SELECTIVE

    def _candidates(self, text: str, *, fresh: bool = False) -> int:
        """How many cases the index says hold ``text`` (remembered for the choice of the list's
        next question; ``fresh`` asks again, for a count shown to the user)."""
        known = None if fresh else self._candidate_counts.get(text)
        if known is None:
            stmt = select(func.count()).select_from(CASES_TEXT).where(matches(text))
            known = int(self._fetch(stmt)[0][0])
            if len(self._candidate_counts) > 64:
                self._candidate_counts.clear()
            self._candidate_counts[text] = known
        return known

    def facts(self, created_from: float | None = None, created_to: float | None = None) -> list[CaseFacts]:
        """From the columns (no record is parsed), with the alerts each case holds."""
        window: list[ColumnElement[bool]] = []
        if created_from is not None:
            window.append(cases.c.created_at >= created_from)
        if created_to is not None:
            window.append(cases.c.created_at < created_to)
        linked = select(case_alerts.c.case_id, case_alerts.c.alert_id, case_alerts.c.position)
        if window:
            linked = linked.join(cases, cases.c.id == case_alerts.c.case_id).where(*window)
        alert_ids: dict[str, list[str]] = {}
        for row in sorted(self._fetch(linked), key=lambda r: r.position):  # sorted here: cheaper
            alert_ids.setdefault(row.case_id, []).append(row.alert_id)
        stmt = select(*(cases.c[c] for c in _FACTS)).where(*window).order_by(cases.c.created_at, cases.c.id)
        return [_facts(tuple(r), alert_ids.get(r[0], ())) for r in self._fetch(stmt)]

    def facts_in_period(self, start: float, end: float) -> list[CaseFacts]:
        """Three indexed ranges (made, due, closed in the period) instead of the whole history."""
        window = or_(
            and_(cases.c.created_at >= start, cases.c.created_at < end),
            and_(cases.c.due_at >= start, cases.c.due_at < end),
            and_(cases.c.closed_at >= start, cases.c.closed_at < end),
        )
        ids = select(cases.c.id).where(window).subquery()
        linked = select(case_alerts.c.case_id, case_alerts.c.alert_id, case_alerts.c.position).where(
            case_alerts.c.case_id.in_(select(ids.c.id))
        )
        alert_ids: dict[str, list[str]] = {}
        for row in sorted(self._fetch(linked), key=lambda r: r.position):
            alert_ids.setdefault(row.case_id, []).append(row.alert_id)
        stmt = select(*(cases.c[c] for c in _FACTS)).where(window).order_by(cases.c.created_at, cases.c.id)
        return [_facts(tuple(r), alert_ids.get(r[0], ())) for r in self._fetch(stmt)]

    def events(self, case_id: str) -> list[AuditEvent]:
        stmt = select(audit_events).where(audit_events.c.subject == CASE_PREFIX + case_id)
        return [row_event(row) for row in self._fetch(stmt.order_by(audit_events.c.seq))]

    def timeline(self, case_id: str) -> list[AuditEvent]:
        """The case's events and those of every alert it holds, in time order, in one query: the
        subjects (``case:<id>`` and ``alert:<each alert id>``) looked up by the subject index."""
        own = select(literal(CASE_PREFIX + case_id, String).label("subject"))
        held = select((literal(ALERT_PREFIX, String) + case_alerts.c.alert_id).label("subject"))
        subjects = union_all(own, held.where(case_alerts.c.case_id == case_id)).subquery()
        stmt = select(audit_events).where(audit_events.c.subject.in_(select(subjects.c.subject)))
        return [row_event(row) for row in self._fetch(stmt.order_by(audit_events.c.at, audit_events.c.seq))]

    def cased_alerts(self, raised_from: float, raised_to: float) -> set[str]:
        """The alerts raised in [from, to) that a case was made from (or joined as an occurrence)."""
        stmt = (
            select(case_alerts.c.alert_id)
            .join(alert_rows, alert_rows.c.id == case_alerts.c.alert_id)
            .where(alert_rows.c.raised_at >= raised_from, alert_rows.c.raised_at < raised_to)
        )
        return {str(row.alert_id) for row in self._fetch(stmt)}

    def all_cases(self) -> Iterator[Case]:
        stmt = select(RECORD).join(cases, cases.c.id == case_records.c.id)
        return self._stream(stmt.order_by(cases.c.created_at, cases.c.id), _case)

    def changed_since(self, updated_after: float) -> list[Case]:
        stmt = (
            select(RECORD)
            .join(cases, cases.c.id == case_records.c.id)
            .where(cases.c.updated_at > updated_after)
        )
        return [_case(row) for row in self._fetch(stmt.order_by(cases.c.updated_at, cases.c.id))]

    def case_rows(self) -> Iterator[Row[Any]]:
        """Every case row with its columns and its record (None when gone) as stored (for ``audit
        verify``)."""
        stmt = select(cases, RECORD).outerjoin(case_records, case_records.c.id == cases.c.id)
        return self._stream(stmt.order_by(cases.c.id), lambda row: row)

    def case_count(self) -> int:
        return int(self._fetch(select(func.count()).select_from(cases))[0][0])

    def close(self) -> None:
        if self._owns_engines:
            self._write.dispose()
            self._read.dispose()


def open_case_repository(
    url: str | None,
    data_dir: Path,
    *,
    password: str | None = None,
    migrations: Path = MIGRATIONS,
    upgrade: bool = True,
) -> SqlCaseRepository:
    """The case store of a site: the same database as its alerts (see
    :func:`~app.adapters.storage.repository.open_repository` for ``url``, ``password``, the
    schema upgrade and what it raises)."""
    opened = open_engines(url, data_dir, password=password, migrations=migrations, upgrade=upgrade)
    repository = SqlCaseRepository(opened.write, opened.read, opened.where)
    repository.upgrade = opened.upgrade
    return repository


# --- queries ---------------------------------------------------------------------------------
def _count_key(query: CaseQuery) -> CaseQuery:
    """The query without what does not change its count (sort, page)."""
    return replace(query, sort=SortKey.CREATED, descending=True, limit=0, offset=0)


def _only_text(query: CaseQuery) -> bool:
    """The query filters by its text alone (a count the index can give by itself)."""
    return replace(query, text=None, sort=SortKey.CREATED, descending=True, limit=0, offset=0) == CaseQuery(
        sort=SortKey.CREATED, descending=True, limit=0, offset=0
    )


def _one_case(text: str) -> bool:
    """No letter beyond ASCII that has an upper and a lower case (where FTS5 folds more than LIKE)."""
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in text)


def _has_text_index(engine: Engine) -> bool:
    """Whether SQLite's ``cases_text`` exists (an unreadable file: no, and the search scans)."""
    try:
        with engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'cases_text'")
            return found.first() is not None
    except (SQLAlchemyError, OSError):
        return False


# --- rows ------------------------------------------------------------------------------------
def _case_row(case: Case) -> dict[str, Any]:
    row: dict[str, Any] = {"id": case.id}
    for name in COLUMNS:
        value = getattr(case, name)
        row[name] = value.value if isinstance(value, CaseState | CaseSource) else value
    return row


def _outbox_row(item: OutboxItem) -> dict[str, Any]:
    return {
        "key": item.key, "case_id": item.case_id, "version": item.version, "payload": item.payload,
        "created_at": item.created_at, "state": DeliveryState.PENDING.value, "attempts": 0,
        "next_attempt_at": item.created_at, "last_error": "", "last_attempt_at": None,
        "delivered_at": None, "receipt": "",
    }  # fmt: skip


_SOURCES = {s.value: s for s in CaseSource}  # a dict lookup: 200,000 enum calls cost a second
_STATES = {s.value: s for s in CaseState}


def _facts(r: tuple[Any, ...], alert_ids: Sequence[str]) -> CaseFacts:
    """One row of the ``_FACTS`` columns (by position: a year's cases in well under a second)."""
    (case_id, source, category, grid, department, state, created, dispatched, due, handled, closed,
     rework, deferred, urgent) = r  # fmt: skip
    return CaseFacts(
        case_id, _SOURCES[source], category, grid, department, _STATES[state], created, dispatched, due,
        handled, closed, int(rework), bool(deferred), bool(urgent), tuple(alert_ids),
    )  # fmt: skip


def _case(row: Row[Any]) -> Case:
    return case_from_record(json.loads(row.record))
