"""Workstations in child processes (spawn) for the shared-store tests: each saves its own edits."""

from __future__ import annotations

import os
import time
from multiprocessing.synchronize import Event
from pathlib import Path

import filelock

from app.adapters import json_store
from app.adapters.view_store import ViewFile
from app.core.wall_layout import WallView
from app.services.patrol_store import PatrolStore
from app.services.view_library import ViewLibrary
from app.services.zone_store import ZoneStore
from camera_config.models import Patrol, ZoneSpec

SQUARE = ((0.1, 0.5), (0.6, 0.5), (0.6, 0.9), (0.1, 0.9))
PATROL = Patrol.model_validate({"steps": [{"preset": "1", "dwell_s": 30}]})


def save_many(kind: str, path: str, workstation: str, count: int, ready: Event, start: Event) -> None:
    """Save ``count`` edits of this workstation's own (view, zones, patrol) as fast as possible, from
    ``start`` on (``ready`` says this one has loaded and waits: all start saving at once)."""
    os.environ["CITYWALL_WORKSTATION"] = workstation
    json_store.LOCK_TIMEOUT_S = 120.0  # this test counts lost edits, not waits (a loaded CI machine)
    shared = Path(path)
    if kind == "views":
        library = ViewLibrary(
            ["a"], ViewFile(shared.with_name(f"me-{workstation}.json"), False), ViewFile(shared, True)
        )
        ready.set()
        start.wait()
        for i in range(count):
            library.save_view(WallView(f"{workstation}-{i}", "4", ("a",)), shared=True)
    elif kind == "zones":
        zones = ZoneStore(shared, {workstation: ()})
        zones.load()
        ready.set()
        start.wait()
        for i in range(count):
            spec = ZoneSpec.model_validate({"id": f"z{i}", "preset": str(i), "polygon": SQUARE})
            zones.save(workstation, str(i), [spec])
    elif kind == "patrols":
        patrols = PatrolStore(shared, {f"{workstation}-{i}": None for i in range(count)})
        patrols.load()
        ready.set()
        start.wait()
        for i in range(count):
            patrols.save(f"{workstation}-{i}", PATROL)
    else:
        raise ValueError(kind)


def hold_lock(lock_path: str, held: Event) -> None:
    """Take a store's lock and keep it (a save that hangs; killed to play a crashed workstation)."""
    lock = filelock.FileLock(lock_path)
    lock.acquire()
    held.set()
    time.sleep(600)
