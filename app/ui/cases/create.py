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
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import EvidenceRef
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.cases.words import CaseNames

translate = QCoreApplication.translate
SNAPSHOT = QSize(320, 240)
CodeRole = Qt.ItemDataRole.UserRole + 1


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
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(translate("Cases", "Find a category: code or words"))
        self.search.setClearButtonEnabled(True)
        self.categories = QListWidget(self)
        for code, name in names.category_choices():
            item = QListWidgetItem(f"{code} {name}")
            item.setData(CodeRole, code)
            self.categories.addItem(item)
        self.no_match = QLabel(translate("Cases", "No category matches these words."), self)
        self.no_match.setStyleSheet("color: #e0b050;")
        self.no_match.hide()
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
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._pick_first)
        self.categories.currentItemChanged.connect(lambda *_: self._check())
        form = QFormLayout()
        form.addRow(translate("Cases", "Category:"), self.search)
        form.addRow("", self.categories)
        form.addRow("", self.no_match)
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

    def _filter(self, text: str) -> None:
        words = text.strip().casefold().split()
        first = None
        for n in range(self.categories.count()):
            item = self.categories.item(n)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.no_match.setVisible(first is None)
        current = self.categories.currentItem()
        if first is not None and (current is None or current.isHidden()):
            self.categories.setCurrentItem(first)

    def _pick_first(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    def _check(self) -> None:
        item = self.categories.currentItem()
        self.ok.setEnabled(item is not None and not item.isHidden())

    def answer(self) -> NewCase:
        item = self.categories.currentItem()
        assert item is not None
        return NewCase(
            str(item.data(CodeRole)), self.description.toPlainText().strip(), self.grid.text().strip() or None
        )
