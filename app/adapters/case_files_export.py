"""Cases as files, for a city platform without an API (or a USB stick to the district office).

One folder per case, named by its id::

    <folder>/<case id>/case.json                         the export payload (docs/case-export.md)
    <folder>/<case id>/report-still-<sha256>.jpg         each evidence file: stage, kind, hash
    <folder>/<case id>/SHA256SUMS                        `sha256sum -c` checks the folder

A case folder is written under a temporary name and renamed when complete: a crash, a full disk or
a pulled stick leaves either the whole case or none of it (an older export of it stays until the
new one is complete). Evidence is checked against its hash as it is copied: a damaged or missing
file skips that case, says why, and the export goes on. A folder that cannot be written (read-only,
full) stops the export with an error naming it; the cases already written stay.
"""

from __future__ import annotations

import errno
import hashlib
import json
import mimetypes
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from app.core.alerts import EvidenceRef
from app.core.case_export import CategoryNames, export_payload
from app.core.cases import Case

EvidenceReader = Callable[[EvidenceRef], bytes]
Progress = Callable[[int, int], None]
CategoryLookup = Callable[[str], CategoryNames | None]

PARTIAL = ".partial-"
OLD = ".old-"
# Fixed, not mimetypes': Windows reads extensions from its registry and may say .jfif.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/x-matroska": ".mkv",
    "video/mp2t": ".ts",
    "video/quicktime": ".mov",
}


class CaseExportError(RuntimeError):
    """The export folder cannot be written; ``exported`` lists the cases that were, and stay."""

    def __init__(self, folder: Path, why: str, exported: Sequence[str]) -> None:
        super().__init__(f"cannot write the case export to {folder}: {why}")
        self.folder, self.why, self.exported = folder, why, list(exported)


@dataclass
class ExportResult:
    folder: Path
    exported: list[str] = field(default_factory=list)  # case ids, each a complete folder
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (case id, why): evidence problems


def folder_name(case_id: str) -> str:
    """The case id as a folder name every file system takes (Windows included)."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", case_id).strip(" .")
    return name or "case"


def evidence_name(ref: EvidenceRef, stage: str) -> str:
    ext = EXTENSIONS.get(ref.media_type) or mimetypes.guess_extension(ref.media_type) or ".bin"
    return f"{stage}-{ref.kind.value}-{ref.sha256}{ext}"


class _SkipCase(Exception):
    pass


def export_cases(
    cases: Sequence[Case],
    read_evidence: EvidenceReader,
    folder: Path,
    progress: Progress | None = None,
    *,
    zone: tzinfo,
    categories: CategoryLookup | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write each case's folder under ``folder``; ``progress(done, total)`` after each case.
    Raises CaseExportError when the folder cannot be written."""
    result = ExportResult(folder)
    total = len(cases)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
    except OSError as exc:
        raise CaseExportError(folder, _why(exc), []) from None
    if progress:
        progress(0, total)
    for done, case in enumerate(cases, 1):
        if should_stop is not None and should_stop():
            break
        names = categories(case.category_code) if categories else None
        try:
            _export_one(case, read_evidence, folder, zone, names)
            result.exported.append(case.id)
        except _SkipCase as exc:
            result.skipped.append((case.id, str(exc)))
        except OSError as exc:
            raise CaseExportError(folder, _why(exc), result.exported) from None
        if progress:
            progress(done, total)
    return result


def _export_one(
    case: Case, read: EvidenceReader, folder: Path, zone: tzinfo, names: CategoryNames | None
) -> None:
    final = folder / folder_name(case.id)
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}{PARTIAL}", dir=folder))
    try:
        sums: list[tuple[str, str]] = []
        payload = export_payload(case, zone=zone, category=names)
        text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        sums.append((_write(work / "case.json", text.encode("utf-8")), "case.json"))
        written: set[str] = set()
        for evidence in case.evidence:
            name = evidence_name(evidence.ref, evidence.stage.value)
            if name in written:
                continue  # the same picture added twice at one stage
            data = _evidence_bytes(read, evidence.ref)
            sums.append((_write(work / name, data), name))
            written.add(name)
        manifest = "".join(f"{digest}  {name}\n" for digest, name in sums)
        _write(work / "SHA256SUMS", manifest.encode("utf-8"))
        _put_in_place(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _evidence_bytes(read: EvidenceReader, ref: EvidenceRef) -> bytes:
    try:
        data = read(ref)
    except Exception as exc:  # the store says why (missing file, unreadable disk)
        raise _SkipCase(f"evidence {ref.kind.value} {ref.sha256[:12]}… cannot be read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        raise _SkipCase(f"evidence {ref.kind.value} {ref.sha256[:12]}… is damaged (its content changed)")
    return data


def _write(path: Path, data: bytes) -> str:
    with path.open("xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return hashlib.sha256(data).hexdigest()


def _put_in_place(work: Path, final: Path) -> None:
    """Rename the finished folder into place; an older export of the case goes only after."""
    if not final.exists():
        work.rename(final)
        return
    old = final.with_name(f".{final.name}{OLD}{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    final.rename(old)
    try:
        work.rename(final)
    except OSError:
        old.rename(final)  # put the older export back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(folder: Path) -> None:
    """Half-written case folders of an export that crashed (never a finished one)."""
    for path in folder.iterdir():
        if path.name.startswith(".") and (PARTIAL in path.name or OLD in path.name) and path.is_dir():
            if OLD in path.name:
                final = folder / path.name[1 : path.name.index(OLD)]
                if not final.exists():  # crashed between the two renames: the old one is all there is
                    path.rename(final)
                    continue
            shutil.rmtree(path, ignore_errors=True)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the folder is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)
