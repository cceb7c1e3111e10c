"""抓拍 from the wall: the camera's main stream at full resolution (a fake pull here; the demo RTSP
server in tests/integration/test_snapshot_peer.py), saved off the GUI thread, named by camera and
site time, and said: "已抓拍：<file>" with 打开文件夹; the tile's picture, said so, when the main
stream gives none; a folder that cannot be written says why."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.core.system_events import SystemEventKind as K
from app.media.evidence.grab import NoPicture, Picture
from app.media.protocol import CameraSpec, SecretUrl
from app.run_options import RunOptions
from app.services.main_stills import MainStills
from app.ui.i18n import Translations
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

CAMERAS = ["cam001", "cam002"]
CAPTURED = datetime(2026, 12, 8, 1, 2, 3, tzinfo=UTC).timestamp()  # 09:02:03 in Shanghai
SHOTS = Path(os.environ.get("CITYWALL_SHOTS", "/tmp"))


class FakePull:
    """A camera's main stream as the grab sees it: a 1920×1080 key frame, or a refusal."""

    def __init__(self) -> None:
        self.fail: str | None = None
        self.threads: list[str] = []

    def __call__(self, spec: CameraSpec) -> Picture:
        self.threads.append(threading.current_thread().name)
        if self.fail is not None:
            raise NoPicture(self.fail)
        y, x = np.mgrid[0:1080, 0:1920]
        image = np.dstack([(x % 256), (y % 256), ((x + y) % 256)]).astype(np.uint8)
        return Picture(image, CAPTURED)


@pytest.fixture
def pull() -> FakePull:
    return FakePull()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, pull: FakePull) -> Iterator[MainWindow]:
    specs = [
        CameraSpec(c, SecretUrl(f"rtsp://127.0.0.1:9/{c}"), SecretUrl(f"rtsp://127.0.0.1:9/{c}m"))
        for c in CAMERAS
    ]
    stills = MainStills(lambda: specs, grab=pull)
    infos = [TileInfo(c, "解放路口东" if c == "cam001" else "人民广场", "370102001001001") for c in CAMERAS]
    ui = SiteUi("示范区", infos, [], tmp_path / "snapshots", timezone="Asia/Shanghai", stills=stills.take)
    options = RunOptions(offscreen=True, size=(1400, 900), language="zh_CN", profile_dir=tmp_path, fresh=True)
    win = build_window(FakeSource(CAMERAS), ui, None, options)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.pane.compositor.still_frame(0) is not None)
    win.pane.compositor.set_selected(0)
    yield win
    win.stop()
    stills.close()
    Translations().set_language("en")


def take(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.snapshots.done, timeout=10_000):
        window.snapshot_selected()


def test_snapshot_is_the_main_stream_at_full_resolution_named_by_camera_and_site_time(
    window: MainWindow, qtbot: QtBot, pull: FakePull, tmp_path: Path
) -> None:
    notice = window.snapshot_notice
    with qtbot.waitSignal(window.snapshots.done, timeout=10_000):
        window.snapshot_selected()
        assert notice.isVisible() and notice.label.text().startswith("正在抓拍 解放路口东")  # at once
    result = notice.result
    assert result is not None and result.full and result.path is not None
    assert pull.threads and all(name != "MainThread" for name in pull.threads)  # never on the GUI thread
    assert result.path.parent == tmp_path / "snapshots"
    assert result.path.name == "cam001_解放路口东_20261208-090203.png"  # site time, not this machine's
    saved = QImage(str(result.path))
    assert saved.width() == 1920 and saved.height() > 1080  # the camera's pixels, the caption below
    assert result.size == (1920, 1080)
    assert notice.label.text() == f"已抓拍：{result.path.name}"
    assert notice.open_button.isVisible() and notice.open_button.text() == "打开文件夹"
    assert window.events_panel.model.event_at(0).kind == K.SNAPSHOT_SAVED
    window.grab().save(str(SHOTS / "snapshot_notice.png"))


def test_open_folder_opens_the_snapshot_folder(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    window.snapshot_notice.open_url = open_url
    take(window, qtbot)
    qtbot.mouseClick(window.snapshot_notice.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(tmp_path / "snapshots"))]


def test_without_the_main_stream_the_tile_picture_is_saved_and_the_message_says_so(
    window: MainWindow, qtbot: QtBot, pull: FakePull
) -> None:
    pull.fail = "Connection refused (FFmpeg ConnectionRefusedError)"
    take(window, qtbot)
    result = window.snapshot_notice.result
    assert result is not None and not result.full and result.path is not None and result.path.is_file()
    tile_width = window.pane.compositor.tiles()[0].buffer.shape[1]  # type: ignore[union-attr]
    assert QImage(str(result.path)).width() == tile_width < 1920
    label = window.snapshot_notice.label
    assert label.text() == f"已抓拍（画面截图，主码流未取到）：{result.path.name}"
    assert "Connection refused" in label.toolTip()


def test_a_folder_that_cannot_be_written_says_why_and_offers_no_folder(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "snapshots").write_text("a file where the folder should be")
    take(window, qtbot)
    notice = window.snapshot_notice
    assert notice.result is not None and notice.result.path is None
    assert notice.label.text() == notice.result.why
    assert notice.label.text().startswith(f"抓拍未能保存到 {tmp_path / 'snapshots'}：")
    assert not notice.open_button.isVisible()
    assert window.events_panel.model.event_at(0).kind == K.SNAPSHOT_NOT_SAVED
