"""What an operator sees when a colleague at another workstation saved the same view, layout or
zones first: who and when, in Chinese; theirs is kept unless the operator chooses to replace it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.adapters.view_store import ViewFile
from app.core.wall_layout import WallView
from app.run_options import RunOptions
from app.services.view_library import ViewLibrary
from app.ui.dialogs import save_view as save_view_dialog
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

CAMERAS = ["cam001", "cam002", "cam003", "cam004"]


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("CITYWALL_WORKSTATION", "west")
    ui = SiteUi("示范区", [TileInfo(c, f"路口 {c}") for c in CAMERAS], [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1024, 700), language="zh_CN", profile_dir=tmp_path / "p", fresh=True
    )
    win = build_window(FakeSource(CAMERAS), ui, tmp_path / "shared.json", options)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.stop()


def colleague(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ViewLibrary:
    monkeypatch.setenv("CITYWALL_WORKSTATION", "east")
    library = ViewLibrary(
        CAMERAS, ViewFile(tmp_path / "east.json", False), ViewFile(tmp_path / "shared.json", True)
    )
    monkeypatch.setenv("CITYWALL_WORKSTATION", "west")
    return library


def answer_dialogs(monkeypatch: pytest.MonkeyPatch, name: str, replace: bool) -> list[str]:
    """The save-view dialog answers ``name`` (shared); the conflict question answers ``replace``."""
    monkeypatch.setattr(save_view_dialog.SaveViewDialog, "exec", lambda self: 1)
    monkeypatch.setattr(save_view_dialog.SaveViewDialog, "name", property(lambda self: name))
    monkeypatch.setattr(save_view_dialog.SaveViewDialog, "shared", property(lambda self: True))
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes if replace else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def shared_view(tmp_path: Path, name: str) -> WallView | None:
    return ViewLibrary(
        CAMERAS, ViewFile(tmp_path / "x.json", False), ViewFile(tmp_path / "shared.json", True)
    ).view(name)


@pytest.mark.parametrize("replace", [False, True])
def test_saving_a_view_a_colleague_saved_first_asks_and_names_them(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    east = colleague(tmp_path, monkeypatch)
    east.save_view(WallView("北门", "1", ("cam004",)), shared=True)  # after west's wall started
    window.set_layout("4")
    asked = answer_dialogs(monkeypatch, "北门", replace)

    window.actions_by_id["save_view"].trigger()

    assert len(asked) == 1
    assert "视图“北门”在您打开之后，已于" in asked[0] and "被工作站“east”修改" in asked[0]
    saved = shared_view(tmp_path, "北门")
    assert saved is not None
    if replace:
        assert saved.layout == "4" and saved.cameras == tuple(CAMERAS)
    else:  # east's stays, and west's list shows it
        assert saved.layout == "1" and saved.cameras == ("cam004",)
        assert window.view_box.findData("北门") >= 0


def test_a_view_saved_under_a_new_name_needs_no_question(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The all-cameras view saved as a new shared view (this failed with "choose a name" before)."""
    east = colleague(tmp_path, monkeypatch)
    east.save_view(WallView("南街", "1", ("cam004",)), shared=True)
    asked = answer_dialogs(monkeypatch, "北门", replace=False)
    window.actions_by_id["save_view"].trigger()
    assert asked == []
    assert shared_view(tmp_path, "北门") is not None and shared_view(tmp_path, "南街") is not None
    assert window.pane.view.name == "北门" and window.view_box.currentData() == "北门"
