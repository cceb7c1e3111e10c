"""The PTZ panel never takes the wall's room: a long camera error wraps (full text in the tooltip)
and the panel is as narrow after the camera recovers as before."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.adapters.onvif.errors import OnvifError
from app.run_options import RunOptions
from app.services.ptz_hub import PtzHub
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ptz_fakes import FakePtz
from tests.ui.fakes import FakeSource
from tests.ui.test_ptz_ui import CAMERAS, focus_ptz_camera, site

LONG_ERROR = (
    "camera did not answer GetStatus: HTTPConnectionPool(host='10.20.30.40', port=80): Max retries "
    "exceeded with url: /onvif/ptz_service (Caused by ConnectTimeoutError(<urllib3.connection."
    "HTTPConnection object at 0x7f2c1c2b3d90>, 'Connection to 10.20.30.40 timed out. (connect timeout=3)'))"
)


@pytest.fixture
def head() -> FakePtz:
    return FakePtz(time.monotonic, move_s=0.3)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, head: FakePtz) -> Iterator[MainWindow]:
    hub = PtzHub(site(), port=head)
    for controller in hub.controllers.values():  # the error comes and goes with a status poll: 5 s apart
        controller.settings = replace(controller.settings, idle_poll_s=0.5)
    hub.start()
    ui = SiteUi("示范区", [TileInfo(c, f"测试点 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(offscreen=True, size=(1280, 800), language="zh_CN", profile_dir=tmp_path, fresh=True)
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    yield win
    win.stop()
    hub.stop()


def shot(win: MainWindow, name: str) -> None:
    """CITYWALL_TEST_SHOTS=folder keeps what the test saw (to look at it)."""
    folder = os.environ.get("CITYWALL_TEST_SHOTS")
    if folder:
        win.grab().save(str(Path(folder) / name))


def test_a_long_camera_error_wraps_and_never_narrows_the_wall(
    window: MainWindow, qtbot: QtBot, head: FakePtz
) -> None:
    focus_ptz_camera(window, qtbot)
    panel, label = window.ptz_panel, window.ptz_panel.place_label
    qtbot.waitUntil(lambda: "未知" not in label.text())
    wall_before, dock_before = window.pane.width(), window.ptz_dock.width()
    shot(window, "ptz-before.png")

    head.failing["status"] = OnvifError(LONG_ERROR)
    qtbot.waitUntil(lambda: "10.20.30.40" in label.text(), timeout=10000)
    qtbot.wait(50)  # let the docks settle at the new hints
    shot(window, "ptz-error.png")
    assert window.ptz_dock.width() <= dock_before + 2
    assert window.pane.width() >= wall_before - 2
    assert label.width() <= panel.width()  # the line wraps inside the panel
    assert label.isVisible() and label.height() > label.fontMetrics().height()  # on several lines
    assert LONG_ERROR in label.toolTip()  # every word of it, whatever the line shows

    del head.failing["status"]
    qtbot.waitUntil(lambda: "未知" not in label.text(), timeout=10000)
    qtbot.wait(50)
    shot(window, "ptz-recovered.png")
    assert window.pane.width() >= wall_before - 2 and window.ptz_dock.width() <= dock_before + 2
