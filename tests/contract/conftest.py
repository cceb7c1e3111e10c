"""The alert store's contract runs against every back end: SQLite (a file in a temporary data
folder) and PostgreSQL (a database of its own on the session's throwaway server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.adapters.storage.migrate import MIGRATIONS
from app.adapters.storage.repository import SqlAlertRepository, open_repository
from tests.pg_server import PostgresServer


@dataclass
class Store:
    """Where one test's alert store lives; ``open`` opens it (again) like a restarted app does."""

    dialect: str
    url: str | None
    data_dir: Path
    opened: list[SqlAlertRepository] = field(default_factory=list)

    def open(self, *, migrations: Path = MIGRATIONS, upgrade: bool = True) -> SqlAlertRepository:
        repository = open_repository(self.url, self.data_dir, migrations=migrations, upgrade=upgrade)
        self.opened.append(repository)
        return repository


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        target = Store("postgresql", server.new_database(), tmp_path)
    else:
        target = Store("sqlite", None, tmp_path)
    yield target
    for repository in target.opened:
        repository.close()


@pytest.fixture
def repo(store: Store) -> SqlAlertRepository:
    return store.open()
