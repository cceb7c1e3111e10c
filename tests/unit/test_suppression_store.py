"""suppressions.json: kept beside zones.json, survives a restart, shared by workstations, and a
damaged file is named (file, line or entry and field) with nothing stored lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.alerts import DismissReason
from app.core.suppressions import SuppressionRecord
from app.services.suppression_store import SuppressionStore, suppression_file_beside
from tests.fault_folders import read_only_folder

T = 1_780_000_000.0


def place(n: int, camera: str = "cam1") -> SuppressionRecord:
    return SuppressionRecord(
        id=f"a{n}-1", camera_id=camera, preset="1", zone_id="z1", event_code="0501",
        box=(0.1, 0.2, 0.3 + n / 100, 0.6), alert_id=f"a{n}", reason=DismissReason.FIXED_OBJECT,
        by="张三", at=T + n, zone_name="北门",
    )  # fmt: skip


def test_it_lives_beside_the_zones_file(tmp_path: Path) -> None:
    assert suppression_file_beside(tmp_path / "zones.json") == tmp_path / "suppressions.json"


def test_places_survive_a_restart_and_removal(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.json"
    store = SuppressionStore.open(path)
    assert store.all() == () and store.problems == []
    store.add([place(1), place(2), place(3, "cam2")])
    again = SuppressionStore.open(path)
    assert [r.id for r in again.of_camera("cam1")] == ["a1-1", "a2-1"]
    assert again.get("a3-1") == place(3, "cam2")
    again.remove(["a1-1"])
    assert [r.id for r in SuppressionStore.open(path).all()] == ["a2-1", "a3-1"]
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert "北门" in path.read_text(encoding="utf-8"), "Chinese kept readable in the file"


def test_two_workstations_keep_each_others_places(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.json"
    one, two = SuppressionStore.open(path), SuppressionStore.open(path)
    one.add([place(1)])
    two.add([place(2)])  # two never read place 1: it is kept all the same
    assert {r.id for r in SuppressionStore.open(path).all()} == {"a1-1", "a2-1"}


def test_broken_json_is_named_with_its_line_and_kept_aside_at_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.json"
    SuppressionStore.open(path).add([place(1)])
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"zone_id"', '"zone_id" ', 1).replace("],", "]", 1)  # a comma lost
    path.write_text(broken, encoding="utf-8")
    store = SuppressionStore.open(path)
    assert len(store.problems) == 1
    assert str(path) in store.problems[0] and "not valid JSON" in store.problems[0]
    line = store.problems[0].split(str(path))[1].split(":")[1]
    assert line.isdigit() and int(line) > 1, store.problems[0]
    store.add([place(2)])
    assert store.kept_damaged is not None and store.kept_damaged.read_text(encoding="utf-8") == broken
    assert [r.id for r in SuppressionStore.open(path).all()] == ["a2-1"]


def test_an_invalid_entry_is_named_and_the_valid_ones_are_used_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.json"
    SuppressionStore.open(path).add([place(1), place(2)])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["suppressions"][1]["box"] = [0.5, 0.5, 0.4, 0.9]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store = SuppressionStore.open(path)
    assert [r.id for r in store.all()] == ["a1-1"]
    assert store.problems == [
        f"{path}: suppressions[1]: suppression 'a2-1': box (0.5, 0.5, 0.4, 0.9) must have x2 > x1 and y2 > y1"
    ]
    store.add([place(3)])
    kept = json.loads(store.kept_damaged.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert kept["suppressions"][1]["id"] == "a2-1", "the damaged entry is not lost"


def test_a_file_of_another_version_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.json"
    path.write_text(json.dumps({"version": 7, "suppressions": []}), encoding="utf-8")
    assert SuppressionStore.open(path).problems == [
        f"{path}: unknown format version 7 (this CityWall reads 1)"
    ]


def test_a_read_only_folder_refuses_the_save_and_keeps_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    SuppressionStore.open(folder / "suppressions.json").add([place(1)])
    with read_only_folder(folder):
        store = SuppressionStore.open(folder / "suppressions.json", lock_timeout_s=0.2)
        with pytest.raises(OSError):
            store.add([place(2)])
        assert [r.id for r in SuppressionStore.open(folder / "suppressions.json").all()] == ["a1-1"]
