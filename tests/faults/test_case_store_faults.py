"""Faults of the case store against a real file system: a read-only data folder and a full disk.

A read-only bind mount and a small tmpfs (root: the kernel answers EROFS / ENOSPC as a read-only
share or a full disk would). A case change that cannot be written says why, naming the database;
nothing of it is kept (no event, no outbox item), nothing stored before is lost, and writing
resumes once there is room.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from app.adapters.storage.cases import open_case_repository
from app.adapters.storage.repository import open_repository
from app.adapters.storage.verify import verify_store
from app.core import cases as core
from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.case_ports import DeliveryState
from app.core.cases import Edit
from tests.case_samples import OPERATOR, T0, outbox_item, reported, sample_case
from tests.fault_folders import can_mount, free_some, full_folder, read_only_folder

pytestmark = pytest.mark.skipif(not can_mount(), reason="needs root for a read-only mount and a full tmpfs")


def test_a_read_only_data_folder_refuses_a_case_change_clearly(tmp_path: Path) -> None:
    data = tmp_path / "site"
    data.mkdir()
    repo = open_case_repository(None, data)
    case = reported(sample_case(1), T0)
    repo.append(case.after, case.draft, expected_version=None, outbox=outbox_item(case))
    repo.close()
    with read_only_folder(data):
        edit = core.edit(case.after, OPERATOR, T0 + 5, Edit(address="南门"))
        with pytest.raises(StoreUnavailable) as caught:
            opened = open_case_repository(None, data)
            opened.append(edit.after, edit.draft, expected_version=1, outbox=outbox_item(edit))
        assert caught.value.fault is StoreFault.READ_ONLY, caught.value
        assert str(data / "alerts.sqlite3") in str(caught.value)
    again = open_case_repository(None, data)
    assert again.get("CW-000001") == case.after
    assert [e.item.key for e in again.entries()] == ["CW-000001:1"]
    again.close()


def test_a_full_disk_fails_a_case_change_clearly_and_writing_resumes(tmp_path: Path) -> None:
    mount = tmp_path / "disk"
    with full_folder(mount, size_kib=2048, folders=("site",)):
        free_some(mount, 1024)
        data = mount / "site"
        repo = open_case_repository(None, data)
        written: dict[str, int] = {}
        with contextlib.suppress(OSError), (mount / "filler2.bin").open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        error, n = None, 0
        while error is None and n < 5000:  # the WAL may still have room for a few
            n += 1
            change = reported(sample_case(n, description="占道经营 " * 40), T0 + n)
            try:
                repo.append(change.after, change.draft, expected_version=None, outbox=outbox_item(change))
                written[change.after.id] = 1
            except StoreUnavailable as exc:
                error = exc
        assert error is not None and error.fault is StoreFault.DISK_FULL, error
        assert str(data / "alerts.sqlite3") in str(error)
        failed = f"CW-{n:06d}"
        assert repo.get(failed) is None and repo.latest_for(failed) is None  # nothing of it kept
        (mount / "filler2.bin").unlink()
        free_some(mount, 512)
        change = reported(sample_case(n), T0 + n)
        repo.append(change.after, change.draft, expected_version=None, outbox=outbox_item(change))
        written[failed] = 1
        assert {c.id for c in repo.all_cases()} == set(written)
        assert repo.counts()[DeliveryState.PENDING] == len(written)  # one item each, none of the failed
        repo.close()
        alerts = open_repository(None, data)
        assert verify_store(alerts, None).problems == []
        alerts.close()
