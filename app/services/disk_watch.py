"""Watches free space in the data folder and says so before it is full, and when it is again.

The thresholds are absolute (an evidence picture is ~50 KiB, a clip a few MiB): below
``low_bytes`` a warning, below ``full_bytes`` the folder counts as full. A write that fails with
"no space left" anywhere in the app reports at once through :meth:`DiskWatch.write_failed`,
without waiting for the next check.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable
from enum import Enum

from app.core.system_events import SystemEventKind
from app.services.system_events import SystemEventLog

LOW_BYTES = 1024**3  # 1 GiB: hours of evidence at a busy site
FULL_BYTES = 64 * 1024**2  # 64 MiB: a few clips; writes are about to fail
CHECK_EVERY_S = 30.0
MIB = 1024**2


class DiskLevel(Enum):
    OK = "ok"
    LOW = "low"
    FULL = "full"


class DiskWatch:
    def __init__(
        self,
        folder: str,
        free_bytes: Callable[[], int | None],
        events: SystemEventLog,
        *,
        low_bytes: int = LOW_BYTES,
        full_bytes: int = FULL_BYTES,
        every_s: float = CHECK_EVERY_S,
    ) -> None:
        self.folder, self._free, self._events = folder, free_bytes, events
        self.low_bytes, self.full_bytes, self.every_s = low_bytes, full_bytes, every_s
        self.level = DiskLevel.OK
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="disk-watch", daemon=True)

    def start(self) -> None:
        self.check()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.check()

    def check(self) -> DiskLevel:
        free = self._free()
        if free is None:
            return self.level
        if free < self.full_bytes:
            level = DiskLevel.FULL
        elif free < self.low_bytes:
            level = DiskLevel.LOW
        else:
            level = DiskLevel.OK
        self._move_to(level, free)
        return level

    def write_failed(self, exc: BaseException) -> bool:
        """Tell the watch a write failed; True (and the folder reported full) when it was for space."""
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            self._move_to(DiskLevel.FULL, self._free())
            return True
        return False

    def _move_to(self, level: DiskLevel, free: int | None) -> None:
        with self._lock:
            if level == self.level:
                return
            self.level = level
        mib = None if free is None else free / MIB
        if level == DiskLevel.FULL:
            self._events.report(SystemEventKind.DISK_FULL, subject=self.folder, value=mib)
        elif level == DiskLevel.LOW:
            self._events.report(SystemEventKind.DISK_LOW, subject=self.folder, value=mib)
        else:
            self._events.report(SystemEventKind.DISK_OK, subject=self.folder, value=mib)
