"""A case made by hand at a tile: the snapshot, a category picked from a searchable list, a
description, and the unit grid prefilled from the camera (editable)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import EvidenceRef
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.cases.picker import CategoryPicker
from app.ui.cases.words import CaseNames

translate = QCoreApplication.translate
SNAPSHOT = QSize(320, 240)


@dataclass(frozen=True)
class NewCase:
    category_code: str
    description: str
    grid_code: str | None


class CreateCaseDialog(QDialog):
    def __init__(
        self,
        names: CaseNames,
        camera_name: str,
        snapshot: EvidenceRef | None,
        grid_code: str | None,
        load_evidence: LoadEvidence | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createCaseDialog")
        self.setWindowTitle(translate("Cases", "New case at {0}").format(camera_name))
        self.snapshot = snapshot
        self.picture = QLabel(self)
        self.picture.setFixedSize(SNAPSHOT)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #101218; color: #8a90a0;")
        self._thumbs = Thumbnails(load_evidence, self, size=SNAPSHOT)
        self._thumbs.ready.connect(lambda _sha: self._show_snapshot())
        self.picker = CategoryPicker(names, self)
        self.search, self.categories = self.picker.search, self.picker.categories
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(translate("Cases", "What is seen, where exactly"))
        self.description.setFixedHeight(70)
        self.grid = QLineEdit(grid_code or "", self)
        self.grid.setPlaceholderText(translate("Cases", "unit grid code"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(translate("Cases", "Make the case"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.picker.changed.connect(self._check)
        self.picker.chosen.connect(self._pick_first)
        form = QFormLayout()
        form.addRow(translate("Cases", "Category:"), self.picker)
        form.addRow(translate("Cases", "Description:"), self.description)
        form.addRow(translate("Cases", "Grid:"), self.grid)
        row = QHBoxLayout()
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self._show_snapshot()
        self._check()
        self.search.setFocus()
        self.resize(860, 420)

    def _show_snapshot(self) -> None:
        if self.snapshot is None:
            self.picture.setText(translate("Cases", "No snapshot"))
            return
        image = self._thumbs.get(self.snapshot)
        if image is not None:
            self.picture.setPixmap(QPixmap.fromImage(image))
        elif self.snapshot.sha256 in self._thumbs.missing:
            self.picture.setText(translate("Cases", "The snapshot could not be read"))
        else:
            self.picture.setText(translate("Cases", "Loading the picture…"))

    def _pick_first(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    def _check(self) -> None:
        self.ok.setEnabled(self.picker.code() is not None)

    def answer(self) -> NewCase:
        code = self.picker.code()
        assert code is not None
        return NewCase(code, self.description.toPlainText().strip(), self.grid.text().strip() or None)
