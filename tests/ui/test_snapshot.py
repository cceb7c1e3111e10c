"""Snapshots as evidence: the frame untouched, a caption band with the *capture* time, atomic files."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtGui import QFontMetrics, QImage
from pytestqt.qtbot import QtBot

from app.media.frame_board import FrameMeta
from app.ui.snapshot import caption_font, render_snapshot, save_snapshot, snapshot_caption
from app.ui.wall.compositor import TileInfo, TileState

CAPTURED = time.mktime((2021, 3, 4, 5, 6, 7, 0, 0, -1))  # local time, long before "now"


def frame(width: int = 320, height: int = 180, alpha: int = 255) -> npt.NDArray[np.uint8]:
    y, x = np.mgrid[0:height, 0:width]
    bgra = np.empty((height, width, 4), np.uint8)
    bgra[..., 0], bgra[..., 1], bgra[..., 2], bgra[..., 3] = x % 256, y % 256, (x + y) % 256, alpha
    return bgra


def tile(name: str = "Station Square East", captured: float = CAPTURED, **kw: int) -> TileState:
    buffer = frame(**kw)
    meta = FrameMeta(buffer.shape[1], buffer.shape[0], 0, int(captured * 1e9), 1)
    return TileState(TileInfo("cam-7", name, "110101001001"), buffer=buffer, meta=meta)


def pixels(image: QImage) -> npt.NDArray[np.uint8]:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def test_png_has_the_frame_untouched_and_a_band_below(qtbot: QtBot, tmp_path: Path) -> None:
    shown = tile()
    path = save_snapshot(shown, tmp_path / "snaps" / "today", "Demo site")
    assert path.exists() and path.parent == tmp_path / "snaps" / "today"
    saved = pixels(QImage(str(path)))
    assert saved.shape[1] == 320 and saved.shape[0] > 180
    assert shown.buffer is not None
    assert np.array_equal(saved[:180, :, :3], shown.buffer[..., :3])
    band = saved[180:, :, :3]
    assert np.median(band) < 30  # dark
    assert band.max() > 200  # with light text on it
    assert not list(path.parent.glob("*.tmp")) and not list(path.parent.glob(".*"))


def test_transparent_frames_are_saved_opaque(qtbot: QtBot, tmp_path: Path) -> None:
    shown = tile(alpha=0)
    saved = QImage(str(save_snapshot(shown, tmp_path, "Demo site")))
    assert not saved.hasAlphaChannel() or saved.pixelColor(5, 5).alpha() == 255
    assert shown.buffer is not None
    assert np.array_equal(pixels(saved)[:180, :, :3], shown.buffer[..., :3])


def test_file_name_uses_the_capture_time_and_never_overwrites(qtbot: QtBot, tmp_path: Path) -> None:
    first = save_snapshot(tile(), tmp_path, "Demo site")
    second = save_snapshot(tile(), tmp_path, "Demo site")
    assert first.name == "cam-7_Station_Square_East_20210304-050607.png"
    assert second.name == "cam-7_Station_Square_East_20210304-050607-2.png"
    assert time.strftime("%Y%m%d") not in first.name


def test_file_name_and_caption_are_in_the_site_time_zone(qtbot: QtBot, tmp_path: Path) -> None:
    """A workstation set to UTC still names the picture by the time on the site's clocks."""
    captured = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp()
    shanghai = ZoneInfo("Asia/Shanghai")
    path = save_snapshot(tile("和平路口", captured=captured), tmp_path, "Demo site", shanghai)
    assert path.name == "cam-7_和平路口_20210304-130607.png"
    assert any(
        "2021-03-04 13:06:07" in line for line in snapshot_caption(tile(captured=captured), "", shanghai)
    )


def test_caption_shows_camera_grid_code_capture_time_and_site(qtbot: QtBot) -> None:
    lines = snapshot_caption(tile("和平路与解放路交叉口"), "某区数字化城市管理监督指挥中心")
    assert "和平路与解放路交叉口" in lines[0] and "110101001001" in lines[0]
    assert any("2021-03-04 05:06:07" in line for line in lines)
    assert lines[-1] == "某区数字化城市管理监督指挥中心"


def test_the_band_changes_with_the_capture_time_only(qtbot: QtBot) -> None:
    a = pixels(render_snapshot(tile(captured=CAPTURED), "Demo site"))
    again = pixels(render_snapshot(tile(captured=CAPTURED), "Demo site"))
    later = pixels(render_snapshot(tile(captured=CAPTURED + 3600), "Demo site"))
    assert np.array_equal(a, again)
    assert np.array_equal(a[:180], later[:180])
    assert not np.array_equal(a[180:], later[180:])


def test_chinese_names_are_drawn_with_a_font_that_has_them(qtbot: QtBot) -> None:
    lines = snapshot_caption(tile("和平路与解放路交叉口"), "某区指挥中心")
    font = caption_font(lines, 320)
    assert all(QFontMetrics(font).inFontUcs4(ord(c)) for c in "和平路与解放路交叉口某区指挥中心")
    chinese = pixels(render_snapshot(tile("和平路与解放路交叉口"), "某区指挥中心"))
    other = pixels(render_snapshot(tile("和平路与解放路路口"), "某区指挥中心"))
    assert not np.array_equal(chinese[180:], other[180:])


def test_unwritable_folder_raises_a_clear_oserror(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(OSError, match="not-a-folder"):
        save_snapshot(tile(), blocker / "snaps", "Demo site")


def test_no_capture_time_no_snapshot(qtbot: QtBot, tmp_path: Path) -> None:
    shown = tile()
    shown.meta = None
    with pytest.raises(OSError, match="capture time"):
        save_snapshot(shown, tmp_path, "Demo site")
    assert not list(tmp_path.iterdir())
