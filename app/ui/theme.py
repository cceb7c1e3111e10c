"""Dark theme for a darkened control room, and a font that renders Chinese."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

# Preferred CJK families: Windows, common Linux packages, macOS.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "PingFang SC",
)


def cjk_family() -> str | None:
    available = set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return next(iter(sorted(available)), None)


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: QColor(22, 25, 32),
        QPalette.ColorRole.WindowText: QColor(220, 224, 232),
        QPalette.ColorRole.Base: QColor(16, 18, 24),
        QPalette.ColorRole.AlternateBase: QColor(26, 30, 38),
        QPalette.ColorRole.Text: QColor(220, 224, 232),
        QPalette.ColorRole.Button: QColor(32, 36, 46),
        QPalette.ColorRole.ButtonText: QColor(220, 224, 232),
        QPalette.ColorRole.Highlight: QColor(40, 110, 190),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.ToolTipBase: QColor(32, 36, 46),
        QPalette.ColorRole.ToolTipText: QColor(220, 224, 232),
        QPalette.ColorRole.PlaceholderText: QColor(120, 126, 140),
    }
    for role, colour in colours.items():
        palette.setColor(role, colour)
    # Disabled controls must look disabled in a dark room too.
    muted = QColor(110, 116, 128)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(26, 29, 36))
    app.setPalette(palette)
    # Fusion draws check boxes in the Base colour: give them an edge that shows on the dark window.
    app.setStyleSheet(
        "QCheckBox::indicator, QRadioButton::indicator { border: 1px solid #6c7588; background: #10131a; "
        "width: 13px; height: 13px; }"
        "QCheckBox::indicator:checked { background: #286ebe; image: none; border-color: #8fb8e8; }"
        "QRadioButton::indicator { border-radius: 7px; }"
        "QRadioButton::indicator:checked { background: #286ebe; border-color: #8fb8e8; }"
        "QCheckBox::indicator:disabled, QRadioButton::indicator:disabled { border-color: #3a404c; }"
    )
    family = cjk_family()
    if family is None:
        log.warning(
            "no font with Simplified Chinese found: Chinese text will show as boxes "
            "(install fonts-wqy-microhei or fonts-noto-cjk)"
        )
    else:
        font = QFont(family)
        font.setPixelSize(13)
        app.setFont(font)
