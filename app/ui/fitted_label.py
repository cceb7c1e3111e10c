"""A status line for a side panel: it wraps, and never asks the panel for more width than it has.

A plain QLabel asks for the width of its whole text: one long camera error ("HTTPConnectionPool(...
Max retries exceeded ...)") widened the PTZ dock until the wall was ~120 px wide, and the dock kept
that width after the camera recovered. This label takes the width it is given, wraps at words,
shows at most ``max_chars`` (an ellipsis after) and keeps the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MAX_CHARS = 160  # about four lines in a 260-px panel: the rest is in the tooltip


class FittedLabel(QLabel):
    def __init__(self, parent: QWidget | None = None, max_chars: int = MAX_CHARS) -> None:
        super().__init__(parent)
        self._max_chars = max_chars
        self._full = ""
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # as tall as its wrapped lines at the width it gets
        self.setSizePolicy(policy)

    def set_full_text(self, text: str) -> None:
        """Show ``text`` (cut to ``max_chars`` with an ellipsis); the tooltip has all of it."""
        self._full = text
        shown = text if len(text) <= self._max_chars else text[: self._max_chars - 1].rstrip() + "…"
        self.setText(shown)
        self.setToolTip(text)

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(0, super().minimumSizeHint().height())
