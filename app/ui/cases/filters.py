"""The case list's filters: state, category (class or subclass), grid prefix, department, source,
overdue only, and a search box. Typing waits a moment before the store is asked again."""

from __future__ import annotations

from collections.abc import Sequence
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
        self._names = names
        self.state, self.category = QComboBox(self), QComboBox(self)
        self.department, self.source = QComboBox(self), QComboBox(self)
        self.grid = QLineEdit(self)
        self.grid.setMaximumWidth(150)
        self.overdue = QCheckBox(self)
        self.text = QLineEdit(self)
        self.text.setClearButtonEnabled(True)
        self.retranslate()
        self._typing = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._typing.timeout.connect(self.changed)
        for combo in (self.state, self.category, self.department, self.source):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.overdue.toggled.connect(lambda _on: self.changed.emit())
        self.grid.textChanged.connect(lambda _t: self._typing.start())
        self.text.textChanged.connect(lambda _t: self._typing.start())
        # Two rows: the choices (and "overdue only") above, the typed words below with the room
        # the search box needs, at 1280 pixels too.
        choices, words = QHBoxLayout(), QHBoxLayout()
        for widget in (self.state, self.category, self.department, self.source):
            choices.addWidget(widget)
        choices.addWidget(self.overdue)
        choices.addStretch(1)
        words.addWidget(self.text, 1)
        words.addWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(choices)
        layout.addLayout(words)
        self.setFocusProxy(self.text)

    def retranslate(self) -> None:
        """The choices in the interface's language (a language switch), the chosen ones kept."""
        names = self._names
        fills: list[tuple[QComboBox, Sequence[tuple[str, object]]]] = [
            (self.state, [(translate("Cases", "Open cases"), OPEN), (translate("Cases", "All states"), None)]
             + [(state_words(state), state) for state in CaseState]),
            (self.category, [(translate("Cases", "All categories"), None), *self._categories()]),
            (self.department, [(translate("Cases", "All departments"), None)]
             + [(name or dep, dep) for dep, name in names.department_choices()]),
            (self.source, [(translate("Cases", "All sources"), None)]
             + [(source_words(source), source) for source in CaseSource]),
        ]  # fmt: skip
        for combo, items in fills:
            chosen = combo.currentData() if combo.count() else None
            combo.blockSignals(True)  # the same choice in new words: not a new question to the store
            combo.clear()
            for text, value in items:
                combo.addItem(text, value)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self.grid.setPlaceholderText(translate("Cases", "Grid code (start)"))
        self.overdue.setText(translate("Cases", "Overdue only"))
        self.text.setPlaceholderText(translate("Cases", "Search: number, address, description (Ctrl+F)"))

    def _categories(self) -> list[tuple[str, object]]:
        """Each class (大类) followed by its subclasses, indented; then subclasses of no listed class."""
        names, out = self._names, list[tuple[str, object]]()
        classes = list(names.category_classes())
        for code, name in classes:
            out.append((f"{code} {name}", code))
            out += [
                (f"    {sub} {sub_name}", sub)
                for sub, sub_name in names.category_choices()
                if sub.startswith(code) and sub != code
            ]
        class_codes = [code for code, _ in classes]
        out += [
            (f"{sub} {sub_name}", sub)
            for sub, sub_name in names.category_choices()
            if not any(sub.startswith(c) for c in class_codes)
        ]
        return out

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
