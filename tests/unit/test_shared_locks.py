"""Operator locks shared between workstations through a folder of per-workstation files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.ptz_control import Locked, Priority, Refused, RefuseReason, Requester
from app.services.ptz_controller import ControlChanged, PtzController
from app.services.ptz_hub import PtzHub
from app.services.shared_locks import LockFolder, SharedLock
from camera_config.models import SiteConfig, SiteInfo
from tests.ptz_fakes import FakeClock, FakePtz, advance, make_camera

ZHANG = Requester("operator:zhangsan", "张三")
LI = Requester("operator:lisi", "李四")
PATROL = Requester("patrol:cam001", "巡航")


class WallClock:
    """Wall time of the room (NTP): the same at every workstation, moved with the fake monotonic clocks."""

    def __init__(self) -> None:
        self.t = 1_780_000_000.0

    def __call__(self) -> float:
        return self.t


class Workstation:
    def __init__(self, folder: Path, name: str, wall: WallClock, monotonic_start: float) -> None:
        site = SiteConfig(site=SiteInfo(name="示范区"), cameras=(make_camera(),))
        self.clock = FakeClock(monotonic_start)  # monotonic clocks differ between machines
        self.hub = PtzHub(site, port=FakePtz(self.clock), clock=self.clock, locks=LockFolder(folder, name))
        assert self.hub.lock_sync is not None
        self.sync = self.hub.lock_sync
        self.sync._wall = wall
        self.hub.start()
        self.sync._stop.set()  # the tests do the rounds themselves (sync_once + apply), in order

    @property
    def dome(self) -> PtzController:
        controller = self.hub.controller("cam001")
        assert controller is not None
        return controller

    def round(self) -> None:
        self.sync.apply(self.sync.sync_once())


@pytest.fixture
def room(tmp_path: Path) -> tuple[Workstation, Workstation, WallClock]:
    wall = WallClock()
    return (
        Workstation(tmp_path / "ptz_locks", "控制台1", wall, 1000.0),
        Workstation(tmp_path / "ptz_locks", "控制台2", wall, 55_000.0),
        wall,
    )


def step(room: tuple[Workstation, Workstation, WallClock], seconds: float) -> None:
    a, b, wall = room
    for ws in (a, b):
        advance(ws.clock, ws.hub.scheduler, seconds)
    wall.t += seconds
    a.round()
    b.round()


def test_a_lock_at_one_workstation_refuses_operators_and_holds_patrols_at_another(
    room: tuple[Workstation, Workstation, WallClock],
) -> None:
    a, b, _ = room
    assert isinstance(a.dome.lock(ZHANG, 5), Locked)
    step(room, 1.0)
    here = b.dome.control.lock
    assert here is not None and here.holder.name == "张三 (控制台1)"  # the name others see
    assert 290 < here.remaining_s(b.dome.now()) <= 300
    refused = b.dome.lock(LI, 5)
    assert isinstance(refused, Refused) and refused.reason is RefuseReason.LOCKED
    assert refused.by is not None and refused.by.name == "张三 (控制台1)"
    outcome = b.dome.request(PATROL, Priority.PATROL)
    assert not b.dome.control.held_by(PATROL), outcome  # automation waits for the lock
    # 张三 unlocks at 控制台1: the patrol at 控制台2 gets the camera back
    a.dome.unlock(ZHANG)
    step(room, 1.0)
    assert b.dome.control.lock is None and b.dome.control.held_by(PATROL)
    b.hub.stop()
    a.hub.stop()


def test_a_shared_lock_runs_out_everywhere_and_a_crashed_workstation_leaves_no_lock(
    room: tuple[Workstation, Workstation, WallClock], tmp_path: Path
) -> None:
    a, b, _ = room
    a.dome.lock(ZHANG, 1)
    step(room, 1.0)
    assert b.dome.control.lock is not None
    step(room, 61.0)
    assert a.dome.control.lock is None and b.dome.control.lock is None
    # 控制台1 locks again and "crashes": its file stays, but the lock in it runs out as well
    a.dome.lock(ZHANG, 1)
    step(room, 1.0)
    assert b.dome.control.lock is not None
    a.sync._write = lambda locks: None  # nobody writes for it any more
    step(room, 61.0)
    assert b.dome.control.lock is None
    b.hub.stop()


def test_two_locks_at_once_the_earlier_wins_and_the_later_holder_is_told(
    room: tuple[Workstation, Workstation, WallClock],
) -> None:
    a, b, wall = room
    heard: list[object] = []
    b.dome.subscribe(heard.append)
    a.dome.lock(ZHANG, 5)
    for ws in (a, b):
        advance(ws.clock, ws.hub.scheduler, 0.3)
    wall.t += 0.3
    assert isinstance(b.dome.lock(LI, 5), Locked)  # before 控制台2 heard of 张三's lock
    step(room, 0.5)
    step(room, 0.5)  # both have heard of each other by now
    at_a, at_b = a.dome.control.lock, b.dome.control.lock
    assert at_a is not None and at_a.holder.same(ZHANG)
    assert at_b is not None and at_b.holder.name == "张三 (控制台1)"
    # 李四's panel at 控制台2 follows the camera's control: his lock, then 张三's from 控制台1
    holders = [e.control.lock.holder.name for e in heard if isinstance(e, ControlChanged) and e.control.lock]
    assert holders[0] == "李四" and holders[-1] == "张三 (控制台1)"
    assert [x.holder_id for x in a.sync.folder.read_others(wall.t)] == []  # 控制台2 withdrew it


def test_a_damaged_lock_file_is_skipped_and_named(room: tuple[Workstation, Workstation, WallClock]) -> None:
    a, b, wall = room
    bad = a.sync.folder.folder / "控制台9.json"
    bad.write_text("{not json", encoding="utf-8")
    a.dome.lock(ZHANG, 5)
    step(room, 1.0)
    assert b.dome.control.lock is not None  # the good file still counts
    assert any("控制台9.json" in p for p in b.sync.folder.problems)
    mine = json.loads(a.sync.folder.path.read_text(encoding="utf-8"))
    assert mine["workstation"] == "控制台1" and [x["holder_name"] for x in mine["locks"]] == ["张三"]
    assert SharedLock(**mine["locks"][0]).until == pytest.approx(wall.t - 1.0 + 300, abs=0.2)


def test_a_workstation_name_must_give_a_file_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no file name"):
        LockFolder(tmp_path, " .. ")


def test_the_sync_thread_carries_a_lock_to_the_other_workstation_within_seconds(tmp_path: Path) -> None:
    from tests.waiting import wait_until

    site = SiteConfig(site=SiteInfo(name="示范区"), cameras=(make_camera(),))
    hubs = []
    for name in ("控制台1", "控制台2"):
        clock = FakeClock(0.0)
        hubs.append(PtzHub(site, port=FakePtz(clock), locks=LockFolder(tmp_path, name)))
    a, b = hubs
    for hub in hubs:
        hub.start()
    try:
        dome_a, dome_b = a.controller("cam001"), b.controller("cam001")
        assert dome_a is not None and dome_b is not None
        dome_a.lock(ZHANG, 5)

        def seen() -> bool:
            b.tick()  # the GUI's PTZ timer: the sync thread hands its findings over here
            lock = dome_b.control.lock
            return lock is not None and lock.holder.name == "张三 (控制台1)"

        wait_until(seen, 5.0, "控制台2 to see 张三's lock")
    finally:
        for hub in hubs:
            hub.stop()
    assert a.lock_sync is not None
    assert json.loads(a.lock_sync.folder.path.read_text(encoding="utf-8"))["locks"] == []  # withdrawn
