"""Save the current wall as a named view, personal or shared with the site's other operators."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

MAX_NAME = 60
DIM_TEXT = QColor(150, 156, 172)  # remarks: readable on the dark theme, quieter than the controls


def dim(label: QLabel) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, DIM_TEXT)
    label.setPalette(palette)


class SaveViewDialog(QDialog):
    """After ``exec()``: ``name`` (trimmed, never empty when accepted) and ``shared``."""

    def __init__(self, current_name: str, shared: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveViewDialog")
        self.name_edit = QLineEdit(current_name.strip()[:MAX_NAME], self)
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setMinimumWidth(320)
        self.name_edit.selectAll()
        self.shared_box = QCheckBox(self)
        self.shared_box.setChecked(shared)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        dim(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._name_label = QLabel(self)
        self._name_label.setBuddy(self.name_edit)
        form = QFormLayout(self)
        form.addRow(self._name_label, self.name_edit)
        form.addRow("", self.shared_box)
        form.addRow("", self.note)
        form.addRow(self.buttons)
        self.name_edit.textChanged.connect(self._update)
        self.shared_box.toggled.connect(self._update)
        self.retranslate()

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def shared(self) -> bool:
        return self.shared_box.isChecked()

    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Save view"))
        self._name_label.setText(self.tr("&Name"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Station square, night"))
        self.shared_box.setText(self.tr("&Share with every operator of this site"))
        self._update()

    def _update(self) -> None:
        self.ok_button().setEnabled(bool(self.name))
        if self.shared:
            self.note.setText(self.tr("Every operator of this site will see it in their list of views."))
        else:
            self.note.setText(self.tr("Only you will see it."))

    def accept(self) -> None:
        if self.name:
            super().accept()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
