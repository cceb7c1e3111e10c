"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL: alerts, cases, their
one audit chain, evidence files and the cases' delivery outbox.

Records and audit data are canonical JSON in TEXT columns, never JSONB: JSONB reorders keys and
rewrites numbers, and the audit hash must re-compute byte for byte from what is stored. The
searchable fields of an alert or a case are columns beside its record (the record is the truth;
``citywall audit verify`` checks the columns and the record against the audit chain).

The migrations in ``migrations/versions`` create these tables; a change here needs a new revision.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("camera_id", String(64), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("dismiss_reason", String(32)),
    Column("raised_at", Float, nullable=False),
    Column("zone_name", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("owner", String(128)),
    Column("acknowledged_by", String(128)),  # open_alerts: nobody has seen it yet
    Column("updated_at", Float),
    Column("record", Text, nullable=False),  # canonical JSON of alert_to_record(alert)
    Index("ix_alerts_raised_at", "raised_at"),
    Index("ix_alerts_camera_raised", "camera_id", "raised_at"),
    Index("ix_alerts_state", "state"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("subject", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON, exactly as hashed
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_subject", "subject"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("captured_at", Float, nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("stream", String(16), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)

# Cases (migration 0002). Each list sort has an index ending in ``id`` (the stable tiebreak), so a
# page of the list at 200,000 cases is read in index order, not sorted. The record (about 1.5 kB
# of JSON) lives in ``case_records`` beside it: lists, counts and the figures scan only the slim
# columns (with the record inline, a year's figures read 350 MB and took 7 s on SQLite).
cases = Table(
    "cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("category_code", String(32), nullable=False),
    Column("grid_code", String(64)),
    Column("department_id", String(64)),
    Column("camera_id", String(64)),
    Column("zone_id", String(64)),
    Column("created_at", Float, nullable=False),
    Column("dispatched_at", Float),
    Column("due_at", Float),
    Column("handled_at", Float),
    Column("closed_at", Float),
    Column("updated_at", Float),
    Column("updated_by", String(128)),
    Column("rework_count", Integer, nullable=False, server_default="0"),
    Column("was_deferred", Boolean, nullable=False, server_default=false()),
    Column("urgent", Boolean, nullable=False, server_default=false()),
    Column("version", Integer, nullable=False),
    Column("address", Text, nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Index("ix_cases_created", "created_at", "id"),
    Index("ix_cases_updated", "updated_at", "id"),
    Index("ix_cases_due", "due_at", "id"),
    Index("ix_cases_closed", "closed_at", "id"),  # 0003: the figures of a period
    Index("ix_cases_state", "state", "created_at", "id"),
    Index("ix_cases_state_due", "state", "due_at"),  # overdue: dispatched/in progress, past due
    Index("ix_cases_category", "category_code", "id"),
    Index("ix_cases_grid", "grid_code", "id"),
    Index("ix_cases_department", "department_id", "id"),
    Index("ix_cases_source", "source", "created_at"),
    Index("ix_cases_key", "camera_id", "zone_id", "category_code", "state"),  # the open case of a place
)

case_records = Table(
    "case_records",
    metadata,
    Column("id", String(64), primary_key=True),  # the case's
    Column("record", Text, nullable=False),  # canonical JSON of case_to_record(case)
)

# Which case an alert became (or was counted on): one key from a confirmed alert to its case.
case_alerts = Table(
    "case_alerts",
    metadata,
    Column("alert_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),  # its place in the case's alert_ids
    Index("ix_case_alerts_case", "case_id"),
)

# The transactional outbox: a delivery is written with the case change it reports.
case_outbox = Table(
    "case_outbox",
    metadata,
    Column("key", String(160), primary_key=True),  # the idempotency key, "<case id>:<version>"
    Column("case_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("last_attempt_at", Float),
    Column("delivered_at", Float),
    Column("receipt", Text, nullable=False, server_default=""),  # what the platform answered
    Index("ix_case_outbox_due", "state", "next_attempt_at"),
    Index("ix_case_outbox_case", "case_id", "version"),
)
