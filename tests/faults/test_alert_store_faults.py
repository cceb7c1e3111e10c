"""Faults of the alert store against a real file system: a read-only data folder and a full disk.

A read-only bind mount and a small tmpfs (root: the kernel answers EROFS / ENOSPC as a read-only
share or a full disk would). Each write that fails says so clearly, naming the database or the
file and why; nothing already stored is lost, and writing resumes once there is room again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from app.adapters.storage.evidence_files import EvidenceFileProblem, EvidenceFiles
from app.adapters.storage.repository import open_repository
from app.adapters.storage.verify import verify_store
from app.adapters.storage.writer import AlertWriter
from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.alerts import AlertBook, EvidenceKind
from app.core.audit import verify_chain
from tests.alert_samples import sample_alert
from tests.fault_folders import can_mount, free_some, full_folder, read_only_folder

pytestmark = pytest.mark.skipif(not can_mount(), reason="needs root for a read-only mount and a full tmpfs")


def stored_ids(folder: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(folder / "alerts.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {row[0] for row in db.execute("SELECT id FROM alerts")}


def fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler2.bin").open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()


def test_a_read_only_data_folder_is_said_and_its_alerts_are_kept(tmp_path: Path) -> None:
    data, book = tmp_path / "site", AlertBook()
    data.mkdir()
    repository = open_repository(None, data)
    for n in range(1, 4):
        change = book.raise_alert(sample_alert(n))
        repository.append(change.after, change.draft)
    repository.close()
    with read_only_folder(data):
        with pytest.raises(StoreUnavailable) as caught:
            opened = open_repository(None, data)
            change = book.acknowledge("al-00001", "wang", 1_780_000_100.0)
            opened.append(change.after, change.draft)  # opened read-only: the write says why
        assert caught.value.fault is StoreFault.READ_ONLY, caught.value
        assert str(data / "alerts.sqlite3") in str(caught.value)
        with pytest.raises(EvidenceFileProblem) as refused:
            EvidenceFiles(data / "evidence").put(
                b"picture", kind=EvidenceKind.STILL, media_type="image/jpeg", captured_at=1.0,
                camera_id="cam001", stream="main",
            )  # fmt: skip
        assert refused.value.reason == "read-only folder" and str(data / "evidence") in str(refused.value)
    assert stored_ids(data) == {"al-00001", "al-00002", "al-00003"}


def test_a_full_disk_fails_the_write_clearly_and_writing_resumes_when_there_is_room(tmp_path: Path) -> None:
    mount = tmp_path / "disk"
    with full_folder(mount, size_kib=2048, folders=("site",)):
        free_some(mount, 1024)
        data, book = mount / "site", AlertBook()
        failures: list[StoreUnavailable] = []
        recovered: list[bool] = []
        writer = AlertWriter(
            open_repository(None, data),
            on_failure=failures.append,
            on_recovered=lambda: recovered.append(True),
        )
        written: set[str] = set()
        for n in range(1, 6):
            change = book.raise_alert(sample_alert(n))
            writer.submit(change.after, change.draft).result(30)
            written.add(change.after.id)
        fill(mount)
        n, error = 5, None
        while error is None and n < 5000:  # the WAL may still have room for a few
            n += 1
            change = book.raise_alert(sample_alert(n))
            try:
                writer.submit(change.after, change.draft).result(30)
                written.add(change.after.id)
            except StoreUnavailable as exc:
                error = exc
        assert error is not None and error.fault is StoreFault.DISK_FULL, error
        assert str(data / "alerts.sqlite3") in str(error)
        assert failures == [error]
        with pytest.raises(EvidenceFileProblem, match="disk full"):
            EvidenceFiles(data / "evidence").put(
                b"x" * 65536, kind=EvidenceKind.STILL, media_type="image/jpeg", captured_at=1.0,
                camera_id="cam001", stream="main",
            )  # fmt: skip
        assert not [p for p in (data / "evidence").rglob("*") if p.is_file()]  # no half file left
        (mount / "filler2.bin").unlink()
        free_some(mount, 512)
        change = book.acknowledge(f"al-{n:05d}", "wang", 1_780_100_000.0)  # the failed one, as it is now
        writer.submit(change.after, change.draft).result(30)
        written.add(change.after.id)
        assert recovered == [True]
        assert writer.close()
        assert stored_ids(data) == written
        repository = open_repository(None, data)
        assert verify_chain(list(repository.events())) == []
        assert verify_store(repository, None).intact
        repository.close()
