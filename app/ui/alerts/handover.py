"""The shift hand-over dialog: the summary from the shift's start until now, on screen and exported.

Gathering the alerts (a store search over the shift) runs on a pool worker with a busy bar; the
figures and the list of what is still open show when it is done; CSV and printable HTML exports
are written atomically (a full disk leaves no half file, and says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QObject, QRunnable, QSettings, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import Alert, DismissReason, Rule
from app.services.shift_summary import ShiftSummary, summarize, to_csv, to_html
from app.ui.alerts.history import qt_zone
from app.ui.alerts.model import AlertTableModel
from app.ui.alerts.table import AlertTableView
from app.ui.alerts.words import reason_words, rule_words
from camera_config.files import write_atomic

translate = QCoreApplication.translate
Fetch = Callable[[float, float], Iterable[Alert]]  # the alerts of [start, end], and those still open
START_KEY = "triage/shift_start"
SHIFT_S = 8 * 3600.0


class _Signals(QObject):
    done = Signal(int, object, str)  # run number, ShiftSummary | None, error


class _Summarize(QRunnable):
    def __init__(self, number: int, fetch: Fetch, start: float, end: float, signals: _Signals) -> None:
        super().__init__()
        self._number, self._fetch, self._start, self._end, self._signals = number, fetch, start, end, signals

    def run(self) -> None:
        try:
            summary = summarize(self._fetch(self._start, self._end), self._start, self._end)
        except Exception as exc:  # the store is gone: said in the dialog
            self._signals.done.emit(self._number, None, str(exc) or type(exc).__name__)
            return
        self._signals.done.emit(self._number, summary, "")


class HandoverDialog(QDialog):
    ready = Signal(bool)  # the summary is shown (False: gathering failed)

    def __init__(
        self,
        fetch: Fetch,
        camera_name: Callable[[str], str],
        now: Callable[[], float],
        tz: tzinfo | None,
        site: str,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverDialog")
        self._fetch, self._camera_name, self._now, self._tz, self._site = fetch, camera_name, now, tz, site
        self._settings = settings
        self.summary: ShiftSummary | None = None
        self._number = 0
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.start = QDateTimeEdit(self)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.start.setTimeZone(qt_zone(tz, now()))
        remembered = settings.value(START_KEY) if settings is not None else None
        start = float(str(remembered)) if remembered is not None else now() - SHIFT_S
        self.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(start), self.start.timeZone()))
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.gather)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: a search's length is not known beforehand
        self.progress.hide()
        self.status = QLabel(self)
        self.figures = QTableWidget(self)
        self.figures.setColumnCount(2)
        self.figures.verticalHeader().hide()
        self.figures.horizontalHeader().setStretchLastSection(True)
        self.figures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.open_model = AlertTableModel(camera_name, now, tz, None, self)
        self.open_table = AlertTableView(self.open_model, self)
        self.open_table.setSortingEnabled(False)
        self.open_table.verticalHeader().setDefaultSectionSize(40)
        self.open_table.hideColumn(0)
        self.open_label = QLabel(self)
        self.csv_button, self.html_button, self.close_button = (
            QPushButton(self),
            QPushButton(self),
            QPushButton(self),
        )
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.html_button.clicked.connect(lambda: self._export("html"))
        self.close_button.clicked.connect(self.accept)
        self._start_label = QLabel(self)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addWidget(self.refresh_button)
        row.addWidget(self.progress, 1)
        row.addStretch(1)
        form.addRow(self._start_label, row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.csv_button, self.html_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        body = QHBoxLayout()
        body.addWidget(self.figures, 2)
        right = QVBoxLayout()
        right.addWidget(self.open_label)
        right.addWidget(self.open_table, 1)
        body.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self.resize(1200, 620)
        self.gather()

    def retranslate(self) -> None:
        self.setWindowTitle(translate("Triage", "Shift hand-over"))
        self._start_label.setText(translate("Triage", "Shift started at"))
        self.refresh_button.setText(translate("Triage", "Summarize"))
        self.csv_button.setText(translate("Triage", "Export CSV…"))
        self.html_button.setText(translate("Triage", "Export for printing (HTML)…"))
        self.close_button.setText(translate("Triage", "Close"))
        self.figures.setHorizontalHeaderLabels([translate("Triage", "Item"), translate("Triage", "Count")])
        self.open_label.setText(translate("Triage", "Alerts still open (the next shift takes them over)"))
        if self.summary is not None:
            self._show(self.summary)

    # --- gathering ------------------------------------------------------------------------------
    def gather(self) -> None:
        start, end = float(self.start.dateTime().toSecsSinceEpoch()), self._now()
        if self._settings is not None:
            self._settings.setValue(START_KEY, start)
        self._number += 1
        self.progress.show()
        self.refresh_button.setEnabled(False)
        self.csv_button.setEnabled(False)
        self.html_button.setEnabled(False)
        self.status.setText(translate("Triage", "Gathering the shift's alerts…"))
        QThreadPool.globalInstance().start(_Summarize(self._number, self._fetch, start, end, self._signals))

    def _done(self, number: int, summary: object, error: str) -> None:
        if number != self._number:
            return
        self.progress.hide()
        self.refresh_button.setEnabled(True)
        if not isinstance(summary, ShiftSummary):
            self.status.setText(translate("Triage", "The shift's alerts cannot be read: {0}").format(error))
            self.ready.emit(False)
            return
        self.summary = summary
        self._show(summary)
        self.csv_button.setEnabled(True)
        self.html_button.setEnabled(True)
        self.status.setText("")
        self.ready.emit(True)

    def _show(self, summary: ShiftSummary) -> None:
        rows = self.figure_rows(summary)
        self.figures.setRowCount(len(rows))
        for row, (label, value) in enumerate(rows):
            self.figures.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(str(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.figures.setItem(row, 1, item)
        self.figures.resizeColumnToContents(0)
        self.open_model.set_alerts(summary.open_alerts)

    def column_texts(self, column: int) -> list[str]:
        """The figures as shown (one column), for tests and accessibility."""
        items = (self.figures.item(row, column) for row in range(self.figures.rowCount()))
        return [item.text().strip() if item is not None else "" for item in items]

    @staticmethod
    def figure_rows(summary: ShiftSummary) -> list[tuple[str, int]]:
        rows = [
            (translate("Triage", "New alerts"), summary.raised),
            (translate("Triage", "Confirmed violations"), summary.confirmed),
            (translate("Triage", "Dismissed as false"), summary.dismissed),
        ]
        rows += [("    " + reason_words(r), summary.dismissed_by_reason.get(r, 0)) for r in DismissReason]
        rows += [
            (translate("Triage", "Target gone (cleared by itself)"), summary.cleared),
            ("    " + translate("Triage", "of these, gone after a voice prompt"), summary.resolved_by_prompt),
            (translate("Triage", "Voice prompts played"), summary.prompts),
            ("    " + translate("Triage", "of these, reached a loudspeaker"), summary.prompts_reached),
            (translate("Triage", "Still open"), summary.still_open),
            (translate("Triage", "Still not taken"), summary.not_taken),
        ]
        per_rule = translate("Triage", "New alerts: {0}")
        rows += [(per_rule.format(rule_words(r)), summary.raised_by_rule.get(r, 0)) for r in Rule]
        return rows

    # --- exports --------------------------------------------------------------------------------
    def export(self, path: Path) -> bool:
        """Write the summary as CSV or HTML (by the suffix); False (and why, in the dialog) when refused."""
        if self.summary is None:
            return False
        render = to_html if path.suffix.lower() in (".html", ".htm") else to_csv
        try:
            write_atomic(path, render(self.summary, self._camera_name, self._tz, self._site).encode("utf-8"))
        except OSError as exc:
            self.status.setText(translate("Triage", "Not saved: {0}: {1}").format(path, exc.strerror or exc))
            return False
        self.status.setText(translate("Triage", "Saved: {0}").format(path))
        return True

    def _export(self, kind: str) -> None:
        name = f"交接班小结-{self._site}.{kind}"
        pattern = (
            translate("Triage", "CSV (*.csv)") if kind == "csv" else translate("Triage", "Web page (*.html)")
        )
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), str(Path.home() / name), pattern)
        if path:
            self.export(Path(path))
