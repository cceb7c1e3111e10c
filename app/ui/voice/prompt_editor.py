"""The voice prompt editor (提示音管理): every prompt the loudspeakers can play, with its words,
length and origin; add one from text (spoken by eSpeak NG), from a sound file or from the
microphone; listen to it here; rename; delete the site's own (never the standard ones).

Rendering and importing run off the GUI thread with a busy bar; the library (a service, no Qt)
keeps the prompts. Keys: Ctrl+N types a new text prompt, Ctrl+O imports a file, Ctrl+R records,
and in the list Space listens, F2 renames, Delete deletes.

Open it with :func:`open_prompt_editor` (the main window passes the library the composition root made).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.adapters.voice.tts import MAX_TEXT, TtsError, TtsLanguage
from app.services.prompt_library import MAX_NAME, Prompt, PromptLibrary
from app.ui.voice.audio_devices import Preview, loudspeaker, microphone
from app.ui.voice.prompt_words import failure, language_label, seconds, source_label
from app.ui.voice.record_dialog import RecordDialog

NAME, TEXT, LENGTH, SOURCE = range(4)
ERROR_STYLE = "color: rgb(236, 160, 60);"
SOUND_FILES = "*.wav *.mp3 *.m4a *.aac *.ogg *.opus *.flac *.wma *.amr *.mp4"


class _Signals(QObject):
    done = Signal(int, object, object)  # job number, result, exception (one of them None)


class _Job(QRunnable):
    """Holds the (parentless) signals object, so that it outlives an editor closed meanwhile; the
    editor's slot is a method of a QObject, which Qt disconnects when the editor goes."""

    def __init__(self, number: int, work: Callable[[], object], signals: _Signals) -> None:
        super().__init__()
        self._number, self._work, self._signals = number, work, signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # said in the editor's status line
            self._signals.done.emit(self._number, None, exc)
            return
        self._signals.done.emit(self._number, result, None)


class _Changes(QObject):
    changed = Signal()  # the library changed (emitted from any thread, received on the GUI thread)


