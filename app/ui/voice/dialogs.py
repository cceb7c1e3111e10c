"""The two small voice dialogs: which prompt and how many times (Shift+H), and the shift leader's
emergency broadcast, confirmed.

Both are keyboard-first: ↑/↓ pick the prompt, a digit 1–5 sets the times, Enter plays, Esc
cancels. The emergency dialog's default button is Cancel: Enter alone never broadcasts.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate
MOST_REPEATS = 5
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, MOST_REPEATS + 1)}


class PromptChooser(QDialog):
    """A prompt from the library and how many times it plays (1–5)."""

    def __init__(
        self,
        prompts: Sequence[tuple[str, str]],
        chosen: str,
        where: str,
        parent: QWidget | None = None,
        *,
        title: str = "",
        ok_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("promptChooser")
        self.setWindowTitle(title or translate("Voice", "Voice prompt"))
        self.where = QLabel(where, self)
        self.where.setWordWrap(True)
        self.list = QListWidget(self)
        for prompt_id, name in prompts:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, prompt_id)
            self.list.addItem(item)
            if prompt_id == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.installEventFilter(self)
        self.repeats = QSpinBox(self)
        self.repeats.setRange(1, MOST_REPEATS)
        self.repeats.setSuffix(translate("Voice", " time(s)"))
        form = QFormLayout()
        form.addRow(translate("Voice", "Times (1–5)"), self.repeats)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(
            ok_text or translate("Voice", "Play"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.hint = QLabel(
            translate("Voice", "↑/↓ picks the prompt, 1–5 the times, Enter plays, Esc cancels.")
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.ok.setEnabled(self.list.count() > 0)
        self.ok.setDefault(True)
        self.list.setFocus()
        self.resize(420, 360)

    @property
    def prompt_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @property
    def times(self) -> int:
        return self.repeats.value()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.list and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            times = DIGITS.get(Qt.Key(event.key()))
            if times is not None:
                self.repeats.setValue(times)
                return True
        return super().eventFilter(watched, event)


class EmergencyDialog(PromptChooser):
    """The shift leader confirms a broadcast to every speaker; Cancel is the default button."""

    def __init__(
        self, prompts: Sequence[tuple[str, str]], chosen: str, speakers: int, parent: QWidget | None = None
    ) -> None:
        warning = translate(
            "Voice",
            "An emergency broadcast plays on all {0} speakers of the site and interrupts every prompt "
            "and live talk playing there. Choose the prompt and confirm.",
        ).format(speakers)
        super().__init__(
            prompts, chosen, warning, parent, title=translate("Voice", "Emergency broadcast"),
            ok_text=translate("Voice", "Broadcast now"),
        )  # fmt: skip
        self.setObjectName("emergencyDialog")
        self.where.setStyleSheet("color: rgb(240, 170, 60); font-weight: bold;")
        self.hint.setText(translate("Voice", "↑/↓ picks the prompt, 1–5 the times; Enter alone cancels."))
        self.ok.setDefault(False)
        self.ok.setAutoDefault(False)
        cancel = self.cancel
        if isinstance(cancel, QPushButton):
            cancel.setDefault(True)
