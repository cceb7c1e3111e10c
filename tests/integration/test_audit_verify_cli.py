"""`citywall audit verify` finds what a person with access to the database or the evidence folder
changed behind the app's back, and names it: edited, deleted and reordered events, alert and case
rows edited in the database, replaced and deleted evidence files. On SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.adapters.storage.evidence_files import EvidenceFiles
from app.adapters.storage.repository import open_repository
from app.cli import main
from app.core.alerts import AlertBook, DismissReason, EvidenceKind, EvidenceRef
from tests.alert_samples import sample_alert
from tests.pg_server import PostgresServer


@dataclass
class Site:
    url: str  # what --database gets
    engine_url: str
    evidence: Path
    dialect: str

    def sql(self, *statements: str) -> None:
        """Run ``statements`` as someone with rights on the database (triggers off first)."""
        engine = create_engine(self.engine_url)
        try:
            with engine.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
                else:
                    conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
                    conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
                for statement in statements:
                    conn.execute(text(statement))
        finally:
            engine.dispose()

    def verify(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        code = main(["audit", "verify", "--database", self.url, "--evidence-dir", str(self.evidence)])
        out = capsys.readouterr()
        return code, out.out + out.err


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """Three alerts (events 1-3 raise them, 4 dismisses the second), each with a still; one clip."""
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.new_database("audit")
        target = Site(url, url, tmp_path / "evidence", "postgresql")
    else:
        file = tmp_path / "alerts.sqlite3"
        target = Site(str(file), f"sqlite:///{file}", tmp_path / "evidence", "sqlite")
    repository = open_repository(target.url, tmp_path)
    files, book = EvidenceFiles(target.evidence), AlertBook()
    for n in (1, 2, 3):
        still = files.put(
            f"still {n}".encode(), kind=EvidenceKind.STILL, media_type="image/jpeg",
            captured_at=1_780_000_000.0 + n, camera_id="cam001", stream="main",
        )  # fmt: skip
        evidence: tuple[EvidenceRef, ...] = (still,)
        if n == 3:
            evidence += (
                files.put(
                    b"clip", kind=EvidenceKind.CLIP, media_type="video/mp4",
                    captured_at=1_780_000_003.0, camera_id="cam001", stream="main",
                ),
            )  # fmt: skip
        change = book.raise_alert(sample_alert(n, evidence=evidence))
        repository.append(change.after, change.draft)
    change = book.dismiss("al-00002", "张伟", 1_780_000_050.0, DismissReason.FIXED_OBJECT)
    repository.append(change.after, change.draft)
    repository.close()
    yield target


def evidence_path(site: Site, content: bytes, media: str = "jpg") -> Path:
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    return site.evidence / sha[:2] / f"{sha}.{media}"


def test_an_intact_record_passes_with_a_summary(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = site.verify(capsys)
    assert code == 0
    assert out.strip() == "4 events, 3 alerts, 0 cases, 4 evidence files: intact"


def test_an_edited_event_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.sql("UPDATE audit_events SET actor = '李四' WHERE seq = 4")
    code, out = site.verify(capsys)
    assert code == 1
    assert "event 4: edited: alert:al-00002 dismiss by 李四" in out


def test_a_deleted_event_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.sql("DELETE FROM audit_events WHERE seq = 2")
    code, out = site.verify(capsys)
    assert code == 1
    assert "event 3: missing: event(s) 2 before it are gone" in out


def test_two_swapped_events_are_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.sql(
        "UPDATE audit_events SET seq = -1 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = -1",
    )
    code, out = site.verify(capsys)
    assert code == 1
    assert "event 2: edited" in out and "event 3: edited" in out


def test_an_alert_row_edited_in_the_database_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.sql("UPDATE alerts SET state = 'raised', dismiss_reason = NULL WHERE id = 'al-00002'")
    code, out = site.verify(capsys)
    assert code == 1
    assert "alert al-00002: its row was edited directly in the database" in out
    assert "state='raised', recorded 'dismissed'" in out
    assert "al-00001" not in out and "al-00003" not in out


def test_a_deleted_alert_row_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.sql("DELETE FROM alerts WHERE id = 'al-00003'")
    code, out = site.verify(capsys)
    assert code == 1
    assert "alert al-00003: in the audit record, but its row is gone" in out


def test_a_replaced_evidence_file_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    still = evidence_path(site, b"still 2")
    still.write_bytes(b"another picture")
    code, out = site.verify(capsys)
    assert code == 1
    assert f"evidence file {still}: altered" in out


def test_a_deleted_evidence_file_is_named(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    clip = evidence_path(site, b"clip", "mp4")
    clip.unlink()
    code, out = site.verify(capsys)
    assert code == 1
    assert f"evidence file {clip}: missing" in out


def test_the_installed_command_exits_non_zero_on_a_problem(tmp_path: Path) -> None:
    repository = open_repository(None, tmp_path)
    book = AlertBook()
    change = book.raise_alert(sample_alert(1))
    repository.append(change.after, change.draft)
    repository.close()
    Site(str(tmp_path), f"sqlite:///{tmp_path / 'alerts.sqlite3'}", tmp_path, "sqlite").sql(
        "UPDATE audit_events SET note = 'changed' WHERE seq = 1"
    )
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", "verify", "--database", str(tmp_path / "alerts.sqlite3")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == "event 1: edited: alert:al-00001 raise by detector"


def test_a_missing_database_is_said_and_nothing_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--database", str(tmp_path / "alerts.sqlite3")]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not (tmp_path / "alerts.sqlite3").exists()


def test_a_sites_own_store_is_found_from_its_site_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.main import site_data_dir
    from camera_config.loader import load_site

    site_file = tmp_path / "site.yaml"
    site_file.write_text("site:\n  name: 东城区\n", encoding="utf-8")
    data = site_data_dir(load_site(site_file), tmp_path / "sites")
    data.mkdir(parents=True)
    repository = open_repository(None, data)
    change = AlertBook().raise_alert(sample_alert(1))
    repository.append(change.after, change.draft)
    repository.close()
    args = ["audit", "verify", "--site", str(site_file), "--data-dir", str(tmp_path / "sites")]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "1 events, 1 alerts, 0 cases, 0 evidence files: intact"


def test_a_case_row_edited_and_its_picture_replaced_are_named(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.adapters.storage.cases import open_case_repository
    from app.core import cases as core
    from app.core.cases import CaseEvidence, EvidenceStage
    from tests.case_samples import DEPARTMENT, T0, dispatched, reported, sample_case

    cases = open_case_repository(site.url, site.evidence.parent)
    photo = EvidenceFiles(site.evidence).put(
        b"after photo", kind=EvidenceKind.STILL, media_type="image/jpeg", captured_at=T0 + 900,
        camera_id="cam001", stream="main",
    )  # fmt: skip
    new = reported(sample_case(1, alerts=("al-00001",)), T0)
    cases.append(new.after, new.draft, expected_version=None)
    case = new.after
    for change in dispatched(case, T0 + 600):
        cases.append(change.after, change.draft, expected_version=change.after.version - 1)
        case = change.after
    done = core.feedback(
        case, DEPARTMENT, T0 + 900, "已清理", (CaseEvidence(photo, EvidenceStage.FEEDBACK, "中队", T0 + 900),)
    )
    cases.append(done.after, done.draft, expected_version=case.version)
    cases.close()
    code, out = site.verify(capsys)
    assert (code, out.strip()) == (0, "8 events, 3 alerts, 1 cases, 5 evidence files: intact")

    site.sql("UPDATE cases SET state = 'closed' WHERE id = 'CW-000001'")
    evidence_path(site, b"after photo").write_bytes(b"another photo")
    code, out = site.verify(capsys)
    assert code == 1
    assert (
        "case CW-000001: its row was edited directly in the database (state='closed', recorded 'handled')"
        in out
    )
    assert photo.sha256 in out
    assert "2 problem(s): the record is NOT intact (8 events, 3 alerts, 1 cases)" in out
