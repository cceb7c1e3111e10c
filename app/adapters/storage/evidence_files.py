"""Evidence files, content-addressed: ``<root>/<sha[:2]>/<sha>.<ext>``.

A file's name is its sha256, so the same picture kept twice is one file, and a file whose bytes
changed no longer matches its name (``verify`` says which). Files are written atomically (a
temporary file, fsync, rename): a crash leaves the old file or none, never half a picture. A full
disk or a read-only folder raises :class:`~app.core.alert_ports.EvidenceProblem` naming the file.
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Sequence
from pathlib import Path

from app.core.alert_ports import EvidenceProblem
from app.core.alerts import EvidenceKind, EvidenceRef
from camera_config.files import write_atomic

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/x-matroska": "mkv",
}
CHUNK = 1 << 20


class EvidenceFileProblem(EvidenceProblem):
    """Which file, and why in words (``reason``: "disk full", "read-only folder" …)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"evidence file {path}: {reason}")
        self.path, self.reason = path, reason


class EvidenceFiles:
    """The :class:`~app.core.alert_ports.EvidenceStore` on a folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str, media_type: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{EXTENSIONS.get(media_type, 'bin')}"

    def put(
        self,
        data: bytes,
        *,
        kind: EvidenceKind,
        media_type: str,
        captured_at: float,
        camera_id: str,
        stream: str,
        note: str = "",
    ) -> EvidenceRef:
        sha = hashlib.sha256(data).hexdigest()
        path = self.path_of(sha, media_type)
        ref = EvidenceRef(sha, kind, media_type, len(data), captured_at, camera_id, stream, note)
        if _file_sha256(path) == sha:
            return ref  # kept already (a damaged copy is replaced below)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError as exc:
            raise EvidenceFileProblem(path, _reason(exc)) from exc
        return ref

    def read(self, ref: EvidenceRef) -> bytes:
        path = self.path_of(ref.sha256, ref.media_type)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise EvidenceFileProblem(path, _reason(exc)) from exc

    def verify(self, refs: Sequence[EvidenceRef]) -> list[tuple[EvidenceRef, str]]:
        problems: list[tuple[EvidenceRef, str]] = []
        for ref in refs:
            path = self.path_of(ref.sha256, ref.media_type)
            try:
                size = path.stat().st_size
                actual = _file_sha256(path, missing_ok=False)
            except FileNotFoundError:
                problems.append((ref, f"{path}: missing"))
                continue
            except OSError as exc:
                problems.append((ref, f"{path}: cannot be read: {_reason(exc)}"))
                continue
            if actual != ref.sha256:
                problems.append(
                    (ref, f"{path}: altered (its content no longer matches its sha256; {size} bytes)")
                )
            elif size != ref.size:
                problems.append((ref, f"{path}: size {size} bytes, recorded {ref.size}"))
        return problems


def _file_sha256(path: Path, *, missing_ok: bool = True) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    except OSError:
        if missing_ok:
            return None
        raise
    return digest.hexdigest()


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "disk full"
    if exc.errno == errno.EROFS:
        return "read-only folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)
