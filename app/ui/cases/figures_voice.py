"""The dashboard's voice section (喊话劝离): how many street-vending alerts a loudspeaker's prompt
settled with no case (小事情不大循环), as a headline share, the totals behind it, a chart per hour
of the day and a table per zone.

The figures come with the rest of the period's (app.ui.cases.figures_job, off the GUI thread);
definitions are app.core.voice_figures'. A share shows "—" where there was no alert to judge.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import QBarSet
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core.voice_figures import VoiceFigures, VoiceGroup
from app.ui.cases import figures_charts as charts
from app.ui.cases.figures_words import DASH, rate_text

translate = QCoreApplication.translate
CameraName = Callable[[str], str]


def totals_words(f: VoiceFigures) -> str:
    a = f.all
    words = translate(
        "Figures",
        "{0} vending alerts · {1} prompts played, {2} reached a speaker · {3} with escalation · {4} resolved by prompt alone · {5} prompted, then a case",  # noqa: E501 (one literal: lupdate reads it)
    )
    return words.format(a.alerts, a.plays, a.reached, a.laddered, a.resolved, a.escalated)


def hour_words(g: VoiceGroup) -> str:
    """What the hour's bar says when hovered."""
    words = translate("Figures", "{0}:00–{1}:00: {2} vending alerts, {3} resolved by prompt ({4}), {5} cases")
    return words.format(g.key, f"{int(g.key) + 1:02d}", g.alerts, g.resolved, rate_text(g.share), g.escalated)


class VoiceSection(QFrame):
    """Share, totals, the hours' chart and the zones' table."""

    COLUMNS = 6

    def __init__(self, camera_name: CameraName = str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceSection")
        self._camera_name = camera_name
        self.figures: VoiceFigures | None = None
        self.title = QLabel()
        self.title.setStyleSheet("color: #aab2c0; font-size: 14px;")
        self.share = QLabel(DASH)
        self.share.setStyleSheet("color: #5cc88a; font-size: 34px; font-weight: bold;")
        self.share_note = QLabel()
        self.share_note.setStyleSheet("color: #aab2c0; font-size: 13px;")
        self.share_note.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setStyleSheet("color: #dce0e8; font-size: 13px;")
        self.totals.setWordWrap(True)
        head = QFrame()
        head.setObjectName("voiceHead")
        head.setStyleSheet(
            "#voiceHead { background: #1a1e26; border: 1px solid #343a46; border-radius: 6px; }"
        )
        head_layout = QVBoxLayout(head)
        head_layout.setContentsMargins(12, 8, 12, 8)
        head_layout.setSpacing(4)
        for label in (self.title, self.share, self.share_note, self.totals):
            head_layout.addWidget(label)
        head_layout.addStretch(1)
        head.setMinimumWidth(260)
        head.setMaximumWidth(360)
        self.hour_chart = charts.new_view()
        self.hour_sets: list[QBarSet] = []
        self.zones = QTableWidget(0, self.COLUMNS)
        self.zones.verticalHeader().hide()
        self.zones.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.zones.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.zones.setAlternatingRowColors(True)
        self.zones.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.COLUMNS):
            self.zones.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.zones.setMinimumWidth(380)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(head)
        layout.addWidget(self.hour_chart, 3)
        layout.addWidget(self.zones, 2)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(translate("Figures", "Resolved by voice prompt alone (street vending)"))
        self.zones.setHorizontalHeaderLabels([
            translate("Figures", "Zone"), translate("Figures", "Alerts"), translate("Figures", "Prompted"),
            translate("Figures", "Resolved"), translate("Figures", "Share"),
            translate("Figures", "Then a case"),
        ])  # fmt: skip
        for column, tip in (
            (4, translate("Figures", "Resolved by prompt alone, of the zone's vending alerts")),
            (5, translate("Figures", "Prompted, and a case was made all the same")),
        ):
            header = self.zones.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(tip)

    def show_figures(self, figures: VoiceFigures | None, error: str = "") -> None:
        self.figures = figures
        self.hour_sets = charts.voice_hours(self.hour_chart.chart(), figures, error)
        for bar in self.hour_sets:
            bar.hovered.connect(self._hovered)
        self.zones.setRowCount(0)
        if figures is None:
            self.share.setText(DASH)
            self.share_note.setText(error)
            self.totals.setText("")
            return
        a = figures.all
        self.share.setText(rate_text(a.share))
        if a.share is None:
            self.share_note.setText(
                translate("Figures", "No vending alert in this period: nothing to judge.")
            )
        else:
            self.share_note.setText(
                translate("Figures", "{0} of {1} vending alerts; {2} of the prompted ones").format(
                    a.resolved, a.alerts, rate_text(a.share_of_prompted)
                )
            )
        self.totals.setText(totals_words(figures))
        zones = figures.zones_ranked()
        self.zones.setRowCount(len(zones))
        for row, g in enumerate(zones):
            camera = self._camera_name(g.camera_id) or g.camera_id
            cells = (
                translate("Figures", "{0} ({1})").format(g.name, camera), str(g.alerts), str(g.prompted),
                str(g.resolved), rate_text(g.share), str(g.escalated),
            )  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(
                    translate(
                        "Figures", "{0}: {1} prompts, {2} reached a speaker; {3} of the prompted"
                    ).format(g.key, g.plays, g.reached, rate_text(g.share_of_prompted))
                )
                self.zones.setItem(row, column, item)

    def _hovered(self, status: bool, index: int) -> None:
        if not status or self.figures is None or not 0 <= index < 24:
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos() + QPoint(12, 12), hour_words(self.figures.by_hour[index]))
