"""Files operators edit: atomic writes (the old file stays whole until the new one is complete on
disk), JSON reads that name the file and line of a problem, damaged files set aside, not lost."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


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
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(path.parent)


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


MISSING: Any = object()  # read_json's answer for a file that is not there (yet)


def read_json(path: Path) -> tuple[Any, str | None]:
    """The parsed JSON of ``path`` and None, or ``MISSING`` for a missing file, or None and a
    problem naming the file (with line:column for broken JSON)."""
    path = Path(path)
    if not path.exists():
        return MISSING, None
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except json.JSONDecodeError as exc:
        return None, f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path}: cannot read: {exc}"


def set_aside(path: Path) -> Path:
    """Move a damaged file out of the way (``name.damaged-YYYYmmdd-HHMMSS.json``) before it is
    rewritten, so that nothing an operator saved is lost; returns where it went."""
    path = Path(path)
    kept = path.with_name(f"{path.stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}")
    path.replace(kept)
    return kept
