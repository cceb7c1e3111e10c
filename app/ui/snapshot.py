"""Snapshot of one camera as evidence: the picture untouched, with a caption band added below it.

The picture is the camera's main stream at full resolution (``save_picture``; see
app.ui.snapshot_taker) or, when that cannot be had, the tile's frame (``save_snapshot``). The caption
and the file name carry the picture's *capture* time in the site's time zone, never the time of
saving. The PNG is written to a temporary file, flushed and then linked into place, so a
half-written file never carries the final name.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime, tzinfo
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QImageWriter, QPainter

from app.ui.theme import cjk_family
from app.ui.wall.compositor import TileInfo, TileState

BAND = QColor(12, 14, 18)
CAPTION = QColor(236, 239, 245)
SUBTLE = QColor(170, 176, 190)


def _moment(at: float, tz: tzinfo | None) -> datetime:
    """``at`` in the site's zone (this machine's when None)."""
    return datetime.fromtimestamp(at, tz) if tz is not None else datetime.fromtimestamp(at).astimezone()


def capture_time(tile: TileState, tz: tzinfo | None = None) -> datetime:
    if tile.meta is None:
        raise OSError(
            QCoreApplication.translate("Snapshot", "Snapshot not saved: the frame has no capture time")
        )
    return _moment(tile.meta.captured_wall_ns / 1e9, tz)


def caption_lines(info: TileInfo | None, captured: datetime, site_name: str) -> list[str]:
    """The lines burned into the band: camera and grid code, capture time, site."""
    camera = "" if info is None else " · ".join(t for t in (info.name, info.grid_code) if t)
    when = captured.strftime("%Y-%m-%d %H:%M:%S")
    return [camera, QCoreApplication.translate("Snapshot", "Captured {0}").format(when), site_name]


def snapshot_caption(tile: TileState, site_name: str, tz: tzinfo | None = None) -> list[str]:
    return caption_lines(tile.info, capture_time(tile, tz), site_name)


def render_snapshot(tile: TileState, site_name: str, tz: tzinfo | None = None) -> QImage:
    """The tile's frame (pixels unchanged) on top, the caption band below it."""
    if tile.buffer is None or tile.buffer.ndim != 3 or tile.buffer.shape[2] != 4:
        raise OSError(QCoreApplication.translate("Snapshot", "Snapshot not saved: the tile has no picture"))
    lines = snapshot_caption(tile, site_name, tz)
    height, width = tile.buffer.shape[:2]
    frame = np.ascontiguousarray(tile.buffer)
    picture = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_RGB32)
    return render_picture(picture, lines)  # drawn before `frame` can go: QImage does not own it


def render_picture(picture: QImage, lines: list[str]) -> QImage:
    """``picture`` (pixels unchanged) on top, a dark band with ``lines`` below it. Painting on a
    QImage is allowed off the GUI thread: full-resolution snapshots are made in a worker."""
    width, height = picture.width(), picture.height()
    pad = max(6, width // 120)
    font = caption_font(lines, width - 2 * pad)
    fm = QFontMetrics(font)
    band = pad * 2 + fm.height() * len(lines) + fm.leading() * (len(lines) - 1)
    image = QImage(width, height + band, QImage.Format.Format_RGB32)
    image.fill(BAND)
    painter = QPainter(image)
    painter.drawImage(0, 0, picture)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    y = height + pad
    for index, line in enumerate(lines):
        painter.setPen(CAPTION if index < 2 else SUBTLE)
        text = fm.elidedText(line, Qt.TextElideMode.ElideMiddle, width - 2 * pad)
        painter.drawText(QRect(pad, y, width - 2 * pad, fm.height()), Qt.AlignmentFlag.AlignLeft, text)
        y += fm.height() + fm.leading()
    painter.end()
    return image


def snapshot_stem(info: TileInfo, captured: datetime) -> str:
    """``<camera id>_<camera name>_<YYYYmmdd-HHMMSS>`` in site time: found by camera and by time."""
    return f"{_safe(info.camera_id)}_{_safe(info.name)}_{captured.strftime('%Y%m%d-%H%M%S')}"


def save_snapshot(tile: TileState, folder: Path, site_name: str, tz: tzinfo | None = None) -> Path:
    """Write the tile's current frame as ``<camera>_<name>_<YYYYmmdd-HHMMSS>.png`` in ``folder``."""
    if tile.info is None:
        raise OSError(QCoreApplication.translate("Snapshot", "Snapshot not saved: the tile shows no camera"))
    image = render_snapshot(tile, site_name, tz)
    return save_image(image, tile.info, capture_time(tile, tz), folder, site_name)


def save_picture(
    bgr: npt.NDArray[np.uint8], captured_at: float, info: TileInfo, folder: Path, site_name: str,
    tz: tzinfo | None = None,
) -> Path:  # fmt: skip
    """Write a camera's own picture (a main-stream key frame, BGR, full resolution) like a tile's."""
    frame = np.ascontiguousarray(bgr)
    height, width = frame.shape[:2]
    captured = _moment(captured_at, tz)
    picture = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
    image = render_picture(picture, caption_lines(info, captured, site_name))
    return save_image(image, info, captured, folder, site_name)


def save_image(image: QImage, info: TileInfo, captured: datetime, folder: Path, site_name: str) -> Path:
    translate = QCoreApplication.translate
    image.setText("Camera", info.camera_id)
    image.setText("Grid code", info.grid_code or "")
    image.setText("Site", site_name)
    image.setText("Capture Time", captured.strftime("%Y-%m-%dT%H:%M:%S%z"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(
            translate("Snapshot", "Snapshot not saved: PNG encoding failed: {0}").format(writer.errorString())
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return _write_new(folder, snapshot_stem(info, captured), bytes(data.data()))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OSError(translate("Snapshot", "Snapshot not saved in {0}: {1}").format(folder, reason)) from exc


def _safe(camera_id: str) -> str:
    return re.sub(r"[^\w.-]", "_", camera_id).strip(".") or "camera"


def _write_new(folder: Path, stem: str, data: bytes) -> Path:
    """Write ``data`` under the first free name ``stem.png``, ``stem-2.png``…; never overwrite."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".snapshot-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for n in range(1, 1000):
            target = folder / (f"{stem}.png" if n == 1 else f"{stem}-{n}.png")
            try:
                os.link(tmp, target)  # fails if the name is taken, even by a concurrent save
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links
                if target.exists():
                    continue
                Path(tmp).replace(target)
            return target
        raise FileExistsError(f"{folder / stem}.png and 998 more names are taken")
    finally:
        Path(tmp).unlink(missing_ok=True)


def caption_font(lines: list[str], width: int) -> QFont:
    """The CJK font at a size for the frame width, smaller if a line would not fit (then elided)."""
    font = QFont(cjk_family() or QFont().family())
    px = max(11, min(28, width // 48))
    while True:
        font.setPixelSize(px)
        widest = max(QFontMetrics(font).horizontalAdvance(line) for line in lines)
        if widest <= width or px <= 9:
            return font
        px -= 1
