"""What a case command asks before it is given: a reason where one is required (OK stays disabled
until it is written), the department for a dispatch (the routing table's suggestion pre-selected,
with the deadline it would get), the length of an extension, a picture for feedback and checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.cases import Case, CaseCommand
from app.ui.cases.words import CaseNames, command_words, department_words, when_words, zone_words

translate = QCoreApplication.translate
C = CaseCommand
REASON_REQUIRED = frozenset({C.CANCEL, C.RETURN, C.REJECT, C.REQUEST_DEFERRAL, C.REQUEST_EXTENSION,
                             C.REDISPATCH, C.FEEDBACK})  # fmt: skip
ASKS = REASON_REQUIRED | {C.DISPATCH, C.VERIFY, C.CLOSE, C.APPROVE}  # the others are given at once
TAKES_PICTURE = frozenset({C.FEEDBACK, C.VERIFY, C.RETURN})
PICTURES = "*.jpg *.jpeg *.png"


@dataclass(frozen=True)
class Answer:
    note: str
    department_id: str | None = None
    amount: float | None = None
    picture: Path | None = None


def note_label(command: CaseCommand) -> str:
    if command is C.FEEDBACK:
        return translate("Cases", "What the department did (required):")
    if command in REASON_REQUIRED:
        return translate("Cases", "Reason (required):")
    return translate("Cases", "Note (optional):")


class CommandDialog(QDialog):
    def __init__(
        self,
        command: CaseCommand,
        case: Case,
        names: CaseNames,
        tz: tzinfo,
        *,
        suggested_department: str | None = None,
        due_preview: float | None = None,
        can_attach: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseCommandDialog")
        self.command, self.case = command, case
        self.picture: Path | None = None
        self.setWindowTitle(translate("Cases", "{0}: case {1}").format(command_words(command), case.id))
        form = QFormLayout()
        self.department: QComboBox | None = None
        if command in (C.DISPATCH, C.REDISPATCH):
            self.department = QComboBox(self)
            for department_id, name in names.department_choices():
                self.department.addItem(name or department_id, department_id)
            chosen = case.department_id if command is C.DISPATCH else None
            chosen = chosen or suggested_department
            index = self.department.findData(chosen) if chosen else -1
            self.department.setCurrentIndex(index if index >= 0 else (0 if command is C.DISPATCH else -1))
            self.department.currentIndexChanged.connect(lambda _i: self._check())
            form.addRow(translate("Cases", "Department:"), self.department)
            if suggested_department:
                hint = translate("Cases", "Suggested by the routing table: {0}").format(
                    department_words(names, suggested_department)
                )
                form.addRow("", QLabel(hint, self))
        if command is C.DISPATCH:
            if due_preview is None:
                deadline = translate("Cases", "no time limit known for this category")
            else:
                deadline = f"{when_words(due_preview, tz)} {zone_words(tz, due_preview)}"
            self.deadline = QLabel(deadline, self)
            form.addRow(translate("Cases", "Deadline if dispatched now:"), self.deadline)
        self.amount: QDoubleSpinBox | None = None
        if command is C.REQUEST_EXTENSION:
            self.amount = QDoubleSpinBox(self)
            self.amount.setRange(0.5, 999)
            self.amount.setDecimals(1)
            self.amount.setValue(1)
            unit = case.time_limit.unit.value if case.time_limit is not None else "work_hours"
            self.amount.setSuffix(" " + unit_words(unit))
            form.addRow(translate("Cases", "Extend by:"), self.amount)
        if command is C.APPROVE and case.pending is not None:
            asked = QLabel(
                translate("Cases", "{0} asks: {1}").format(case.pending.by, case.pending.reason), self
            )
            asked.setWordWrap(True)
            form.addRow(translate("Cases", "Request:"), asked)
        self.note = QPlainTextEdit(self)
        self.note.setFixedHeight(80)
        self.note.textChanged.connect(self._check)
        form.addRow(note_label(command), self.note)
        self.picture_button: QPushButton | None = None
        if can_attach and command in TAKES_PICTURE:
            self.picture_button = QPushButton(translate("Cases", "Choose a picture…"), self)
            self.picture_button.clicked.connect(self._choose_picture)
            self.picture_label = QLabel(translate("Cases", "no picture"), self)
            row = QHBoxLayout()
            row.addWidget(self.picture_button)
            row.addWidget(self.picture_label, 1)
            form.addRow(translate("Cases", "Picture (optional):"), row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(command_words(command))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self._check()
        self.note.setFocus()

    def _check(self) -> None:
        ok = not (self.command in REASON_REQUIRED and not self.note.toPlainText().strip())
        if self.department is not None and self.department.currentData() is None:
            ok = False
        self.ok.setEnabled(ok)

    def set_picture(self, path: Path | None) -> None:
        self.picture = path
        if self.picture_button is not None:
            self.picture_label.setText(path.name if path is not None else translate("Cases", "no picture"))

    def _choose_picture(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, translate("Cases", "Picture"), "", translate("Cases", "Pictures ({0})").format(PICTURES)
        )
        if name:
            self.set_picture(Path(name))

    def answer(self) -> Answer:
        department = self.department.currentData() if self.department is not None else None
        amount = self.amount.value() if self.amount is not None else None
        return Answer(self.note.toPlainText().strip(), department, amount, self.picture)


def unit_words(unit: str) -> str:
    words = {
        "work_hours": translate("Cases", "working hours"),
        "urgent_hours": translate("Cases", "urgent hours"),
        "work_days": translate("Cases", "working days"),
    }
    return words.get(unit, unit)
