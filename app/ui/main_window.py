"""The operator's main window: the wall plus a status line that says how many cameras are live."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from app.core.stream_health import StreamState
from app.media.source import FrameSource
from app.ui.wall.compositor import TileInfo, WallCompositor


class MainWindow(QMainWindow):
    def __init__(
        self, source: FrameSource, tiles: list[TileInfo], site_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._tiles = tiles
        self.setWindowTitle(QCoreApplication.translate("Main", "CityWall — {0}").format(site_name))
        self.wall = WallCompositor(source, tiles, client_id="wall-main", parent=self)
        self.setCentralWidget(self.wall)
        self._status = QLabel(self)
        self.statusBar().addPermanentWidget(self._status, 1)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._refresh_status)
        self.wall.page_changed.connect(lambda *_: self._refresh_status())
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.MoveToNextPage),
            self,
            lambda: self.wall.set_page(self.wall.page + 1),
        )
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.MoveToPreviousPage),
            self,
            lambda: self.wall.set_page(self.wall.page - 1),
        )
        QShortcut(QKeySequence("F11"), self, self._toggle_full_screen)

    def start(self) -> None:
        self.wall.start()
        self._timer.start()
        self._refresh_status()

    def stop(self) -> None:
        self._timer.stop()
        self.wall.stop()

    def _toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def counts(self) -> dict[StreamState, int]:
        counts: dict[StreamState, int] = {}
        for tile in self._tiles:
            state = self._source.health(tile.camera_id).state
            counts[state] = counts.get(state, 0) + 1
        return counts

    def _refresh_status(self) -> None:
        counts = self.counts()
        live = counts.get(StreamState.LIVE, 0)
        trouble = sum(
            counts.get(s, 0) for s in (StreamState.RECONNECTING, StreamState.STALLED, StreamState.OFFLINE)
        )
        text = QCoreApplication.translate(
            "Main", "{0}/{1} live · {2} with problems · page {3}/{4} · {5}"
        ).format(
            live, len(self._tiles), trouble, self.wall.page + 1, self.wall.pages, time.strftime("%H:%M:%S")
        )
        self._status.setText(text)
