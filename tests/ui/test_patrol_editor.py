"""The patrol editor, driven by keys and clicks: steps, schedule windows, resume time, validation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.ui.i18n import Translations
from app.ui.ptz.patrol_editor import PatrolEditorDialog
from camera_config.models import Patrol

PRESETS = [("1", "全景"), ("2", "人行道"), ("3", "商铺门口")]
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
PATROL = Patrol.model_validate(
    {
        "steps": [{"preset": "1", "dwell_s": 20}, {"preset": "商铺门口", "dwell_s": 60}],
        "schedule": [{"days": ["fri"], "start": "22:00", "end": "06:00"}],
        "resume_after_s": 45,
    }
)


@pytest.fixture
def editor(qtbot: QtBot) -> Iterator[PatrolEditorDialog]:
    dialog = PatrolEditorDialog("人民路口 球机", PRESETS, PATROL)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog


def cell(dialog: PatrolEditorDialog, row: int, column: int) -> str:
    item = dialog.steps_table.item(row, column)
    assert item is not None
    return item.text()


def accept(qtbot: QtBot, dialog: PatrolEditorDialog) -> Patrol:
    assert dialog.ok_button().isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.mouseClick(dialog.ok_button(), LEFT)
    assert dialog.patrol is not None
    return dialog.patrol


def test_an_unchanged_patrol_comes_back_with_presets_by_token(
    qtbot: QtBot, editor: PatrolEditorDialog
) -> None:
    assert editor.steps() == [("1", 20), ("3", 60)]  # the name "商铺门口" became its token
    assert cell(editor, 1, 1) == "商铺门口"
    assert editor.windows[0].note.text() == "ends the next day"
    patrol = accept(qtbot, editor)
    assert [(s.preset, s.dwell_s) for s in patrol.steps] == [("1", 20), ("3", 60)]
    assert patrol.schedule == PATROL.schedule and patrol.resume_after_s == 45


def test_steps_are_added_removed_and_moved_with_the_keyboard(
    qtbot: QtBot, editor: PatrolEditorDialog
) -> None:
    table = editor.steps_table
    table.setFocus()
    table.setCurrentCell(0, 1)
    QTest.keyClick(table, Qt.Key.Key_Insert)  # after step 1: the next preset, same dwell
    assert editor.steps() == [("1", 20), ("2", 20), ("3", 60)] and editor.current_step() == 1
    QTest.keyClick(table, Qt.Key.Key_Down, CTRL)
    assert editor.steps() == [("1", 20), ("3", 60), ("2", 20)] and editor.current_step() == 2
    QTest.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(table, Qt.Key.Key_Up, CTRL)
    assert editor.steps() == [("2", 20), ("1", 20), ("3", 60)] and editor.current_step() == 0
    QTest.keyClick(table, Qt.Key.Key_Up, CTRL)  # already first: nothing happens
    assert editor.steps()[0] == ("2", 20)
    QTest.keyClick(table, Qt.Key.Key_Down)  # plain arrows still move the selection
    assert editor.current_step() == 1
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert editor.steps() == [("2", 20), ("3", 60)]
    assert [s.preset for s in accept(qtbot, editor).steps] == ["2", "3"]


def test_the_selected_step_is_edited_below_the_list(qtbot: QtBot, editor: PatrolEditorDialog) -> None:
    editor.steps_table.setCurrentCell(1, 1)
    editor.preset_combo.setCurrentIndex(editor.preset_combo.findData("2"))
    editor.dwell_spin.setValue(90)
    assert editor.steps() == [("1", 20), ("2", 90)]
    assert cell(editor, 1, 1) == "人行道" and cell(editor, 1, 2) == "90 s"
    editor.dwell_spin.setValue(1)  # clamped to the model's range
    assert editor.steps()[1] == ("2", 5)
    editor.up_button.click()
    editor.remove_button.click()
    assert editor.steps() == [("1", 20)]


def test_no_steps_disables_ok_and_says_why(editor: PatrolEditorDialog) -> None:
    editor.remove_step()
    editor.remove_step()
    assert not editor.ok_button().isEnabled()
    assert editor.steps_error.isVisibleTo(editor) and editor.steps_error.text() == "Add at least one step."
    editor.add_step()
    assert editor.ok_button().isEnabled() and not editor.steps_error.isVisibleTo(editor)


def test_schedule_windows_are_checked_next_to_their_fields(qtbot: QtBot, editor: PatrolEditorDialog) -> None:
    QTest.mouseClick(editor.add_window_button, LEFT)
    row = editor.windows[1]
    assert row.data() == {"days": list(row.data()["days"]), "start": "08:00", "end": "18:00"}
    assert len(row.data()["days"]) == 7 and editor.ok_button().isEnabled()
    row.start_edit.setText("25:00")
    assert not editor.ok_button().isEnabled()
    assert not row.error.isHidden() and "HH:MM" in row.error.text()
    row.start_edit.setText("18:00")
    assert "ends when it starts" in row.error.text() and not editor.ok_button().isEnabled()
    row.end_edit.setText("24:00")
    assert row.error.isHidden() and editor.ok_button().isEnabled()
    for box in row.day_boxes:
        box.setChecked(False)
    assert row.error.text() == "Tick at least one day." and not editor.ok_button().isEnabled()
    row.day_boxes[5].setChecked(True)  # Saturday
    row.start_edit.setText("23:30")
    row.end_edit.setText("01:30")
    assert row.note.text() == "ends the next day"  # over midnight is allowed
    editor.resume_spin.setValue(120)
    patrol = accept(qtbot, editor)
    assert [(w.days, w.start, w.end) for w in patrol.schedule] == [
        (("fri",), "22:00", "06:00"),
        (("sat",), "23:30", "01:30"),
    ]
    assert patrol.resume_after_s == 120


def test_a_window_is_removed(editor: PatrolEditorDialog) -> None:
    editor.windows[0].remove_button.click()
    assert editor.windows == [] and editor.data()["schedule"] == []
    assert editor.edited_patrol() is not None and editor.edited_patrol().schedule == ()  # type: ignore[union-attr]


def test_a_preset_the_camera_no_longer_has_must_be_replaced(qtbot: QtBot) -> None:
    patrol = Patrol.model_validate({"steps": [{"preset": "9", "dwell_s": 30}]})
    dialog = PatrolEditorDialog("东门", PRESETS, patrol)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button().isEnabled()
    assert "no preset “9”" in dialog.steps_error.text()
    assert cell(dialog, 0, 1) == "“9” (not on this camera)"
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("3"))
    assert dialog.ok_button().isEnabled() and dialog.steps() == [("3", 30)]
    assert dialog.preset_combo.findData("9") < 0  # the stale entry is gone


def test_a_new_patrol_visits_every_preset_and_cancel_keeps_nothing(qtbot: QtBot) -> None:
    dialog = PatrolEditorDialog("西街", PRESETS, None)
    qtbot.addWidget(dialog)
    assert dialog.steps() == [("1", 30), ("2", 30), ("3", 30)] and not dialog.delete_button.isVisibleTo(
        dialog
    )
    dialog.show()
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.patrol is None and not dialog.deleted


def test_a_camera_without_presets_says_so(qtbot: QtBot) -> None:
    dialog = PatrolEditorDialog("西街", [], None)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled() and not dialog.ok_button().isEnabled()
    assert "no presets" in dialog.presets_note.text()


def test_delete_the_patrol(qtbot: QtBot, editor: PatrolEditorDialog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(editor.accepted, timeout=2000):
        editor.delete_button.click()
    assert editor.deleted and editor.patrol is None


def test_chinese(qtbot: QtBot, editor: PatrolEditorDialog) -> None:
    Translations().set_language("zh_CN")
    assert editor.windowTitle() == "巡航 — 人民路口 球机"
    assert editor.windows[0].day_boxes[0].text() == "周一"
    editor.remove_step()
    editor.remove_step()
    assert editor.steps_error.text() == "请至少添加一步。"
