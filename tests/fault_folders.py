"""Real read-only and full folders for fault tests.

As root (CI, this machine) they are real mounts: a read-only bind mount and a small tmpfs, so
the kernel says EROFS / ENOSPC exactly as a read-only share or a full disk would (root ignores
permission bits, so chmod proves nothing there). As another user, the read-only folder is
chmod 555 and the full folder is not available (tests inject ENOSPC instead).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path


def can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=30)


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """``path`` (made if needed, with whatever it holds) turned read-only for the block."""
    path.mkdir(parents=True, exist_ok=True)
    if can_mount():
        _mount("--bind", str(path), str(path))
        try:
            _mount("-o", "remount,ro,bind", str(path))
            yield path
        finally:
            _umount(path)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(mode)


@contextlib.contextmanager
def full_folder(path: Path, size_kib: int = 256, folders: Sequence[str] = ()) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` at ``path`` holding ``folders``, filled until a write fails with
    ENOSPC (root only)."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(path))
    try:
        for folder in folders:
            (path / folder).mkdir(parents=True, exist_ok=True)
        fill = path / "filler.bin"
        with contextlib.suppress(OSError), fill.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        yield path
    finally:
        _umount(path)


def free_some(path: Path, kib: int) -> None:
    """Give back ``kib`` of a full folder (the filler shrinks)."""
    fill = path / "filler.bin"
    size = fill.stat().st_size
    os.truncate(fill, max(0, size - kib * 1024))
