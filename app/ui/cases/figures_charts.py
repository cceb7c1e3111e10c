"""The dashboard's charts (Qt Charts), drawn for the dark control-room theme.

A rate is drawn only where something was due: a department with no case due is left out of the
rates chart (and the chart says so), never drawn as 0 %.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication

from app.core.case_figures import AlertFigures, Group
from app.core.voice_figures import VoiceFigures
from app.ui.cases.figures_words import rate_text, rule_words, source_words

translate = QCoreApplication.translate

BACKGROUND = QColor(26, 30, 38)
TEXT = QColor(220, 224, 232)
MUTED = QColor(150, 158, 172)
GRIDLINE = QColor(52, 58, 70)
BLUE, GREEN, ORANGE = QColor(76, 155, 232), QColor(92, 200, 138), QColor(232, 104, 76)
AMBER, GREY = QColor(224, 184, 76), QColor(125, 134, 153)
PIE = (BLUE, GREEN, AMBER, ORANGE, QColor(170, 130, 220), GREY)


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def new_view() -> QChartView:
    chart = QChart()
    chart.setBackgroundBrush(BACKGROUND)
    chart.setBackgroundRoundness(4)
    chart.setTitleBrush(TEXT)
    chart.setTitleFont(_font(14, bold=True))
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setLabelColor(TEXT)
    chart.legend().setFont(_font(12))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(280, 220)
    view.setStyleSheet("background: transparent")
    return view


def _reset(chart: QChart, title: str) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    chart.setTitle(title)


def _axis_style(axis: QBarCategoryAxis | QValueAxis) -> None:
    axis.setLabelsBrush(TEXT)
    axis.setLabelsFont(_font(12))
    axis.setGridLineColor(GRIDLINE)
    axis.setLinePenColor(GRIDLINE)


def _set(name: str, colour: QColor, values: Sequence[float]) -> QBarSet:
    bar = QBarSet(name)
    bar.setColor(colour)
    bar.setBorderColor(colour)
    bar.setLabelColor(TEXT)
    bar.setLabelFont(_font(11))
    bar.append(list(values))
    return bar


def _short(text: str, length: int = 12) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _value_axis(chart: QChart, top: float, horizontal: bool, percent: bool = False) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setLabelFormat("%d%%" if percent else "%d")
    axis.setTickCount(6 if percent else 5)
    _axis_style(axis)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    return axis


def _nice_top(largest: float) -> float:
    """A round axis end above ``largest`` (ticks of whole numbers)."""
    for step in (4, 8, 20, 40, 80, 200, 400, 800, 2000, 4000, 8000, 20000, 40000):
        if largest <= step:
            return float(step)
    return float(largest * 1.1)


def departments(chart: QChart, groups: Sequence[Group], name_of: Callable[[str | None], str]) -> None:
    """结案率 and 按期结案率 per department (best first), the cases due under each name."""
    title = translate("Figures", "Departments: closure and on-time rates")
    _reset(chart, title)
    shown = [g for g in groups if g.due][:10]
    left_out = len(groups) - len(shown)
    if left_out:
        chart.setTitle(title + translate("Figures", " (left out: {0} with no case due)").format(left_out))
    if not shown:
        chart.setTitle(title + translate("Figures", ": no case was due"))
        return
    series = QBarSeries()
    series.append(
        _set(
            translate("Figures", "Closure rate"), BLUE, [round((g.closure_rate or 0) * 100, 1) for g in shown]
        )
    )
    series.append(
        _set(
            translate("Figures", "On-time rate"),
            GREEN,
            [round((g.on_time_rate or 0) * 100, 1) for g in shown],
        )
    )
    series.setLabelsVisible(len(shown) <= 6)
    series.setLabelsFormat("@value%")
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    labels.append([
        _short(name_of(g.key), 12) + "<br>" + translate("Figures", "{0} due").format(g.due) for g in shown
    ])  # fmt: skip
    _axis_style(labels)
    labels.setLabelsFont(_font(11))
    chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(labels)
    series.attachAxis(_value_axis(chart, 100, horizontal=False, percent=True))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)


def counts(
    chart: QChart, title: str, groups: Sequence[Group], label_of: Callable[[str | None], str], top: int
) -> None:
    """New cases per key (categories, grids), most first, the first ``top``."""
    _reset(chart, title)
    shown = sorted((g for g in groups if g.created), key=lambda g: (-g.created, g.key or ""))[:top]
    if not shown:
        chart.setTitle(title + translate("Figures", ": no new case"))
        return
    shown.reverse()  # a horizontal bar chart draws its first category at the bottom
    series = QHorizontalBarSeries()
    series.append(_set(translate("Figures", "New cases"), BLUE, [g.created for g in shown]))
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    labels.append([_short(label_of(g.key), 16) for g in shown])
    _axis_style(labels)
    labels.setGridLineVisible(False)
    chart.addAxis(labels, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(labels)
    series.attachAxis(_value_axis(chart, _nice_top(max(g.created for g in shown) * 1.15), horizontal=True))
    chart.legend().setVisible(False)


def sources(chart: QChart, groups: Sequence[Group]) -> None:
    title = translate("Figures", "New cases by source")
    _reset(chart, title)
    shown = sorted((g for g in groups if g.created), key=lambda g: -g.created)
    if not shown:
        chart.setTitle(title + translate("Figures", ": no new case"))
        return
    total = sum(g.created for g in shown)
    pie = QPieSeries()
    pie.setPieSize(0.62)
    for n, g in enumerate(shown):
        part = pie.append(f"{source_words(g.key)} {g.created}（{g.created / total * 100:.0f}%）", g.created)
        part.setColor(PIE[n % len(PIE)])
        part.setBorderColor(BACKGROUND)
        part.setLabelColor(TEXT)
        part.setLabelFont(_font(12))
        part.setLabelVisible(True)
    chart.addSeries(pie)
    chart.legend().setVisible(False)


def alerts(chart: QChart, figures: AlertFigures | None, error: str = "") -> None:
    """Alerts per rule, stacked by what the operator found; the 误报率 under each rule's name."""
    title = translate("Figures", "Alerts by rule: false-alarm share")
    _reset(chart, title)
    if error:
        chart.setTitle(title + translate("Figures", ": cannot be read ({0})").format(_short(error, 40)))
        return
    if figures is None or not figures.by_rule:
        chart.setTitle(title + translate("Figures", ": no alert"))
        return
    rules = sorted(figures.by_rule.items(), key=lambda item: -item[1].raised)
    series = QHorizontalStackedBarSeries()
    for name, colour, values in (
        (translate("Figures", "Confirmed"), GREEN, [g.confirmed for _, g in rules]),
        (translate("Figures", "False alarms"), ORANGE, [g.false_alarms for _, g in rules]),
        (translate("Figures", "Permitted"), AMBER, [g.permitted for _, g in rules]),
        (translate("Figures", "Not judged"), GREY, [g.unjudged for _, g in rules]),
    ):
        series.append(_set(name, colour, values))
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    share = translate("Figures", "false-alarm share {0}")
    labels.append(
        [rule_words(rule) + "<br>" + share.format(rate_text(g.false_alarm_share)) for rule, g in rules]
    )
    _axis_style(labels)
    labels.setGridLineVisible(False)
    chart.addAxis(labels, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(labels)
    series.attachAxis(_value_axis(chart, _nice_top(max(g.raised for _, g in rules)), horizontal=True))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)


