"""Reads of a store's database, shared by the alert and case repositories: on the read engine, each
failure as :class:`~app.core.alert_ports.StoreUnavailable` naming the store (never its password)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, Select
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.storage import engines

BATCH = 500  # rows fetched at a time by the iterators


class StoreReads:
    _read: Engine
    _folder: Path | None  # an SQLite file's folder (to tell a full or read-only one), else None
    where: str

    def _fetch(self, stmt: Select[Any]) -> list[Row[Any]]:
        try:
            with self._read.connect() as conn:
                return list(conn.execute(stmt))
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc

    def _stream(self, stmt: Select[Any], convert: Callable[[Row[Any]], Any]) -> Iterator[Any]:
        try:
            with self._read.connect() as conn:
                for row in conn.execution_options(yield_per=BATCH).execute(stmt):
                    yield convert(row)
        except (SQLAlchemyError, OSError) as exc:
            raise engines.store_error(exc, self.where, self._folder) from exc
