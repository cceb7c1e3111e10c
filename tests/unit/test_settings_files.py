"""Keep the last good settings file: an edit that breaks the catalogue never takes it away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.case_catalogue import Catalogue
from app.services.case_config import DEFAULT_CATALOGUE, catalogue_from_text
from app.services.settings_files import LastGoodFile, Source
from tests.fault_folders import read_only_folder

GOOD = """\
version: 1
events:
  - code: "05"
    name: {zh: 街面秩序}
    subclasses:
      - code: "0501"
        name: {zh: 无照经营游商}
        time_limit: {amount: 2, unit: work_hours}
"""


def shipped() -> Catalogue:
    return catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)


def write(path: Path, text: str | bytes, tick: int) -> None:
    """Write and set a distinct modification time (a quick second edit can share the first's)."""
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    os.utime(path, ns=(tick * 1_000_000_000, tick * 1_000_000_000))


def names(catalogue: Catalogue) -> list[str]:
    return [c.name.zh for c in catalogue]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "site").mkdir()
    return tmp_path / "site" / "catalogue.yaml", tmp_path / "data"


def test_good_then_bad_then_fixed(files: tuple[Path, Path]) -> None:
    path, data = files
    write(path, GOOD, 1)
    settings = LastGoodFile(path, catalogue_from_text, data, shipped)
    first = settings.current
    assert (first.source, first.issues, names(first.value)) == (Source.FILE, (), ["无照经营游商"])
    assert first.ok and settings.copy_path.read_text(encoding="utf-8") == GOOD

    write(path, GOOD.replace("unit: work_hours", "unit: hours"), 2)  # an operator's typo
    broken = settings.refresh()
    assert broken is not None and broken.source is Source.LAST_GOOD and not broken.ok
    assert names(broken.value) == ["无照经营游商"]  # the last good one is still in use
    [issue] = broken.issues
    assert (issue.file, issue.line, issue.path) == (path, 8, "events[0].subclasses[0].time_limit.unit")
    assert settings.copy_path.read_text(encoding="utf-8") == GOOD  # the copy is not overwritten

    fixed_text = GOOD.replace("无照经营游商", "流动摊贩")
    write(path, fixed_text, 3)
    fixed = settings.refresh()
    assert fixed is not None and fixed.ok and names(fixed.value) == ["流动摊贩"]
    assert settings.copy_path.read_text(encoding="utf-8") == fixed_text


def test_the_last_good_copy_outlives_a_restart(files: tuple[Path, Path]) -> None:
    path, data = files
    write(path, GOOD, 1)
    LastGoodFile(path, catalogue_from_text, data, shipped).load()
    write(path, "version: 1\nevents: [\n", 2)  # half saved
    after_restart = LastGoodFile(path, catalogue_from_text, data, shipped).current
    assert after_restart.source is Source.LAST_GOOD and names(after_restart.value) == ["无照经营游商"]
    assert "YAML syntax error" in after_restart.issues[0].message


def test_without_a_good_file_ever_the_shipped_default_is_used(files: tuple[Path, Path]) -> None:
    path, data = files
    missing = LastGoodFile(path, catalogue_from_text, data, shipped).current
    assert missing.source is Source.DEFAULT and "无照经营游商" in names(missing.value)
    assert [(i.file, i.message) for i in missing.issues] == [(path, "file not found")]

    write(path, b"version: 1\n# \xff\xfe\n", 1)
    garbled = LastGoodFile(path, catalogue_from_text, data, shipped).current
    assert garbled.source is Source.DEFAULT and garbled.issues[0].line == 2
    assert "UTF-8" in garbled.issues[0].message


def test_a_deleted_file_keeps_the_last_good_one(files: tuple[Path, Path]) -> None:
    path, data = files
    write(path, GOOD, 1)
    settings = LastGoodFile(path, catalogue_from_text, data, shipped)
    settings.load()
    path.unlink()
    gone = settings.refresh()
    assert gone is not None and gone.source is Source.LAST_GOOD
    assert gone.issues[0].message == "file not found"


def test_refresh_reads_only_a_changed_file(files: tuple[Path, Path]) -> None:
    path, data = files
    write(path, GOOD, 1)
    reads: list[Path] = []

    def counting(text: str, where: Path) -> Catalogue:
        reads.append(where)
        return catalogue_from_text(text, where)

    settings = LastGoodFile(path, counting, data, shipped)
    settings.load()
    assert settings.refresh() is None and settings.refresh() is None
    write(path, GOOD, 2)  # touched: same size, new time
    assert settings.refresh() is not None
    write(path, GOOD + "\n", 2)  # same time, new size
    assert settings.refresh() is not None
    assert reads == [path, path, path]


def test_a_read_only_data_folder_is_reported_and_the_good_file_still_used(files: tuple[Path, Path]) -> None:
    path, data = files
    write(path, GOOD, 1)
    with read_only_folder(data):
        loaded = LastGoodFile(path, catalogue_from_text, data, shipped).current
    assert loaded.source is Source.FILE and names(loaded.value) == ["无照经营游商"]
    [issue] = loaded.issues
    assert issue.file.parent == data and "could not keep a copy" in issue.message
