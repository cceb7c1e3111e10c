"""A wall window on one screen: a WallPane only, full screen on its screen (multi-monitor walls)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QCloseEvent, QScreen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.media.source import FrameSource
from app.ui.wall.compositor import TileInfo
from app.ui.wall.pane import WallPane


class WallWindow(QWidget):
    closed = Signal(object)  # self

    def __init__(self, source: FrameSource, cameras: dict[str, TileInfo], index: int) -> None:
        super().__init__(None)
        self.index = index
        self.pane = WallPane(source, cameras, client_id=f"wall-{index}", parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pane)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("Main", "CityWall — wall {0}").format(self.index))

    def place_on(self, screen: QScreen, full_screen: bool = True) -> None:
        self.setScreen(screen)
        self.setGeometry(screen.availableGeometry())
        if full_screen:
            self.showFullScreen()
        else:
            self.show()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.pane.stop()
        self.closed.emit(self)
        super().closeEvent(event)
