"""The alert store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Records and audit data are canonical JSON in TEXT columns, never JSONB: JSONB reorders keys and
rewrites numbers, and the audit hash must re-compute byte for byte from what is stored. The
searchable fields of an alert are columns beside its record (the record is the truth;
``citywall audit verify`` checks the columns and the record against the audit chain).

The migrations in ``migrations/versions`` create these tables; a change here needs a new revision.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text

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
