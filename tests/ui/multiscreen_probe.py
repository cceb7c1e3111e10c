"""Run in its own process with two offscreen screens: opens a wall on the second screen, saves the
session, starts again from it and prints what was restored (JSON) for test_multiscreen.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from app.run_options import RunOptions
from app.ui.runner import build_window, ensure_application
from tests.ui.fakes import FakeSource
from tests.ui.test_wall import CAMERAS, site_ui


def main() -> None:
    profile = Path(sys.argv[1])
    app = ensure_application(offscreen=False)  # the platform (offscreen with two screens) comes from the env
    options = RunOptions(size=(1200, 800), language="en", profile_dir=profile)
    source = FakeSource(CAMERAS)
    result: dict[str, object] = {"screens": [s.name() for s in app.screens()]}

    first = build_window(source, site_ui(profile), None, options)
    first.show()
    first.start()
    first.open_walls_on_other_screens()
    wall = first.walls[0]
    result["wall_screen"] = wall.screen().name()
    result["wall_full_screen"] = wall.isFullScreen()
    result["wall_geometry"] = [wall.geometry().width(), wall.geometry().height()]
    wall.pane.set_layout(first.library.layout("1+5"))
    wall.pane.next_page()
    result["demand_clients"] = sorted(source.demands)
    first.save_session()
    first.close()

    again = build_window(source, site_ui(profile), None, options)
    again.show()
    again.start()
    result["restored_walls"] = [(w.screen().name(), w.pane.layout_.name, w.pane.page) for w in again.walls]
    again.close()
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
