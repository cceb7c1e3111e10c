"""Tile numbers typed as on a CCTV keyboard: digits, then Enter. The digits show on the wall as they
are typed ("前往画面：12_"); a pause longer than the timeout clears them (it never goes to a tile the
operator did not confirm), as does Esc."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QWidget

DEFAULT_TIMEOUT_S = 3.0  # a pause between two digits longer than this starts the number again
TIMEOUT_RANGE_S = (1.0, 10.0)
MAX_DIGITS = 4

translate = QCoreApplication.translate


def timeout_from_setting(raw: object) -> float | None:
    """The timeout a setting asks for (the default when unset); None when it is not usable."""
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(str(raw))
    except ValueError:
        return None
    low, high = TIMEOUT_RANGE_S
    return seconds if low <= seconds <= high else None


class NumberEntry(QObject):
    """The digits typed so far over ``host`` (a wall pane); ``entered`` gives the number at Enter."""

    entered = Signal(int)

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self.digits = ""
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.cancel)
        self.set_timeout(DEFAULT_TIMEOUT_S)
        self.label = QLabel(host)
        self.label.setObjectName("numberEntry")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setStyleSheet(
            "#numberEntry{background:rgba(20,60,110,225);color:white;padding:6px 18px;border-radius:6px;}"
        )
        self.label.hide()

    @property
    def timeout_s(self) -> float:
        return self._timer.interval() / 1000

    def set_timeout(self, seconds: float) -> None:
        self._timer.setInterval(round(seconds * 1000))

    @property
    def pending(self) -> bool:
        return bool(self.digits)

    def key(self, event: QKeyEvent) -> bool:
        """Handle a key pressed on the wall: True when it was part of a tile number."""
        text = event.text()
        if text.isdigit() and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            self.digits = (self.digits + text)[-MAX_DIGITS:]
            self._timer.start()  # the pause is measured from the last digit
            self._show()
            return True
        if not self.digits:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit()
        elif key == Qt.Key.Key_Backspace:
            self.digits = self.digits[:-1]
            self._timer.start()
            self._show()
        elif key == Qt.Key.Key_Escape:
            self.cancel()
        else:
            return False
        return True

    def commit(self) -> None:
        digits = self.digits
        self.cancel()
        if digits:
            self.entered.emit(int(digits))

    def cancel(self) -> None:
        self.digits = ""
        self._timer.stop()
        self.label.hide()

    def text(self) -> str:
        return translate("Wall", "Go to tile: {0}_").format(self.digits)

    def hint(self) -> str:
        return translate("Wall", "Enter: go · Esc: cancel")

    def place(self) -> None:
        if not self.digits:
            self.label.hide()
            return
        self.label.setText(
            f"<div style='font-size:28px;font-weight:bold'>{self.text()}</div>"
            f"<div style='font-size:13px;color:rgb(200,215,235)'>{self.hint()}</div>"
        )
        self.label.adjustSize()
        self.label.move((self._host.width() - self.label.width()) // 2, 12)

    def _show(self) -> None:
        self.place()
        if self.digits:
            self.label.show()
            self.label.raise_()