class PromptEditor(QDialog):
    def __init__(self, library: PromptLibrary, operator: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptEditor")
        self.library, self.operator = library, operator
        self._pool = QThreadPool.globalInstance()
        self._busy = False
        self._tts_ok = True
        self._filling = False
        self._signals = _Signals()
        self._signals.done.connect(self._job_done)
        self._then: dict[int, Callable[[Any, BaseException | None], None]] = {}
        self._jobs = 0
        self._ids: list[str] = []
        self._preview: Preview | None = None
        self._changes = _Changes(self)
        self._changes.changed.connect(self.refresh)
        self._listener = self._changes.changed.emit
        library.listeners.append(self._listener)
        self._build()
        self.retranslate()
        self.refresh()
        self._check_tts()

    # -- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.table = QTableWidget(0, 4, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for column in (NAME, LENGTH, SOURCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._renamed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.preview_button, self.rename_button, self.delete_button = (QPushButton(self) for _ in range(3))
        self.import_button, self.record_button = QPushButton(self), QPushButton(self)
        self.close_button = QPushButton(self)
        self.preview_button.clicked.connect(self.preview)
        self.rename_button.clicked.connect(self.rename)
        self.delete_button.clicked.connect(self.delete)
        self.import_button.clicked.connect(self.import_file)
        self.record_button.clicked.connect(self.record)
        self.close_button.clicked.connect(self.close)
        # keys of the list: only while it has the focus (Space and Delete type in the text fields)
        for key, slot in ((Qt.Key.Key_Space, self.preview), (Qt.Key.Key_Delete, self.delete)):
            action = QAction(self.table)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.table.addAction(action)
        for sequence, slot in (
            ("Ctrl+N", self._focus_text),
            ("Ctrl+O", self.import_file),
            ("Ctrl+R", self.record),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(sequence))
            action.triggered.connect(slot)
            self.addAction(action)

        self.new_box = QGroupBox(self)
        self.name_edit, self.text_edit = QLineEdit(self.new_box), QLineEdit(self.new_box)
        self.name_edit.setMaxLength(MAX_NAME)
        self.text_edit.setMaxLength(MAX_TEXT)
        self.language_box = QComboBox(self.new_box)
        for language in TtsLanguage:
            self.language_box.addItem("", language)
        self.speak_button = QPushButton(self.new_box)
        self.speak_button.clicked.connect(self.add_from_text)
        self.text_edit.returnPressed.connect(self.add_from_text)
        self.text_edit.textChanged.connect(self._update_buttons)
        self.tts_note = QLabel(self.new_box)
        self.tts_note.setWordWrap(True)
        self.tts_note.setStyleSheet(ERROR_STYLE)
        self.tts_note.hide()
        self._form_labels = [QLabel(self.new_box) for _ in range(3)]
        form = QFormLayout(self.new_box)
        line = QHBoxLayout()
        line.addWidget(self.text_edit, 1)
        line.addWidget(self.language_box)
        line.addWidget(self.speak_button)
        form.addRow(self._form_labels[0], line)
        form.addRow(self._form_labels[1], self.name_edit)
        form.addRow("", self.tts_note)
        self._form_labels[0].setBuddy(self.text_edit)
        self._form_labels[1].setBuddy(self.name_edit)

        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # working, length unknown
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        for button in (self.preview_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.import_button, self.record_button, self.close_button):
            buttons.addWidget(button)
        status = QHBoxLayout()
        status.addWidget(self.busy)
        status.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.new_box)
        layout.addLayout(status)
        self.resize(820, 520)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Voice prompts"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("What it says"), self.tr("Length"), self.tr("Source")]
        )
        self.preview_button.setText(self.tr("Listen"))
        self.preview_button.setToolTip(self.tr("Play the prompt on this workstation (Space)"))
        self.rename_button.setText(self.tr("Rename"))
        self.rename_button.setToolTip(self.tr("Rename the prompt (F2)"))
        self.delete_button.setText(self.tr("Delete"))
        self.import_button.setText(self.tr("Import file…"))
        self.import_button.setToolTip(self.tr("A WAV, MP3 or other sound file, at most 60 s (Ctrl+O)"))
        self.record_button.setText(self.tr("Record…"))
        self.record_button.setToolTip(self.tr("Record at this workstation's microphone (Ctrl+R)"))
        self.close_button.setText(self.tr("Close"))
        self.new_box.setTitle(self.tr("New prompt from text"))
        self._form_labels[0].setText(self.tr("&Text"))
        self._form_labels[1].setText(self.tr("Na&me"))
        self.text_edit.setPlaceholderText(self.tr("What the loudspeaker says, e.g. 请勿占道经营，请自觉离开"))
        self.name_edit.setPlaceholderText(self.tr("Optional: taken from the first words"))
        self.speak_button.setText(self.tr("Speak and add"))
        self.speak_button.setToolTip(self.tr("Ctrl+N to type a new one"))
        for index in range(self.language_box.count()):
            self.language_box.setItemText(index, language_label(self.language_box.itemData(index)))
        self.refresh()
        self._update_buttons()

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected_id()
        prompts = self.library.prompts()
        self._filling = True
        try:
            self.table.setRowCount(len(prompts))
            self._ids = [p.id for p in prompts]
            for row, prompt in enumerate(prompts):
                self._fill_row(row, prompt)
        finally:
            self._filling = False
        if selected in self._ids:
            self.table.selectRow(self._ids.index(selected))
        self._update_buttons()

    def _fill_row(self, row: int, prompt: Prompt) -> None:
        cells = [prompt.name, prompt.text, seconds(prompt.duration_s), source_label(prompt.source)]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            if column == NAME:
                flags |= Qt.ItemFlag.ItemIsEditable
            if column == TEXT:
                item.setToolTip(prompt.text)
            if column == LENGTH:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setFlags(flags)
            self.table.setItem(row, column, item)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self._ids[rows[0].row()] if rows and rows[0].row() < len(self._ids) else None

    def select(self, prompt_id: str) -> None:
        if prompt_id in self._ids:
            self.table.selectRow(self._ids.index(prompt_id))

    def _selected_prompt(self) -> Prompt | None:
        prompt_id = self.selected_id()
        return next((p for p in self.library.prompts() if p.id == prompt_id), None)

    def _update_buttons(self) -> None:
        prompt = self._selected_prompt()
        for button in (self.preview_button, self.rename_button):
            button.setEnabled(prompt is not None)
        self.delete_button.setEnabled(prompt is not None and not prompt.shipped)
        self.delete_button.setToolTip(
            self.tr("Standard prompts cannot be deleted")
            if prompt is not None and prompt.shipped
            else self.tr("Delete the prompt (Delete)")
        )
        for widget in (self.import_button, self.record_button):
            widget.setEnabled(not self._busy)
        self.speak_button.setEnabled(not self._busy and self._tts_ok and bool(self.text_edit.text().strip()))

    # -- actions -----------------------------------------------------------------------------------
    def add_from_text(self) -> None:
        text, name = self.text_edit.text(), self.name_edit.text()
        language = TtsLanguage(self.language_box.currentData())
        if self._busy or not self._tts_ok or not text.strip():
            return
        library, by = self.library, self.operator
        self._start(
            self.tr("Speaking “{0}”…").format(text.strip()[:30]),
            lambda: library.add_text(text, language, name=name, by=by),
            self._added_from_text,
        )

    def _added_from_text(self, prompt: Prompt) -> None:
        self.text_edit.clear()
        self.name_edit.clear()
        self._added(prompt)

    def import_file(self) -> None:
        if self._busy:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import a sound file"),
            "",
            self.tr("Sound files ({0});;All files (*)").format(SOUND_FILES),
        )
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        library, by = self.library, self.operator
        self._start(
            self.tr("Importing {0}…").format(path.name), lambda: library.add_file(path, by=by), self._added
        )

    def record(self) -> None:
        if self._busy:
            return
        device = microphone()
        if device is None:
            self._say(
                self.tr(
                    "No microphone was found on this workstation, so nothing can be recorded. Connect one "
                    "and try again, or import a recorded sound file."
                ),
                error=True,
            )
            return
        dialog = RecordDialog(device, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        samples, rate, channels = dialog.recorder.samples(), dialog.recorder.rate, dialog.recorder.channels
        name, text, library, by = dialog.name, dialog.text, self.library, self.operator
        self._start(
            self.tr("Keeping the recording…"),
            lambda: library.add_recording(samples, rate, channels, name=name, text=text, by=by),
            self._added,
        )

    def _added(self, prompt: Prompt) -> None:
        self.refresh()
        self.select(prompt.id)
        self._say(self.tr("Added “{0}” ({1}).").format(prompt.name, seconds(prompt.duration_s)))

    def preview(self) -> None:
        prompt = self._selected_prompt()
        if prompt is None:
            return
        device = loudspeaker()
        if device is None:
            self._say(
                self.tr(
                    "No sound output was found on this workstation, so the prompt cannot be heard here. "
                    "It still plays on the loudspeakers at the scene."
                ),
                error=True,
            )
            return
        try:
            clip = self.library.clip(prompt.id)
        except Exception as exc:  # a damaged or missing sound file: said, the rest works
            self._say(failure(exc), error=True)
            return
        if self._preview is None:
            self._preview = Preview(device, self)
        self._preview.play(clip.pcm)
        self._say(self.tr("Playing “{0}” here…").format(prompt.name))

    def rename(self) -> None:
        prompt_id = self.selected_id()
        if prompt_id is not None:
            item = self.table.item(self._ids.index(prompt_id), NAME)
            if item is not None:
                self.table.setFocus()
                self.table.editItem(item)

    def _renamed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != NAME or item.row() >= len(self._ids):
            return
        prompt_id = self._ids[item.row()]
        try:
            prompt = self.library.rename(prompt_id, item.text())
        except Exception as exc:  # taken or empty name, a store that cannot be written: said
            self._say(failure(exc), error=True)
            self.refresh()
            return
        self._say(self.tr("Renamed to “{0}”.").format(prompt.name))

    def delete(self) -> None:
        prompt = self._selected_prompt()
        if prompt is None:
            return
        if prompt.shipped:
            self._say(self.tr("Standard prompts cannot be deleted."), error=True)
            return
        answer = QMessageBox.question(
            self, self.tr("Delete prompt"), self.tr("Delete the prompt “{0}”?").format(prompt.name)
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.library.delete(prompt.id)
        except Exception as exc:  # said; the list shows what is stored
            self._say(failure(exc), error=True)
            return
        self._say(self.tr("Deleted “{0}”.").format(prompt.name))

    def _focus_text(self) -> None:
        self.text_edit.setFocus()
        self.text_edit.selectAll()

    # -- background work ---------------------------------------------------------------------------
    def _check_tts(self) -> None:
        tts = self.library.tts
        if tts is None:
            self._tts_unavailable(None)
            return
        self._run(tts.available, lambda problem, _error: self._tts_unavailable(problem) if problem else None)

    def _tts_unavailable(self, problem: TtsError | None) -> None:
        self._tts_ok = False
        self.tts_note.setText(
            failure(problem) if problem is not None else self.tr("Prompts cannot be made from text here.")
        )
        self.tts_note.show()
        self._update_buttons()

    def _start(self, words: str, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self._busy = True
        self.busy.show()
        self._say(words)
        self._update_buttons()
        self._run(work, lambda result, error: self._finished(result, error, then))

    def _run(self, work: Callable[[], Any], then: Callable[[Any, BaseException | None], None]) -> None:
        self._jobs += 1
        self._then[self._jobs] = then
        self._pool.start(_Job(self._jobs, work, self._signals))

    def _job_done(self, number: int, result: Any, error: BaseException | None) -> None:
        then = self._then.pop(number, None)
        if then is not None:
            then(result, error)

    def _finished(self, result: Any, error: BaseException | None, then: Callable[[Any], None]) -> None:
        self._busy = False
        self.busy.hide()
        self._update_buttons()
        if error is not None:
            self._say(failure(error), error=True)
        else:
            then(result)

    def is_busy(self) -> bool:
        return self._busy

    def _say(self, words: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(words)

    # -- Qt ----------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        if self._preview is not None:
            self._preview.stop()
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        if self._preview is not None:
            self._preview.stop()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def detach(self, *_: object) -> None:
        """Stop following the library (before the dialog goes for good)."""
        if self._listener in self.library.listeners:
            self.library.listeners.remove(self._listener)


def open_prompt_editor(
    library: PromptLibrary, operator: str = "", parent: QWidget | None = None
) -> PromptEditor:
    """Show the editor (not modal: the wall goes on); it is deleted when closed."""
    editor = PromptEditor(library, operator, parent)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.finished.connect(editor.detach)
    editor.show()
    return editor
