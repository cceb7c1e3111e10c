"""The site's data folder: one per site for any name, checked before use, temp files cleaned."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.adapters.data_folder import (
    OWNER_FILE,
    DataFolderError,
    check_folder,
    claim,
    clean_temp_files,
    folder_name,
    legacy_folder_name,
    site_folder,
)
from tests.fault_folders import read_only_folder


def test_chinese_site_names_get_folders_of_their_own() -> None:
    names = ["东城区城管指挥中心", "西城区城管指挥中心", "拱墅区", "Gongshu", "gongshu"]
    folders = [folder_name(n) for n in names]
    assert len(set(folders)) == len(names)
    assert folders[0].startswith("东城区城管指挥中心-")  # readable to the people who look in the folder
    assert folder_name("东城区城管指挥中心") == folders[0]  # stable


def test_any_name_gives_a_safe_short_folder_name(tmp_path: Path) -> None:
    for name in ("a" * 300, "../../etc", 'a<b>c:d"e/f\\g|h?i*j', "   ", "名" * 200, "x\x00y", "trailing. "):
        folder = folder_name(name)
        assert len(folder.encode("utf-8")) < 255 and "/" not in folder and "\\" not in folder
        assert not folder.startswith(".") and not folder.endswith((".", " "))
        (tmp_path / folder).mkdir()  # the file system takes it


def test_an_old_ascii_folder_is_taken_over_once(tmp_path: Path) -> None:
    old = tmp_path / legacy_folder_name("Gongshu District")
    old.mkdir()
    (old / "zones.json").write_text("{}")
    folder = site_folder(tmp_path, "Gongshu District")
    assert folder.name == folder_name("Gongshu District") and (folder / "zones.json").is_file()
    assert not old.exists()


def test_the_shared_old_site_folder_goes_to_the_first_claimant_only(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "zones.json").write_text("{}")
    first = site_folder(tmp_path, "东城区")
    claim(first, "东城区")
    first.mkdir(exist_ok=True)
    (tmp_path / "site").mkdir()  # an older CityWall made it again for another Chinese-named site
    claim(tmp_path / "site", "西城区")
    second = site_folder(tmp_path, "西城区")
    assert (first / "zones.json").is_file() and second != first and not second.exists()
    assert (first / OWNER_FILE).read_text(encoding="utf-8").strip() == '{"site": "东城区"}'


def test_a_writable_folder_is_made_and_probed(tmp_path: Path) -> None:
    state = check_folder(tmp_path / "a" / "b")
    assert state.writable and not state.holds_data and state.free_bytes and state.free_bytes > 0
    assert list((tmp_path / "a" / "b").iterdir()) == []  # the probe file is gone


def test_a_read_only_folder_is_found_out(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "zones.json").write_text("{}")
    with read_only_folder(tmp_path / "data") as folder:
        state = check_folder(folder)
    assert not state.writable and state.holds_data and "read-only" in state.detail.lower()


def test_a_folder_that_cannot_be_made_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(DataFolderError) as caught:
        check_folder(tmp_path / "file" / "data")
    assert caught.value.folder == tmp_path / "file" / "data" and caught.value.reason


def test_temp_files_of_interrupted_writes_are_removed_when_old(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    old = [tmp_path / "zones.json.tmp", tmp_path / "evidence" / "a.jpg.part", tmp_path / ".views.json.tmp"]
    young = tmp_path / "patrols.json.tmp"
    keep = tmp_path / "zones.json"
    for path in [*old, young, keep]:
        path.write_bytes(b"")
    for path in old:
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    removed = clean_temp_files(tmp_path)
    assert sorted(removed) == sorted(old) and young.exists() and keep.exists()
