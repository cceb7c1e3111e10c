"""The operational log: a timestamped, levelled, rotating file per process in the data folder."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import log_setup
from app.log_setup import LOG_DIR_ENV, LOG_LEVEL_ENV, configure_logging, init_process_logging

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d{4} (INFO|WARNING|ERROR|DEBUG)\s+\S+ \S+: ")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level, env = root.level, {k: os.environ.get(k) for k in (LOG_DIR_ENV, LOG_LEVEL_ENV)}
    yield
    log_setup._remove_ours()
    root.setLevel(level)
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_lines_carry_time_with_offset_level_process_and_logger(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", "info", stderr=False)
    assert path == tmp_path / "logs" / "citywall.log"
    logging.getLogger("citywall.events").warning("camera_down camera=c1 detail=Connection refused")
    logging.getLogger("app.x").debug("not at info")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and LINE.match(lines[0]), lines
    assert lines[0].endswith("citywall.events: camera_down camera=c1 detail=Connection refused")


def test_debug_level_writes_debug_lines_and_a_bad_level_is_refused(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, "debug", stderr=False)
    assert path is not None
    logging.getLogger("app.x").debug("details")
    assert "details" in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="verbose"):
        configure_logging(tmp_path, "verbose")


def test_the_file_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_setup, "MAX_BYTES", 2000)
    monkeypatch.setattr(log_setup, "BACKUPS", 2)
    configure_logging(tmp_path, "info", stderr=False)
    for i in range(200):
        logging.getLogger("app.x").info("line %d %s", i, "x" * 40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["citywall.log", "citywall.log.1", "citywall.log.2"]
    assert all(p.stat().st_size <= 2100 for p in tmp_path.iterdir())


def test_an_unwritable_folder_leaves_stderr_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert configure_logging(tmp_path / "file" / "logs", "info") is None
    assert "no log file in" in capsys.readouterr().err
    assert LOG_DIR_ENV not in os.environ


def _child(name: str) -> None:
    init_process_logging(name)
    logging.getLogger("app.media.pull").info("cam-7 sub: connected")


def test_a_spawned_worker_writes_its_own_file_beside_the_walls(tmp_path: Path) -> None:
    configure_logging(tmp_path, "info", stderr=False)
    process = multiprocessing.get_context("spawn").Process(target=_child, args=("decoder-0",))
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0
    text = (tmp_path / "citywall-decoder-0.log").read_text(encoding="utf-8")
    assert LINE.match(text) and "app.media.pull: cam-7 sub: connected" in text
