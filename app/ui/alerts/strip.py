"""The line under the alert list that asks for what a command still needs: a reason's digit, the
minutes of a mute, a name, a text. Never a modal dialog: the wall keeps running and the next key
answers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QWidget

from app.core.alerts import DismissReason
from app.ui.alerts.keys import SNOOZE_MINUTES
from app.ui.alerts.words import REASON_DIGITS, reason_words

translate = QCoreApplication.translate


class CommandStrip(QFrame):
    """``ask_*`` shows a question; the answer comes back as ``answered(kind, value)``; Esc cancels."""

    answered = Signal(str, object)  # "reason" DismissReason | "other" str | "minutes" float | "assign" str
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageStrip")
        self.setStyleSheet(
            "#triageStrip{background:rgb(32,44,66);border:1px solid rgb(70,100,150);border-radius:4px;}"
            "#triageStrip QLabel{color:rgb(236,240,248);}"
        )
        self.mode = ""
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.entry = QComboBox(self)
        self.entry.setEditable(True)
        self.entry.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.entry.setMinimumContentsLength(16)
        self.entry.hide()
        self.entry.installEventFilter(self)
        line = self.entry.lineEdit()
        assert line is not None
        line.installEventFilter(self)
        line.returnPressed.connect(self._submit_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.prompt, 1)
        layout.addWidget(self.entry)
        self.hide()

    # --- questions ------------------------------------------------------------------------------
    def ask_reason(self) -> None:
        choices = "  ".join(f"{n} {reason_words(r)}" for n, r in enumerate(REASON_DIGITS, 1))
        self._ask("reason", translate("Triage", "Dismiss as false, why? {0}  (Esc: cancel)").format(choices))

    def ask_minutes(self) -> None:
        choices = "  ".join(
            translate("Triage", "{0} {1} min").format(n, int(m)) for n, m in SNOOZE_MINUTES.items() if m
        )
        self._ask(
            "minutes",
            translate("Triage", "Mute for how long? {0}  0 unmute  (Esc: cancel)").format(choices),
        )

    def ask_text(self, mode: str, prompt: str, suggestions: list[str] | None = None) -> None:
        self._ask(mode, prompt)
        self.entry.clear()
        self.entry.addItems(suggestions or [])
        self.entry.setCurrentIndex(-1)
        self.entry.setEditText("")
        self.entry.show()
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask(self, mode: str, prompt: str) -> None:
        self.mode = mode
        self.prompt.setText(prompt)
        self.entry.hide()
        self.show()

    def close_question(self) -> None:
        self.mode = ""
        self.entry.hide()
        self.hide()

    # --- answers --------------------------------------------------------------------------------
    def key(self, event: QKeyEvent) -> bool:
        """A key pressed in the list while a digit is asked for: True when it was the answer."""
        if self.mode not in ("reason", "minutes"):
            return False
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        text = event.text()
        if not text.isdigit():
            return True  # swallowed: a stray letter must not start another command meanwhile
        digit = int(text)
        if self.mode == "reason" and 1 <= digit <= len(REASON_DIGITS):
            reason = REASON_DIGITS[digit - 1]
            if reason is DismissReason.OTHER:
                self.ask_text("other", translate("Triage", "Dismiss as false: say why, then Enter"))
            else:
                self._answer("reason", reason)
        elif self.mode == "minutes" and digit in SNOOZE_MINUTES:
            self._answer("minutes", SNOOZE_MINUTES[digit])
        return True

    def cancel(self) -> None:
        self.close_question()
        self.cancelled.emit()

    def _answer(self, mode: str, value: object) -> None:
        self.close_question()
        self.answered.emit(mode, value)

    def _submit_text(self) -> None:
        text = self.entry.currentText().strip()
        if text:
            self._answer(self.mode, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.cancel()
            return True
        return super().eventFilter(watched, event)
