"""A JSON file of items that several workstations edit at once (zones, patrols, views on a share).

Every save is read-merge-write under a file lock: the file is read fresh while the lock is held,
this workstation's changed items are put in, every other item stays as the other workstations left
it, and the result replaces the file atomically (a temporary file beside it, fsync, ``os.replace``;
the temporary file is removed if anything fails). So two workstations saving at once never lose
each other's edits.

When an item this workstation changes was *also* changed on disk since this workstation last read
it (a colleague edited the same view, the same camera's patrol, the same zones), the save is
refused with :class:`StoreConflict`, naming who changed it and when, and the colleague's version
is what the store holds from then on. An operator expects their colleague's finished work not to
vanish silently; refusing keeps it, says so, and saving again is then a deliberate overwrite.

A damaged file (not JSON, wrong shape, an invalid item) is never dropped: its valid items are used,
it is reported, and the save that rewrites it first moves it aside as ``<name>.damaged-<time>.json``.

The lock is an OS lock (:mod:`filelock`: ``flock`` on POSIX, which the Linux NFS client maps to
server-side byte-range locks and CIFS forwards to the SMB server; ``LockFileEx`` on Windows, which
SMB servers enforce across clients). The OS drops it when its process dies, so a crashed
workstation leaves no lock behind; a lock that stays held (a hung process, a server that has not
yet noticed a dead client) makes a save fail after ``lock_timeout_s`` with :class:`StoreBusy`
instead of freezing the wall.

Conflicts, damaged files and failed saves are also published as system events, so the operator
sees them in the event list whatever dialog made the save.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import filelock

from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from camera_config.files import write_atomic

log = logging.getLogger(__name__)

T = TypeVar("T")

LOCK_TIMEOUT_S = 10.0  # a save waits this long for another workstation's save, then says why not
EDITS = "edits"  # top-level section: who last changed each item, and when (older readers ignore it)
KEEP_DELETION_STAMPS_S = 30 * 24 * 3600.0  # who deleted an item is said for a month, then forgotten


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()  # an item that is not in the file (in changes: delete it)


def workstation_name() -> str:
    """How this workstation is named to the others: CITYWALL_WORKSTATION, or the computer's name."""
    return os.environ.get("CITYWALL_WORKSTATION", "").strip() or socket.gethostname() or "workstation"


class Codec(Protocol[T]):
    """How one kind of store's file is cut into items (by key) and put back together."""

    def split(self, data: Any) -> tuple[dict[str, T], list[str]]:
        """The valid items of a parsed file, and its problems in words (any problem: damaged)."""
        ...

    def join(self, items: Mapping[str, T]) -> dict[str, Any]:
        """The whole file (JSON-ready) holding ``items`` in their order."""
        ...

    def label(self, key: str) -> str:
        """An item as messages name it ("view 'North'", "camera 'cam001', preset '2'")."""
        ...


@dataclass(frozen=True)
class Stamp:
    """Who last changed an item (a workstation's name) and when (wall-clock epoch seconds)."""

    by: str
    at: float
    deleted: bool = False

    def words(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.at)) if self.at else "an unknown time"
        return f"{'deleted' if self.deleted else 'changed'} at workstation {self.by!r} at {when}"


@dataclass(frozen=True)
class Conflict:
    key: str
    label: str
    stamp: Stamp | None  # None: the file does not say who (written by an older CityWall)


_SOMEONE = "changed at another workstation"


class StoreConflict(ValueError):
    """The save was refused: another workstation changed the same item(s) since this one read them.

    The store now holds the other workstation's version; saving again replaces it deliberately.
    """

    def __init__(self, path: Path, conflicts: list[Conflict]) -> None:
        self.path, self.conflicts = path, conflicts
        parts = [
            f"{c.label} was {c.stamp.words() if c.stamp else 'changed at another workstation'}"
            for c in conflicts
        ]
        super().__init__(
            f"{path}: not saved: {'; '.join(parts)}, after you opened it. Their version is kept and shown; "
            "save again to replace it with yours."
        )


class StoreBusy(TimeoutError):
    """The file's lock stayed held by another process (a save that hangs, a dead workstation)."""

    def __init__(self, path: Path, lock: Path, timeout_s: float) -> None:
        self.path, self.lock, self.timeout_s = path, lock, timeout_s
        super().__init__(
            f"{path}: not saved: another workstation has been saving it for more than {timeout_s:g} s "
            f"(lock {lock.name}); nothing was changed. Try again; if it keeps happening, check the "
            "workstations that share this folder and the network share."
        )


@dataclass(frozen=True)
class Loaded(Generic[T]):
    items: dict[str, T]
    problems: list[str]
    damaged: bool


