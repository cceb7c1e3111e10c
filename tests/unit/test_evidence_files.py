"""Evidence files by content: one file per content, atomic, and verify names missing and altered ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import EvidenceKind, EvidenceRef


def put(files: EvidenceFiles, data: bytes, media_type: str = "image/jpeg") -> EvidenceRef:
    return files.put(
        data, kind=EvidenceKind.STILL, media_type=media_type, captured_at=1_780_000_000.0,
        camera_id="cam001", stream="sub", note="main stream unavailable",
    )  # fmt: skip


def test_a_file_is_named_by_its_content_and_kept_once(tmp_path: Path) -> None:
    files = EvidenceFiles(tmp_path)
    ref = put(files, b"jpeg bytes")
    sha = hashlib.sha256(b"jpeg bytes").hexdigest()
    assert ref == EvidenceRef(
        sha, EvidenceKind.STILL, "image/jpeg", 10, 1_780_000_000.0, "cam001", "sub", "main stream unavailable"
    )
    path = tmp_path / sha[:2] / f"{sha}.jpg"
    assert path.read_bytes() == b"jpeg bytes" and files.read(ref) == b"jpeg bytes"
    mtime = path.stat().st_mtime_ns
    assert put(files, b"jpeg bytes") == ref
    assert path.stat().st_mtime_ns == mtime  # not written again
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [path.name]  # no temporary files left
    assert put(files, b"clip", "video/mp4").sha256 != sha
    assert (tmp_path / hashlib.sha256(b"clip").hexdigest()[:2]).is_dir()


def test_verify_names_missing_and_altered_files(tmp_path: Path) -> None:
    files = EvidenceFiles(tmp_path)
    kept, altered, missing = put(files, b"one"), put(files, b"two"), put(files, b"three")
    files.path_of(altered.sha256, altered.media_type).write_bytes(b"TWO")
    files.path_of(missing.sha256, missing.media_type).unlink()
    problems = dict((ref.sha256, why) for ref, why in files.verify([kept, altered, missing]))
    assert set(problems) == {altered.sha256, missing.sha256}
    assert problems[altered.sha256] == f"{files.path_of(altered.sha256, 'image/jpeg')}: altered " + (
        "(its content no longer matches its sha256; 3 bytes)"
    )
    assert problems[missing.sha256].endswith(": missing")


def test_a_damaged_copy_is_replaced_when_the_same_content_comes_again(tmp_path: Path) -> None:
    files = EvidenceFiles(tmp_path)
    ref = put(files, b"picture")
    files.path_of(ref.sha256, ref.media_type).write_bytes(b"half")
    put(files, b"picture")
    assert files.verify([ref]) == []
