"""The wall with 100 real streams, one of them offline, rendered to PNG and checked tile by tile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.core.stream_health import StreamState
from app.main import build_supervisor, site_ui_for
from app.media.supervisor import IngestSupervisor
from app.run_options import RunOptions
from app.ui.main_window import MainWindow
from app.ui.runner import build_window
from camera_config.models import SiteConfig
from tests.integration.conftest import StartServer
from tests.ui.fakes import image_array

pytestmark = [pytest.mark.peer, pytest.mark.slow]


@pytest.fixture
def site(rtsp_server: StartServer) -> SiteConfig:
    server = rtsp_server(99)
    cameras = [
        {
            "id": f"cam{i:03d}",
            "name": f"人民路 {i} 号 东北角",
            "grid_code": f"370199001001{i:03d}",
            "source": {"kind": "rtsp", "main": server.url(f"cam{i:03d}")},
        }
        for i in range(1, 100)
    ]
    cameras.append(
        {"id": "cam100", "name": "断线 测试点", "source": {"kind": "rtsp", "main": "rtsp://127.0.0.1:9/none"}}
    )
    return SiteConfig.model_validate(
        {
            "site": {"name": "示范区"},
            "cameras": cameras,
            "ingest": {"offline_after_s": 2, "backoff_initial_s": 0.3, "backoff_max_s": 1},
        }
    )


@pytest.fixture
def supervisor(site: SiteConfig) -> Iterator[IngestSupervisor]:
    sup = build_supervisor(site)
    sup.start()
    yield sup
    sup.stop()


def test_hundred_tile_wall_shows_pictures_and_an_honest_offline_tile(
    qtbot: QtBot, tmp_path: Path, site: SiteConfig, supervisor: IngestSupervisor
) -> None:
    options = RunOptions(
        offscreen=True, size=(1920, 1080), language="zh_CN", profile_dir=tmp_path, fresh=True
    )
    window: MainWindow = build_window(supervisor, site_ui_for(site, tmp_path), None, options)
    qtbot.addWidget(window)
    window.tree_dock.hide()  # the whole width for the wall, as on a wall screen
    window.show()
    window.start()
    tiles = window.pane.compositor.tiles
    qtbot.waitUntil(
        lambda: (
            sum(t.image is not None for t in tiles()) == 99
            and supervisor.health("cam100").state == StreamState.OFFLINE
        ),
        timeout=40000,
    )
    qtbot.wait(500)  # one more paint with the latest health
    shot = tmp_path / "wall.png"
    assert window.grab().save(str(shot))
    image = QImage(str(shot)).convertToFormat(QImage.Format.Format_RGB32)
    offset = window.pane.compositor.mapTo(window, window.pane.compositor.rect().topLeft())
    pixels = image_array(image)

    flat = []
    for index in range(99):
        rect = window.pane.compositor.tile_rect(index).translated(offset)
        centre = pixels[
            rect.top() + rect.height() // 3 : rect.bottom() - rect.height() // 3,
            rect.left() + rect.width() // 4 : rect.right() - rect.width() // 4,
        ]
        if float(centre.std()) < 8:
            flat.append(index + 1)
    assert not flat, f"tiles without a picture: {flat}"

    dead = window.pane.compositor.tile_rect(99).translated(offset)
    badge = pixels[dead.top() + 3 : dead.top() + 12, dead.right() - 24 : dead.right() - 4]
    assert ((badge[..., 2] > 150) & (badge[..., 1] < 90)).mean() > 0.3, "red 离线 badge expected"
    live = window.pane.compositor.tile_rect(0).translated(offset)
    badge_live = pixels[live.top() + 3 : live.top() + 12, live.right() - 24 : live.right() - 4]
    assert ((badge_live[..., 1] > 120) & (badge_live[..., 2] < 100)).mean() > 0.3, "green 在线 badge expected"
    body = pixels[dead.top() + 20 : dead.bottom() - 20, dead.left() + 5 : dead.right() - 5]
    assert body.mean() < 60, "an offline tile is dark, never a frozen picture"
