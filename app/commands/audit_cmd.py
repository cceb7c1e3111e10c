"""`citywall audit verify`: is the record intact? The chain, the alert and case rows, the evidence
files.

Prints one line per problem, naming the event's sequence number, the alert's or case's id or the
file, and exits 1 when there is any; otherwise one summary line and exit 0. Exit 2: the database
could not be opened at all. The database is only read (an older schema is reported, never upgraded).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from camera_config.models import SiteConfig


class Text:
    """Every message of this module, in one place for translation."""

    HELP = "check the tamper-evident record of alerts and cases"
    VERIFY_HELP = "check the audit chain, every alert and case against it and every evidence file"
    VERIFY_DESCRIPTION = (
        "Checks that no audit event was edited, deleted or moved, that every alert and case in the "
        "database matches its audit record, and that every evidence file is there and unchanged. "
        "One line per problem; exit code 1 when there is any."
    )
    SITE_HELP = "the site file (its database, data folder and evidence folder)"
    DATABASE_HELP = (
        "the database: an SQLite file (alerts.sqlite3) or postgresql://user@host/db "
        "(password from PGPASSWORD or ~/.pgpass)"
    )
    EVIDENCE_HELP = "the evidence folder (default: the site's, or evidence/ beside the SQLite file)"
    DATA_DIR_HELP = "folder of the sites' data, as given to `citywall run --data-dir`"
    NEED_TARGET = "give --site SITE.yaml or --database (an SQLite file or a PostgreSQL URL)"
    NO_FILE = "{file}: no such database file"
    CANNOT_OPEN = "cannot check {where}: {reason}"
    PROGRESS = "checking {what}: {done}/{total}"
    INTACT = "{events} events, {alerts} alerts, {cases} cases, {files} evidence files: intact"
    NOT_INTACT = (
        "{count} problem(s): the record is NOT intact ({events} events, {alerts} alerts, {cases} cases)"
    )


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help=Text.HELP, description=Text.HELP)
    commands = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = commands.add_parser("verify", help=Text.VERIFY_HELP, description=Text.VERIFY_DESCRIPTION)
    target = verify.add_mutually_exclusive_group()
    target.add_argument("--site", type=Path, metavar="SITE.yaml", help=Text.SITE_HELP)
    target.add_argument("--database", metavar="URL_OR_FILE", help=Text.DATABASE_HELP)
    verify.add_argument("--evidence-dir", type=Path, metavar="DIR", help=Text.EVIDENCE_HELP)
    verify.add_argument("--data-dir", type=Path, metavar="DIR", help=Text.DATA_DIR_HELP)
    verify.set_defaults(handler=verify_command)


def verify_command(args: argparse.Namespace) -> int:
    from app.adapters.storage.engines import describe
    from app.adapters.storage.evidence_files import EvidenceFiles
    from app.adapters.storage.migrate import SchemaNotCurrent
    from app.adapters.storage.repository import open_repository
    from app.adapters.storage.verify import verify_store
    from app.core.alert_ports import SchemaTooNew, StoreUnavailable

    try:
        url, password, data, evidence = _target(args)
    except _Refused as exc:
        _err(str(exc))
        return 2
    if url is None and not (data / "alerts.sqlite3").is_file():
        _err(Text.NO_FILE.format(file=data / "alerts.sqlite3"))
        return 2
    if url is not None and "://" not in url and not Path(url).is_file():
        _err(Text.NO_FILE.format(file=url))
        return 2
    try:
        repository = open_repository(url, data, password=password, upgrade=False)
    except (SchemaTooNew, SchemaNotCurrent, StoreUnavailable, ValueError) as exc:
        _err(Text.CANNOT_OPEN.format(where=describe(url) if url else data, reason=exc))
        return 2
    try:
        result = verify_store(repository, EvidenceFiles(evidence) if evidence else None, _Progress())
    except StoreUnavailable as exc:
        _err(Text.CANNOT_OPEN.format(where=exc.where, reason=exc))
        return 2
    finally:
        repository.close()
    for problem in result.problems:
        print(problem)
    counts = {"events": result.events, "alerts": result.alerts, "cases": result.cases}
    if result.problems:
        print(Text.NOT_INTACT.format(count=len(result.problems), **counts))
        return 1
    print(Text.INTACT.format(files=result.evidence_files, **counts))
    return 0


class _Refused(Exception):
    pass


def _target(args: argparse.Namespace) -> tuple[str | None, str | None, Path, Path | None]:
    """(database URL or file, its password, the data folder, the evidence folder)."""
    if args.site is not None:
        return _site_target(args.site, args.data_dir, args.evidence_dir)
    if args.database is None:
        raise _Refused(Text.NEED_TARGET)
    database: str = args.database
    if "://" in database:
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(database)
        except Exception:
            raise _Refused(Text.NEED_TARGET) from None
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            database = parsed.database
    if "://" not in database:
        folder = Path(database).parent
        return database, None, folder, args.evidence_dir or folder / "evidence"
    return database, None, Path.cwd(), args.evidence_dir


def _site_target(
    site_file: Path, data_dir: Path | None, evidence_dir: Path | None
) -> tuple[str | None, str | None, Path, Path | None]:
    from camera_config.issues import ConfigError
    from camera_config.loader import load_site

    try:
        site = load_site(site_file, resolve_secrets=False)  # cameras' passwords are not needed here
    except ConfigError as exc:
        raise _Refused("\n".join(str(issue) for issue in exc.issues)) from None
    data = _site_data_dir(site, data_dir)
    evidence = evidence_dir or site.detection.evidence_dir or data / "evidence"
    if site.database is None:
        return None, None, data, evidence
    password = os.environ.get(site.database.password_env) if site.database.password_env else None
    return site.database.url, password, data, evidence


def _site_data_dir(site: SiteConfig, data_dir: Path | None) -> Path:
    from app.main import site_data_dir  # the same folder the wall uses (imports Qt: only for --site)

    return site_data_dir(site, data_dir)


class _Progress:
    """At most two lines a second on stderr, and only for a check that takes a while."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._last = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._start < 1.0 or (now - self._last < 0.5 and done < total):
            return
        self._last = now
        line = Text.PROGRESS.format(what=what, done=done, total=total)
        if sys.stderr.isatty():
            print(f"\r{line}", end="\n" if done >= total else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr)
