"""Custom span layouts: pick a grid, merge positions into big tiles, name it, save it for you or the site."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.adapters.json_store import StoreConflict
from app.core.wall_layout import WallLayout, span_layout
from app.services.view_library import ViewLibrary
from app.ui.dialogs.layout_grid import LayoutGrid
from app.ui.dialogs.save_view import dim
from app.ui.store_messages import replace_hint, store_error_text

translate = QCoreApplication.translate

Scope = Literal["personal", "shared", "builtin"]
MAX_GRID, MAX_NAME = 8, 60
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR, NOTE = "color: rgb(236, 160, 60);", "color: rgb(140, 200, 150);"


def custom_layouts(library: ViewLibrary) -> list[tuple[WallLayout, bool]]:
    """(layout, shared) for every saved custom layout, personal first."""
    # ViewLibrary.layouts() merges the two files; the editor must know which file each one is in.
    stored: dict[bool, list[WallLayout]] = library._layouts
    return [(layout, shared) for shared in (False, True) for layout in stored[shared]]


class LayoutEditorDialog(QDialog):
    """After ``exec()``: ``chosen_layout``, the name to show on the wall, or None."""

    def __init__(self, library: ViewLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layoutEditor")
        self.library = library
        self.chosen_layout: str | None = None
        self._origin: tuple[str, Scope] | None = None  # what the editor was opened from
        self._replace: tuple[str, bool] | None = None  # Save pressed once on a taken name
        self.list = QListWidget(self)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.open_button, self.delete_button = QPushButton(self), QPushButton(self)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.textEdited.connect(lambda _text: self._edited())
        self.cols_spin, self.rows_spin = QSpinBox(self), QSpinBox(self)
        for spin in (self.cols_spin, self.rows_spin):
            spin.setRange(1, MAX_GRID)
            spin.setValue(4)
            spin.valueChanged.connect(self._grid_changed)
        self.grid = LayoutGrid(self)
        self.grid.changed.connect(self._edited)
        self.grid.refused.connect(self._error)
        self.shared_box = QCheckBox(self)
        self.shared_box.toggled.connect(lambda _on: self._edited())
        self.new_button, self.save_button = QPushButton(self), QPushButton(self)
        self.new_button.clicked.connect(self.new_layout)
        self.save_button.clicked.connect(self.save)
        self.use_button = QPushButton(self)
        self.use_button.clicked.connect(self.use)
        for button in (self.open_button, self.delete_button, self.new_button, self.use_button):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)  # Enter in the name field saves
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self._labels = {key: QLabel(self) for key in ("list", "name", "grid", "by", "count", "hint")}
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self._build()
        self.retranslate()
        self.new_layout()
        self.resize(1000, 640)

    def _build(self) -> None:
        labels = self._labels
        labels["name"].setBuddy(self.name_edit)
        labels["grid"].setBuddy(self.cols_spin)
        labels["hint"].setWordWrap(True)
        dim(labels["hint"])
        left = QVBoxLayout()
        left.addWidget(labels["list"])
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        grid_row = QHBoxLayout()
        for widget in (self.cols_spin, labels["by"], self.rows_spin):
            grid_row.addWidget(widget)
        grid_row.addSpacing(16)
        grid_row.addWidget(labels["count"], 1)
        form = QFormLayout()
        form.addRow(labels["name"], self.name_edit)
        form.addRow(labels["grid"], grid_row)
        save_row = QHBoxLayout()
        save_row.addWidget(self.shared_box, 1)
        save_row.addWidget(self.new_button)
        save_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.grid, 1)
        right.addWidget(labels["hint"])
        right.addLayout(save_row)
        right.addWidget(self.message)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 3)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(self.buttons)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Layouts"))
        texts = {
            "list": self.tr("Layouts"),
            "name": self.tr("&Name"),
            "grid": self.tr("&Grid (columns × rows)"),
            "by": "×",
            "hint": self.tr(
                "Drag across squares to merge them into one big tile; click a big tile to split it. "
                "Keys: arrows move, Shift+arrows mark, Enter merges or splits. "
                "The numbers are the order in which the wall fills the tiles."
            ),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        self.name_edit.setPlaceholderText(self.tr("e.g. 1 + 12 east gate"))
        self.open_button.setText(self.tr("&Open"))
        self.delete_button.setText(self.tr("&Delete…"))
        self.shared_box.setText(self.tr("&Share with every operator of this site"))
        self.new_button.setText(self.tr("Ne&w"))
        self.save_button.setText(self.tr("&Save"))
        self.use_button.setText(self.tr("&Use on the wall"))
        self.fill_list()
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- the list -----------------------------------------------------------------------------------
    def fill_list(self, select: tuple[str, Scope] | None = None) -> None:
        current = self.list.currentItem()
        select = select or (current.data(ENTRY_ROLE) if current is not None else None)
        self.list.clear()
        entries: list[tuple[str, Scope]] = [
            (lay.name, "shared" if s else "personal") for lay, s in custom_layouts(self.library)
        ]
        for name, layout in self.library.layouts().items():
            if self.library.is_builtin_layout(name) and layout.cols <= MAX_GRID and layout.rows <= MAX_GRID:
                entries.append((name, "builtin"))
        for name, scope in entries:
            text = {
                "personal": name,
                "shared": self.tr("{0} (shared)"),
                "builtin": self.tr("{0} (built-in)"),
            }[scope]
            item = QListWidgetItem(text.format(name), self.list)
            item.setData(ENTRY_ROLE, (name, scope))
            if scope == "builtin":
                item.setForeground(QColor(150, 156, 172))
            if (name, scope) == select:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def _select(self, name: str, scope: Scope) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ENTRY_ROLE) == (name, scope):
                self.list.setCurrentRow(row)

    def _selected(self) -> tuple[str, Scope] | None:
        item = self.list.currentItem()
        return None if item is None else item.data(ENTRY_ROLE)  # type: ignore[no-any-return]

    def _update_buttons(self) -> None:
        selected = self._selected()
        self.open_button.setEnabled(selected is not None)
        self.delete_button.setEnabled(selected is not None and selected[1] != "builtin")

    def open_selected(self) -> None:
        if (selected := self._selected()) is not None:
            self.open_layout(*selected)

    def open_layout(self, name: str, scope: Scope) -> None:
        layout = self._stored(name, scope)
        if layout is None:
            return
        self._origin, self._replace = (name, scope), None
        self._select(name, scope)
        self.name_edit.setText(name)
        self.shared_box.setChecked(scope == "shared")
        self._set_spins(layout.cols, layout.rows)
        self.grid.set_layout(layout)
        if scope == "builtin":
            self._note(self.tr("“{0}” is built in: change it and save it under a new name.").format(name))
        else:
            self._note(self.tr("Opened “{0}”.").format(name))

    def _stored(self, name: str, scope: Scope) -> WallLayout | None:
        if scope == "builtin":
            return self.library.layouts().get(name) if self.library.is_builtin_layout(name) else None
        return next(
            (lay for lay, s in custom_layouts(self.library) if lay.name == name and s == (scope == "shared")),
            None,
        )

    def delete_selected(self) -> None:
        selected = self._selected()
        if selected is None or selected[1] == "builtin":
            return
        name, scope = selected
        answer = QMessageBox.question(
            self, self.tr("Delete layout"), self.tr("Delete the layout “{0}”?").format(name)
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.library.delete_layout(name, shared=scope == "shared")
        except StoreConflict as exc:
            self.fill_list()  # the colleague's version is what the library holds now
            again = self.tr("Delete it again to delete theirs.")
            self._error(store_error_text(exc, self._what(name)) + " " + again)
            return
        except (OSError, ValueError) as exc:
            self._error(self.tr("Not deleted: {0}").format(store_error_text(exc, self._what(name))))
            return
        if self._origin == selected:
            self._origin = None  # what is in the editor stays, as a draft
        self.fill_list()
        self._note(self.tr("Deleted “{0}”.").format(name))

    # --- the editor -------------------------------------------------------------------------------
    def new_layout(self) -> None:
        self._origin, self._replace = None, None
        self.name_edit.clear()
        self.shared_box.setChecked(False)
        self.grid.set_layout(span_layout("", self.cols_spin.value(), self.rows_spin.value(), []))
        self._note("")

    def _set_spins(self, cols: int, rows: int) -> None:
        for spin, value in ((self.cols_spin, cols), (self.rows_spin, rows)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _grid_changed(self) -> None:
        dropped = self.grid.set_grid(self.cols_spin.value(), self.rows_spin.value())
        if dropped:
            self._note(
                self.tr("{0} big tile(s) did not fit the smaller grid and were split.").format(dropped)
            )

    def _edited(self) -> None:
        self._replace = None
        self._update_count()
        self._note("")

    def _update_count(self) -> None:
        self._labels["count"].setText(self.tr("{0} tiles").format(self.grid.wall_layout().cells))

    def problem(self, name: str) -> str | None:
        """Why the editor's layout cannot be saved under ``name``, in words; None if it can."""
        if not name:
            return self.tr("Give the layout a name.")
        if self.library.is_builtin_layout(name):
            return self.tr("“{0}” is the name of a built-in layout: choose another name.").format(name)
        try:
            self.grid.wall_layout(name).validate()
        except ValueError as exc:
            return self.tr("The tiles do not fit together: {0}").format(exc)
        return None

    def save(self) -> bool:
        name, shared = self.name_edit.text().strip(), self.shared_box.isChecked()
        if (why := self.problem(name)) is not None:
            self._error(why)
            return False
        scope: Scope = "shared" if shared else "personal"
        taken = self._stored(name, scope) is not None and self._origin != (name, scope)
        if taken and self._replace != (name, shared):
            self._replace = (name, shared)
            self._error(
                self.tr("There is already a layout “{0}”: press Save again to replace it.").format(name)
            )
            return False
        try:
            self.library.save_layout(self.grid.wall_layout(name), shared=shared)
        except StoreConflict as exc:
            self.fill_list()
            self._error(store_error_text(exc, self._what(name)) + " " + replace_hint())
            return False
        except (OSError, ValueError) as exc:
            self._error(self.tr("Not saved: {0}").format(store_error_text(exc, self._what(name))))
            return False
        self._origin, self._replace = (name, scope), None
        self.name_edit.setText(name)
        self.fill_list(select=(name, scope))
        self._note(self.tr("Saved “{0}”.").format(name))
        return True

    def use(self) -> None:
        """Show the editor's layout on the wall, saving it first if it changed."""
        name = self.name_edit.text().strip()
        if self.library.layouts().get(name) != self.grid.wall_layout(name) and not self.save():
            return
        self.chosen_layout = name
        self.accept()

    def _what(self, name: str) -> str:
        return translate("Stores", "The layout “{0}”").format(name)

    def _note(self, text: str) -> None:
        self.message.setStyleSheet(NOTE)
        self.message.setText(text)

    def _error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR)
        self.message.setText(text)
