"""Alembic migrations of the alert store, run by the app on start (no alembic.ini needed)."""