class SharedJsonFile(Generic[T]):
    """One JSON file of keyed items, shared by workstations: read, and change items under a lock."""

    def __init__(
        self,
        path: Path,
        codec: Codec[T],
        *,
        events: EventSink | None = None,
        workstation: str | None = None,
        lock_timeout_s: float | None = None,  # None: LOCK_TIMEOUT_S
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._codec = codec
        self._events = events
        self.workstation = workstation or workstation_name()
        self.lock_timeout_s = LOCK_TIMEOUT_S if lock_timeout_s is None else lock_timeout_s
        self._clock = clock
        self.items: dict[str, T] = {}  # as this workstation last read or wrote them
        self.problems: list[str] = []
        self.kept_damaged: Path | None = None  # where the last save moved a damaged file

    # -- reading -------------------------------------------------------------------------------------
    def load(self) -> Loaded[T]:
        """Read the file as it is now (no lock: files are only ever replaced whole)."""
        loaded, _stamps = self._read()
        self.items, self.problems = loaded.items, loaded.problems
        if loaded.damaged:
            self._publish(
                SystemEventKind.STORE_DAMAGED,
                "; ".join(loaded.problems[:3]) + " (the valid entries are used; the file is kept aside "
                "at the next save)",
            )
        return loaded

    # -- writing -------------------------------------------------------------------------------------
    def change(self, changes: Mapping[str, T], *, deletions: frozenset[str] = frozenset()) -> dict[str, T]:
        """Put ``changes`` in (and take ``deletions`` out) of the file as it is now, under the lock;
        every other item stays as it is on disk. Returns (and keeps in :attr:`items`) the items now
        in the file.

        Raises :class:`StoreConflict` when a changed item was changed on disk since it was last read
        here, :class:`StoreBusy` when the lock stays held, OSError when the file cannot be written.
        The file on disk is then as it was.
        """
        try:
            return self._change(changes, deletions)
        except StoreConflict as exc:
            self._publish(SystemEventKind.STORE_CONFLICT, str(exc))
            raise
        except OSError as exc:
            self._publish(SystemEventKind.STORE_NOT_SAVED, str(exc))
            raise

    def _change(self, changes: Mapping[str, T], deletions: frozenset[str]) -> dict[str, T]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        changes = self._as_read(changes)
        with self._locked():
            loaded, stamps = self._read()
            conflicts = self._conflicts(loaded.items, stamps, changes, deletions)
            if conflicts:
                self.items, self.problems = loaded.items, loaded.problems  # theirs is what we hold now
                raise StoreConflict(self.path, conflicts)
            items = dict(loaded.items)
            now = self._clock()
            for key, value in changes.items():
                items[key] = value
                stamps[key] = Stamp(self.workstation, now)
            for key in deletions:
                if items.pop(key, ABSENT) is not ABSENT:
                    stamps[key] = Stamp(self.workstation, now, deleted=True)
            data = self._codec.join(items)
            data[EDITS] = _dump_stamps(stamps, items, now)
            if loaded.damaged and self.path.exists():
                self.kept_damaged = set_aside(self.path)
                self._publish(
                    SystemEventKind.STORE_DAMAGED,
                    f"kept aside as {self.kept_damaged.name}: " + "; ".join(loaded.problems[:3]),
                )
            write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        self.items, self.problems = items, []
        return dict(items)

    def _as_read(self, items: Mapping[str, T]) -> dict[str, T]:
        """``items`` as they will read back from the file (what the next save compares with)."""
        again, _problems = self._codec.split(self._codec.join(items))
        return {key: again.get(key, value) for key, value in items.items()}

    def _conflicts(
        self,
        disk: Mapping[str, T],
        stamps: Mapping[str, Stamp],
        changes: Mapping[str, T],
        deletions: frozenset[str],
    ) -> list[Conflict]:
        out = []
        for key in [*changes, *sorted(deletions)]:
            now_there = disk.get(key, ABSENT)
            mine = changes.get(key, ABSENT)
            if now_there != self.items.get(key, ABSENT) and now_there != mine:
                out.append(Conflict(key, self._codec.label(key), stamps.get(key)))
        return out

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock = filelock.FileLock(self.lock_path, timeout=self.lock_timeout_s)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise StoreBusy(self.path, self.lock_path, self.lock_timeout_s) from exc
        try:
            yield
        finally:
            lock.release()

    def _read(self) -> tuple[Loaded[T], dict[str, Stamp]]:
        data, problem = read_json(self.path)
        if problem is not None:
            return Loaded({}, [problem], True), {}
        if data is ABSENT:
            return Loaded({}, [], False), {}
        items, problems = self._codec.split(data)
        stamps = _load_stamps(data.get(EDITS) if isinstance(data, dict) else None)
        return Loaded(items, problems, bool(problems)), stamps

    def _publish(self, kind: SystemEventKind, detail: str) -> None:
        if self._events is None:  # (the event log writes the log line itself)
            log.warning("%s: %s", kind.value, detail)
        else:
            self._events(SystemEvent.of(kind, subject=str(self.path), detail=detail))


def _load_stamps(raw: Any) -> dict[str, Stamp]:
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key, entry in raw.items():
        with contextlib.suppress(
            KeyError, TypeError, ValueError
        ):  # stamps are a courtesy: a bad one is skipped
            out[str(key)] = Stamp(str(entry["by"]), float(entry["at"]), bool(entry.get("deleted", False)))
    return out


def _dump_stamps(stamps: Mapping[str, Stamp], items: Mapping[str, Any], now: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(stamps):
        stamp = stamps[key]
        if key not in items and (not stamp.deleted or now - stamp.at > KEEP_DELETION_STAMPS_S):
            continue
        out[key] = {"by": stamp.by, "at": round(stamp.at, 3), **({"deleted": True} if stamp.deleted else {})}
    return out


# -- files ---------------------------------------------------------------------------------------------
def read_json(path: Path) -> tuple[Any, str | None]:
    """The parsed JSON of ``path`` and None, :data:`ABSENT` for a missing file, or None and a problem
    naming the file (with line:column for broken JSON)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ABSENT, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path}: cannot read: {exc}"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
    except RecursionError:
        return None, f"{path}: not valid JSON: nested too deeply"


def set_aside(path: Path) -> Path:
    """Move a damaged file out of the way (``name.damaged-YYYYmmdd-HHMMSS.json``, never over another
    one) before it is rewritten, so that nothing an operator saved is lost; returns where it went."""
    path = Path(path)
    stem = f"{path.stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
    kept = path.with_name(stem + path.suffix)
    n = 2
    while kept.exists():
        kept = path.with_name(f"{stem}-{n}{path.suffix}")
        n += 1
    path.replace(kept)
    return kept
