"""Schema upgrades on start: back up, upgrade, or refuse a database newer than this app.

The migration scripts ship inside the package (``migrations/``) and run through Alembic's API on
an open connection, so a workstation needs no alembic.ini. An SQLite file is copied to the data
folder's ``backups/`` (SQLite's online backup API: a consistent copy even of a WAL database)
before its schema changes. A revision this app does not know means a newer CityWall wrote the
database: :class:`SchemaTooNew`, and nothing is touched (no silent downgrade).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.core.alert_ports import SchemaTooNew

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Text:
    """Messages of this module, Chinese first (the start-up dialog shows them as they are)."""

    TOO_NEW = (
        "告警数据库 {where} 由较新版本的 CityWall 写入（数据库结构版本 {found}；本程序只认识 {known}）。"
        "请升级 CityWall 后再打开；本程序不会降级数据库。\n"
        "The alert database {where} was written by a newer CityWall (schema revision {found}; this "
        "version knows {known}). Update CityWall to open it; it is never downgraded."
    )
    NOT_CURRENT = (
        "告警数据库 {where} 的结构版本为 {found}，本程序使用 {head}：请先启动一次 CityWall 以升级它。\n"
        "The alert database {where} has schema revision {found}; this CityWall uses {head}: start "
        "CityWall once to upgrade it."
    )


class SchemaNotCurrent(RuntimeError):
    """An older schema where no upgrade was asked for (a check must not change the database)."""


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade_on_start` did: revisions before and after, and the backup it made."""

    before: str | None
    after: str
    backup: Path | None


def alembic_config(migrations: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    return config


def upgrade_on_start(
    engine: Engine,
    where: str,
    *,
    backups: Path | None,
    migrations: Path = MIGRATIONS,
    apply: bool = True,
) -> Upgrade:
    """Bring the database to the newest revision this app knows; ``backups`` (SQLite: the data
    folder's ``backups/``) receives a copy of an existing database before its schema changes.

    Raises :class:`SchemaTooNew` for a revision this app does not know, and (``apply`` False)
    :class:`SchemaNotCurrent` for an older one."""
    config = alembic_config(migrations)
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    known = {rev.revision for rev in script.walk_revisions()}
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
        conn.rollback()
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise SchemaTooNew(
            Text.TOO_NEW.format(where=where, found=", ".join(unknown), known=", ".join(sorted(known)))
        )
    if set(current) == set(heads):
        return Upgrade(current[0] if current else None, heads[0], None)
    if not apply:
        found = ", ".join(current) or "(none)"
        raise SchemaNotCurrent(Text.NOT_CURRENT.format(where=where, found=found, head=", ".join(heads)))
    backup = None
    if current and backups is not None and engine.url.get_backend_name() == "sqlite":
        backup = backup_sqlite(Path(str(engine.url.database)), backups, tag=current[0])
    log.info("alert store %s: schema %s → %s", where, current[0] if current else "new", heads[0])
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    return Upgrade(current[0] if current else None, heads[0], backup)


def backup_sqlite(path: Path, backups: Path, *, tag: str) -> Path:
    """A consistent copy of the SQLite file ``path`` as ``backups/<name>-<time>-r<tag>.sqlite3``."""
    backups.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = backups / f"{path.stem}-{stamp}-r{tag}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = backups / f"{path.stem}-{stamp}-r{tag}-{n}{path.suffix}"
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    log.info("alert store %s backed up to %s before its schema upgrade", path, target)
    return target
