"""What the city platform receives for a case, and when a failed delivery is tried again (stdlib only).

:func:`export_payload` is the one document a case becomes outside CityWall: sent over HTTP through
the outbox, written as ``case.json`` by the file export. Its shape is ``docs/case-export.schema.json``
(explained in ``docs/case-export.md``); change one, change the other and ``SCHEMA_VERSION``.

The payload depends only on the case at one version (no "exported at" time), so the same
idempotency key always carries the same bytes: a re-sent item is a true duplicate.

Evidence travels by reference (sha256, kind, stage, media type, capture time, size); the files
themselves go with the file export, or are fetched by hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from app.core.audit import canonical
from app.core.case_ports import DeliveryFailed, OutboxItem
from app.core.cases import Case

SCHEMA_VERSION = 1
SCHEMA_ID = "https://citywall.local/schemas/case-export/1"


@dataclass(frozen=True)
class CategoryNames:
    """What the site's catalogue says about a case's category code (the case itself holds only the
    code). ``kind`` is "event" (事件) or "component" (部件)."""

    kind: str | None = None
    class_code: str | None = None
    class_name: str = ""  # 大类, Chinese
    name: str = ""  # 小类, Chinese
    class_name_en: str = ""
    name_en: str = ""


def idempotency_key(case: Case) -> str:
    """One key per case version: the platform accepts each key once (a repeat answers 409)."""
    return f"{case.id}:{case.version}"


def _time(at: float | None, zone: tzinfo) -> dict[str, Any] | None:
    if at is None:
        return None
    iso = datetime.fromtimestamp(at, zone).isoformat(timespec="milliseconds")
    return {"iso": iso, "epoch": at}


def export_payload(case: Case, *, zone: tzinfo, category: CategoryNames | None = None) -> dict[str, Any]:
    """The case as the platform gets it; times in ``zone`` (the site's, offset included) and as epoch."""
    names = category or CategoryNames()
    limit = case.time_limit
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "idempotency_key": idempotency_key(case),
        "case_id": case.id,
        "case_version": case.version,
        "source": case.source.value,
        "category": {
            "code": case.category_code,
            "kind": names.kind,
            "class_code": names.class_code
            or (case.category_code[:2] if len(case.category_code) > 2 else None),
            "class_name": names.class_name or None,
            "name": names.name or None,
            "class_name_en": names.class_name_en or None,
            "name_en": names.name_en or None,
        },
        "location": {
            "grid_code": case.grid_code,
            "lon": case.lon,
            "lat": case.lat,
            "address": case.address,
            "camera_id": case.camera_id,
            "preset": case.preset,
            "zone_id": case.zone_id,
        },
        "description": case.description,
        "state": case.state.value,
        "urgent": case.urgent,
        "times": {
            "created": _time(case.created_at, zone),
            "filed": _time(case.filed_at, zone),
            "dispatched": _time(case.dispatched_at, zone),
            "started": _time(case.started_at, zone),
            "handled": _time(case.handled_at, zone),
            "verified": _time(case.verified_at, zone),
            "closed": _time(case.closed_at, zone),
            "cancelled": _time(case.cancelled_at, zone),
            "updated": _time(case.updated_at, zone),
        },
        "people": {
            "created_by": case.created_by,
            "filed_by": case.filed_by,
            "verified_by": case.verified_by,
            "closed_by": case.closed_by,
            "updated_by": case.updated_by,
        },
        "department": {
            "id": case.department_id,
            "suggested_id": case.suggested_department_id,
            "chosen_by": case.department_chosen_by,
        },
        "deadline": {
            "due": _time(case.due_at, zone),
            "time_limit": None if limit is None else {"amount": limit.amount, "unit": limit.unit.value},
            "extensions": case.extension_count,
            "deferred": case.was_deferred,
            "deferred_seconds": case.deferred_seconds,
        },
        "rework_count": case.rework_count,
        "feedback_note": case.feedback_note,
        "cancel_reason": case.cancel_reason,
        "occurrences": {
            "count": case.occurrences,
            "last_seen": _time(case.last_seen_at, zone),
            "alert_ids": list(case.alert_ids),
        },
        "evidence": [
            {
                "sha256": e.ref.sha256,
                "kind": e.ref.kind.value,
                "stage": e.stage.value,
                "media_type": e.ref.media_type,
                "size": e.ref.size,
                "captured_at": _time(e.ref.captured_at, zone),
                "camera_id": e.ref.camera_id,
                "added_by": e.added_by,
                "note": e.note or e.ref.note,
            }
            for e in case.evidence
        ],
    }


def outbox_item(case: Case, at: float, *, zone: tzinfo, category: CategoryNames | None = None) -> OutboxItem:
    """The delivery of ``case`` at its current version, queued at ``at`` (canonical JSON payload)."""
    payload = canonical(export_payload(case, zone=zone, category=category))
    return OutboxItem(idempotency_key(case), case.id, case.version, payload, at)


# --- retries ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff without jitter (a control room has one sender, so no herd to spread):
    ``first_s``, twice that, four times … never more than ``cap_s`` between tries."""

    first_s: float = 5.0
    cap_s: float = 600.0

    def delay(self, attempts: int) -> float:
        """The wait after the ``attempts``-th failed try (1 = the first)."""
        if attempts < 1:
            return 0.0
        return float(min(self.cap_s, self.first_s * 2 ** min(attempts - 1, 60)))

    def next_attempt(self, attempts: int, now: float) -> float:
        return now + self.delay(attempts)


DEFAULT_RETRY = RetryPolicy()


def next_attempt(attempts: int, now: float) -> float:
    """When to try again after ``attempts`` failed tries: 5 s, 10 s, 20 s … capped at 10 min."""
    return DEFAULT_RETRY.next_attempt(attempts, now)


class DeliveryProblem(StrEnum):
    """Why a try failed, in a word the UI can translate (the reason text gives the detail)."""

    TIMEOUT = "timeout"
    REFUSED_CONNECTION = "connection_refused"
    UNREACHABLE = "unreachable"  # no route, name not found, connection reset, TLS failure
    SERVER_ERROR = "server_error"  # 5xx, 408, 429
    CONFIGURATION = "configuration"  # 401/403/404 or a redirect: our endpoint or token is wrong
    REJECTED = "rejected"  # the platform refused this case for good (other 4xx)
    OTHER = "other"


class PlatformFailure(DeliveryFailed):
    """A failed try with its :class:`DeliveryProblem` (the status line says the word, translated)."""

    def __init__(self, reason: str, *, retry: bool, problem: DeliveryProblem) -> None:
        super().__init__(reason, retry=retry)
        self.problem = problem
