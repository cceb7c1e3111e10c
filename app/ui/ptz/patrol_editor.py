"""Edit a PTZ camera's patrol (巡航): its steps (preset + dwell), when it runs by itself, and when it
resumes after an operator.

Validation is the site model's own (:class:`camera_config.models.Patrol`); every problem is shown
in words next to its field and OK stays disabled while there is one. Keys in the step list:
Insert adds a step, Delete removes it, Ctrl+Up / Ctrl+Down (or Alt+arrows) move it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.patrol_store import patrol_problems
from app.ui.dialogs.save_view import dim
from camera_config.models import WEEKDAYS, Patrol, PatrolWindow

ERROR_STYLE = "color: rgb(236, 160, 60);"
WARN_COLOUR = QColor(236, 160, 60)
MIN_DWELL, MAX_DWELL, DEFAULT_DWELL = 5, 3600, 30
MAX_STEPS, MAX_WINDOWS = 64, 32  # as camera_config.models.Patrol allows
MAX_RESUME = 3600


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class WindowRow(QWidget):
    """One time window of the schedule: days, start and end (HH:MM), and its problem if any."""

    changed = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, window: PatrolWindow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_boxes = [QCheckBox(self) for _ in WEEKDAYS]
        days = window.days if window is not None else WEEKDAYS
        for day, box in zip(WEEKDAYS, self.day_boxes, strict=True):
            box.setChecked(day in days)
            box.toggled.connect(lambda _on: self.changed.emit())
        self.start_edit = QLineEdit(window.start if window else "08:00", self)
        self.end_edit = QLineEdit(window.end if window else "18:00", self)
        for edit in (self.start_edit, self.end_edit):
            edit.setMaxLength(5)
            edit.setPlaceholderText("HH:MM")
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00:000") + 18)
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
            edit.textChanged.connect(lambda _text: self.changed.emit())
        self.from_label, self.to_label = QLabel(self), QLabel(self)
        self.from_label.setBuddy(self.start_edit)
        self.to_label.setBuddy(self.end_edit)
        self.note = QLabel(self)
        dim(self.note)
        self.remove_button = QPushButton(self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.error = _error_label(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for index, box in enumerate(self.day_boxes):
            if index:
                row.addSpacing(6)  # keeps each box with its own day, not the previous day's name
            row.addWidget(box)
        row.addSpacing(18)
        for widget in (self.from_label, self.start_edit, self.to_label, self.end_edit):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(2)
        outer.addLayout(row)
        outer.addWidget(self.error)
        outer.addWidget(self.note)  # under the row: a long note in any language never widens it
        self.note.hide()
        self.retranslate()

    def retranslate(self) -> None:
        names = (
            self.tr("Mon"),
            self.tr("Tue"),
            self.tr("Wed"),
            self.tr("Thu"),
            self.tr("Fri"),
            self.tr("Sat"),
            self.tr("Sun"),
        )
        for box, name in zip(self.day_boxes, names, strict=True):
            box.setText(name)
        self.from_label.setText(self.tr("from"))
        self.to_label.setText(self.tr("to"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove this time window"))

    def data(self) -> dict[str, Any]:
        days = [day for day, box in zip(WEEKDAYS, self.day_boxes, strict=True) if box.isChecked()]
        return {"days": days, "start": self.start_edit.text().strip(), "end": self.end_edit.text().strip()}

    def set_problem(self, text: str) -> None:
        _show(self.error, text)
        note = ""
        if not text:
            try:
                window = PatrolWindow.model_validate(self.data())
            except (ValidationError, ValueError):
                window = None
            if window is not None and window.overnight:
                note = self.tr("ends the next day")
        _show(self.note, note)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class PatrolEditorDialog(QDialog):
    """After ``exec()``: :attr:`patrol`, the edited patrol; None when the operator deleted it
    (:attr:`deleted` is then True)."""

    def __init__(
        self,
        camera_name: str,
        presets: list[tuple[str, str]],
        patrol: Patrol | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patrolEditor")
        self.camera_name = camera_name
        self.presets = [(str(token), str(name)) for token, name in presets]
        self.original = patrol
        self.patrol: Patrol | None = patrol
        self.deleted = False
        self._steps: list[list[Any]] = [
            [self._reference(step.preset), round(step.dwell_s)] for step in (patrol.steps if patrol else ())
        ]
        if patrol is None:  # a new patrol visits every preset once
            self._steps = [[token, DEFAULT_DWELL] for token, _name in self.presets[:MAX_STEPS]]
        self._build(patrol)
        self.retranslate()
        self._fill_table(0 if self._steps else -1)
        self.validate()
        self.resize(780, 660)

    # -- construction ---------------------------------------------------------------------------
    def _build(self, patrol: Patrol | None) -> None:
        self.camera_label = QLabel(self)
        dim(self.camera_label)
        self.steps_box = QGroupBox(self)
        self.steps_table = QTableWidget(0, 3, self)
        self.steps_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps_table.verticalHeader().hide()
        self.steps_table.setAlternatingRowColors(True)
        header = self.steps_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.steps_table.currentCellChanged.connect(lambda *_: self._current_changed())
        self.steps_table.installEventFilter(self)
        self.add_button, self.remove_button = QPushButton(self), QPushButton(self)
        self.up_button, self.down_button = QPushButton(self), QPushButton(self)
        self.add_button.clicked.connect(self.add_step)
        self.remove_button.clicked.connect(self.remove_step)
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button.clicked.connect(lambda: self.move_step(1))
        self.preset_combo = QComboBox(self)
        self.preset_combo.setMinimumContentsLength(16)
        self.preset_combo.currentIndexChanged.connect(lambda _i: self._step_edited())
        self.dwell_spin = QSpinBox(self)
        self.dwell_spin.setRange(MIN_DWELL, MAX_DWELL)
        self.dwell_spin.setValue(DEFAULT_DWELL)
        self.dwell_spin.valueChanged.connect(lambda _v: self._step_edited())
        self.steps_error = _error_label(self)
        self.presets_note = QLabel(self)
        self.presets_note.setWordWrap(True)
        dim(self.presets_note)

        self.schedule_box = QGroupBox(self)
        self.schedule_hint = QLabel(self)
        self.schedule_hint.setWordWrap(True)
        dim(self.schedule_hint)
        self.windows: list[WindowRow] = []
        self.windows_widget = QWidget(self)
        self.windows_layout = QVBoxLayout(self.windows_widget)
        self.windows_layout.setContentsMargins(0, 0, 0, 0)
        self.windows_layout.addStretch(1)
        self.windows_scroll = QScrollArea(self)
        self.windows_scroll.setWidgetResizable(True)
        self.windows_scroll.setWidget(self.windows_widget)
        self.windows_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.windows_scroll.setMinimumHeight(70)
        self.add_window_button = QPushButton(self)
        self.add_window_button.clicked.connect(lambda: self.add_window())
        self.schedule_error = _error_label(self)

        self.resume_label = QLabel(self)
        self.resume_spin = QSpinBox(self)
        self.resume_spin.setRange(0, MAX_RESUME)
        self.resume_spin.setValue(round(patrol.resume_after_s) if patrol else 30)
        self.resume_spin.valueChanged.connect(lambda _v: self.validate())
        self.resume_label.setBuddy(self.resume_spin)
        self.resume_note = QLabel(self)
        self.resume_note.setWordWrap(True)
        dim(self.resume_note)
        self.resume_error = _error_label(self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.delete_button = QPushButton(self)
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_patrol)
        self.delete_button.setVisible(patrol is not None)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
        self.add_window_button.setAutoDefault(False)

        # Steps: the list with its buttons, then the selected step's preset and dwell.
        self._preset_label, self._dwell_label = QLabel(self), QLabel(self)
        self._preset_label.setBuddy(self.preset_combo)
        self._dwell_label.setBuddy(self.dwell_spin)
        side = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.steps_table, 1)
        top.addLayout(side)
        step_row = QHBoxLayout()
        step_row.addWidget(self._preset_label)
        step_row.addWidget(self.preset_combo, 1)
        step_row.addSpacing(16)
        step_row.addWidget(self._dwell_label)
        step_row.addWidget(self.dwell_spin)
        steps = QVBoxLayout(self.steps_box)
        steps.addLayout(top, 1)
        steps.addLayout(step_row)
        steps.addWidget(self.steps_error)
        steps.addWidget(self.presets_note)

        add_row = QHBoxLayout()
        add_row.addWidget(self.add_window_button)
        add_row.addStretch(1)
        schedule = QVBoxLayout(self.schedule_box)
        schedule.addWidget(self.schedule_hint)
        schedule.addWidget(self.windows_scroll, 1)
        schedule.addLayout(add_row)
        schedule.addWidget(self.schedule_error)

        resume_row = QHBoxLayout()
        resume_row.addWidget(self.resume_label)
        resume_row.addWidget(self.resume_spin)
        resume_row.addWidget(self.resume_note, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        outer = QVBoxLayout(self)
        outer.addWidget(self.camera_label)
        outer.addWidget(self.steps_box, 3)
        outer.addWidget(self.schedule_box, 2)
        outer.addLayout(resume_row)
        outer.addWidget(self.resume_error)
        outer.addLayout(bottom)

        for window in patrol.schedule if patrol else ():
            self.add_window(window)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Patrol — {0}").format(self.camera_name))
        self.camera_label.setText(
            self.tr("Camera “{0}”: the patrol visits the presets in order, round and round.").format(
                self.camera_name
            )
        )
        self.steps_box.setTitle(self.tr("Steps"))
        self.steps_table.setHorizontalHeaderLabels([self.tr("No."), self.tr("Preset"), self.tr("Dwell")])
        self.add_button.setText(self.tr("&Add"))
        self.add_button.setToolTip(self.tr("Add a step after the selected one (Insert)"))
        self.remove_button.setText(self.tr("&Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected step (Delete)"))
        self.up_button.setText(self.tr("Move &up"))
        self.up_button.setToolTip(self.tr("Move the selected step up (Ctrl+Up)"))
        self.down_button.setText(self.tr("Move dow&n"))
        self.down_button.setToolTip(self.tr("Move the selected step down (Ctrl+Down)"))
        self._preset_label.setText(self.tr("&Preset"))
        self._dwell_label.setText(self.tr("D&well"))
        self.dwell_spin.setSuffix(self.tr(" s"))
        self.dwell_spin.setToolTip(self.tr("How long the camera stays, counted once it has settled"))
        self.schedule_box.setTitle(self.tr("Runs by itself"))
        self.schedule_hint.setText(
            self.tr(
                "Without a time window the patrol runs only when an operator starts it. "
                "An end before the start runs over midnight into the next day; 24:00 is midnight."
            )
        )
        self.add_window_button.setText(self.tr("Add &time window"))
        self.resume_label.setText(self.tr("Re&sume after"))
        self.resume_spin.setSuffix(self.tr(" s"))
        self.resume_note.setText(self.tr("the camera has been left alone by the operators"))
        self.delete_button.setText(self.tr("De&lete patrol…"))
        self._fill_combo()
        self._fill_table(self.steps_table.currentRow())
        self.validate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- presets -------------------------------------------------------------------------------------
    def _reference(self, preset: str) -> str:
        """A step's preset as a token of this camera when it names one (by token, else by name)."""
        if any(token == preset for token, _ in self.presets):
            return preset
        return next((token for token, name in self.presets if name == preset), preset)

    def _known(self, reference: str) -> bool:
        return any(token == reference for token, _ in self.presets)

    def preset_text(self, reference: str) -> str:
        for token, name in self.presets:
            if token == reference:
                return name or token
        return self.tr("“{0}” (not on this camera)").format(reference)

    def _fill_combo(self) -> None:
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        for token, name in self.presets:
            self.preset_combo.addItem(name or token, token)
            self.preset_combo.setItemData(
                self.preset_combo.count() - 1,
                self.tr("preset token {0}").format(token),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.preset_combo.blockSignals(False)

    # -- steps ---------------------------------------------------------------------------------------
    def _fill_table(self, current: int) -> None:
        table = self.steps_table
        table.blockSignals(True)
        table.setRowCount(len(self._steps))
        for row, (reference, dwell) in enumerate(self._steps):
            cells = (str(row + 1), self.preset_text(reference), self.tr("{0} s").format(dwell))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 1 and self.presets and not self._known(reference):
                    item.setForeground(WARN_COLOUR)
                table.setItem(row, column, item)
        table.blockSignals(False)
        if self._steps:
            row = min(max(current, 0), len(self._steps) - 1)
            table.setCurrentCell(row, 1)
        self._current_changed()

    def current_step(self) -> int:
        row = self.steps_table.currentRow()
        return row if 0 <= row < len(self._steps) else -1

    def _current_changed(self) -> None:
        row = self.current_step()
        has = row >= 0
        for widget in (self.preset_combo, self.dwell_spin, self.remove_button):
            widget.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self._steps) - 1)
        self.add_button.setEnabled(bool(self.presets) and len(self._steps) < MAX_STEPS)
        if not has:
            return
        reference, dwell = self._steps[row]
        self.preset_combo.blockSignals(True)
        self.dwell_spin.blockSignals(True)
        index = self.preset_combo.findData(reference)
        if index < 0:  # a preset this camera does not have: shown as such until another is chosen
            self.preset_combo.addItem(self.preset_text(reference), reference)
            index = self.preset_combo.count() - 1
        self.preset_combo.setCurrentIndex(index)
        self.dwell_spin.setValue(int(dwell))
        self.preset_combo.blockSignals(False)
        self.dwell_spin.blockSignals(False)

    def _step_edited(self) -> None:
        row = self.current_step()
        if row < 0:
            return
        reference = self.preset_combo.currentData()
        self._steps[row] = [str(reference) if reference is not None else "", self.dwell_spin.value()]
        if self._known(self._steps[row][0]):  # the stale "not on this camera" entry can go
            self._fill_combo()
        self._fill_table(row)
        self.validate()

    def add_step(self) -> None:
        if not self.presets or len(self._steps) >= MAX_STEPS:
            return
        row = self.current_step()
        tokens = [token for token, _ in self.presets]
        if row >= 0 and self._steps[row][0] in tokens:
            token = tokens[(tokens.index(self._steps[row][0]) + 1) % len(tokens)]  # the next preset
            dwell = self._steps[row][1]
        else:
            token, dwell = tokens[0], DEFAULT_DWELL
        self._steps.insert(row + 1, [token, dwell])
        self._fill_table(row + 1)
        self.validate()

    def remove_step(self) -> None:
        row = self.current_step()
        if row < 0:
            return
        del self._steps[row]
        self._fill_table(min(row, len(self._steps) - 1))
        self.validate()

    def move_step(self, delta: int) -> None:
        row = self.current_step()
        target = row + delta
        if row < 0 or not 0 <= target < len(self._steps):
            return
        self._steps[row], self._steps[target] = self._steps[target], self._steps[row]
        self._fill_table(target)
        self.validate()

    def steps(self) -> list[tuple[str, int]]:
        return [(str(reference), int(dwell)) for reference, dwell in self._steps]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.steps_table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, mods = event.key(), event.modifiers()
            moving = mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if key == Qt.Key.Key_Insert:
                self.add_step()
                return True
            if key == Qt.Key.Key_Delete:
                self.remove_step()
                return True
            if moving and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_step(-1 if key == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(watched, event)

    # -- schedule ------------------------------------------------------------------------------------
    def add_window(self, window: PatrolWindow | None = None) -> WindowRow | None:
        if len(self.windows) >= MAX_WINDOWS:
            return None
        row = WindowRow(window, self.windows_widget)
        row.changed.connect(self.validate)
        row.remove_requested.connect(self.remove_window)
        self.windows.append(row)
        self.windows_layout.insertWidget(self.windows_layout.count() - 1, row)
        self.add_window_button.setEnabled(len(self.windows) < MAX_WINDOWS)
        if window is None:  # added by hand: type its times
            row.start_edit.setFocus()
            row.start_edit.selectAll()
        self.validate()
        return row

    def remove_window(self, row: QWidget) -> None:
        if not isinstance(row, WindowRow) or row not in self.windows:
            return
        self.windows.remove(row)
        self.windows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.add_window_button.setEnabled(True)
        self.add_window_button.setFocus()
        self.validate()

    # -- validation ---------------------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        return {
            "steps": [{"preset": reference, "dwell_s": dwell} for reference, dwell in self._steps],
            "schedule": [row.data() for row in self.windows],
            "resume_after_s": self.resume_spin.value(),
        }

    def problems(self) -> dict[str, list[str]]:
        """Problems by where they are shown: ``steps``, ``window<i>``, ``schedule``, ``resume``."""
        out: dict[str, list[str]] = {}
        try:
            Patrol.model_validate(self.data())
        except ValidationError as exc:
            for problem in patrol_problems(exc):
                where, text = self._words(problem.loc, problem.type, problem.message)
                out.setdefault(where, []).append(text)
        if self.presets:
            for number, (reference, _dwell) in enumerate(self._steps, 1):
                if not self._known(reference):
                    out.setdefault("steps", []).append(
                        self.tr(
                            "Step {0}: this camera has no preset “{1}”; choose one of its presets."
                        ).format(number, reference)
                    )
        return out

    def _words(self, loc: tuple[str | int, ...], kind: str, message: str) -> tuple[str, str]:
        """Where a model problem is shown, and what it says in the interface's language."""
        head = loc[0] if loc else ""
        if head == "steps":
            if len(loc) == 1:
                if kind == "too_short":
                    return "steps", self.tr("Add at least one step.")
                return "steps", self.tr("At most {0} steps.").format(MAX_STEPS)
            number = int(loc[1]) + 1 if isinstance(loc[1], int) else 0
            if len(loc) > 2 and loc[2] == "dwell_s":
                return "steps", self.tr("Step {0}: the dwell must be {1} to {2} seconds.").format(
                    number, MIN_DWELL, MAX_DWELL
                )
            return "steps", self.tr("Step {0}: choose a preset.").format(number)
        if head == "schedule":
            if len(loc) < 2 or not isinstance(loc[1], int):
                return "schedule", self.tr("At most {0} time windows.").format(MAX_WINDOWS)
            where = f"window{loc[1]}"
            field = loc[2] if len(loc) > 2 else ""
            if field == "days":
                return where, self.tr("Tick at least one day.")
            if field == "start":
                return where, self.tr("Start: write the time as HH:MM, from 00:00 to 23:59 (e.g. 08:30).")
            if field == "end" and message.startswith("window ends when it starts"):
                return where, self.tr("The window ends when it starts; for a whole day write 00:00 to 24:00.")
            if field == "end":
                return where, self.tr("End: write the time as HH:MM, from 00:00 to 24:00 (e.g. 18:00).")
            return where, message
        if head == "resume_after_s":
            return "resume", self.tr("Resume after must be 0 to {0} seconds.").format(MAX_RESUME)
        return "schedule", message

    def validate(self) -> bool:
        """Show every problem next to its field; enable OK only without one. True when valid."""
        if not hasattr(self, "buttons"):
            return False  # still being built
        problems = self.problems()
        _show(self.steps_error, "\n".join(problems.get("steps", [])))
        for index, row in enumerate(self.windows):
            row.set_problem("\n".join(problems.get(f"window{index}", [])))
        _show(self.schedule_error, "\n".join(problems.get("schedule", [])))
        _show(self.resume_error, "\n".join(problems.get("resume", [])))
        if not self.presets:
            self.presets_note.setText(
                self.tr("This camera has no presets yet (or they could not be read): store presets first.")
            )
        self.presets_note.setVisible(not self.presets)
        valid = not problems
        self.ok_button().setEnabled(valid)
        return valid

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def edited_patrol(self) -> Patrol | None:
        """The patrol as edited, or None while it is invalid."""
        if self.problems():
            return None
        return Patrol.model_validate(self.data())

    # -- closing -------------------------------------------------------------------------------------
    def accept(self) -> None:
        patrol = self.edited_patrol()
        if patrol is None:
            self.validate()
            return
        self.patrol, self.deleted = patrol, False
        super().accept()

    def delete_patrol(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Delete patrol"),
            self.tr("Delete the patrol of “{0}”? The camera will no longer patrol by itself.").format(
                self.camera_name
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.patrol, self.deleted = None, True
        super().accept()
