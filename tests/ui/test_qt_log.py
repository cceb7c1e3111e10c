"""Qt's messages reach the log; its harmless platform chatter only at DEBUG."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from app.ui.qt_log import qt_message


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("This plugin does not support propagateSizeHints()", logging.DEBUG),
        ("QFont::setPointSize: Point size <= 0 (0), must be greater than 0", logging.DEBUG),
        ("QPainter::begin: Paint device returned engine == 0, type: 2", logging.WARNING),
    ],
)
def test_noise_is_debug_and_real_warnings_stay(
    text: str, level: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="qt"):
        qt_message(QtMsgType.QtWarningMsg, QMessageLogContext(), text)
    (record,) = caplog.records
    assert record.levelno == level and record.getMessage() == text
