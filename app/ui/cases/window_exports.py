"""The case window's exports: the printable report of the shown case (Ctrl+P), the case files of
the list's current filter (JSON + evidence, for platforms without an API), and the figures window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton

from app.ui.cases.export_actions import ExportActions
from app.ui.cases.window import CaseWindow

translate = QCoreApplication.translate
MOST_CASES = 100_000  # a filter's cases exported at once (a year of a busy centre is 200,000)


class CaseWindowExports(QObject):
    def __init__(
        self, window: CaseWindow, exports: ExportActions, show_figures: Callable[[], object]
    ) -> None:
        super().__init__(window)
        self._window, self.exports = window, exports
        self.report = QPushButton(window)
        self.report.setShortcut(QKeySequence("Ctrl+P"))
        self.report.clicked.connect(self.print_report)
        self.files = QPushButton(window)
        self.files.clicked.connect(self.export_files)
        self.figures = QPushButton(window)
        self.figures.setShortcut(QKeySequence("Ctrl+Shift+J"))
        self.figures.clicked.connect(lambda: show_figures())
        for button in (self.report, self.files, self.figures):
            window.commands.extra.addWidget(button)
        window.installEventFilter(self)
        self.retranslate()

    def print_report(self) -> bool:
        case = self._window.current_case()
        if case is None:
            self._window.statusBar().showMessage(translate("Cases", "Choose a case first"), 5000)
            return False
        return self.exports.export_case_report(case)

    def export_files(self) -> bool:
        window = self._window
        query = replace(window.current_query(), offset=0, limit=MOST_CASES)
        return self.exports.export_case_files(lambda: window.service.search(query))

    def retranslate(self) -> None:
        self.report.setText(translate("Cases", "Print report (PDF)"))
        self.report.setShortcut(QKeySequence("Ctrl+P"))  # setText may replace a button's shortcut
        self.files.setText(translate("Cases", "Export case files…"))
        self.figures.setText(translate("Cases", "Figures"))
        self.figures.setShortcut(QKeySequence("Ctrl+Shift+J"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False
