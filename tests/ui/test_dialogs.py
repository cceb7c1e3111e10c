"""Save-view dialog and layout editor, driven like an operator would: typing, dragging, clicking."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.adapters.view_store import ViewFile
from app.core.wall_layout import Cell, span_layout
from app.services.view_library import ViewLibrary
from app.ui.dialogs.layout_editor import LayoutEditorDialog, custom_layouts
from app.ui.dialogs.layout_grid import LayoutGrid
from app.ui.dialogs.save_view import SaveViewDialog

LEFT = Qt.MouseButton.LeftButton


# --- save view ---------------------------------------------------------------------------------------
def test_save_view_ok_needs_a_name(qtbot: QtBot) -> None:
    dialog = SaveViewDialog("", False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button().isEnabled()
    QTest.keyClicks(dialog.name_edit, "   ")
    assert not dialog.ok_button().isEnabled()
    QTest.keyClicks(dialog.name_edit, "x")
    assert dialog.ok_button().isEnabled()
    dialog.name_edit.setText("  站前广场 night  ")  # QTest types ASCII only
    QTest.mouseClick(dialog.shared_box, LEFT)
    with qtbot.waitSignal(dialog.accepted):
        QTest.mouseClick(dialog.ok_button(), LEFT)
    assert dialog.name == "站前广场 night" and dialog.shared


def test_save_view_keeps_the_current_name_and_limits_its_length(qtbot: QtBot) -> None:
    dialog = SaveViewDialog("Night shift", True)
    qtbot.addWidget(dialog)
    assert dialog.name == "Night shift" and dialog.shared and dialog.ok_button().isEnabled()
    dialog.name_edit.clear()
    QTest.keyClicks(dialog.name_edit, "x" * 80)
    assert len(dialog.name) == 60


# --- layout editor -----------------------------------------------------------------------------------
@pytest.fixture
def library(tmp_path: Path) -> ViewLibrary:
    return ViewLibrary(
        ["a", "b"], ViewFile(tmp_path / "me.json", False), ViewFile(tmp_path / "site.json", True)
    )


@pytest.fixture
def editor(qtbot: QtBot, library: ViewLibrary) -> LayoutEditorDialog:
    dialog = LayoutEditorDialog(library)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def drag(qtbot: QtBot, grid: LayoutGrid, start: tuple[int, int], end: tuple[int, int]) -> None:
    QTest.mousePress(grid, LEFT, Qt.KeyboardModifier.NoModifier, grid.position_center(*start))
    QTest.mouseMove(grid, grid.position_center(*end))
    QTest.mouseRelease(grid, LEFT, Qt.KeyboardModifier.NoModifier, grid.position_center(*end))


def test_build_a_1_plus_12_layout_by_dragging_and_save_it(
    qtbot: QtBot, editor: LayoutEditorDialog, library: ViewLibrary, tmp_path: Path
) -> None:
    editor.cols_spin.setValue(4)
    editor.rows_spin.setValue(4)
    drag(qtbot, editor.grid, (1, 1), (2, 2))
    assert editor.grid.big_cells() == [Cell(1, 1, 2, 2)]
    QTest.keyClicks(editor.name_edit, "East gate 1+12")
    QTest.mouseClick(editor.save_button, LEFT)
    expected = span_layout("East gate 1+12", 4, 4, [Cell(1, 1, 2, 2)])
    assert library.layouts()["East gate 1+12"] == expected
    assert expected.cells == 13 and expected.cell_list[0] == Cell(1, 1, 2, 2)
    reloaded = ViewLibrary(["a"], ViewFile(tmp_path / "me.json", False))
    assert reloaded.layouts()["East gate 1+12"] == expected
    names = [editor.list.item(i).text() for i in range(editor.list.count())]
    assert "East gate 1+12" in names


def test_click_a_big_tile_to_split_it(qtbot: QtBot, editor: LayoutEditorDialog) -> None:
    drag(qtbot, editor.grid, (0, 0), (2, 1))
    assert editor.grid.wall_layout().cells == 16 - 6 + 1
    QTest.mouseClick(editor.grid, LEFT, Qt.KeyboardModifier.NoModifier, editor.grid.position_center(1, 1))
    assert editor.grid.big_cells() == []
    assert editor.grid.wall_layout().cells == 16


def test_overlap_is_refused_in_words_and_covering_merges(qtbot: QtBot, editor: LayoutEditorDialog) -> None:
    drag(qtbot, editor.grid, (0, 0), (1, 1))
    drag(qtbot, editor.grid, (1, 1), (2, 2))
    assert editor.grid.big_cells() == [Cell(0, 0, 2, 2)]
    assert "overlap" in editor.message.text()
    drag(qtbot, editor.grid, (2, 2), (0, 0))  # across all of it, any direction
    assert editor.grid.big_cells() == [Cell(0, 0, 3, 3)]


def test_keyboard_merge_and_split(qtbot: QtBot, editor: LayoutEditorDialog) -> None:
    editor.grid.setFocus()
    qtbot.waitUntil(editor.grid.hasFocus)
    QTest.keyClick(editor.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(editor.grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(editor.grid, Qt.Key.Key_Return)
    assert editor.grid.big_cells() == [Cell(0, 0, 2, 2)]
    QTest.keyClick(editor.grid, Qt.Key.Key_Return)
    assert editor.grid.big_cells() == []


def test_built_in_and_empty_names_are_refused(
    qtbot: QtBot, editor: LayoutEditorDialog, library: ViewLibrary
) -> None:
    QTest.mouseClick(editor.save_button, LEFT)
    assert "name" in editor.message.text()
    editor.open_layout("1+12", "builtin")
    assert editor.grid.big_cells() == [Cell(1, 1, 2, 2)] and editor.cols_spin.value() == 4
    QTest.mouseClick(editor.save_button, LEFT)
    assert "built-in" in editor.message.text()
    assert custom_layouts(library) == []
    editor.name_edit.setText("1+12 mine")
    QTest.mouseClick(editor.save_button, LEFT)
    assert library.layouts()["1+12 mine"].cell_list == library.layouts()["1+12"].cell_list


def test_shrinking_the_grid_splits_big_tiles_that_no_longer_fit(
    qtbot: QtBot, editor: LayoutEditorDialog
) -> None:
    drag(qtbot, editor.grid, (2, 2), (3, 3))
    drag(qtbot, editor.grid, (0, 0), (1, 0))
    editor.cols_spin.setValue(3)
    assert editor.grid.big_cells() == [Cell(0, 0, 2, 1)]
    assert editor.grid.wall_layout().cols == 3
    assert "split" in editor.message.text()


def test_shared_layout_saved_replaced_and_deleted(
    qtbot: QtBot, editor: LayoutEditorDialog, library: ViewLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    drag(qtbot, editor.grid, (0, 0), (1, 1))
    editor.name_edit.setText("Hall")
    editor.shared_box.setChecked(True)
    assert editor.save()
    assert [(lay.name, shared) for lay, shared in custom_layouts(library)] == [("Hall", True)]
    editor.new_layout()
    editor.name_edit.setText("Hall")
    editor.shared_box.setChecked(True)
    assert not editor.save()  # taken: asks to press Save again
    assert "again" in editor.message.text()
    assert editor.save()
    assert library.layouts()["Hall"].cells == 16
    items = [editor.list.item(i) for i in range(editor.list.count())]
    editor.list.setCurrentItem(next(i for i in items if i.text().startswith("Hall")))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    QTest.mouseClick(editor.delete_button, LEFT)
    assert "Hall" not in library.layouts()
    assert not any(editor.list.item(i).text().startswith("Hall") for i in range(editor.list.count()))


def test_built_ins_cannot_be_deleted(editor: LayoutEditorDialog) -> None:
    items = [editor.list.item(i) for i in range(editor.list.count())]
    editor.list.setCurrentItem(next(i for i in items if i.text().startswith("1+5")))
    assert editor.open_button.isEnabled() and not editor.delete_button.isEnabled()


def test_use_on_the_wall_saves_and_chooses(
    qtbot: QtBot, editor: LayoutEditorDialog, library: ViewLibrary
) -> None:
    drag(qtbot, editor.grid, (0, 0), (2, 2))
    editor.name_edit.setText("1+7 east")
    with qtbot.waitSignal(editor.accepted):
        QTest.mouseClick(editor.use_button, LEFT)
    assert editor.chosen_layout == "1+7 east"
    assert library.layouts()["1+7 east"].cell_list[0] == Cell(0, 0, 3, 3)


def test_use_a_built_in_unchanged(qtbot: QtBot, editor: LayoutEditorDialog, library: ViewLibrary) -> None:
    editor.open_layout("2+8", "builtin")
    with qtbot.waitSignal(editor.accepted):
        QTest.mouseClick(editor.use_button, LEFT)
    assert editor.chosen_layout == "2+8" and custom_layouts(library) == []
