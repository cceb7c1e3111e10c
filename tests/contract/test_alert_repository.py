"""The alert store's contract, on SQLite and on PostgreSQL: what the alert service relies on.

Every alert and its handling come back after a restart exactly as written; history search finds
by each field; the audit chain continues across restarts and stays one unbroken chain when two
writers append at once; the audit table refuses changes; schema upgrades back up first and a
newer schema is refused.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.adapters.storage.migrate import MIGRATIONS
from app.adapters.storage.repository import SqlAlertRepository
from app.core.alert_ports import AlertQuery, SchemaTooNew
from app.core.alerts import Alert, AlertBook, AlertState, DismissReason, EvidenceKind, Rule
from app.core.audit import GENESIS, verify_chain
from tests.alert_samples import evidence_ref, sample_alert
from tests.contract.conftest import Store


def raise_all(repo: SqlAlertRepository, book: AlertBook, alerts: list[Alert]) -> None:
    for alert in alerts:
        change = book.raise_alert(alert)
        repo.append(change.after, change.draft)


def test_an_alert_comes_back_exactly_as_written(repo: SqlAlertRepository) -> None:
    book = AlertBook()
    still = evidence_ref(b"picture")
    change = book.raise_alert(sample_alert(1, evidence=(still,)))
    event = repo.append(change.after, change.draft)
    assert (event.seq, event.prev_hash) == (1, GENESIS)
    assert repo.get("al-00001") == change.after
    dismissed = book.dismiss("al-00001", "张伟", 1_780_000_100.0, DismissReason.OTHER, "车辆临时停放")
    repo.append(dismissed.after, dismissed.draft)
    assert repo.get("al-00001") == dismissed.after
    assert repo.get("nobody") is None
    assert [e.action for e in repo.events("alert:al-00001")] == ["raise", "dismiss"]
    assert list(repo.all_alerts()) == [dismissed.after]


def test_history_search_by_each_field(repo: SqlAlertRepository) -> None:
    book = AlertBook()
    raise_all(
        repo, book,
        [
            sample_alert(1, camera="cam001", raised_at=100.0, zone_name="北门 no-vending"),
            sample_alert(2, camera="cam002", raised_at=200.0, zone_name="南门 100%_zone"),
            sample_alert(3, camera="cam002", raised_at=300.0, rule=Rule.BIN_OVERFLOW, zone_name="垃圾桶"),
            sample_alert(4, camera="cam003", raised_at=400.0, zone_name="东侧"),
        ],
    )  # fmt: skip
    for change in (
        book.dismiss("al-00002", "li", 250.0, DismissReason.FIXED_OBJECT),
        book.dismiss("al-00004", "li", 450.0, DismissReason.OTHER, "Permitted Market day"),
        book.confirm("al-00003", "li", 350.0),
    ):
        repo.append(change.after, change.draft)

    def ids(**query: object) -> list[str]:
        return [a.id for a in repo.search(AlertQuery(**query))]  # type: ignore[arg-type]

    assert ids() == ["al-00004", "al-00003", "al-00002", "al-00001"]  # newest first
    assert ids(camera_ids=frozenset({"cam002"})) == ["al-00003", "al-00002"]
    assert ids(rules=frozenset({Rule.BIN_OVERFLOW})) == ["al-00003"]
    assert ids(states=frozenset({AlertState.DISMISSED})) == ["al-00004", "al-00002"]
    assert ids(states=frozenset({AlertState.RAISED, AlertState.CONFIRMED})) == ["al-00003", "al-00001"]
    assert ids(reasons=frozenset({DismissReason.FIXED_OBJECT})) == ["al-00002"]
    assert ids(raised_from=200.0) == ["al-00004", "al-00003", "al-00002"]
    assert ids(raised_to=300.0) == ["al-00002", "al-00001"]  # the end is not included
    assert ids(raised_from=150.0, raised_to=350.0) == ["al-00003", "al-00002"]
    assert ids(text="北门") == ["al-00001"]
    assert ids(text="market") == ["al-00004"]  # in the note, any case
    assert ids(text="CAM003") == ["al-00004"]  # the camera id
    assert ids(text="100%_") == ["al-00002"]  # % and _ are plain characters
    assert ids(text="%") == ["al-00002"]
    assert ids(limit=2) == ["al-00004", "al-00003"]
    assert ids(camera_ids=frozenset({"cam002"}), states=frozenset({AlertState.CONFIRMED})) == ["al-00003"]
    assert ids(camera_ids=frozenset()) == []


def test_open_alerts_come_back_after_a_restart(store: Store) -> None:
    repo, book = store.open(), AlertBook()
    raise_all(repo, book, [sample_alert(n, raised_at=100.0 + n) for n in range(1, 7)])
    for change in (
        book.acknowledge("al-00002", "wang", 110.0),
        book.dismiss("al-00003", "wang", 111.0, DismissReason.FALSE_DETECTION),
        book.confirm("al-00004", "wang", 112.0),
        book.clear("al-00005", 113.0),  # cleared before anyone saw it: still waits for someone
        book.acknowledge("al-00006", "wang", 114.0),
        book.clear("al-00006", 115.0),  # seen, then cleared: done
    ):
        repo.append(change.after, change.draft)
    repo.close()

    again = store.open()
    assert [a.id for a in again.open_alerts()] == ["al-00001", "al-00002", "al-00005"]
    restored = AlertBook()
    restored.load(list(again.all_alerts()))
    assert [a.id for a in restored.open_alerts()] == ["al-00001", "al-00002"]
    assert {a.id: a for a in again.all_alerts()} == {a.id: a for a in book}


def test_the_chain_continues_across_a_restart(store: Store) -> None:
    repo, book = store.open(), AlertBook()
    raise_all(repo, book, [sample_alert(1), sample_alert(2)])
    last = list(repo.events())[-1]
    repo.close()
    again = store.open()
    change = book.acknowledge("al-00001", "zhao", 1_780_000_500.0)
    event = again.append(change.after, change.draft)
    assert (event.seq, event.prev_hash) == (3, last.hash)
    events = list(again.events())
    assert [e.seq for e in events] == [1, 2, 3]
    assert verify_chain(events) == []


def test_two_writers_at_once_make_one_unbroken_chain(store: Store) -> None:
    first, second = store.open(), store.open()  # two connections, as two workstations
    per_writer = 40
    errors: list[BaseException] = []

    def writer(repo: SqlAlertRepository, start: int) -> None:
        book = AlertBook()
        try:
            for n in range(start, start + per_writer):
                change = book.raise_alert(sample_alert(n, camera=f"cam{start}"))
                repo.append(change.after, change.draft)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(r, s)) for r, s in ((first, 1), (second, 1001))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    events = list(first.events())
    assert [e.seq for e in events] == list(range(1, 2 * per_writer + 1))
    assert verify_chain(events) == []
    assert {e.subject for e in events} == {f"alert:al-{n:05d}" for n in [*range(1, 41), *range(1001, 1041)]}


def test_evidence_rows_are_kept_once_per_file(repo: SqlAlertRepository) -> None:
    book = AlertBook()
    still, clip = evidence_ref(b"still"), evidence_ref(b"clip", kind=EvidenceKind.CLIP)
    raise_all(repo, book, [sample_alert(1, evidence=(still, clip)), sample_alert(2, evidence=(still,))])
    rows = {row.sha256: row for row in repo.evidence_rows()}
    assert set(rows) == {still.sha256, clip.sha256}
    row = rows[clip.sha256]
    assert (row.kind, row.media_type, row.size, row.camera_id, row.stream) == (
        "clip", "video/mp4", 4, "cam001", "main",
    )  # fmt: skip
    assert row.captured_at == clip.captured_at
    assert repo.get("al-00001").evidence == (still, clip)  # type: ignore[union-attr]


def test_a_batch_keeps_every_change_in_order_and_each_alert_as_last_changed(repo: SqlAlertRepository) -> None:
    """The writer's batch (one transaction): one alert raised, taken and dismissed, another raised
    with a picture the first also has; every event chained in order, each row its last state."""
    book = AlertBook()
    still = evidence_ref(b"still")
    changes = [
        book.raise_alert(sample_alert(1, evidence=(still,))),
        book.raise_alert(sample_alert(2, evidence=(still,))),
        book.acknowledge("al-00001", "张伟", 1_780_000_050.0),
        book.dismiss("al-00001", "张伟", 1_780_000_060.0, DismissReason.FALSE_DETECTION),
    ]
    events = repo.append_many([(c.after, c.draft) for c in changes])
    assert [e.seq for e in events] == [1, 2, 3, 4]
    stored = list(repo.events())
    assert stored == events and verify_chain(stored) == []
    assert [e.action for e in repo.events("alert:al-00001")] == ["raise", "acknowledge", "dismiss"]
    assert repo.get("al-00001") == changes[-1].after
    assert repo.get("al-00002") == changes[1].after
    assert [row.sha256 for row in repo.evidence_rows()] == [still.sha256]


def test_the_audit_table_refuses_update_and_delete(store: Store, repo: SqlAlertRepository) -> None:
    raise_all(repo, AlertBook(), [sample_alert(1)])
    engine = create_engine(_url(store))
    try:
        for statement in (
            "UPDATE audit_events SET actor = 'someone' WHERE seq = 1",
            "DELETE FROM audit_events",
        ):
            with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        if store.dialect == "postgresql":
            with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
                conn.execute(text("TRUNCATE audit_events"))
    finally:
        engine.dispose()
    assert [(e.seq, e.actor) for e in repo.events()] == [(1, "detector")]


def test_a_newer_schema_is_refused_and_left_alone(store: Store) -> None:
    repo = store.open()
    raise_all(repo, AlertBook(), [sample_alert(1)])
    repo.close()
    engine = create_engine(_url(store))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    with pytest.raises(SchemaTooNew) as refused:
        store.open()
    message = str(refused.value)
    assert "0099_from_the_future" in message and "0001" in message
    assert "newer CityWall" in message and "较新版本" in message
    if store.dialect == "sqlite":
        assert str(store.data_dir / "alerts.sqlite3") in message
        assert not (store.data_dir / "backups").exists()
    with engine.connect() as conn:  # nothing was changed: no downgrade
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099_from_the_future"
        )
        assert conn.execute(text("SELECT count(*) FROM alerts")).scalar() == 1
    engine.dispose()


NEXT_REVISION = '''
"""A later schema (test only): an extra column."""
import sqlalchemy as sa
from alembic import op

revision = "0099_test"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("extra", sa.Text))
'''


def test_an_older_schema_is_backed_up_then_upgraded(store: Store, tmp_path: Path) -> None:
    repo, book = store.open(), AlertBook()
    raise_all(repo, book, [sample_alert(1), sample_alert(2)])
    repo.close()
    later = tmp_path / "later_migrations"
    shutil.copytree(MIGRATIONS, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "0099_test.py").write_text(NEXT_REVISION, encoding="utf-8")

    upgraded = store.open(migrations=later)
    assert upgraded.upgrade is not None
    assert (upgraded.upgrade.before, upgraded.upgrade.after) == ("0003", "0099_test")
    assert {a.id for a in upgraded.all_alerts()} == {"al-00001", "al-00002"}
    change = book.acknowledge("al-00001", "zhao", 1_780_000_900.0)
    assert upgraded.append(change.after, change.draft).seq == 3
    if store.dialect == "sqlite":
        backup = upgraded.upgrade.backup
        assert backup is not None and backup.parent == store.data_dir / "backups"
        assert "r0003" in backup.name
        with sqlite3.connect(backup) as copy:
            assert copy.execute("SELECT count(*) FROM alerts").fetchone() == (2,)
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:
        assert upgraded.upgrade.backup is None  # a server's backups are its administrator's
    upgraded.close()
    with pytest.raises(SchemaTooNew):  # the app without the later revision refuses it now
        store.open()


def test_an_up_to_date_schema_is_opened_without_a_backup(store: Store) -> None:
    store.open().close()
    again = store.open()
    assert again.upgrade is not None and again.upgrade.backup is None
    assert again.upgrade.before == again.upgrade.after == "0003"


def _url(store: Store) -> str:
    return store.url if store.url is not None else f"sqlite:///{store.data_dir / 'alerts.sqlite3'}"
