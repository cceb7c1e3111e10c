"""Record a prompt at this workstation's microphone: name it, record, stop, listen, keep."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtMultimedia import QAudioDevice
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.adapters.voice.clip_import import MAX_CLIP_S
from app.services.prompt_library import MAX_NAME
from app.ui.voice.audio_devices import Recorder


class RecordDialog(QDialog):
    """After ``exec()`` accepted: ``name``, ``text`` and the recording (``recorder.samples()``,
    ``recorder.rate``, ``recorder.channels``)."""

    def __init__(self, device: QAudioDevice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPromptDialog")
        self.recorder = Recorder(device, self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(MAX_NAME)
        self.text_edit = QLineEdit(self)
        self.record_button = QPushButton(self)
        self.record_button.setCheckable(True)
        self.elapsed = QLabel(self)
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._labels = [QLabel(self) for _ in range(3)]
        form = QFormLayout(self)
        form.addRow(self._labels[0], self.name_edit)
        form.addRow(self._labels[1], self.text_edit)
        form.addRow(self._labels[2], self.record_button)
        form.addRow("", self.meter)
        form.addRow("", self.elapsed)
        form.addRow(self.buttons)
        self._labels[0].setBuddy(self.name_edit)
        self._labels[1].setBuddy(self.text_edit)
        self._tick = QTimer(self, interval=200)
        self._tick.timeout.connect(self._update)
        self.record_button.toggled.connect(self._toggle)
        self.recorder.level.connect(lambda v: self.meter.setValue(int(v * 100)))
        self.recorder.stopped.connect(self._stopped)
        self.name_edit.textChanged.connect(self._update)
        self.retranslate()

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def text(self) -> str:
        return self.text_edit.text().strip()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Record a prompt"))
        self._labels[0].setText(self.tr("&Name"))
        self._labels[1].setText(self.tr("&What it says"))
        self._labels[2].setText(self.tr("Microphone"))
        self.text_edit.setPlaceholderText(self.tr("Optional: the words, for the record"))
        self._update()

    def _toggle(self, on: bool) -> None:
        if on:
            self.recorder.start()
            self._tick.start()
        else:
            self.recorder.stop()
        self._update()

    def _stopped(self) -> None:
        self._tick.stop()
        self.record_button.setChecked(False)
        self._update()

    def _update(self) -> None:
        recording = self.recorder.recording()
        self.record_button.setText(self.tr("■ Stop") if recording else self.tr("● Record"))
        self.elapsed.setText(
            self.tr("{0:.1f} s of at most {1:g} s").format(self.recorder.seconds(), MAX_CLIP_S)
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        ok.setEnabled(bool(self.name) and not recording and self.recorder.seconds() > 0.3)

    def done(self, result: int) -> None:
        self.recorder.stop()
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
