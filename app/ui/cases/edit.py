"""修改: correct a case before it is dispatched (reported or filed) — its category, unit grid,
address, description, department and urgency. Only what was changed is sent, so the timeline says
exactly what was corrected, and OK stays disabled until something differs from the case."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.cases import Case, CaseCommand, Edit
from app.ui.cases.picker import CategoryPicker
from app.ui.cases.words import CaseNames, command_words

translate = QCoreApplication.translate


@dataclass(frozen=True)
class Correction:
    what: Edit
    note: str


class EditCaseDialog(QDialog):
    def __init__(self, case: Case, names: CaseNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editCaseDialog")
        self.case = case
        self.setWindowTitle(
            translate("Cases", "{0}: case {1}").format(command_words(CaseCommand.EDIT), case.id)
        )
        self.picker = CategoryPicker(names, self)
        self.picker.select(case.category_code)
        self.grid = QLineEdit(case.grid_code or "", self)
        self.grid.setPlaceholderText(translate("Cases", "unit grid code"))
        self.address = QLineEdit(case.address, self)
        self.description = QPlainTextEdit(case.description, self)
        self.description.setFixedHeight(70)
        self.department = QComboBox(self)
        for department_id, name in names.department_choices():
            self.department.addItem(name or department_id, department_id)
        self.department.setCurrentIndex(
            self.department.findData(case.department_id) if case.department_id else -1
        )
        self.department.setPlaceholderText(translate("Cases", "not chosen yet"))
        self.urgent = QCheckBox(translate("Cases", "Urgent case"), self)
        self.urgent.setChecked(case.urgent)
        self.note = QPlainTextEdit(self)
        self.note.setFixedHeight(50)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(translate("Cases", "Save the changes"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.picker.changed.connect(self._check)
        self.grid.textChanged.connect(self._check)
        self.address.textChanged.connect(self._check)
        self.description.textChanged.connect(self._check)
        self.department.currentIndexChanged.connect(self._check)
        self.urgent.toggled.connect(self._check)
        form = QFormLayout()
        form.addRow(translate("Cases", "Category:"), self.picker)
        form.addRow(translate("Cases", "Grid:"), self.grid)
        form.addRow(translate("Cases", "Address:"), self.address)
        form.addRow(translate("Cases", "Description:"), self.description)
        form.addRow(translate("Cases", "Department:"), self.department)
        form.addRow("", self.urgent)
        form.addRow(translate("Cases", "Note (optional):"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(620, 560)
        self._check()
        self.picker.setFocus()

    def edit(self) -> Edit:
        """The fields that differ from the case (None: left as it is)."""
        case = self.case
        code = self.picker.code()
        grid = self.grid.text().strip()
        address = self.address.text().strip()
        description = self.description.toPlainText().strip()
        department = self.department.currentData()
        return Edit(
            category_code=code if code is not None and code != case.category_code else None,
            grid_code=grid if grid != (case.grid_code or "") else None,
            address=address if address != case.address else None,
            description=description if description != case.description else None,
            department_id=department if department is not None and department != case.department_id else None,
            urgent=self.urgent.isChecked() if self.urgent.isChecked() != case.urgent else None,
        )

    def _check(self) -> None:
        self.ok.setEnabled(self.picker.code() is not None and bool(self.edit().changes()))

    def answer(self) -> Correction:
        return Correction(self.edit(), self.note.toPlainText().strip())