def voice_hours(chart: QChart, figures: VoiceFigures | None, error: str = "") -> list[QBarSet]:
    """Vending alerts per hour of the day, stacked by how they ended: resolved by prompt alone,
    prompted and then a case, the rest (no prompt, or a prompt that did not settle it). Returns
    the bar sets (their hover tells the hour's share)."""
    title = translate("Figures", "Vending alerts by hour: resolved by prompt alone")
    _reset(chart, title)
    if error:
        chart.setTitle(title + translate("Figures", ": cannot be read ({0})").format(_short(error, 40)))
        return []
    if figures is None or not figures.all.alerts:
        chart.setTitle(title + translate("Figures", ": no vending alert"))
        return []
    hours = figures.by_hour
    series = QStackedBarSeries()
    sets = [
        _set(translate("Figures", "Resolved by prompt"), GREEN, [g.resolved for g in hours]),
        _set(translate("Figures", "Prompted, then a case"), ORANGE, [g.escalated for g in hours]),
        _set(translate("Figures", "Other"), GREY, [g.alerts - g.resolved - g.escalated for g in hours]),
    ]
    for bar in sets:
        series.append(bar)
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    labels.append([str(h) for h in range(24)])
    _axis_style(labels)
    labels.setLabelsFont(_font(10))
    labels.setGridLineVisible(False)
    chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(labels)
    series.attachAxis(_value_axis(chart, _nice_top(max(g.alerts for g in hours)), horizontal=False))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return sets
