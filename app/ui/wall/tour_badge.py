"""The tour's countdown, on the wall and in the status bar: "轮巡中 · 12 秒后翻页"."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

translate = QCoreApplication.translate
MARGIN = 10


def seconds_left(remaining_ms: int) -> int:
    """Whole seconds to the next step as a countdown shows them, never 0 (rounded: a coarse
    timer may report a few ms more than its interval just after it starts)."""
    return max(1, round(remaining_ms / 1000))


def tour_text(*, touring: bool, paused: bool, remaining_ms: int, mode: Literal["pages", "views"]) -> str:
    """What the operator reads about the tour ('' when there is none)."""
    if paused:
        return translate("Main", "tour paused")
    if not touring:
        return ""
    if remaining_ms < 0:  # the step waits (a focused tile holds the tour)
        return translate("Main", "touring")
    left = seconds_left(remaining_ms)
    if mode == "views":
        return translate("Main", "touring · next view in {0} s").format(left)
    return translate("Main", "touring · next page in {0} s").format(left)


class TourBadge(QLabel):
    """A small label in the wall's bottom-right corner while a tour runs or is paused."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("tourBadge")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "#tourBadge{background:rgba(12,16,24,215);color:rgb(236,240,248);font-size:15px;"
            "padding:4px 12px;border:1px solid rgb(90,150,220);border-radius:5px;}"
        )
        self.hide()

    def show_text(self, text: str) -> None:
        if not text:
            self.hide()
            return
        if text != self.text():
            self.setText(text)
            self.adjustSize()
        self.place()
        if self.isHidden():
            self.show()
            self.raise_()

    def place(self) -> None:
        host = self.parentWidget()
        if host is not None:
            self.move(host.width() - self.width() - MARGIN, host.height() - self.height() - MARGIN)
