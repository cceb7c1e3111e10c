"""The file export (case.json + evidence + SHA256SUMS per case), on good, read-only and full folders."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from app.adapters.case_files_export import CaseExportError, export_cases, folder_name
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.case_export import CategoryNames, export_payload
from app.core.cases import Case
from tests.case_fakes import case_versions, evidence
from tests.fault_folders import can_mount, free_some, full_folder, read_only_folder

ZONE = ZoneInfo("Asia/Shanghai")
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "case-export.schema.json").read_text("utf-8"))


class Files:
    """The evidence store's ``read``: bytes by hash; ``missing``/``damaged`` hashes fail."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.missing: set[str] = set()
        self.damaged: set[str] = set()

    def read(self, ref: EvidenceRef) -> bytes:
        if ref.sha256 in self.missing:
            raise FileNotFoundError(f"evidence/{ref.sha256[:2]}/{ref.sha256}: no such file")
        data = self.data[ref.sha256]
        return data + b"!" if ref.sha256 in self.damaged else data


def make_cases(count: int, size: int = 64) -> tuple[list[Case], Files]:
    """Cases whose still and clip are ``size`` bytes each, with a store that holds them."""
    cases, store = [], Files()
    for n in range(1, count + 1):
        still = f"still {n} ".encode().ljust(size, b".")
        clip = f"clip {n} ".encode().ljust(size, b".")
        case = replace(
            case_versions(n)[-1],
            evidence=(evidence(still), evidence(clip, EvidenceKind.CLIP, media_type="video/mp4")),
        )
        store.data.update({hashlib.sha256(b).hexdigest(): b for b in (still, clip)})
        cases.append(case)
    return cases, store


def check_folder(folder: Path, case: Case) -> None:
    """Complete and true: the manifest lists every file and each hash matches."""
    sums: dict[str, str] = {}
    for line in (folder / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert sorted(sums) == sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    payload = json.loads((folder / "case.json").read_text("utf-8"))
    assert payload["case_id"] == case.id
    jsonschema.Draft202012Validator(SCHEMA).validate(payload)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_each_case_is_a_folder_with_its_payload_evidence_and_a_manifest(tmp_path):
    cases, files = make_cases(3)
    progress: list[tuple[int, int]] = []
    names = CategoryNames("event", "05", "街面秩序", "无照经营游商")
    result = export_cases(
        cases, files.read, tmp_path / "out", lambda d, t: progress.append((d, t)), zone=ZONE,
        categories=lambda code: names if code == "0501" else None,
    )  # fmt: skip
    assert result.exported == ["C-1", "C-2", "C-3"] and result.skipped == []
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]
    case = cases[1]
    folder = tmp_path / "out" / "C-2"
    still, clip = (e.ref.sha256 for e in case.evidence)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["case.json", "SHA256SUMS", f"report-still-{still}.jpg", f"report-clip-{clip}.mp4"]
    )
    assert json.loads((folder / "case.json").read_text("utf-8")) == export_payload(
        case, zone=ZONE, category=names
    )
    assert (folder / f"report-clip-{clip}.mp4").read_bytes() == files.data[clip]
    for c in cases:
        check_folder(tmp_path / "out" / c.id, c)
    assert leftovers(tmp_path / "out") == []


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum not installed (coreutils)")
def test_the_manifest_is_what_sha256sum_checks(tmp_path):
    cases, files = make_cases(1)
    export_cases(cases, files.read, tmp_path, zone=ZONE)
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "C-1", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == 3


def test_missing_or_damaged_evidence_skips_that_case_says_why_and_leaves_nothing_half_written(tmp_path):
    cases, files = make_cases(3)
    files.missing.add(cases[0].evidence[1].ref.sha256)
    files.damaged.add(cases[2].evidence[0].ref.sha256)
    result = export_cases(cases, files.read, tmp_path, zone=ZONE)
    assert result.exported == ["C-2"]
    (first, why_missing), (third, why_damaged) = result.skipped
    assert first == "C-1" and "clip" in why_missing and "cannot be read" in why_missing
    assert third == "C-3" and "damaged" in why_damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["C-2"]


def test_exporting_again_replaces_a_case_whole(tmp_path):
    cases, files = make_cases(1)
    export_cases(cases, files.read, tmp_path, zone=ZONE)
    closed = replace(cases[0], version=9, description="已结案")
    export_cases([closed], files.read, tmp_path, zone=ZONE)
    payload = json.loads((tmp_path / "C-1" / "case.json").read_text("utf-8"))
    assert (payload["case_version"], payload["description"]) == (9, "已结案")
    check_folder(tmp_path / "C-1", closed)
    assert leftovers(tmp_path) == []


def test_what_a_crashed_export_left_is_cleaned_or_put_back(tmp_path):
    cases, files = make_cases(2)
    (tmp_path / ".C-1.partial-abc").mkdir()
    (tmp_path / ".C-1.partial-abc" / "case.json").write_text("{")  # half a case
    old = tmp_path / ".C-9.old-123"  # killed between "move the old away" and "move the new in"
    old.mkdir()
    (old / "case.json").write_text("{}")
    export_cases(cases, files.read, tmp_path, zone=ZONE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["C-1", "C-2", "C-9"]
    assert (tmp_path / "C-9" / "case.json").read_text() == "{}"


def test_case_ids_become_folder_names_every_system_takes():
    assert folder_name("C-1") == "C-1"
    assert folder_name('330105:2024/05*06?"x"') == "330105_2024_05_06__x_"
    assert folder_name(" .. ") == "case"


def test_a_read_only_folder_is_named_and_what_was_exported_stays(tmp_path):
    cases, files = make_cases(3)
    out = tmp_path / "share"
    export_cases(cases[:1], files.read, out, zone=ZONE)
    before = {p.name: p.read_bytes() for p in (out / "C-1").iterdir()}
    with read_only_folder(out), pytest.raises(CaseExportError) as caught:
        export_cases(cases, files.read, out, zone=ZONE)
    assert str(caught.value) == f"cannot write the case export to {out}: the folder is read-only" or (
        not can_mount() and "permission denied" in str(caught.value)
    )
    assert caught.value.exported == []
    assert {p.name: p.read_bytes() for p in (out / "C-1").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["C-1"]


@pytest.mark.skipif(not can_mount(), reason="a full tmpfs needs root (CI and this machine are)")
def test_a_full_disk_stops_the_export_by_name_and_the_cases_written_stay_whole(tmp_path):
    cases, files = make_cases(6, size=40 * 1024)
    out = tmp_path / "stick"
    progress: list[tuple[int, int]] = []
    with full_folder(out, size_kib=512) as full:
        free_some(full, 160)  # room for one case (two 40 KiB files and two small ones), not six
        with pytest.raises(CaseExportError) as caught:
            export_cases(cases, files.read, full, lambda d, t: progress.append((d, t)), zone=ZONE)
        assert str(caught.value) == f"cannot write the case export to {full}: the disk is full"
        written = caught.value.exported
        assert 1 <= len(written) < 6
        assert progress[-1] == (len(written), 6)
        for case in cases:
            if case.id in written:
                check_folder(full / case.id, case)
        assert sorted(p.name for p in full.iterdir()) == sorted([*written, "filler.bin"])
