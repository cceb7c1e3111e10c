"""Shared JSON stores (views, zones, patrols) edited by several workstations at once: no edit lost,
a clear conflict for the same item, damaged files kept and reported, a stuck lock never hangs."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.adapters import json_store
from app.adapters.json_store import StoreBusy, StoreConflict
from app.adapters.view_store import ViewFile
from app.core.system_events import SystemEvent, SystemEventKind
from app.core.wall_layout import WallView
from app.services.patrol_store import PatrolStore
from app.services.view_library import ViewLibrary
from app.services.zone_store import ZoneStore
from camera_config.models import ZoneSpec
from tests.store_workers import PATROL, SQUARE, hold_lock, save_many

# per process, both saving at the same moment: without the lock each of the three lost edits at 60 as
# at 300 (3 runs of 3)
SAVES = {"views": 60, "zones": 60, "patrols": 60}


def zone(zone_id: str, preset: str | None = None) -> ZoneSpec:
    return ZoneSpec.model_validate({"id": zone_id, "preset": preset, "polygon": SQUARE})


def views_at(path: Path, workstation: str, events: list[SystemEvent] | None = None) -> ViewLibrary:
    """The library of one workstation, sharing ``path``; its events (if asked) go to ``events``."""
    sink = None if events is None else events.append
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CITYWALL_WORKSTATION", workstation)
        return ViewLibrary(
            ["a", "b"],
            ViewFile(path.with_name(f"me-{workstation}.json"), False),
            ViewFile(path, True, events=sink),
        )


def names(library: ViewLibrary) -> set[str]:
    return {v.name for v in library.views()[1:]}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["views", "zones", "patrols"])
def test_two_workstations_saving_at_once_lose_no_edit(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.json"
    ctx = multiprocessing.get_context("spawn")
    start, ready = ctx.Event(), {ws: ctx.Event() for ws in ("east", "west")}
    workers = [
        ctx.Process(target=save_many, args=(kind, str(path), ws, SAVES[kind], ready[ws], start))
        for ws in ready
    ]
    for worker in workers:
        worker.start()
    for ws, event in ready.items():  # (a spawned child imports for a second or more, unevenly when loaded)
        assert event.wait(120), f"workstation {ws} never got ready"
    start.set()
    for worker in workers:
        worker.join(timeout=600)
    assert [w.exitcode for w in workers] == [0, 0]
    data = json.loads(path.read_text(encoding="utf-8"))
    if kind == "views":
        saved = {v["name"] for v in data["views"]}
    elif kind == "zones":
        saved = {
            f"{camera}-{entry['preset']}" for camera, entries in data["cameras"].items() for entry in entries
        }
    else:
        saved = set(data["patrols"])
    assert saved == {f"{ws}-{i}" for ws in ("east", "west") for i in range(SAVES[kind])}
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_edits_of_different_items_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    east, west = views_at(path, "east"), views_at(path, "west")
    east.save_view(WallView("北门", "4", ("a",)), shared=True)
    west.save_view(WallView("南街", "4", ("b",)), shared=True)  # west never read 北门: still kept
    assert names(west) == {"北门", "南街"}  # and west now shows east's view
    east.delete_view("北门", shared=True)
    assert names(views_at(path, "x")) == {"南街"}


def test_the_same_view_changed_at_two_workstations_is_refused_naming_who_won(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    views_at(path, "east").save_view(WallView("北门", "4", ("a",)), shared=True)
    events: list[SystemEvent] = []
    east, west = views_at(path, "east"), views_at(path, "west", events)
    east.save_view(WallView("北门", "4", ("a", "b")), shared=True)  # east's edit lands first

    with pytest.raises(StoreConflict) as refused:
        west.save_view(WallView("北门", "1", ("b",)), shared=True)
    assert "the view '北门' was changed at workstation 'east'" in str(refused.value)
    [conflict] = refused.value.conflicts
    assert conflict.stamp is not None and conflict.stamp.by == "east"
    assert west.view("北门") == WallView("北门", "4", ("a", "b"), shared=True)  # west now shows east's
    assert views_at(path, "x").view("北门") == WallView("北门", "4", ("a", "b"), shared=True)
    assert [e.kind for e in events] == [SystemEventKind.STORE_CONFLICT]
    assert events[0].subject == str(path) and "east" in events[0].detail

    west.save_view(WallView("北门", "1", ("b",)), shared=True)  # saving again: a deliberate overwrite
    assert views_at(path, "x").view("北门") == WallView("北门", "1", ("b",), shared=True)


def test_a_view_deleted_elsewhere_and_changed_here_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    views_at(path, "east").save_view(WallView("北门", "4", ("a",)), shared=True)
    east, west = views_at(path, "east"), views_at(path, "west")
    east.delete_view("北门", shared=True)
    with pytest.raises(StoreConflict, match="deleted at workstation 'east'"):
        west.save_view(WallView("北门", "1", ("b",)), shared=True)
    assert west.view("北门") is None


def test_the_same_zones_and_patrol_changed_twice_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zones_path, patrols_path = tmp_path / "zones.json", tmp_path / "patrols.json"
    monkeypatch.setenv("CITYWALL_WORKSTATION", "east")
    east_z, east_p = (
        ZoneStore(zones_path, {"cam": ()}),
        PatrolStore(patrols_path, {"cam": None, "dome": None}),
    )
    monkeypatch.setenv("CITYWALL_WORKSTATION", "west")
    west_z, west_p = (
        ZoneStore(zones_path, {"cam": ()}),
        PatrolStore(patrols_path, {"cam": None, "dome": None}),
    )
    for store in (east_z, east_p, west_z, west_p):
        store.load()

    east_z.save("cam", "1", [zone("a", "1")])
    with pytest.raises(
        StoreConflict, match="zones of camera 'cam' at preset '1' was changed at workstation 'east'"
    ):
        west_z.save("cam", "1", [zone("c", "1")])  # west drew over zones it had not seen
    assert [z.id for z in west_z.zones("cam")] == ["a"]  # it is shown east's now
    east_z.save("cam", "3", [zone("d", "3")])
    with pytest.raises(StoreConflict):
        west_z.reset("cam", "3")  # forgetting east's fresh zones is a change of them too
    west_z.save("cam", "2", [zone("b", "2")])  # another preset: merged
    assert {z.id for z in fresh_zones(zones_path).zones("cam")} == {"a", "b", "d"}

    east_p.save("cam", PATROL)
    with pytest.raises(StoreConflict, match="patrol of camera 'cam'"):
        west_p.save("cam", None)
    west_p.save("dome", PATROL)
    assert west_p.patrol("cam") == PATROL and west_p.patrol("dome") == PATROL


def test_the_same_edit_made_twice_is_no_conflict(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    east, west = views_at(path, "east"), views_at(path, "west")
    east.save_view(WallView("北门", "4", ("a",)), shared=True)
    west.save_view(WallView("北门", "4", ("a",)), shared=True)


def fresh_zones(path: Path) -> ZoneStore:
    store = ZoneStore(path, {"cam": ()})
    store.load()
    return store


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[multiprocessing.process.BaseProcess]:
    """Another process holding the views file's lock (until killed)."""
    ctx = multiprocessing.get_context("spawn")
    held = ctx.Event()
    process = ctx.Process(target=hold_lock, args=(str(tmp_path / "views.json.lock"), held), daemon=True)
    process.start()
    assert held.wait(60), "the lock holder did not start"
    yield process
    process.kill()
    process.join(10)


