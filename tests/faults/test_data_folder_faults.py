"""The data folder fails: read-only (empty or holding data) and full. The operator gets a clear,
translated message instead of a traceback, and nothing already stored is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.adapters.data_folder import folder_name, free_bytes
from app.core.system_events import SystemEventKind
from app.services.disk_watch import DiskLevel, DiskWatch
from app.services.system_events import SystemEventLog
from tests.fault_folders import can_mount, free_some, full_folder, read_only_folder

pytestmark = [pytest.mark.slow, pytest.mark.peer]
SITE_NAME = "拱墅区城管指挥中心"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "street.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10",
            "-t",
            "3",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def site_file(tmp_path: Path, clip: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(
        f"site: {{name: {SITE_NAME}}}\n"
        "detection: {enabled: false}\n"
        "cameras:\n"
        f"  - {{id: cam-1, name: 米市巷, source: {{kind: file, path: {clip}}}}}\n",
        encoding="utf-8",
    )
    return path


def run_wall(
    tmp_path: Path, site: Path, data_dir: Path, seconds: float = 4
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_STATE_HOME=str(tmp_path / "home" / "state"),
        XDG_CACHE_HOME=str(tmp_path / "home" / "cache"),
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "run",
            str(site),
            "--offscreen",
            "--seconds",
            str(seconds),
            "--data-dir",
            str(data_dir),
            "--profile",
            str(tmp_path / "profile"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_data_folder_that_cannot_be_made_is_refused_clearly(tmp_path: Path, clip: Path) -> None:
    parent = tmp_path / "share"
    with read_only_folder(parent):
        result = run_wall(tmp_path, site_file(tmp_path, clip), parent / "sites")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "数据文件夹无法使用" in result.stderr and "The data folder cannot be used" in result.stderr
    assert str(parent / "sites") in result.stderr and "--data-dir" in result.stderr


def test_a_read_only_folder_holding_data_runs_the_wall_and_says_so(tmp_path: Path, clip: Path) -> None:
    sites = tmp_path / "sites"
    own = sites / folder_name(SITE_NAME)
    own.mkdir(parents=True)
    zones = own / "zones.json"
    zones.write_text('{"version": 1, "zones": []}\n', encoding="utf-8")
    before = zones.read_bytes()
    with read_only_folder(sites):
        result = run_wall(tmp_path, site_file(tmp_path, clip), sites)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "data_folder_read_only" in result.stderr and str(own) in result.stderr
    assert zones.read_bytes() == before
    # the log went to the user's log folder instead, and says where the data is
    logs = list((tmp_path / "home").rglob("citywall.log"))
    assert logs and str(own) in logs[0].read_text(encoding="utf-8")


def test_a_writable_folder_gets_the_log_and_loses_old_temp_files(tmp_path: Path, clip: Path) -> None:
    sites = tmp_path / "sites"
    own = sites / folder_name(SITE_NAME)
    own.mkdir(parents=True)
    leftover = own / "zones.json.tmp"
    leftover.write_bytes(b"")
    os.utime(leftover, (1, 1))
    result = run_wall(tmp_path, site_file(tmp_path, clip), sites)
    assert result.returncode == 0, result.stderr
    log = (own / "logs" / "citywall.log").read_text(encoding="utf-8")
    assert "CityWall starting on site" in log and "left by an interrupted write" in log
    assert not leftover.exists()


@pytest.mark.skipif(not can_mount(), reason="a real full file system needs root (tmpfs)")
def test_a_disk_filling_up_is_reported_and_recovery_too(tmp_path: Path) -> None:
    events = SystemEventLog()
    with full_folder(tmp_path / "data", size_kib=512) as folder:
        watch = DiskWatch(
            str(folder), lambda: free_bytes(folder), events, low_bytes=256 * 1024, full_bytes=64 * 1024
        )
        assert watch.check() == DiskLevel.FULL
        with pytest.raises(OSError) as caught:
            (folder / "evidence.jpg").write_bytes(b"x" * 100_000)
        assert watch.write_failed(caught.value)
        free_some(folder, 400)
        assert watch.check() == DiskLevel.OK
    assert [e.kind for e in events.recent()] == [SystemEventKind.DISK_FULL, SystemEventKind.DISK_OK]
