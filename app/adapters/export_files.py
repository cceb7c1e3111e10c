"""Writing an export (a spreadsheet, a report) so that a failure is said plainly and loses nothing.

A file is written atomically (a temporary file beside it, then a rename): a failed export leaves the
previous file as it was. A failure raises :class:`ExportError` naming the file and why in words.
"""

from __future__ import annotations

import errno
from pathlib import Path

from camera_config.files import write_atomic


class ExportError(RuntimeError):
    """An export could not be written: which file, and why in words (``reason``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path, self.reason = path, reason


def write_export(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ExportError(path, reason(exc)) from exc


def reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "disk full"
    if exc.errno == errno.EROFS:
        return "read-only folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    return exc.strerror or str(exc)
