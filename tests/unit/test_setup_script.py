"""scripts/setup.sh when the demo footage cannot be fetched: the tests' set-up stops, the app's goes on.

Runs a copy of the script in an empty folder with stand-ins for apt-get (fails, like a machine
whose mirror lacks opencv-doc) and dpkg-query (every package installed), so nothing is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="scripts/setup.sh is a bash script")


def _tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "resources" / "demo").mkdir(parents=True)
    for name in ("setup.sh", "fetch_vtest.sh"):
        shutil.copy(REPO / "scripts" / name, tmp_path / "scripts" / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    tools = tmp_path / "tools"
    tools.mkdir()
    _tool(tools, "apt-get", 'echo "E: Unable to locate package opencv-doc" >&2; exit 100')
    _tool(tools, "dpkg-query", "printf 'install ok installed'")
    _tool(tools, "sudo", 'exec "$@"')
    # No usable Python: a set-up that goes past the footage stops there, before making a .venv.
    for name in ("python3.11", "python3.12", "python3.13", "python3"):
        _tool(tools, name, "exit 1")
    return tmp_path


def _setup(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{clone / 'tools'}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "scripts/setup.sh", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=60
    )


def test_without_the_footage_the_tests_set_up_stops_and_says_why(clone: Path) -> None:
    done = _setup(clone, "--tests")
    assert done.returncode == 1
    assert "could not fetch resources/demo/vtest.avi" in done.stderr and "the tests need" in done.stderr
    assert "refreshing the package lists and trying once more" in done.stdout  # one retry first
    assert "CityWall needs Python" not in done.stderr  # stopped before the Python environment
    assert not list((clone / "resources" / "demo").iterdir())  # no half-written footage


def test_without_the_footage_the_apps_set_up_warns_and_goes_on(clone: Path) -> None:
    done = _setup(clone)
    assert "WARNING: no vtest.avi" in done.stdout and "generated street scene" in done.stdout
    assert "CityWall needs Python" in done.stderr  # where the stand-ins stop it: past the footage
