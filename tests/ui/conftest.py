"""Fixtures shared by the UI tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.ptz_fakes import FakePtz
from tests.ui.ptz_rig import Screen, ptz_main_window


@pytest.fixture
def head() -> FakePtz:
    """The PTZ camera's head (moves take 0.3 s)."""
    return FakePtz(time.monotonic, move_s=0.3)


@pytest.fixture
def ptz_screen() -> Screen:
    """The ``ptz_window``'s size and language; a module overrides this fixture (a small screen)."""
    return Screen((1400, 900), "en")


@pytest.fixture
def ptz_window(qtbot: QtBot, tmp_path: Path, head: FakePtz, ptz_screen: Screen) -> Iterator[MainWindow]:
    """The main window over tests.ui.ptz_rig's four cameras, cam001 steered through ``head``."""
    with ptz_main_window(qtbot, tmp_path, head, ptz_screen) as win:
        yield win
