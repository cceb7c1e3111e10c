"""Files operators edit are written atomically: the old file stays whole until the new one is
complete on disk (site files, secrets, and the app's shared JSON stores all write through here)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path


def write_atomic(path: Path, text: str | bytes, *, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8, or bytes as they are) to ``path`` through a temporary file in the
    same folder + ``os.replace``; on any failure the temporary file is removed.

    ``mode`` None keeps the mode of an existing file (0o644 for a new one). A secret file passes
    0o600; the temporary file is created 0o600 so the secret is never readable by others.
    """
    path = Path(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):  # not every file system keeps modes (e.g. FAT, Windows)
            temp.chmod(mode)
        _replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(path.parent)


REPLACE_TRIES = 20  # Windows refuses os.replace while another process has the file open to read


def _replace(temp: Path, path: Path) -> None:
    for attempt in range(REPLACE_TRIES):
        try:
            temp.replace(path)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(0.05)  # a reader on another workstation has it open for a moment


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder for this."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
