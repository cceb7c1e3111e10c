"""The toolbar's layout and view boxes name what the wall shows: at a fresh start, at a restored
session, and after anything else changed the wall (not only after the operator used the boxes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.run_options import RunOptions
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

CAMERAS = [f"cam{i:03d}" for i in range(1, 101)]  # the 100-camera demo


def build(qtbot: QtBot, tmp_path: Path, *, fresh: bool, language: str = "zh_CN") -> MainWindow:
    ui = SiteUi("示范区", [TileInfo(c, f"路口 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1280, 800), language=language, profile_dir=tmp_path / "profile", fresh=fresh
    )
    win = build_window(FakeSource(CAMERAS), ui, tmp_path / "shared.json", options)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def shown_layout(win: MainWindow) -> str:
    return str(win.layout_box.currentData())


def shot(win: MainWindow, name: str) -> None:
    """CITYWALL_TEST_SHOTS=folder keeps what the test saw (to look at it)."""
    folder = os.environ.get("CITYWALL_TEST_SHOTS")
    if folder:
        win.grab().save(str(Path(folder) / name))


def test_a_fresh_start_names_the_layout_the_wall_shows(qtbot: QtBot, tmp_path: Path) -> None:
    win = build(qtbot, tmp_path, fresh=True)
    shot(win, "fresh-start.png")
    assert len(win.pane.compositor.tiles()) == 100
    assert win.pane.layout_.name == "100"
    assert shown_layout(win) == "100" and win.layout_box.currentText() == "100 分屏"
    assert win.view_box.currentData() == win.pane.view.name


def test_a_restored_session_names_its_layout_and_view(qtbot: QtBot, tmp_path: Path) -> None:
    first = build(qtbot, tmp_path, fresh=False)
    first.set_layout("1+5")
    first.close()  # saves the session
    again = build(qtbot, tmp_path, fresh=False)
    assert again.pane.layout_.name == "1+5" and shown_layout(again) == "1+5"
    assert again.view_box.currentText().endswith(" *")  # the all-cameras view, changed
    again.close()

    fresh = build(qtbot, tmp_path, fresh=True)  # --fresh after a session: the default again
    assert fresh.pane.layout_.name == "100" and shown_layout(fresh) == "100"


def test_a_layout_that_is_not_in_the_list_is_still_named(qtbot: QtBot, tmp_path: Path) -> None:
    """A session whose custom layout was deleted meanwhile falls back to a grid: the box says which."""
    win = build(qtbot, tmp_path, fresh=True, language="en")
    win.pane.set_view(win.pane.view, win.library.layout("gone"))  # the library's fallback grid
    assert shown_layout(win) == win.pane.layout_.name


@pytest.mark.parametrize("count", [9, 36])
def test_every_start_names_the_layout_on_screen(qtbot: QtBot, tmp_path: Path, count: int) -> None:
    """Issue 21: the box said "1 分屏" while 9 or 36 tiles were on screen, at every start."""
    cameras = CAMERAS[:count]
    for start in range(3):  # fresh, then twice a restored session
        ui = SiteUi("示范区", [TileInfo(c, f"路口 {c}") for c in cameras], [], tmp_path / "shots")
        options = RunOptions(
            offscreen=True,
            size=(1280, 800),
            language="zh_CN",
            profile_dir=tmp_path / "profile",
            fresh=not start,
        )
        win = build_window(FakeSource(cameras), ui, tmp_path / "shared.json", options)
        qtbot.addWidget(win)
        win.show()
        win.start()
        qtbot.waitExposed(win)
        assert len(win.pane.compositor.tiles()) == count, start
        assert shown_layout(win) == str(count) and win.layout_box.currentText() == f"{count} 分屏", start
        win.close()
