"""Database engines for the alert store: where it is, how it is opened, how its errors read.

SQLite (the default, one file in the site's data folder) runs in WAL mode with
``synchronous=FULL``: every commit is on disk before ``append`` returns, even across a power cut
(NORMAL would lose the last commits then; bench/alerts.py reports what FULL costs). Writes start
with ``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing half-way.
PostgreSQL goes through psycopg 3. Its password never appears in a message: every place that
names the database uses :func:`describe`.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.core.alert_ports import StoreFault, StoreUnavailable

SQLITE_FILE = "alerts.sqlite3"
BUSY_TIMEOUT_S = 5.0  # a writer waits this long for another one's lock before it gives up
PG_LOCK_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 10
_USERINFO = re.compile(r"(://[^:/@]*:)[^@]*@")


def describe(url: URL | str) -> str:
    """The database as it may be shown and logged: the file, or the URL without its password."""
    if isinstance(url, str):
        text = url
        try:
            url = make_url(text)
        except ArgumentError:
            return _USERINFO.sub(r"\1***@", text)
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def database_url(url: str | None, data_dir: Path, password: str | None = None) -> URL:
    """``None``: the SQLite file in ``data_dir``; a path (no ``://``): that SQLite file; else a
    URL (``postgresql://user@host/db``, driven by psycopg 3; ``sqlite:///file``). ``password``
    (from an environment variable) replaces one in the URL."""
    if url is None:
        return URL.create("sqlite", database=str(data_dir / SQLITE_FILE))
    if "://" not in url:
        return URL.create("sqlite", database=str(Path(url)))
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL: {describe(url)}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(f"{describe(parsed)}: CityWall keeps alerts in SQLite or PostgreSQL only")
    if password is not None:
        parsed = parsed.set(password=password)
    return parsed


def make_engine(url: URL, *, writer: bool) -> Engine:
    """An engine for reads, or (``writer``) for the one connection that writes."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, immediate=writer)
    options = f"-c lock_timeout={PG_LOCK_TIMEOUT_MS} -c application_name=citywall"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=1 if writer else 4,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "options": options},
    )


def _sqlite_engine(url: URL, *, immediate: bool) -> Engine:
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}, pool_pre_ping=False
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot use WAL mode (journal mode stays {mode})")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# --- errors ----------------------------------------------------------------------------------
_SQLITE_FAULTS = {
    "SQLITE_FULL": StoreFault.DISK_FULL,
    "SQLITE_READONLY": StoreFault.READ_ONLY,
    "SQLITE_BUSY": StoreFault.LOCKED,
    "SQLITE_LOCKED": StoreFault.LOCKED,
    "SQLITE_CORRUPT": StoreFault.DAMAGED,
    "SQLITE_NOTADB": StoreFault.DAMAGED,
    "SQLITE_CANTOPEN": StoreFault.UNREACHABLE,
}
_PG_FAULTS = {
    "53100": StoreFault.DISK_FULL,  # disk_full
    "25006": StoreFault.READ_ONLY,  # read_only_sql_transaction
    "55P03": StoreFault.LOCKED,  # lock_not_available (lock_timeout)
    "57014": StoreFault.LOCKED,  # query_canceled (by a timeout)
    "40P01": StoreFault.LOCKED,  # deadlock_detected
    "28P01": StoreFault.UNREACHABLE,  # invalid_password
    "28000": StoreFault.UNREACHABLE,  # invalid_authorization_specification
    "3D000": StoreFault.UNREACHABLE,  # invalid_catalog_name (no such database)
    "XX001": StoreFault.DAMAGED,  # data_corrupted
}


def store_error(exc: BaseException, where: str) -> StoreUnavailable:
    """What went wrong, in a word the UI can translate, and the driver's text (no password)."""
    if isinstance(exc, StoreUnavailable):
        return exc
    orig: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    detail = _first_line(str(orig) or type(orig).__name__)
    fault = StoreFault.OTHER
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "") or ""
        fault = next((f for code, f in _SQLITE_FAULTS.items() if name.startswith(code)), StoreFault.OTHER)
        if fault is StoreFault.OTHER and "readonly" in name.lower():
            fault = StoreFault.READ_ONLY
        if name.startswith("SQLITE_IOERR"):
            fault = StoreFault.DISK_FULL if "full" in detail.lower() else StoreFault.OTHER
    elif isinstance(orig, OSError):
        fault = {28: StoreFault.DISK_FULL, 30: StoreFault.READ_ONLY}.get(orig.errno or 0, StoreFault.OTHER)
        detail = orig.strerror or detail
    else:
        sqlstate = getattr(orig, "sqlstate", None)
        if sqlstate in _PG_FAULTS:
            fault = _PG_FAULTS[sqlstate]
        elif (isinstance(exc, DBAPIError) and exc.connection_invalidated) or _is_connect_error(orig):
            fault = StoreFault.UNREACHABLE
    return StoreUnavailable(where, fault, _scrub(detail))


def _is_connect_error(orig: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(orig, psycopg.OperationalError) and getattr(orig, "sqlstate", None) is None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _scrub(text: str) -> str:
    """A driver's text with any ``user:password@`` or ``password=…`` taken out."""
    text = _USERINFO.sub(r"\1***@", text)
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", text, flags=re.IGNORECASE)
