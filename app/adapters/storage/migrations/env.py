"""Alembic's entry point, driven by app.adapters.storage.migrate with an open connection."""

from __future__ import annotations

from alembic import context

from app.adapters.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
