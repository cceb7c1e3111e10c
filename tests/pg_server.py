"""A throwaway PostgreSQL server for the tests: one per session, started on first use.

``initdb`` and ``pg_ctl`` from Debian's postgresql package (``scripts/setup.sh --tests`` installs
it). PostgreSQL refuses to run as root, so as root the cluster belongs to a system user made for
it (``citywall-pg``) and the commands run through ``runuser``. The server listens on 127.0.0.1 at
a free port and on a Unix socket in its temporary folder; each test gets a database of its own.
Without PostgreSQL the tests that need it skip, which fails the run on CI (tests/skip_policy.py).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_USER = "citywall-pg"  # the system user that owns the cluster when the tests run as root
DB_USER = "citywall"  # the database superuser the tests connect as
START_TIMEOUT_S = 60


def pg_bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *command]
    return command


def _ensure_user() -> None:
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return
    if subprocess.run(["id", "-u", PG_USER], capture_output=True, check=False).returncode == 0:
        return
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
        capture_output=True, check=False,
    )  # fmt: skip
    subprocess.run(["id", "-u", PG_USER], capture_output=True, check=True)  # made by a peer meanwhile is fine


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin_dir: Path
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        dsn = f"host=127.0.0.1 port={self.port} user={DB_USER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = str(self.bin_dir / "pg_ctl")
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"]),
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PostgresServer:
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb; scripts/setup.sh --tests installs it)")
    _ensure_user()
    folder = Path(tempfile.mkdtemp(prefix="citywall-pg-"))  # in /tmp: the owner must reach it
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, PG_USER, PG_USER)
    data = folder / "data"
    init = [str(bin_dir / "initdb"), "-D", str(data), "-U", DB_USER, "-A", "trust", "-E", "UTF8"]
    done = subprocess.run(_as_owner([*init, "--locale=C"]), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
    port = _free_port()
    # fsync off: a throwaway server loses nothing to a killed process without it, only to a machine
    # that crashes; each test's CREATE DATABASE and commits no longer wait for the disk.
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync=off"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"]
    started = subprocess.run(
        _as_owner([*start, "-t", str(START_TIMEOUT_S), "start"]),
        capture_output=True, text=True, check=False, timeout=START_TIMEOUT_S + 10,
    )  # fmt: skip
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{log[-2000:]}")
    return PostgresServer(folder, port, bin_dir)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_server()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()