@pytest.mark.slow
def test_a_lock_held_too_long_refuses_the_save_with_a_clear_message(
    tmp_path: Path, holder: multiprocessing.process.BaseProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_store, "LOCK_TIMEOUT_S", 0.5)
    path = tmp_path / "views.json"
    events: list[SystemEvent] = []
    library = views_at(path, "west", events)
    with pytest.raises(
        StoreBusy, match=r"views.json: not saved: another workstation has been saving it for more than 0.5 s"
    ):
        library.save_view(WallView("北门", "4", ("a",)), shared=True)
    assert not path.exists() and library.view("北门") is None
    assert [e.kind for e in events] == [SystemEventKind.STORE_NOT_SAVED]

    holder.kill()  # the holder crashes (kill -9): the OS drops its lock, nothing stale is left
    holder.join(10)
    library.save_view(WallView("北门", "4", ("a",)), shared=True)
    assert views_at(path, "x").view("北门") is not None


def test_a_damaged_file_is_reported_on_load_kept_aside_and_reported_again(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    broken = '{"views": [{"name": "ok", "layout": "4", "cameras": ["a"]}, {"layout": "4"}]}'
    path.write_text(broken, encoding="utf-8")
    events: list[SystemEvent] = []
    library = views_at(path, "west", events)
    assert [e.kind for e in events] == [SystemEventKind.STORE_DAMAGED]
    assert "views[1]" in events[0].detail and events[0].subject == str(path)
    library.save_view(WallView("新", "4", ("a",)), shared=True)
    [kept] = tmp_path.glob("views.damaged-*.json")
    assert kept.read_text(encoding="utf-8") == broken  # nothing the operators saved is lost
    assert events[-1].kind == SystemEventKind.STORE_DAMAGED and kept.name in events[-1].detail
    assert names(views_at(path, "x")) == {"ok", "新"}


def test_a_file_that_is_not_json_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    path.write_text('{"version": 1, "cameras": {', encoding="utf-8")
    store = ZoneStore(path, {"cam": ()})
    assert store.load() and "not valid JSON" in store.problems[0]
    store.save("cam", None, [zone("a")])
    [kept] = tmp_path.glob("zones.damaged-*.json")
    assert kept.read_text(encoding="utf-8") == '{"version": 1, "cameras": {'


def test_a_failed_write_changes_nothing_leaves_no_temp_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "views.json"
    events: list[SystemEvent] = []
    library = views_at(path, "west", events)
    library.save_view(WallView("北门", "4", ("a",)), shared=True)
    before = path.read_bytes()

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.adapters.json_store.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        library.save_view(WallView("南街", "4", ("a",)), shared=True)
    assert path.read_bytes() == before and library.view("南街") is None
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert events[-1].kind == SystemEventKind.STORE_NOT_SAVED and "No space" in events[-1].detail
