"""Preset thumbnails: a small picture of what each preset shows, taken from the camera itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QImage

THUMB_SIZE = (192, 108)
SETTLE_MS = 1500  # let the picture catch up with the head before taking it


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:64] or "_"


class PresetThumbnails(QObject):
    def __init__(
        self, folder: Path, grab: Callable[[str], QImage | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self._grab = grab  # the camera's newest picture (main stream when focused)
        self.changed: list[Callable[[str, str], None]] = []

    def file(self, camera_id: str, token: str) -> Path:
        return self.folder / _safe(camera_id) / f"{_safe(token)}.png"

    def path(self, camera_id: str, token: str) -> Path | None:
        file = self.file(camera_id, token)
        return file if file.exists() else None

    def request(self, camera_id: str, token: str, delay_ms: int = SETTLE_MS) -> None:
        """Take the thumbnail once the camera has had time to settle on the preset."""
        QTimer.singleShot(delay_ms, self, lambda: self.capture(camera_id, token))

    def capture(self, camera_id: str, token: str) -> bool:
        image = self._grab(camera_id)
        if image is None or image.isNull():
            return False
        small = image.scaled(
            *THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        target = self.file(camera_id, token)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(".tmp.png")
        if not small.save(str(temp)):  # the format follows the .png suffix
            return False
        temp.replace(target)
        for listener in self.changed:
            listener(camera_id, token)
        return True

    def forget(self, camera_id: str, token: str) -> None:
        self.file(camera_id, token).unlink(missing_ok=True)
