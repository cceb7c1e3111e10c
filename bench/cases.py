"""Cases bench: the case list and the monthly figures over a year of a busy centre, SQLite and PostgreSQL.

The data: ``--cases`` cases (default 200,000) of one year with their audit events, made by the
core's commands (bench/case_year.py says how: mostly video, most closed, some cancelled,
deferred, late, returned for rework, open at the year's end; the shipped catalogue and routing
table, a few hundred unit grids) and bulk-loaded into the store's tables (migrated by the app's
own ``open_case_repository``). The SQLite file is cached in ``--cache`` (default: the temporary
folder's ``citywall-bench-cases``), keyed by the data's version, the case count and the seed, so
only the first run builds it (minutes); PostgreSQL's data folder likewise, loaded from that file
with COPY. A newer schema is applied to the cached data by the app's own upgrade on open, as at a
site (the upgrade's SQLite backup copy is deleted: the cache can be rebuilt). PostgreSQL runs as
tests/pg_server.py starts it (Debian's initdb/pg_ctl, locale C.UTF-8, so that pg_trgm sees Chinese
characters as word characters); when it cannot start, the bench says why and reports SQLite only.

Measured on each database, for ``--seconds`` (split between them):

- the case list: ``SqlCaseRepository.search`` (a page of 100) and ``count`` of the same filter (up
  to 10,000, past which the window says "more than 10,000"), as the case window asks for them, in
  a seeded random mix of kinds: no filter, state, class "05", grid prefix (district, street,
  community), department, overdue, source, text search (three or more characters; one or two),
  each with a sort (created, due, state, department; both directions). Per kind p50/p95/max of
  search+count; ``list_p95_ms`` is the p95 over all.
- the monthly figures as the 考核评价 window works them out (``app.ui.cases.figures_job.compute``):
  ``facts_in_period`` (the cases made, due or closed in the month), those judged in it kept, then
  ``figures(...)``, median of ``--repeats`` over several months → ``figures_ms``.

Goals: list_p95_ms ≤ 100, figures_ms ≤ 1,000. A measurement: it exits 0 whatever the numbers.
Last line ``RESULT list_p95_ms=… figures_ms=… list_p95_ms_pg=… figures_ms_pg=… text_p95_ms=…``
(the first two SQLite's; _pg PostgreSQL's, ``nan`` when it could not run; text_p95_ms the worst
database's text search p95).

    .venv/bin/python bench/cases.py --seconds 60
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/cases.py` from the repo root

from sqlalchemy import Connection, Select, insert, select

from app.adapters.storage.cases import SqlCaseRepository, open_case_repository
from app.adapters.storage.engines import SQLITE_FILE
from app.adapters.storage.schema import audit_events, case_alerts, case_records, cases, evidence
from app.core.case_figures import Period
from app.core.case_ports import CaseQuery, SortKey
from app.core.cases import WORKING, CaseSource, CaseState
from app.ui.cases.figures_job import compute
from app.ui.cases.model import COUNT_AT_MOST
from bench import case_pg
from bench.case_year import NOW, YEAR, ZONE, Rows, build, grid_codes

DATA_VERSION = 1  # bump when bench/case_year.py makes other data
GOALS = {"list_p95_ms": 100.0, "figures_ms": 1000.0}
PAGE = 100
TEXTS = (
    "新华路",
    "建设大街",
    "公交站旁",
    "占道经营",
    "垃圾满溢",
    "已清运完毕",
    "128号",
    "C202503",
    "示范区新华街道",
)
SHORT_TEXTS = ("垃圾", "游商", "小区", "井", "路")
TABLES = (audit_events, cases, case_records, case_alerts, evidence)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- the data -----------------------------------------------------------------------------------
def sqlite_file(cache: Path, count: int, seed: int) -> Path:
    """The year in a SQLite file of the cache, built when missing (its name says what it holds)."""
    name = f"year-v{DATA_VERSION}-{count}-s{seed}"
    folder = cache / name
    done = folder / SQLITE_FILE
    if (folder / "complete").exists():
        print(f"== data: {count:,} cases from the cache ({done})")
        return done
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"== data: building {count:,} cases into {done} (once; cached for the next runs)")
    started = time.perf_counter()
    repo = open_case_repository(None, folder)
    engine = repo._write
    try:
        for rows in build(count, seed):
            with engine.begin() as conn:
                _insert(conn, rows)
    finally:
        repo.close()
    (folder / "complete").write_text(f"{count} cases\n")
    print(f"  built in {time.perf_counter() - started:.0f} s, {done.stat().st_size / 2**20:.0f} MiB")
    return done


def _insert(conn: Connection, rows: Rows) -> None:
    for table, batch in ((audit_events, rows.events), (cases, rows.cases), (case_records, rows.records),
                         (case_alerts, rows.links), (evidence, rows.evidence)):  # fmt: skip
        if batch:
            conn.execute(insert(table), batch)


def postgres_database(cache: Path, source: Path, count: int, seed: int) -> tuple[case_pg.BenchServer, str]:
    """A server on the cached data folder with the year in database ``bench`` (loaded by COPY from
    the SQLite file when not yet there). ``cache`` must be reachable by the server's owner."""
    import psycopg

    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o755)  # as root the cluster belongs to another user, who must reach its folder
    folder = cache / f"pg-v{DATA_VERSION}-{count}-s{seed}"
    server = case_pg.start(folder)
    try:
        marker = folder / "complete"
        if marker.exists():
            print(f"== PostgreSQL: the year from the cache ({folder})")
            return server, server.url("bench")
        print("== PostgreSQL: loading the year (once; cached for the next runs)")
        started = time.perf_counter()
        with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench")
            conn.execute("CREATE DATABASE bench")
        open_case_repository(server.url("bench"), cache).close()  # the app's migrations make the tables
        import sqlite3

        lite = sqlite3.connect(source)
        with psycopg.connect(server.dsn("bench")) as pg:
            for table in TABLES:
                names = [c.name for c in table.columns]
                bools = {i for i, c in enumerate(table.columns) if c.type.python_type is bool}
                with pg.cursor().copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in lite.execute(f"SELECT {', '.join(names)} FROM {table.name}"):
                        copy.write_row([bool(v) if i in bools else v for i, v in enumerate(row)])
            pg.commit()
        lite.close()
        with psycopg.connect(server.dsn("bench"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # what autovacuum does soon after such a load
        marker.write_text(f"{count} cases\n")
        print(f"  loaded in {time.perf_counter() - started:.0f} s")
        return server, server.url("bench")
    except BaseException:
        server.stop()
        raise


# --- the queries --------------------------------------------------------------------------------
@dataclass
class Kind:
    name: str
    make: Callable[[random.Random], CaseQuery]
    times_ms: list[float] = field(default_factory=list)


def _page(rng: random.Random, **filters: Any) -> CaseQuery:
    """A page of the list with ``filters``, sorted as a person might have chosen."""
    key = rng.choice((SortKey.CREATED, SortKey.CREATED, SortKey.DUE, SortKey.STATE, SortKey.DEPARTMENT))
    return CaseQuery(**filters, sort=key, descending=rng.random() < 0.7, limit=PAGE)


def kinds(departments: Sequence[str]) -> list[Kind]:
    grids = grid_codes()
    open_states = [s for s in CaseState if s not in (CaseState.CLOSED, CaseState.CANCELLED)]

    def some_states(r: random.Random) -> CaseQuery:
        return _page(r, states=frozenset(r.sample(open_states, r.randint(1, 3))))

    def working_grid_text(r: random.Random) -> CaseQuery:
        return _page(r, states=frozenset(WORKING), grid_prefix=r.choice(grids)[:9], text=r.choice(TEXTS[:3]))

    return [
        Kind("all", lambda r: _page(r)),
        Kind("state", some_states),
        Kind("closed", lambda r: _page(r, states=frozenset({CaseState.CLOSED}))),
        Kind("class 05", lambda r: _page(r, category_codes=frozenset({"05"}))),
        Kind("grid", lambda r: _page(r, grid_prefix=r.choice(grids)[: r.choice((6, 9, 12))])),
        Kind("department", lambda r: _page(r, department_ids=frozenset({r.choice(departments)}))),
        Kind("overdue", lambda r: _page(r, overdue_at=NOW)),
        Kind("source", lambda r: _page(r, sources=frozenset({r.choice(list(CaseSource))}))),
        Kind("text", lambda r: _page(r, text=r.choice(TEXTS))),
        Kind("text 1-2 chars", lambda r: _page(r, text=r.choice(SHORT_TEXTS))),
        Kind("state+grid+text", working_grid_text),
    ]


@dataclass
class Measured:
    where: str
    kinds: list[Kind]
    figures_ms: list[float]
    months: list[str]

    @property
    def list_ms(self) -> list[float]:
        return [t for k in self.kinds for t in k.times_ms]

    def kind_p95(self, name: str) -> float:
        return percentile(next(k.times_ms for k in self.kinds if k.name == name), 95)


def measure(repo: SqlCaseRepository, where: str, seconds: float, seed: int, repeats: int) -> Measured:
    departments = sorted({str(r[0]) for r in repo._fetch(_departments())})
    mix = kinds(departments)
    rng = random.Random(seed)
    for kind in mix:  # warm the caches and the plans once per kind, unmeasured
        query = kind.make(rng)
        repo.search(query)
        repo.count(query, COUNT_AT_MOST)
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        kind = rng.choice(mix)
        query = kind.make(rng)
        started = time.perf_counter()
        page = repo.search(query)
        total = repo.count(query, COUNT_AT_MOST)  # as the case window counts
        kind.times_ms.append((time.perf_counter() - started) * 1000)
        assert len(page) <= PAGE and total >= len(page)
    months = [1, 4, 7, 10, 12]
    figures_ms: list[float] = []
    for n in range(repeats):
        month = months[n % len(months)]
        period = Period.month(YEAR, month, ZONE)
        started = time.perf_counter()
        done = compute(period, NOW, repo.facts_in_period, None).figures
        figures_ms.append((time.perf_counter() - started) * 1000)
        assert done.all.created > 0
    return Measured(where, mix, figures_ms, [f"{YEAR}-{m:02d}" for m in months[:repeats]])


def _departments() -> Select[Any]:
    return select(cases.c.department_id).where(cases.c.department_id.is_not(None)).distinct()


def report(done: Measured) -> None:
    print(f"== {done.where}: the case list (search page of {PAGE} + count), ms")
    rows = [(k.name, k.times_ms) for k in done.kinds if k.times_ms] + [("all kinds", done.list_ms)]
    for name, t in rows:
        print(
            f"  {name:16s} n={len(t):4d}  p50 {percentile(t, 50):7.1f}  p95 {percentile(t, 95):7.1f}  "
            f"max {max(t):7.1f}"
        )
    spent = ", ".join(f"{v:.0f}" for v in done.figures_ms)
    months = ", ".join(done.months)
    print(
        f"== {done.where}: monthly figures (cases made, due or closed in it + figures), ms: {spent}"
        f" ({months})"
    )


def goal_line(where: str, key: str, value: float) -> str:
    verdict = "PASS" if value <= GOALS[key] else "MISS"
    return f"  {verdict}  {where} {key} {value:.1f} (goal ≤ {GOALS[key]:g})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="list queries' time, both databases (default 60)"
    )
    parser.add_argument("--cases", type=int, default=200_000, help="cases in the year (default 200,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="monthly figures computed (default 5)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "citywall-bench-cases")
    parser.add_argument(
        "--pg-cache", type=Path, default=Path(tempfile.gettempdir()) / "citywall-bench-cases-pg",
        help="PostgreSQL's data folders (its owner must reach it: not under a private folder)",
    )  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    print(f"cases bench: {args.cases:,} cases, {args.seconds:g} s of list queries; load {os.getloadavg()}")
    source = sqlite_file(args.cache, args.cases, args.seed)
    share = args.seconds if args.no_postgres else args.seconds / 2
    repo = open_case_repository(str(source), source.parent)
    if repo.upgrade is not None and repo.upgrade.backup is not None:
        print(f"  the cached data was upgraded to schema {repo.upgrade.after} (its backup deleted)")
        repo.upgrade.backup.unlink(missing_ok=True)
    try:
        lite = measure(repo, f"SQLite {repo.where}", share, args.seed, args.repeats)
    finally:
        repo.close()
    report(lite)
    pg: Measured | None = None
    if args.no_postgres:
        print("== PostgreSQL: not measured (--no-postgres)")
    else:
        try:
            server, url = postgres_database(args.pg_cache, source, args.cases, args.seed)
        except (RuntimeError, OSError, ImportError) as exc:
            print(f"== PostgreSQL: not measured, it could not be started: {exc}")
        else:
            try:
                repo = open_case_repository(url, args.cache)
                try:
                    pg = measure(repo, "PostgreSQL", share, args.seed, args.repeats)
                finally:
                    repo.close()
            finally:
                server.stop()
            report(pg)
    values = {"list_p95_ms": percentile(lite.list_ms, 95), "figures_ms": statistics.median(lite.figures_ms)}
    print(f"== goals (load average now {os.getloadavg()[0]:.2f})")
    for key, value in values.items():
        print(
            f"  {'PASS' if value <= GOALS[key] else 'MISS'}  SQLite {key} {value:.1f} (goal ≤ {GOALS[key]:g})"
        )
    values["list_p95_ms_pg"] = percentile(pg.list_ms, 95) if pg else math.nan
    values["figures_ms_pg"] = statistics.median(pg.figures_ms) if pg else math.nan
    if pg:
        for key in ("list_p95_ms", "figures_ms"):
            value = values[key + "_pg"]
            print(goal_line("PostgreSQL", key, value))
    texts = [m.kind_p95("text") for m in (lite, pg) if m]
    values["text_p95_ms"] = max(texts)
    print("RESULT " + " ".join(f"{key}={value:.1f}" for key, value in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
