"""Cases (their searchable columns, and their records in a table beside), which case each alert
became, and the outbox of deliveries to the city platform.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("category_code", sa.String(32), nullable=False),
        sa.Column("grid_code", sa.String(64)),
        sa.Column("department_id", sa.String(64)),
        sa.Column("camera_id", sa.String(64)),
        sa.Column("zone_id", sa.String(64)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("dispatched_at", sa.Float),
        sa.Column("due_at", sa.Float),
        sa.Column("handled_at", sa.Float),
        sa.Column("closed_at", sa.Float),
        sa.Column("updated_at", sa.Float),
        sa.Column("updated_by", sa.String(128)),
        sa.Column("rework_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("was_deferred", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    for name, columns in (
        ("ix_cases_created", ["created_at", "id"]),
        ("ix_cases_updated", ["updated_at", "id"]),
        ("ix_cases_due", ["due_at", "id"]),
        ("ix_cases_state", ["state", "created_at", "id"]),
        ("ix_cases_state_due", ["state", "due_at"]),
        ("ix_cases_category", ["category_code", "id"]),
        ("ix_cases_grid", ["grid_code", "id"]),
        ("ix_cases_department", ["department_id", "id"]),
        ("ix_cases_source", ["source", "created_at"]),
        ("ix_cases_key", ["camera_id", "zone_id", "category_code", "state"]),
    ):
        op.create_index(name, "cases", columns)
    op.create_table(  # the record apart: scans of the columns stay small
        "case_records",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_table(
        "case_alerts",
        sa.Column("alert_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_case_alerts_case", "case_alerts", ["case_id"])
    op.create_table(
        "case_outbox",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("last_attempt_at", sa.Float),
        sa.Column("delivered_at", sa.Float),
        sa.Column("receipt", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_case_outbox_due", "case_outbox", ["state", "next_attempt_at"])
    op.create_index("ix_case_outbox_case", "case_outbox", ["case_id", "version"])


def downgrade() -> None:
    raise NotImplementedError("CityWall never downgrades a database (restore a backup instead)")
