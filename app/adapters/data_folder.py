"""The site's data folder: where it is, whether it can be used, and what a crash left in it.

Every site gets a folder of its own whatever its name (Chinese, 300 characters, slashes): a
readable part of the name plus a hash of the whole name, so two sites never share one and the
same site always finds its own again. Folders named the old way (ASCII only, so every Chinese
name became ``site``) are taken over once, by the first site that claims them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

OWNER_FILE = "site.json"  # which site a folder belongs to (written once, read on adoption)
READABLE_CHARS = 40  # of the name, in the folder's name (the hash keeps it unique)
TEMP_PATTERNS = ("*.tmp", "*.part")  # what an interrupted atomic write leaves (dot files too)
TEMP_MIN_AGE_S = 600.0  # younger ones may be another workstation's write in progress (shared folders)
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')  # not allowed in a file name on Windows or Linux


class DataFolderError(RuntimeError):
    """The data folder cannot be used at all (cannot be made or read)."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"data folder {folder} cannot be used: {reason}")
        self.folder, self.reason = folder, reason


def folder_name(site_name: str) -> str:
    """``东城区-3f9a0c21d4`` for 东城区: readable, unique per name, stable, safe on every OS."""
    readable = _UNSAFE.sub("_", site_name).strip(" ._")[:READABLE_CHARS].rstrip(" .") or "site"
    digest = hashlib.sha256(site_name.encode("utf-8")).hexdigest()[:10]
    return f"{readable}-{digest}"


def legacy_folder_name(site_name: str) -> str:
    """How folders were named before (kept to find and take over existing data)."""
    return re.sub(r"[^0-9A-Za-z_-]+", "_", site_name).strip("_") or "site"


def site_folder(sites_root: Path, site_name: str) -> Path:
    """The site's folder under ``sites_root``; an unclaimed folder named the old way is moved here."""
    folder = sites_root / folder_name(site_name)
    legacy = sites_root / legacy_folder_name(site_name)
    if not folder.exists() and legacy.is_dir() and not (legacy / OWNER_FILE).exists():
        try:
            legacy.rename(folder)
            log.info("data of site %r moved from %s to %s", site_name, legacy, folder)
        except OSError as exc:  # read-only: go on with the old folder rather than lose its data
            log.warning("data of site %r stays in %s: %s", site_name, legacy, exc.strerror or exc)
            return legacy
    return folder


def claim(folder: Path, site_name: str) -> None:
    """Write who owns the folder (once; a read-only folder stays unclaimed)."""
    owner = folder / OWNER_FILE
    if owner.exists():
        return
    try:
        owner.write_text(json.dumps({"site": site_name}, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        log.debug("cannot mark %s as site %r's: %s", folder, site_name, exc)


@dataclass(frozen=True)
class FolderState:
    path: Path
    writable: bool
    holds_data: bool
    free_bytes: int | None  # None when the file system does not say
    detail: str = ""  # why it is not writable


def check_folder(folder: Path) -> FolderState:
    """Make ``folder`` if needed and find out whether it can be written (by writing a file there:
    permission bits say nothing about a read-only mount, a full disk or a network share's ACLs).

    Raises :class:`DataFolderError` when it can neither be made nor read."""
    detail = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not folder.is_dir():
            raise DataFolderError(folder, _reason(exc)) from None
        detail = _reason(exc)
    try:
        holds_data = any(folder.iterdir())
    except OSError as exc:
        raise DataFolderError(folder, _reason(exc)) from None
    writable = True
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".citywall-probe-", suffix=".tmp") as probe:
            probe.write(b"citywall")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        writable, detail = False, _reason(exc)
    return FolderState(folder, writable, holds_data, free_bytes(folder), detail)


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def clean_temp_files(
    folder: Path, *, min_age_s: float = TEMP_MIN_AGE_S, now: float | None = None
) -> list[Path]:
    """Remove what interrupted writes left (``*.tmp``, ``*.part``) older than ``min_age_s``."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    for pattern in TEMP_PATTERNS:
        for path in folder.rglob(pattern):
            try:
                if path.is_file() and now - path.stat().st_mtime >= min_age_s:
                    path.unlink()
                    removed.append(path)
            except OSError as exc:
                log.debug("cannot remove %s: %s", path, exc)
    return removed


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
