"""Snapshot of one tile as evidence: the frame untouched, with a caption band added below it.

The caption and the file name carry the frame's *capture* time (wall clock of the decoder when it
published the frame), never the time of saving. The PNG is written to a temporary file, flushed and
then linked into place, so a half-written file never carries the final name.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QImageWriter, QPainter

from app.ui.theme import cjk_family
from app.ui.wall.compositor import TileState

BAND = QColor(12, 14, 18)
CAPTION = QColor(236, 239, 245)
SUBTLE = QColor(170, 176, 190)


def capture_time(tile: TileState) -> time.struct_time:
    if tile.meta is None:
        raise OSError(
            QCoreApplication.translate("Snapshot", "Snapshot not saved: the frame has no capture time")
        )
    return time.localtime(tile.meta.captured_wall_ns / 1e9)


def snapshot_caption(tile: TileState, site_name: str) -> list[str]:
    """The lines burned into the band: camera and grid code, capture time, site."""
    info = tile.info
    camera = "" if info is None else " · ".join(t for t in (info.name, info.grid_code) if t)
    captured = time.strftime("%Y-%m-%d %H:%M:%S", capture_time(tile))
    return [camera, QCoreApplication.translate("Snapshot", "Captured {0}").format(captured), site_name]


def render_snapshot(tile: TileState, site_name: str) -> QImage:
    """The frame (pixels unchanged) on top, the caption band below it."""
    if tile.buffer is None or tile.buffer.ndim != 3 or tile.buffer.shape[2] != 4:
        raise OSError(QCoreApplication.translate("Snapshot", "Snapshot not saved: the tile has no picture"))
    lines = snapshot_caption(tile, site_name)
    height, width = tile.buffer.shape[:2]
    frame = np.ascontiguousarray(tile.buffer)
    picture = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_RGB32)
    pad = max(6, width // 120)
    font = caption_font(lines, width - 2 * pad)
    fm = QFontMetrics(font)
    band = pad * 2 + fm.height() * len(lines) + fm.leading() * (len(lines) - 1)
    image = QImage(width, height + band, QImage.Format.Format_RGB32)
    image.fill(BAND)
    painter = QPainter(image)
    painter.drawImage(0, 0, picture)  # before `frame` can go: QImage does not own the numpy memory
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


def save_snapshot(tile: TileState, folder: Path, site_name: str) -> Path:
    """Write the tile's current frame as ``<camera_id>_<YYYYmmdd-HHMMSS>.png`` in ``folder``."""
    translate = QCoreApplication.translate
    if tile.info is None:
        raise OSError(translate("Snapshot", "Snapshot not saved: the tile shows no camera"))
    image = render_snapshot(tile, site_name)
    captured = capture_time(tile)
    image.setText("Camera", tile.info.camera_id)
    image.setText("Grid code", tile.info.grid_code or "")
    image.setText("Site", site_name)
    image.setText("Capture Time", time.strftime("%Y-%m-%dT%H:%M:%S%z", captured))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(
            translate("Snapshot", "Snapshot not saved: PNG encoding failed: {0}").format(writer.errorString())
        )
    stem = f"{_safe(tile.info.camera_id)}_{time.strftime('%Y%m%d-%H%M%S', captured)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return _write_new(folder, stem, bytes(data.data()))
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
