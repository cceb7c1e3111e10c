"""The check behind ``citywall audit verify``: the chain, every alert and case row against it,
every file.

* the audit chain (:func:`~app.core.audit.verify_chain`): each edited, deleted or moved event;
* each alert row and each case row against the chain's latest record of that alert or case: a
  row edited, added or deleted in the database directly (its columns and its record both);
* each evidence file the records reference (alerts' and cases'): missing, altered, or without
  its row.

One pass over each table (events are streamed, only each subject's latest record is kept), with
progress reported for large databases.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.adapters.storage import cases as case_store
from app.adapters.storage.evidence_files import EvidenceFiles
from app.adapters.storage.repository import SqlAlertRepository
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.audit import AuditEvent, canonical, verify_chain

# Alert columns a search uses, each with the record field it copies.
COLUMNS = (
    "camera_id", "rule", "state", "dismiss_reason", "raised_at", "zone_name", "note", "owner",
    "acknowledged_by", "updated_at",
)  # fmt: skip
ALERT_PREFIX = "alert:"
CASE_PREFIX = case_store.CASE_PREFIX
CASE_ONLY_IN_EVENT = ("by_role",)  # what a case's audit event adds to its record (the actor's role)

Progress = Callable[[str, int, int], object]  # (what, done, total)


@dataclass
class Verification:
    events: int = 0
    alerts: int = 0
    cases: int = 0
    evidence_files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_store(
    repository: SqlAlertRepository, files: EvidenceFiles | None, progress: Progress | None = None
) -> Verification:
    """Everything that does not match, one line each, naming the event seq, alert id or file."""
    result = Verification()
    report = progress or (lambda what, done, total: None)
    latest: dict[str, Mapping[str, Any]] = {}
    total = repository.count("audit_events")

    def tracked(events: Iterator[AuditEvent]) -> Iterator[AuditEvent]:
        for event in events:
            result.events += 1
            latest[event.subject] = event.data
            if result.events % 1000 == 0:
                report("events", result.events, total)
            yield event

    result.problems += [str(p) for p in verify_chain(tracked(repository.events()))]
    report("events", result.events, total)

    total, seen = repository.count("alerts"), set[str]()
    for row in repository.alert_rows():
        result.alerts += 1
        seen.add(ALERT_PREFIX + row.id)
        result.problems += _row_problems(row, latest.get(ALERT_PREFIX + row.id))
        if result.alerts % 1000 == 0:
            report("alerts", result.alerts, total)
    report("alerts", result.alerts, total)
    result.problems += _case_problems(case_store.SqlCaseRepository.beside(repository), latest, result, report)
    records = [r for s, r in latest.items() if s.startswith((ALERT_PREFIX, CASE_PREFIX))]
    for subject in sorted(s for s in latest if s.startswith(ALERT_PREFIX) and s not in seen):
        result.problems.append(
            f"alert {subject[len(ALERT_PREFIX) :]}: in the audit record, but its row is gone"
        )

    refs = _referenced_evidence(records)
    result.problems += _evidence_row_problems(repository, refs)
    if files is None:
        if refs:
            result.problems.append(
                f"evidence: {len(refs)} file(s) referenced, not checked: no evidence folder given"
            )
        return result
    for n, ref in enumerate(refs.values(), 1):
        result.evidence_files += 1
        result.problems += [f"evidence file {why}" for _, why in files.verify([ref])]
        if n % 200 == 0:
            report("evidence files", n, len(refs))
    report("evidence files", len(refs), len(refs))
    return result


def _case_problems(
    store: case_store.SqlCaseRepository,
    latest: Mapping[str, Mapping[str, Any]],
    result: Verification,
    report: Progress,
) -> list[str]:
    """Each case row against its latest audit record (less what only the event carries), and each
    case of the record whose row is gone."""
    problems: list[str] = []
    total, seen = store.case_count(), set[str]()
    for row in store.case_rows():
        result.cases += 1
        seen.add(CASE_PREFIX + row.id)
        event = latest.get(CASE_PREFIX + row.id)
        record = None if event is None else {k: v for k, v in event.items() if k not in CASE_ONLY_IN_EVENT}
        if row.record is None:
            problems.append(f"case {row.id}: its record is gone (deleted directly in the database)")
        else:
            problems += _row_problems(row, record, kind="case", columns=case_store.COLUMNS)
        if result.cases % 1000 == 0:
            report("cases", result.cases, total)
    report("cases", result.cases, total)
    for subject in sorted(s for s in latest if s.startswith(CASE_PREFIX) and s not in seen):
        problems.append(f"case {subject[len(CASE_PREFIX) :]}: in the audit record, but its row is gone")
    return problems


def _row_problems(
    row: Any, record: Mapping[str, Any] | None, *, kind: str = "alert", columns: Sequence[str] = COLUMNS
) -> list[str]:
    who = f"{kind} {row.id}"
    if record is None:
        return [f"{who}: its row is not in the audit record (added or changed directly in the database)"]
    try:
        stored = json.loads(row.record)
    except (TypeError, ValueError):
        return [f"{who}: its stored record is not readable JSON (edited directly in the database)"]
    problems: list[str] = []
    if row.record != canonical(record):
        fields = sorted(k for k in set(stored) | set(record) if stored.get(k) != record.get(k)) or ["layout"]
        problems.append(f"{who}: its record differs from the audit record ({', '.join(fields)})")
    edited = [c for c in columns if _column_value(row, c) != record.get(c)]
    if edited:
        shown = ", ".join(f"{c}={_column_value(row, c)!r}, recorded {record.get(c)!r}" for c in edited)
        problems.append(f"{who}: its row was edited directly in the database ({shown})")
    return problems


def _column_value(row: Any, column: str) -> Any:
    value = getattr(row, column)
    return "" if value is None and column in ("zone_name", "note", "address", "description") else value


def _referenced_evidence(records: list[Mapping[str, Any]]) -> dict[str, EvidenceRef]:
    """Every evidence file the audit record references (one per sha256): the chain is the truth,
    not the rows, which a person with database rights can edit. An alert lists its references; a
    case lists its evidence, each with its reference under "ref"."""
    refs: dict[str, EvidenceRef] = {}
    for record in records:
        for entry in record.get("evidence") or ():
            item = entry.get("ref", entry) if isinstance(entry, Mapping) else entry
            try:
                ref = EvidenceRef(**{**item, "kind": EvidenceKind(item["kind"])})
            except (TypeError, ValueError, KeyError):
                continue
            refs.setdefault(ref.sha256, ref)
    return refs


def _evidence_row_problems(repository: SqlAlertRepository, refs: Mapping[str, EvidenceRef]) -> list[str]:
    rows = {row.sha256: row for row in repository.evidence_rows()}
    problems: list[str] = []
    for sha, ref in refs.items():
        row = rows.get(sha)
        if row is None:
            problems.append(f"evidence {sha}: referenced by an alert or a case, but its row is gone")
        elif (row.size, row.media_type, row.camera_id) != (ref.size, ref.media_type, ref.camera_id):
            problems.append(f"evidence {sha}: its row differs from the audit record")
    return problems
