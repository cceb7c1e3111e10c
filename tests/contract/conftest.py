"""The store's contract (alerts and cases) runs against every back end: SQLite (a file in a
temporary data folder) and PostgreSQL (a database of its own on the session's throwaway server,
marked ``peer``: a real server process)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.adapters.storage.cases import SqlCaseRepository, open_case_repository
from app.adapters.storage.migrate import MIGRATIONS
from app.adapters.storage.repository import SqlAlertRepository, open_repository
from tests.pg_server import PostgresServer


@dataclass
class Store:
    """Where one test's alert store lives; ``open`` opens it (again) like a restarted app does."""

    dialect: str
    url: str | None
    data_dir: Path
    opened: list[SqlAlertRepository | SqlCaseRepository] = field(default_factory=list)

    def open(self, *, migrations: Path = MIGRATIONS, upgrade: bool = True) -> SqlAlertRepository:
        repository = open_repository(self.url, self.data_dir, migrations=migrations, upgrade=upgrade)
        self.opened.append(repository)
        return repository

    def open_cases(self) -> SqlCaseRepository:
        """The case store of the same database (another workstation, when opened twice)."""
        repository = open_case_repository(self.url, self.data_dir)
        self.opened.append(repository)
        return repository

    @property
    def sql_url(self) -> str:
        """For a test that changes the database behind the app's back."""
        return self.url if self.url is not None else f"sqlite:///{self.data_dir / 'alerts.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.peer)])
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


@pytest.fixture
def cases(store: Store) -> SqlCaseRepository:
    return store.open_cases()
