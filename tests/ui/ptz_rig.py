"""A main window over four fake cameras, cam001 a PTZ camera with a patrol, for the PTZ tests
(tests/ui/conftest.py gives it as the ``ptz_window`` fixture, at the size and language a module asks)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from pytestqt.qtbot import QtBot

from app.run_options import RunOptions
from app.services.ptz_hub import PtzHub
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from camera_config.models import SiteConfig
from tests.ptz_fakes import FakePtz
from tests.ui.fakes import FakeSource

CAMERAS = ["cam001", "cam002", "cam003", "cam004"]


class Screen(NamedTuple):
    size: tuple[int, int]  # the window's width and height
    language: str  # "en" or "zh_CN"
    status_poll_s: float | None = None  # the PTZ camera's idle status poll (None: the product's 5 s)


def site() -> SiteConfig:
    cameras = [
        {"id": c, "name": f"测试点 {c}", "source": {"kind": "rtsp", "main": f"rtsp://127.0.0.1:9/{c}"}}
        for c in CAMERAS
    ]
    cameras[0]["ptz"] = {
        "endpoint": "http://127.0.0.1:9/onvif/device_service",
        "patrol": {"steps": [{"preset": "1", "dwell_s": 5}, {"preset": "2", "dwell_s": 5}]},
    }
    return SiteConfig.model_validate({"site": {"name": "示范区"}, "cameras": cameras})


@contextlib.contextmanager
def ptz_main_window(qtbot: QtBot, tmp_path: Path, head: FakePtz, screen: Screen) -> Iterator[MainWindow]:
    """The window shown and started, its PTZ hub driving ``head``; both stopped afterwards."""
    hub = PtzHub(site(), port=head)
    if screen.status_poll_s is not None:
        for controller in hub.controllers.values():
            controller.settings = replace(controller.settings, idle_poll_s=screen.status_poll_s)
    hub.start()
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    size, language, _ = screen
    options = RunOptions(offscreen=True, size=size, language=language, profile_dir=tmp_path, fresh=True)
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    try:
        yield win
    finally:
        win.stop()
        hub.stop()


def focus_ptz_camera(win: MainWindow, qtbot: QtBot) -> None:
    """The PTZ camera selected and focused, its panel bound and its picture steerable."""
    win.pane.compositor.set_selected(0)
    win.pane.focus_selected()
    win.pane.compositor.setFocus()
    qtbot.waitUntil(lambda: win.ptz_panel.controller is not None)
    qtbot.waitUntil(lambda: win.pane.compositor.tiles()[0].target is not None)
