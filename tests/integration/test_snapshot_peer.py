"""抓拍 against the demo RTSP server: the main stream's own key frame at its full size (D1, where the
wall's tile stream is CIF), saved with the caption below; an unreachable main stream says why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.demo.clips import ClipSet
from app.demo.rtsp_server import free_port
from app.media.evidence.grab import NoPicture
from app.media.protocol import CameraSpec, SecretUrl
from app.services.main_stills import MainStills
from app.ui.snapshot import save_picture
from app.ui.wall.compositor import TileInfo
from tests.integration.conftest import StartServer

pytestmark = [pytest.mark.peer, pytest.mark.slow]


def test_the_snapshot_is_the_main_streams_key_frame_at_full_size(
    qtbot: QtBot, rtsp_server: StartServer, demo_clips: ClipSet, tmp_path: Path
) -> None:
    main_clip = demo_clips.clip(demo_clips.variants[0], "main")
    server = rtsp_server(1, extra_mounts=[{"path": "main001", "file": str(main_clip), "mode": "loop"}])
    spec = CameraSpec("cam001", SecretUrl(server.url("cam001")), SecretUrl(server.url("main001")))
    stills = MainStills(lambda: [spec])
    try:
        picture = stills.take("cam001").result(timeout=30)
    finally:
        stills.close()
    assert picture.image.shape[:2] == (576, 704)  # the main stream's D1, not the tile stream's CIF
    assert abs(picture.captured_at - datetime.now(UTC).timestamp()) < 30
    info = TileInfo("cam001", "北门 01", "110101001001001")
    path = save_picture(
        picture.image, picture.captured_at, info, tmp_path, "示范区", ZoneInfo("Asia/Shanghai")
    )
    shanghai_now = datetime.fromtimestamp(picture.captured_at, ZoneInfo("Asia/Shanghai"))
    assert path.name == f"cam001_北门_01_{shanghai_now.strftime('%Y%m%d-%H%M%S')}.png"
    saved = QImage(str(path))
    assert saved.width() == 704 and saved.height() > 576 + 20  # the picture, the caption band below


def test_an_unreachable_main_stream_fails_with_the_reason(qtbot: QtBot) -> None:
    url = f"rtsp://user:s3cret@127.0.0.1:{free_port()}/main"
    spec = CameraSpec("cam001", SecretUrl(url), SecretUrl(url), connect_timeout_s=2.0, secrets=("s3cret",))
    stills = MainStills(lambda: [spec])
    try:
        with pytest.raises(NoPicture) as caught:
            stills.take("cam001").result(timeout=30)
        with pytest.raises(NoPicture, match="not a camera"):
            stills.take("cam999").result(timeout=30)
    finally:
        stills.close()
    assert "s3cret" not in str(caught.value)  # the password never reaches a message
