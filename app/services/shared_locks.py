"""Operator locks shared between the control room's workstations.

A lock taken at one workstation must hold at every other one: their operators are refused with the
holder's name, their patrols wait. Each workstation writes only its own file,
``<folder>/<workstation>.json`` (written whole and swapped in: no write races, fine on the network
share beside the shared views), and reads the others' about once a second, off the GUI thread.

Times in the files are wall-clock seconds (the room's workstations keep NTP time). A lock from
another workstation is applied to the local arbiter as a lock by a stand-in operator,
``remote:<workstation>:<operator id>``, shown as "<name> (<workstation>)"; when it is lifted there
or runs out, it is lifted here and automation resumes. When two workstations lock one camera within
the same second, the earlier lock wins and the later one is withdrawn (its holder is told).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from app.core.ptz_control import CameraControl, Requester
from app.services.ptz_controller import PtzController, Scheduler
from camera_config.files import write_atomic

log = logging.getLogger(__name__)

REMOTE = "remote:"
SYNC_S = 1.0
SAME_UNTIL_S = 2.0  # a remote lock re-applied only when its end moved by more than this
FILE_VERSION = 1


@dataclass(frozen=True)
class SharedLock:
    camera: str
    holder_id: str
    holder_name: str
    workstation: str
    since: float  # wall clock
    until: float  # wall clock

    @property
    def requester(self) -> Requester:
        """The stand-in for this lock's holder at other workstations."""
        return Requester(
            f"{REMOTE}{self.workstation}:{self.holder_id}", f"{self.holder_name} ({self.workstation})"
        )


def is_remote(requester: Requester) -> bool:
    return requester.id.startswith(REMOTE)


class LockFolder:
    """The files of a site's workstations: this one's to write, the others' to read."""

    def __init__(self, folder: Path, workstation: str) -> None:
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in workstation.strip())
        if not name.strip("._"):
            raise ValueError(f"workstation name {workstation!r} gives no file name")
        self.folder = Path(folder)
        self.workstation = workstation.strip()
        self.path = self.folder / f"{name}.json"
        self.problems: list[str] = []

    def write(self, locks: Iterable[SharedLock]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"version": FILE_VERSION, "workstation": self.workstation, "locks": [asdict(x) for x in locks]}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))  # no temp left on failure

    def read_others(self, now_wall: float) -> list[SharedLock]:
        """The other workstations' locks that still last; a damaged file is skipped and noted."""
        found: list[SharedLock] = []
        problems: list[str] = []
        paths = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        for path in paths:
            if path == self.path:
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("workstation") == self.workstation:
                    continue  # an old file of this workstation under another name
                found += [
                    lock for lock in (SharedLock(**entry) for entry in data["locks"]) if lock.until > now_wall
                ]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"{path}: not a lock file ({type(exc).__name__}: {exc})")
        for problem in problems:
            if problem not in self.problems:
                log.warning("%s", problem)
        self.problems = problems
        return found


class LockSync:
    """Keeps the controllers' operator locks and the lock folder in step.

    File I/O runs in a thread of its own; changes to controllers are made on ``scheduler`` (the
    GUI-driven PTZ scheduler), like every other PTZ action. :meth:`sync_once` does one round
    synchronously (tests, and the last round at shutdown).
    """

    def __init__(
        self,
        controllers: Mapping[str, PtzController],
        folder: LockFolder,
        scheduler: Scheduler,
        *,
        wall: Callable[[], float] = time.time,
        interval_s: float = SYNC_S,
    ) -> None:
        self._controllers = controllers
        self.folder = folder
        self._scheduler = scheduler
        self._wall = wall
        self._interval = interval_s
        self._written: list[SharedLock] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._write([])  # locks this workstation left behind (a crash) are withdrawn
        self._thread = threading.Thread(target=self._run, name="ptz-lock-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        try:
            self._write([])  # this workstation's locks end with it
        except OSError as exc:
            log.warning("PTZ locks not withdrawn from %s: %s", self.folder.path, exc)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                others = self.sync_once()
            except OSError as exc:  # the share is away: try again next round
                log.warning("PTZ lock folder %s: %s", self.folder.folder, exc)
                continue
            self._scheduler.call_soon(functools.partial(self.apply, others))

    def sync_once(self) -> list[SharedLock]:
        """Publish this workstation's locks; return the other workstations' (to :meth:`apply`)."""
        now_wall = self._wall()
        mine = [lock for c in self._controllers.values() if (lock := self._local_lock(c, now_wall))]
        if mine != self._written:
            self._write(mine)
        return self.folder.read_others(now_wall)

    def _write(self, locks: list[SharedLock]) -> None:
        self.folder.write(locks)
        self._written = locks

    def _local_lock(self, controller: PtzController, now_wall: float) -> SharedLock | None:
        now = controller.now()
        lock = controller.control.lock
        if lock is None or not lock.active(now) or is_remote(lock.holder):
            return None
        offset = now_wall - now  # monotonic → wall clock; rounded so that a file changes with its locks
        return SharedLock(
            controller.id,
            lock.holder.id,
            lock.holder.name,
            self.folder.workstation,
            round(lock.since + offset, 1),
            round(lock.until + offset, 1),
        )

    def apply(self, others: Iterable[SharedLock]) -> None:
        """Apply the other workstations' locks to the local controllers (on the scheduler's thread)."""
        now_wall = self._wall()
        wanted: dict[str, SharedLock] = {}
        for lock in others:
            known = wanted.get(lock.camera)
            if known is None or (lock.since, lock.workstation) < (known.since, known.workstation):
                wanted[lock.camera] = lock  # two workstations at once: the earlier lock
        for camera, controller in self._controllers.items():
            self._apply_one(controller, controller.control, wanted.get(camera), now_wall)

    def _apply_one(
        self, controller: PtzController, control: CameraControl, remote: SharedLock | None, now_wall: float
    ) -> None:
        now = controller.now()
        here = control.lock if control.lock is not None and control.lock.active(now) else None
        if remote is None:
            if here is not None and is_remote(here.holder):
                controller.unlock(here.holder, override=True)  # lifted there, or ran out: lift it here
            return
        remaining = remote.until - now_wall
        if remaining <= 0:
            return
        stand_in = remote.requester
        if here is not None:
            if here.holder.same(stand_in) and abs(here.until - (now + remaining)) <= SAME_UNTIL_S:
                return  # applied already
            if not is_remote(here.holder) and here.since + (now_wall - now) <= remote.since:
                return  # ours is the earlier lock: the other workstation withdraws
            if not here.holder.same(stand_in):
                controller.unlock(stand_in, override=True)  # a later local lock, or another remote one
        controller.lock(stand_in, remaining / 60.0, take_over=True)
