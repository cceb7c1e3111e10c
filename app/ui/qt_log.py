"""Qt's own messages go to the log (logger ``qt``), its known harmless noise at DEBUG only.

Without this Qt prints straight to stderr: platform-plugin chatter ("This plugin does not support
propagateSizeHints()"), font-database notes and the like, mixed with real faults.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# Messages that say nothing about a fault of ours (seen on offscreen, xcb and Windows runs).
NOISE = re.compile(
    "|".join(
        (
            r"does not support propagateSizeHints",
            r"^QFont::",
            r"^Populating font family aliases",
            r"^qt\.qpa\.",
            r"^This plugin does not support",
            r"^QStandardPaths: XDG_RUNTIME_DIR",
            r"^QStandardPaths: runtime directory",
            r"^libpng warning",
            r"^Fontconfig",
            r"^QXcbConnection",
            r"^QWindowsWindow::setGeometry",
        )
    )
)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, logging.WARNING)
    if level < logging.ERROR and (NOISE.search(message) or (context.category or "").startswith("qt.qpa")):
        level = logging.DEBUG
    log.log(level, "%s", message)


def route_qt_messages() -> None:
    """Install once, before the application object is made (it may already print)."""
    qInstallMessageHandler(qt_message)
