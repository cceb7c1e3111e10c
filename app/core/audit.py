"""The record nobody can quietly change: append-only events, hash-chained (stdlib only).

Each change to an alert (later: a case) is an :class:`AuditDraft` (who, when, what, why, and the
subject's whole record after the change). The store seals it into an :class:`AuditEvent` with the
next sequence number and the previous event's hash, inside the transaction that writes it, so the
chain follows the order of the writes. :func:`verify_chain` names every event that was edited,
deleted or moved; :func:`latest_records` replays the chain (what each subject must look like now).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first event


@dataclass(frozen=True)
class AuditDraft:
    subject: str  # "alert:<id>", later "case:<id>"
    action: str  # the command ("raise", "dismiss" …) or "continue"
    actor: str  # the person on shift, or "detector" / "system"
    at: float  # wall-clock seconds
    data: Mapping[str, Any] = field(default_factory=dict)  # the subject's record after the change
    reason: str = ""  # a coded reason (a dismissal's)
    note: str = ""  # free text


@dataclass(frozen=True)
class AuditEvent:
    seq: int  # 1, 2, 3 … in the order written
    subject: str
    action: str
    actor: str
    at: float
    data: Mapping[str, Any]
    reason: str
    note: str
    prev_hash: str
    hash: str

    @property
    def draft(self) -> AuditDraft:
        return AuditDraft(self.subject, self.action, self.actor, self.at, self.data, self.reason, self.note)


def canonical(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, floats as Python writes them, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(seq: int, draft: AuditDraft, prev_hash: str) -> str:
    body = {
        "seq": seq, "subject": draft.subject, "action": draft.action, "actor": draft.actor,
        "at": draft.at, "data": draft.data, "reason": draft.reason, "note": draft.note,
        "prev": prev_hash,
    }  # fmt: skip
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def seal(draft: AuditDraft, seq: int, prev_hash: str) -> AuditEvent:
    """The event that follows one with ``seq - 1`` and ``prev_hash`` (GENESIS for the first)."""
    return AuditEvent(
        seq, draft.subject, draft.action, draft.actor, draft.at, draft.data, draft.reason,
        draft.note, prev_hash, event_hash(seq, draft, prev_hash),
    )  # fmt: skip


class ChainFault(StrEnum):
    EDITED = "edited"  # its content no longer matches its hash
    MISSING = "missing"  # sequence numbers skip: events were deleted
    OUT_OF_ORDER = "out_of_order"  # sequence numbers go back or repeat: events were moved
    BROKEN_LINK = "broken_link"  # it does not point at the event before it


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    fault: ChainFault
    detail: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.fault.value}: {self.detail}"


def verify_chain(events: Iterable[AuditEvent]) -> list[ChainProblem]:
    """Every problem of the chain, in the order the events are stored (empty: intact)."""
    problems: list[ChainProblem] = []
    prev_seq, prev_hash = 0, GENESIS
    for event in events:
        if event.seq <= prev_seq:
            problems.append(ChainProblem(event.seq, ChainFault.OUT_OF_ORDER, f"comes after event {prev_seq}"))
        elif event.seq > prev_seq + 1:
            gap = f"{prev_seq + 1}" if event.seq == prev_seq + 2 else f"{prev_seq + 1}–{event.seq - 1}"
            problems.append(ChainProblem(event.seq, ChainFault.MISSING, f"event(s) {gap} before it are gone"))
        if event_hash(event.seq, event.draft, event.prev_hash) != event.hash:
            problems.append(
                ChainProblem(event.seq, ChainFault.EDITED, f"{event.subject} {event.action} by {event.actor}")
            )
        elif event.prev_hash != prev_hash and event.seq == prev_seq + 1:
            problems.append(ChainProblem(event.seq, ChainFault.BROKEN_LINK, "previous hash differs"))
        prev_seq, prev_hash = max(prev_seq, event.seq), event.hash
    return problems


def latest_records(events: Iterable[AuditEvent]) -> dict[str, Mapping[str, Any]]:
    """Each subject's record as its last event left it (to compare with what the store shows)."""
    out: dict[str, Mapping[str, Any]] = {}
    for event in events:
        out[event.subject] = event.data
    return out
