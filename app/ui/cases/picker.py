"""A category picked from a searchable list (code or words; Enter in the search box takes the first
match): the tile's "new case" and the "edit" dialog both use it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.ui.cases.words import CaseNames

translate = QCoreApplication.translate
CodeRole = Qt.ItemDataRole.UserRole + 1


class CategoryPicker(QWidget):
    changed = Signal()  # the chosen category changed (or none is chosen now)
    chosen = Signal()  # Enter in the search box with a category chosen

    def __init__(self, names: CaseNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(lambda: self.chosen.emit() if self.code() else None)
        self.categories.currentItemChanged.connect(lambda *_: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.categories, 1)
        layout.addWidget(self.no_match)
        self.setFocusProxy(self.search)

    def code(self) -> str | None:
        """The chosen category's code (None: none chosen, or hidden by the search)."""
        item = self.categories.currentItem()
        return None if item is None or item.isHidden() else str(item.data(CodeRole))

    def select(self, code: str | None) -> None:
        for n in range(self.categories.count()):
            item = self.categories.item(n)
            if item.data(CodeRole) == code:
                self.categories.setCurrentItem(item)
                self.categories.scrollToItem(item)
                return

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
        self.changed.emit()
