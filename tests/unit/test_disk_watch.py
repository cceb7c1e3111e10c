"""Free space: a warning before the disk is full, a fault when it is, and word when it is back."""

from __future__ import annotations

import errno

from app.core.system_events import SystemEventKind
from app.services.disk_watch import DiskLevel, DiskWatch
from app.services.system_events import SystemEventLog

K = SystemEventKind
MIB = 1024**2


def watch_with(free: list[int | None]) -> tuple[DiskWatch, SystemEventLog]:
    events = SystemEventLog()
    watch = DiskWatch("/data", lambda: free[0], events, low_bytes=500 * MIB, full_bytes=50 * MIB)
    return watch, events


def test_levels_are_said_once_each_as_space_goes_and_comes() -> None:
    free: list[int | None] = [800 * MIB]
    watch, events = watch_with(free)
    assert watch.check() == DiskLevel.OK and events.recent() == []
    for value in (400 * MIB, 300 * MIB, 10 * MIB, 10 * MIB, 900 * MIB):
        free[0] = value
        watch.check()
    assert [(e.kind, round(e.value or 0)) for e in events.recent()] == [
        (K.DISK_LOW, 400),
        (K.DISK_FULL, 10),
        (K.DISK_OK, 900),
    ]
    assert events.open_conditions() == []


def test_a_write_that_fails_for_space_reports_full_at_once() -> None:
    free: list[int | None] = [800 * MIB]  # the file system still claims room (quotas, reserved blocks)
    watch, events = watch_with(free)
    assert watch.write_failed(OSError(errno.ENOSPC, "No space left on device"))
    assert not watch.write_failed(OSError(errno.EACCES, "Permission denied"))
    assert [e.kind for e in events.recent()] == [K.DISK_FULL] and watch.level == DiskLevel.FULL
    watch.check()
    assert events.recent()[-1].kind == K.DISK_OK


def test_an_unknown_free_space_changes_nothing() -> None:
    free: list[int | None] = [None]
    watch, events = watch_with(free)
    assert watch.check() == DiskLevel.OK and events.recent() == []
