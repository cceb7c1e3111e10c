"""The case list's text search by index: trigrams of the id, address, description and note
(and an index on the closing time, for the figures of a period).

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or newer), ``cases_text``, kept in
step with ``cases`` by triggers in the writing transaction; the store asks it for candidates and
keeps its LIKE as the exact test. PostgreSQL: pg_trgm's GIN index over ``lower(column)``, which
serves the store's LIKE as it is. Without FTS5's trigram tokenizer, or where the pg_trgm
extension cannot be created, nothing is made and the search stays a scan (correct, slower).
At 200,000 cases (bench/cases.py) a search went from a scan of every row (270 ms on SQLite) to an
index lookup.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-25
"""

from __future__ import annotations

import logging
import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

TEXT_COLUMNS = ("id", "address", "description", "note")
_VALUES = ", ".join(f"new.{c}" for c in TEXT_COLUMNS)
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in TEXT_COLUMNS)
# The old row found by the index (an id has 3+ characters; shorter ones, only made by tests, by a scan).
_DELETE_OLD = """
    DELETE FROM cases_text WHERE length(old.id) >= 3
        AND cases_text MATCH 'id:"' || replace(old.id, '"', '""') || '"' AND id = old.id;
    DELETE FROM cases_text WHERE length(old.id) < 3 AND id = old.id;
"""
SQLITE = (
    f"CREATE VIRTUAL TABLE cases_text USING fts5({', '.join(TEXT_COLUMNS)}, tokenize='trigram')",
    f"INSERT INTO cases_text ({', '.join(TEXT_COLUMNS)}) SELECT {', '.join(TEXT_COLUMNS)} FROM cases",
    f"""CREATE TRIGGER cases_text_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_text ({", ".join(TEXT_COLUMNS)}) VALUES ({_VALUES});
    END""",
    f"""CREATE TRIGGER cases_text_update AFTER UPDATE ON cases WHEN {_CHANGED} BEGIN
        {_DELETE_OLD}
        INSERT INTO cases_text ({", ".join(TEXT_COLUMNS)}) VALUES ({_VALUES});
    END""",
    f"CREATE TRIGGER cases_text_delete AFTER DELETE ON cases BEGIN {_DELETE_OLD} END",
)


def upgrade() -> None:
    # The figures of a period read the cases made, due or closed in it: each range by an index.
    op.create_index("ix_cases_closed", "cases", ["closed_at", "id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if sqlite3.sqlite_version_info < (3, 34, 0):
            log.warning("SQLite %s has no trigram tokenizer: case text search scans", sqlite3.sqlite_version)
            return
        for statement in SQLITE:
            op.execute(statement)
        return
    try:
        with bind.begin_nested():  # a failed CREATE EXTENSION must not end the migration's transaction
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm is not available (%s): case text search scans", exc.orig)
        return
    columns = ", ".join(f"lower({c}) gin_trgm_ops" for c in TEXT_COLUMNS)
    op.execute(f"CREATE INDEX ix_cases_text_trgm ON cases USING gin ({columns})")


def downgrade() -> None:
    raise NotImplementedError("CityWall never downgrades a database (restore a backup instead)")
