"""The case list's filters: state, category (class or subclass), grid prefix, department, source,
overdue only, and a search box. Typing waits a moment before the store is asked again."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.core.case_ports import CaseQuery
from app.core.cases import OPEN_STATES, CaseSource, CaseState
from app.ui.cases.words import CaseNames, source_words, state_words

translate = QCoreApplication.translate
TYPING_MS = 300
OPEN = "open"  # the state filter's "every open case"


class CaseFilters(QWidget):
    changed = Signal()

    def __init__(self, names: CaseNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QComboBox(self)
        self.state.addItem(translate("Cases", "Open cases"), OPEN)
        self.state.addItem(translate("Cases", "All states"), None)
        for state in CaseState:
            self.state.addItem(state_words(state), state)
        self.category = QComboBox(self)
        self.category.addItem(translate("Cases", "All categories"), None)
        classes = list(names.category_classes())
        for code, name in classes:
            self.category.addItem(f"{code} {name}", code)
            for sub, sub_name in names.category_choices():
                if sub.startswith(code) and sub != code:
                    self.category.addItem(f"    {sub} {sub_name}", sub)
        class_codes = [code for code, _ in classes]
        for sub, sub_name in names.category_choices():  # subclasses of no listed class
            if not any(sub.startswith(c) for c in class_codes):
                self.category.addItem(f"{sub} {sub_name}", sub)
        self.department = QComboBox(self)
        self.department.addItem(translate("Cases", "All departments"), None)
        for department_id, name in names.department_choices():
            self.department.addItem(name or department_id, department_id)
        self.source = QComboBox(self)
        self.source.addItem(translate("Cases", "All sources"), None)
        for source in CaseSource:
            self.source.addItem(source_words(source), source)
        self.grid = QLineEdit(self)
        self.grid.setPlaceholderText(translate("Cases", "Grid code (start)"))
        self.grid.setMaximumWidth(150)
        self.overdue = QCheckBox(translate("Cases", "Overdue only"), self)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(translate("Cases", "Search: number, address, description (Ctrl+F)"))
        self.text.setClearButtonEnabled(True)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._typing.timeout.connect(self.changed)
        for combo in (self.state, self.category, self.department, self.source):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.overdue.toggled.connect(lambda _on: self.changed.emit())
        self.grid.textChanged.connect(lambda _t: self._typing.start())
        self.text.textChanged.connect(lambda _t: self._typing.start())
        # Two rows: the search box keeps its room on a 1280-pixel screen too.
        choices, words = QHBoxLayout(), QHBoxLayout()
        for widget in (self.state, self.category, self.department, self.source):
            choices.addWidget(widget)
        choices.addStretch(1)
        words.addWidget(self.text, 1)
        words.addWidget(self.grid)
        words.addWidget(self.overdue)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(choices)
        layout.addLayout(words)
        self.setFocusProxy(self.text)

    def query(self, now: float, base: CaseQuery) -> CaseQuery:
        """``base`` (its sort and paging) with the filters as they are now."""
        state = self.state.currentData()
        states = OPEN_STATES if state == OPEN else (frozenset({CaseState(state)}) if state else None)
        category = self.category.currentData()
        department = self.department.currentData()
        source = self.source.currentData()
        text = self.text.text().strip()
        return replace(
            base,
            states=states,
            category_codes=frozenset({category}) if category else None,
            grid_prefix=self.grid.text().strip() or None,
            department_ids=frozenset({department}) if department else None,
            sources=frozenset({CaseSource(source)}) if source else None,
            overdue_at=now if self.overdue.isChecked() else None,
            text=text or None,
        )

    def select(self, combo: QComboBox, value: object) -> None:
        index = combo.findData(value, Qt.ItemDataRole.UserRole)
        if index >= 0:
            combo.setCurrentIndex(index)
