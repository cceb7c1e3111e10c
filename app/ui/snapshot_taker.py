"""抓拍 as the operator sees it: the camera's main stream at full resolution, pulled and saved off the
GUI thread, then "已抓拍：<file>" with 打开文件夹 in the status bar. When the main stream gives no
picture, the tile's own picture is saved instead and the message says so (never silently)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.media.evidence.grab import Picture
from app.ui.snapshot import save_picture, save_snapshot
from app.ui.wall.compositor import TileInfo, TileState

translate = QCoreApplication.translate
NOTICE_MS = 20_000  # long enough to reach for 打开文件夹

StillSource = Callable[[str], "Future[Picture]"]  # MainStills.take: a camera's main-stream key frame


@dataclass(frozen=True)
class SnapshotResult:
    camera: TileInfo
    path: Path | None  # None: nothing was saved (``why`` says why)
    full: bool  # the main stream's own picture, at full resolution
    size: tuple[int, int] = (0, 0)  # width, height of the picture saved
    why: str = ""  # why the tile's picture stands in, or why nothing was saved


class SnapshotTaker(QObject):
    """``take`` returns at once; ``done`` comes (on the GUI thread) with the result."""

    done = Signal(object)  # SnapshotResult
    started = Signal(object)  # TileInfo

    def __init__(
        self,
        folder: Path,
        site_name: str,
        tz: tzinfo | None,
        stills: StillSource | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder, self._site, self._tz, self._stills = folder, site_name, tz, stills
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="snapshot-save")

    def take(self, info: TileInfo, fallback: TileState | None) -> None:
        """Snapshot ``info``'s camera; ``fallback`` (a private copy of its tile) stands in when
        the main stream gives no picture."""
        self.started.emit(info)
        if self._stills is None:
            self._pool.submit(self._save_tile, info, fallback, translate("Snapshot", "no main stream here"))
            return
        pending = self._stills(info.camera_id)
        pending.add_done_callback(lambda got: self._pool.submit(self._save, info, fallback, got))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _save(self, info: TileInfo, fallback: TileState | None, got: Future[Picture]) -> None:
        try:
            picture = got.result()
        except Exception as exc:  # NoPicture, or a pull that broke: the tile's picture stands in
            self._save_tile(info, fallback, str(exc) or type(exc).__name__)
            return
        try:
            path = save_picture(picture.image, picture.captured_at, info, self.folder, self._site, self._tz)
        except OSError as exc:
            self.done.emit(SnapshotResult(info, None, False, why=str(exc)))
            return
        height, width = picture.image.shape[:2]
        self.done.emit(SnapshotResult(info, path, True, (width, height)))

    def _save_tile(self, info: TileInfo, tile: TileState | None, why_not_main: str) -> None:
        if tile is None or tile.buffer is None:
            why = translate("Snapshot", "Snapshot not saved: no picture from {0} ({1})")
            self.done.emit(SnapshotResult(info, None, False, why=why.format(info.name, why_not_main)))
            return
        try:
            path = save_snapshot(tile, self.folder, self._site, self._tz)
        except OSError as exc:
            self.done.emit(SnapshotResult(info, None, False, why=str(exc)))
            return
        height, width = tile.buffer.shape[:2]
        self.done.emit(SnapshotResult(info, path, False, (width, height), why_not_main))


class SnapshotNotice(QFrame):
    """In the status bar: "正在抓拍…", then "已抓拍：<file>" with 打开文件夹, for a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snapshotNotice")
        self.label = QLabel(self)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl  # (tests watch it)
        self.result: SnapshotResult | None = None
        self._timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.open_button.setText(translate("Snapshot", "Open folder"))

    def show_taking(self, info: TileInfo) -> None:
        self.result = None
        self.label.setText(translate("Snapshot", "Taking a snapshot of {0} (main stream)…").format(info.name))
        self.label.setToolTip("")
        self.open_button.hide()
        self._timer.stop()
        self.show()

    def show_result(self, result: SnapshotResult) -> None:
        self.result = result
        if result.path is None:
            self.label.setText(result.why)  # a whole sentence already: "抓拍未能保存到 …：…"
            self.label.setToolTip(result.why)
            self.open_button.hide()
        else:
            name = result.path.name
            if result.full:
                text = translate("Snapshot", "Snapshot taken: {0}").format(name)
            else:
                text = translate("Snapshot", "Snapshot taken (tile picture, main stream unavailable): {0}")
                text = text.format(name)
            self.label.setText(text)
            size = f"{result.size[0]}×{result.size[1]}"
            tip = translate("Snapshot", "{0}, {1} pixels").format(result.path, size)
            self.label.setToolTip(tip + (f"\n{result.why}" if result.why else ""))
            self.open_button.show()
        self.show()
        self._timer.start()

    def open_folder(self) -> None:
        if self.result is not None and self.result.path is not None:
            self.open_url(QUrl.fromLocalFile(str(self.result.path.parent)))
