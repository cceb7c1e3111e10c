"""Start the Qt side: application object, theme, main window, optional timed run and screenshot."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.media.source import FrameSource
from app.run_options import RunOptions
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme
from app.ui.wall.compositor import TileInfo


def ensure_application(offscreen: bool) -> QApplication:
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("CityWall")
        app.setOrganizationName("CityWall")
        apply_theme(app)
    assert isinstance(app, QApplication)
    return app


def run_wall(
    source: FrameSource,
    tiles: list[TileInfo],
    site_name: str,
    options: RunOptions,
    on_tick: Callable[[], None] | None = None,
) -> int:
    """Show the wall until the user closes it (or ``options.seconds`` pass); returns Qt's exit code."""
    app = ensure_application(options.offscreen)
    window = MainWindow(source, tiles, site_name)
    window.resize(*options.size)
    window.show()
    window.start()
    ticker = QTimer(interval=250)
    if on_tick is not None:
        ticker.timeout.connect(on_tick)
        ticker.start()
    if options.seconds is not None:

        def finish() -> None:
            if options.screenshot is not None:
                options.screenshot.parent.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(options.screenshot))
            app.quit()

        QTimer.singleShot(int(options.seconds * 1000), finish)
    code = app.exec()
    ticker.stop()
    window.stop()
    window.close()
    return code
