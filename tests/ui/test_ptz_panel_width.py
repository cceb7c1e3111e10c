"""The PTZ panel never takes the wall's room: a long camera error wraps (full text in the tooltip)
and the panel is as narrow after the camera recovers as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.adapters.onvif.errors import OnvifError
from app.ui.main_window import MainWindow
from tests.ptz_fakes import FakePtz
from tests.ui.ptz_rig import Screen, focus_ptz_camera

LONG_ERROR = (
    "camera did not answer GetStatus: HTTPConnectionPool(host='10.20.30.40', port=80): Max retries "
    "exceeded with url: /onvif/ptz_service (Caused by ConnectTimeoutError(<urllib3.connection."
    "HTTPConnection object at 0x7f2c1c2b3d90>, 'Connection to 10.20.30.40 timed out. (connect timeout=3)'))"
)


@pytest.fixture
def ptz_screen() -> Screen:
    """A narrow screen, in Chinese: the panel's width counts. The error comes and goes with a
    status poll: every 0.5 s here, not the product's 5 s."""
    return Screen((1280, 800), "zh_CN", status_poll_s=0.5)


def shot(win: MainWindow, name: str) -> None:
    """CITYWALL_TEST_SHOTS=folder keeps what the test saw (to look at it)."""
    folder = os.environ.get("CITYWALL_TEST_SHOTS")
    if folder:
        win.grab().save(str(Path(folder) / name))


def test_a_long_camera_error_wraps_and_never_narrows_the_wall(
    ptz_window: MainWindow, qtbot: QtBot, head: FakePtz
) -> None:
    focus_ptz_camera(ptz_window, qtbot)
    panel, label = ptz_window.ptz_panel, ptz_window.ptz_panel.place_label
    qtbot.waitUntil(lambda: "未知" not in label.text())
    wall_before, dock_before = ptz_window.pane.width(), ptz_window.ptz_dock.width()
    shot(ptz_window, "ptz-before.png")

    head.failing["status"] = OnvifError(LONG_ERROR)
    qtbot.waitUntil(lambda: "10.20.30.40" in label.text(), timeout=10000)
    qtbot.wait(50)  # let the docks settle at the new hints
    shot(ptz_window, "ptz-error.png")
    assert ptz_window.ptz_dock.width() <= dock_before + 2
    assert ptz_window.pane.width() >= wall_before - 2
    assert label.width() <= panel.width()  # the line wraps inside the panel
    assert label.isVisible() and label.height() > label.fontMetrics().height()  # on several lines
    assert LONG_ERROR in label.toolTip()  # every word of it, whatever the line shows

    del head.failing["status"]
    qtbot.waitUntil(lambda: "未知" not in label.text(), timeout=10000)
    qtbot.wait(50)
    shot(ptz_window, "ptz-recovered.png")
    assert ptz_window.pane.width() >= wall_before - 2 and ptz_window.ptz_dock.width() <= dock_before + 2
