"""The voice prompt editor, driven as an operator would: type a text and add it (spoken off the GUI
thread), import a file, rename with F2, delete with Delete; and told plainly where this workstation
has no microphone, no sound output, or no eSpeak NG."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QTableWidgetItem
from pytestqt.qtbot import QtBot

from app.adapters.voice.tts import ENV_PROGRAM, TextToSpeech, find_espeak
from app.services.prompt_library import PromptLibrary, PromptSource
from app.ui.i18n import Translations
from app.ui.voice import audio_devices
from app.ui.voice.prompt_editor import NAME, SOURCE, PromptEditor, open_prompt_editor

needs_espeak = pytest.mark.skipif(
    find_espeak() is None, reason="espeak-ng not installed (scripts/setup.sh installs it)"
)
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the test files")
LEFT = Qt.MouseButton.LeftButton


def tone(path: Path, seconds: float = 1.5) -> Path:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency=500:duration={seconds}:sample_rate=44100", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture
def library(tmp_path: Path) -> PromptLibrary:
    return PromptLibrary(tmp_path / "voice", TextToSpeech(tmp_path / "tts-cache"))


@pytest.fixture
def editor(qtbot: QtBot, library: PromptLibrary) -> PromptEditor:
    dialog = PromptEditor(library, operator="张三")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _item(editor: PromptEditor, row: int, column: int) -> QTableWidgetItem:
    item = editor.table.item(row, column)
    assert item is not None
    return item


def _names(editor: PromptEditor) -> list[str]:
    return [_item(editor, r, NAME).text() for r in range(editor.table.rowCount())]


def _row(editor: PromptEditor, name: str) -> int:
    return _names(editor).index(name)


def test_the_list_shows_the_standard_prompts(editor: PromptEditor) -> None:
    assert editor.table.rowCount() >= 6
    row = _row(editor, "请勿占道经营")
    assert _item(editor, row, 1).text() == "请勿占道经营，请自觉离开"
    assert _item(editor, row, SOURCE).text() == "Standard"
    editor.table.selectRow(row)
    assert editor.preview_button.isEnabled() and not editor.delete_button.isEnabled()


@needs_espeak
def test_a_prompt_is_added_from_text_off_the_gui_thread(qtbot: QtBot, editor: PromptEditor, library) -> None:
    threads: list[threading.Thread] = []
    add_text = library.add_text

    def watched(*args, **kwargs):
        threads.append(threading.current_thread())
        return add_text(*args, **kwargs)

    library.add_text = watched
    before = editor.table.rowCount()
    editor.text_edit.setText("请勿在此处吸烟，谢谢配合")
    QTest.mouseClick(editor.speak_button, LEFT)
    assert editor.is_busy() and editor.busy.isVisible() and not editor.speak_button.isEnabled()
    qtbot.waitUntil(lambda: not editor.is_busy(), timeout=30000)
    assert editor.table.rowCount() == before + 1
    row = _row(editor, "请勿在此处吸烟")
    assert _item(editor, row, SOURCE).text() == "From text"
    assert editor.selected_id() == library.prompts()[-1].id
    assert library.prompts()[-1].created_by == "张三" and library.prompts()[-1].source is PromptSource.TTS
    assert threads and threads[0] is not threading.main_thread()
    assert editor.text_edit.text() == "" and "请勿在此处吸烟" in editor.status.text()


@needs_ffmpeg
def test_import_rename_and_delete_through_the_keys(
    qtbot: QtBot, editor: PromptEditor, library, tmp_path, monkeypatch
):
    sound = tone(tmp_path / "chime.wav")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sound), ""))
    QTest.keyClick(editor, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: not editor.is_busy() and "chime" in [p.name for p in library.prompts()], timeout=30000
    )
    row = _row(editor, "chime")
    assert _item(editor, row, SOURCE).text() == "Imported" and _item(editor, row, 2).text() == "1.5 s"

    editor.table.setFocus()
    editor.table.selectRow(row)
    QTest.keyClick(editor.table, Qt.Key.Key_F2)
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit)
    field.setText("上课铃")
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "上课铃" in [p.name for p in library.prompts()])
    assert "上课铃" in [p.name for p in PromptLibrary(library.folder).prompts()]  # stored

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    editor.table.setFocus()
    editor.table.selectRow(_row(editor, "上课铃"))
    QTest.keyClick(editor.table, Qt.Key.Key_Delete)
    assert "上课铃" not in [p.name for p in library.prompts()]
    assert "上课铃" not in _names(editor)


def test_a_taken_name_is_refused_and_the_list_shows_the_stored_name(
    qtbot: QtBot, editor: PromptEditor
) -> None:
    row = _row(editor, "垃圾桶已满")
    _item(editor, row, NAME).setText("请勿占道经营")  # what an edited cell commits
    assert "already named" in editor.status.text()
    assert "垃圾桶已满" in _names(editor)


def test_standard_prompts_cannot_be_deleted(editor: PromptEditor, library, monkeypatch) -> None:
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: pytest.fail("no question for a standard prompt")
    )
    editor.table.setFocus()
    editor.table.selectRow(_row(editor, "请将垃圾投入垃圾桶"))
    QTest.keyClick(editor.table, Qt.Key.Key_Delete)
    assert "cannot be deleted" in editor.status.text()
    assert "litter" in [p.id for p in library.prompts()]


@needs_ffmpeg
def test_a_bad_file_is_named_in_the_status(qtbot: QtBot, editor: PromptEditor, tmp_path: Path) -> None:
    bad = tmp_path / "会议录音.mp3"
    bad.write_text("not a sound")
    editor.import_path(bad)
    qtbot.waitUntil(lambda: not editor.is_busy(), timeout=30000)
    assert "会议录音.mp3" in editor.status.text() and "not a sound file" in editor.status.text()


def without(monkeypatch: pytest.MonkeyPatch, device: str) -> None:
    """This machine and CI have no sound device at all; a developer's desktop may have one: there,
    pretend it has none (the path the tests are about)."""
    if getattr(audio_devices, device)() is not None:
        monkeypatch.setattr(f"app.ui.voice.prompt_editor.{device}", lambda: None)


def test_without_a_microphone_recording_says_so_in_chinese(
    qtbot: QtBot, editor: PromptEditor, monkeypatch
) -> None:
    without(monkeypatch, "microphone")
    Translations().set_language("zh_CN")
    QTest.keyClick(editor, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "麦克风" in editor.status.text() and "导入" in editor.status.text()
    assert editor.record_button.text() == "录音…"


def test_without_a_sound_output_listening_says_so(editor: PromptEditor, monkeypatch) -> None:
    without(monkeypatch, "loudspeaker")
    editor.table.setFocus()
    editor.table.selectRow(0)
    QTest.keyClick(editor.table, Qt.Key.Key_Space)
    assert "No sound output" in editor.status.text() and "loudspeakers at the scene" in editor.status.text()


def test_without_espeak_text_prompts_are_off_and_say_why(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_PROGRAM, str(tmp_path / "missing" / "espeak-ng"))
    library = PromptLibrary(tmp_path / "voice", TextToSpeech(tmp_path / "cache"))
    editor = PromptEditor(library)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.tts_note.isVisible(), timeout=10000)
    assert "not installed" in editor.tts_note.text() and "standard prompts" in editor.tts_note.text()
    editor.text_edit.setText("请勿占道经营")
    assert not editor.speak_button.isEnabled()
    assert editor.table.rowCount() >= 6  # the shipped prompts are still there


def test_the_editor_opened_for_the_main_window_follows_the_library(qtbot: QtBot, library, tmp_path) -> None:
    editor = open_prompt_editor(library, "张三")
    rows = editor.table.rowCount()
    library.rename("bin_full", "满溢提示")  # changed elsewhere (the voice service, another dialog)
    qtbot.waitUntil(lambda: "满溢提示" in _names(editor))
    assert editor.table.rowCount() == rows
    with qtbot.waitSignal(editor.destroyed):  # closed for good: it stops following the library
        editor.close()
    assert not library.listeners
