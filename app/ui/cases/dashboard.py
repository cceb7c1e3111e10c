"""考核评价: the figures the centre is judged by, for this shift, today, a month or chosen days.

The headline figures stand large with their targets (结案率 ≥ 90 %, 按期结案率 ≥ 70 %, urgent cases
100 %), met or not said in words and colour; where nothing was due a rate shows "—" (nothing to
judge is not 0 %). Charts below: departments, categories, sources, grids, alerts per rule, and the
voice prompts (喊话劝离: street vending resolved by a prompt alone, per hour and per zone). The
figures are worked out off the GUI thread (app.ui.cases.figures_job), the busy state shown; a newer
request wins over an older one. Exports (XLSX, CSV, case files) take what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.case_catalogue import Catalogue, Routing
from app.core.case_figures import Group, Targets
from app.core.site_time import offset_label
from app.ui.cases import figures_charts as charts
from app.ui.cases.export_actions import ExportActions, names_of
from app.ui.cases.figures_job import AlertsSource, CasedSource, FactsSource, FiguresJobs, FiguresResult
from app.ui.cases.figures_period import PeriodChoice, Shifts, period_for
from app.ui.cases.figures_voice import VoiceSection
from app.ui.cases.figures_words import DASH, hours_text, rate_text

translate = QCoreApplication.translate

MET, NOT_MET, PLAIN = "#5cc88a", "#e8684c", "#dce0e8"


class Tile(QFrame):
    """One headline figure: its name, the value large, a line under it (target, counts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet("#tile { background: #1a1e26; border: 1px solid #343a46; border-radius: 6px; }")
        self.title, self.value, self.note = QLabel(), QLabel(DASH), QLabel()
        self.title.setStyleSheet("color: #aab2c0; font-size: 14px;")
        self.value.setStyleSheet(f"color: {PLAIN}; font-size: 34px; font-weight: bold;")
        self.note.setStyleSheet("color: #aab2c0; font-size: 13px;")
        self.note.setWordWrap(True)
        self.note.setMinimumHeight(2 * self.note.fontMetrics().height() + 6)  # the tiles line up
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.note):
            layout.addWidget(label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_value(self, value: str, note: str, colour: str = PLAIN, tip: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour}; font-size: 34px; font-weight: bold;")
        self.note.setText(note)
        self.setToolTip(tip)
        self.value.setToolTip(tip)


class FiguresDashboard(QWidget):
    """The 考核评价 tab. ``facts`` is CaseService.facts_in_period; ``alerts(period)`` the alerts
    raised in it (the false-alarm and voice figures); ``cased`` CaseService.cased_alerts (which of
    them became cases)."""

    computed = Signal(object)  # FiguresResult, when shown
    failed = Signal(str)

    def __init__(
        self,
        facts: FactsSource,
        now: Callable[[], float],
        tz: tzinfo,
        *,
        alerts: AlertsSource | None = None,
        exports: ExportActions | None = None,
        catalogue: Callable[[], Catalogue] | None = None,
        routing: Callable[[], Routing] | None = None,
        shifts: Shifts | None = None,
        targets: Targets | None = None,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
        cased: CasedSource | None = None,
        camera_name: Callable[[str], str] = str,
    ) -> None:
        super().__init__(parent)
        self._now, self._tz, self._camera_name = now, tz, camera_name
        self._shifts, self._targets = shifts or Shifts(), targets or Targets()
        self._catalogue, self._routing, self.exports = catalogue, routing, exports
        self._has_alerts = alerts is not None
        self.jobs = FiguresJobs(facts, alerts, pool, self, zone=tz, cased=cased)
        self.jobs.finished.connect(self._shown)
        self.result: FiguresResult | None = None
        self._build()
        self._retranslate()
        self._picked()

    # --- building ------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.choice = QComboBox()
        self.first_day, self.last_day = QDateEdit(), QDateEdit()
        today = datetime.fromtimestamp(self._now(), self._tz).date()
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(today.year, today.month, today.day))
            edit.dateChanged.connect(self._custom_changed)
        self.refresh_button, self.busy, self.status = QPushButton(), QProgressBar(), QLabel()
        self.busy.setRange(0, 0)  # moving: the figures are being worked out
        self.busy.setFixedWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status.setWordWrap(True)
        self.xlsx_button, self.csv_button, self.files_button = QPushButton(), QPushButton(), QPushButton()
        for button in (self.xlsx_button, self.csv_button, self.files_button):
            button.setEnabled(False)
        self.xlsx_button.clicked.connect(lambda: self._export("xlsx"))
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.files_button.clicked.connect(self._export_files)
        self.refresh_button.clicked.connect(self.refresh)
        self.choice.currentIndexChanged.connect(self._picked)
        self.period_label = QLabel()
        self.period_label.setStyleSheet("color: #aab2c0;")

        bar = QHBoxLayout()
        self.period_title = QLabel()
        self._dash_label = QLabel("—")
        for widget in (self.period_title, self.choice, self.first_day, self._dash_label, self.last_day):
            bar.addWidget(widget)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.busy)
        bar.addWidget(self.status, 1)
        for button in (self.xlsx_button, self.csv_button, self.files_button):
            bar.addWidget(button)
        if self.exports is None:
            for button in (self.xlsx_button, self.csv_button, self.files_button):
                button.hide()

        self.closure, self.on_time, self.urgent = Tile(), Tile(), Tile()
        self.rework, self.handling, self.counts = Tile(), Tile(), Tile()
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for tile in (self.closure, self.on_time, self.urgent, self.rework, self.handling, self.counts):
            tiles.addWidget(tile)

        self.department_chart, self.category_chart, self.source_chart = (
            charts.new_view(), charts.new_view(), charts.new_view(),
        )  # fmt: skip
        self.grid_chart, self.alert_chart = charts.new_view(), charts.new_view()
        grid = QGridLayout()
        grid.setSpacing(8)
        grid.addWidget(self.department_chart, 0, 0, 1, 2)
        grid.addWidget(self.category_chart, 0, 2)
        grid.addWidget(self.source_chart, 1, 0)
        grid.addWidget(self.grid_chart, 1, 1)
        grid.addWidget(self.alert_chart, 1, 2)
        if not self._has_alerts:
            self.alert_chart.hide()
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.voice = VoiceSection(self._camera_name)  # from the alerts: shown where they are read
        self.voice.setVisible(self._has_alerts)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.period_label)
        layout.addLayout(tiles)
        layout.addLayout(grid, 2)
        layout.addWidget(self.voice, 1)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            if self.result is not None:
                self._show(self.result)
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.period_title.setText(translate("Figures", "Period:"))
        current = self.choice.currentIndex()
        self.choice.blockSignals(True)
        self.choice.clear()
        for choice, text in (
            (PeriodChoice.SHIFT, translate("Figures", "This shift")),
            (PeriodChoice.TODAY, translate("Figures", "Today")),
            (PeriodChoice.MONTH, translate("Figures", "This month")),
            (PeriodChoice.PREVIOUS_MONTH, translate("Figures", "Previous month")),
            (PeriodChoice.CUSTOM, translate("Figures", "Chosen days")),
        ):
            self.choice.addItem(text, choice.value)
        self.choice.setCurrentIndex(max(current, 0))
        self.choice.blockSignals(False)
        self.refresh_button.setText(translate("Figures", "Refresh"))
        self.xlsx_button.setText(translate("Figures", "Export Excel"))
        self.csv_button.setText(translate("Figures", "Export CSV"))
        self.files_button.setText(translate("Figures", "Export case files…"))
        self.files_button.setToolTip(
            translate("Figures", "Each case made or judged in the period as JSON with its evidence files")
        )
        self.closure.title.setText(translate("Figures", "Closure rate"))
        self.on_time.title.setText(translate("Figures", "On-time closure rate"))
        self.urgent.title.setText(translate("Figures", "Urgent cases on time"))
        self.rework.title.setText(translate("Figures", "Rework rate"))
        self.handling.title.setText(translate("Figures", "Mean handling time (hours)"))
        self.counts.title.setText(translate("Figures", "Cases due"))
        self.voice.retranslate()

    # --- the period ----------------------------------------------------------------------------------
    def choice_now(self) -> PeriodChoice:
        return PeriodChoice(self.choice.currentData() or PeriodChoice.SHIFT.value)

    def set_period(self, choice: PeriodChoice, days: tuple[date, date] | None = None) -> None:
        if days is not None:
            for edit, day in zip((self.first_day, self.last_day), days, strict=True):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        index = self.choice.findData(choice.value)
        if index == self.choice.currentIndex():
            self.refresh()
        else:
            self.choice.setCurrentIndex(index)

    def _picked(self) -> None:
        custom = self.choice_now() is PeriodChoice.CUSTOM
        for widget in (self.first_day, self.last_day, self._dash_label):
            widget.setVisible(custom)
        self.refresh()

    def _custom_changed(self) -> None:
        if self.choice_now() is PeriodChoice.CUSTOM:
            self.refresh()

    def refresh(self) -> None:
        """Work the figures out again (the period's bounds are taken now: "this shift" moves on)."""
        days = (_day(self.first_day.date()), _day(self.last_day.date()))
        now = self._now()
        period = period_for(self.choice_now(), now, self._tz, self._shifts, days)
        self.jobs.start(period, now)
        self.busy.show()
        self.status.setStyleSheet("")
        self.status.setText(translate("Figures", "Working out the figures …"))
        for button in (self.xlsx_button, self.csv_button, self.files_button):
            button.setEnabled(False)

    # --- showing -------------------------------------------------------------------------------------
    def _shown(self, result: FiguresResult | None, error: str) -> None:
        self.busy.hide()
        if result is None:
            self.status.setStyleSheet(f"color: {NOT_MET};")
            self.status.setText(translate("Figures", "The figures cannot be worked out: {0}").format(error))
            self.failed.emit(error)
            return
        self.result = result
        self.status.setText("")
        self._show(result)
        for button in (self.xlsx_button, self.csv_button, self.files_button):
            button.setEnabled(self.exports is not None)
        self.computed.emit(result)

    def _show(self, result: FiguresResult) -> None:
        f, t = result.figures, self._targets
        p = result.period
        start, end = (datetime.fromtimestamp(at, self._tz) for at in (p.start, p.end))
        self.period_label.setText(
            translate("Figures", "{0} to {1} ({2}), worked out at {3}").format(
                f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}", offset_label(self._tz, p.start),
                f"{datetime.fromtimestamp(f.now, self._tz):%H:%M:%S}",
            )
        )  # fmt: skip
        a = f.all
        self._rate_tile(self.closure, a.closure_rate, t.closure, a.closed, a.due)
        self._rate_tile(self.on_time, a.on_time_rate, t.on_time, a.closed_on_time, a.due)
        self._urgent_tile(f.urgent, t)
        nothing = translate("Figures", "No case gave feedback in this period: nothing to judge (not 0%).")
        self.rework.show_value(
            rate_text(a.rework_rate),
            translate("Figures", "{0} of {1} with feedback returned").format(a.reworked, a.handled),
            tip=nothing if a.rework_rate is None else "",
        )
        self.handling.show_value(
            hours_text(a.mean_to_feedback),
            translate("Figures", "dispatch to feedback; to closure {0} h").format(
                hours_text(a.mean_to_close)
            ),
            tip=translate("Figures", "Wall-clock hours from dispatch, over the cases due in the period"),
        )
        self.counts.show_value(
            str(a.due),
            translate("Figures", "{0} closed · {1} not closed\n{2} new · {3} deferred (left out)").format(
                a.closed, a.open_due, a.created, a.deferred
            ),
        )
        names = names_of(
            self._catalogue() if self._catalogue else None, self._routing() if self._routing else None
        )

        def department(key: str | None) -> str:
            return names.departments.get(key or "", key or translate("Figures", "(not set)"))

        def category(key: str | None) -> str:
            name = names.categories.get(key or "")
            return f"{key} {name}" if name else (key or translate("Figures", "(not set)"))

        def grid(key: str | None) -> str:
            return key or translate("Figures", "(not set)")

        charts.departments(self.department_chart.chart(), f.departments_ranked(), department)
        charts.counts(
            self.category_chart.chart(), translate("Figures", "New cases by category"),
            list(f.by_category.values()), category, 8,
        )  # fmt: skip
        charts.sources(self.source_chart.chart(), list(f.by_source.values()))
        charts.counts(
            self.grid_chart.chart(), translate("Figures", "New cases by grid (top 10)"),
            list(f.by_grid.values()), grid, 10,
        )  # fmt: skip
        if self._has_alerts:
            charts.alerts(self.alert_chart.chart(), result.alerts, result.alerts_error)
            self.voice.show_figures(result.voice, result.alerts_error)

    def _rate_tile(self, tile: Tile, rate: float | None, target: float, part: int, due: int) -> None:
        goal = translate("Figures", "target ≥ {0}").format(rate_text(target).replace(".0%", "%"))
        if rate is None:
            tile.show_value(
                DASH, goal + translate("Figures", " · no case due"),
                tip=translate("Figures", "No case was due in this period: nothing to judge (not 0%)."),
            )  # fmt: skip
            return
        met = rate >= target
        verdict = translate("Figures", "met") if met else translate("Figures", "not met")
        tile.show_value(
            rate_text(rate),
            f"{goal} · {verdict} · {part}/{due}",
            MET if met else NOT_MET,
        )

    def _urgent_tile(self, urgent: Group, t: Targets) -> None:
        goal = translate("Figures", "target {0}").format(rate_text(t.urgent).replace(".0%", "%"))
        rate = urgent.on_time_rate
        if rate is None or urgent.closure_rate is None:
            self.urgent.show_value(
                DASH, goal + translate("Figures", " · no urgent case due"),
                tip=translate("Figures", "No urgent case was due in this period: nothing to judge (not 0%)."),
            )  # fmt: skip
            return
        met = urgent.closure_rate >= t.urgent and rate >= t.urgent
        verdict = translate("Figures", "met") if met else translate("Figures", "not met")
        self.urgent.show_value(
            rate_text(rate),
            f"{goal} · {verdict} · {urgent.closed_on_time}/{urgent.due}",
            MET if met else NOT_MET,
        )

    # --- exports -------------------------------------------------------------------------------------
    def _export(self, kind: str) -> None:
        if self.exports is not None and self.result is not None:
            self.exports.export_figures(self.result, kind)

    def _export_files(self) -> None:
        if self.exports is None or self.result is None:
            return
        ids = [c.id for c in self.result.cases]
        self.exports.export_case_files(self.exports.loader(ids))


def _day(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def chart_views(dashboard: FiguresDashboard) -> list[QChartView]:
    return [
        dashboard.department_chart, dashboard.category_chart, dashboard.source_chart,
        dashboard.grid_chart, dashboard.alert_chart, dashboard.voice.hour_chart,
    ]  # fmt: skip
