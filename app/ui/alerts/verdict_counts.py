"""Verdict counts per rule and camera with the false-alarm share, read from the stored alerts.

The count runs on a worker of a thread pool (a month of a big site is tens of thousands of alerts,
and the store may be a database across the room); the result comes back by a queued signal. A
count started while another runs wins: the older result is dropped. The alert history shows the
counts of its search (period, cameras, rule): the shift leader sees which cameras cry wolf; the
zone editor shows its camera's line, next to the places dismissals suppressed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.alert_ports import AlertQuery
from app.core.alerts import Alert
from app.core.suppressions import VerdictCounts, VerdictKey, total, verdict_counts
from app.ui.alerts.words import rule_words

translate = QCoreApplication.translate

Search = Callable[[AlertQuery], Sequence[Alert]]  # the alert store's search
ALL_ALERTS = 1_000_000  # a count reads every alert of the query, not a page of them


class _Signals(QObject):
    done = Signal(int, object, str)  # request number, counts, error


class _Count(QRunnable):
    def __init__(self, number: int, search: Search, query: AlertQuery, signals: _Signals) -> None:
        super().__init__()
        self._number, self._search, self._query, self._signals = number, search, query, signals

    def run(self) -> None:
        try:
            counts = verdict_counts(self._search(self._query))
        except Exception as exc:  # the store is gone or refuses: said where the counts would be
            self._signals.done.emit(self._number, {}, str(exc) or type(exc).__name__)
            return
        self._signals.done.emit(self._number, counts, "")


class VerdictCounter(QObject):
    """Counts off the GUI thread; ``counted(counts, error)`` with the newest request's result."""

    counted = Signal(object, str)

    def __init__(
        self, search: Search, parent: QObject | None = None, pool: QThreadPool | None = None
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._pool = pool or QThreadPool.globalInstance()
        self._number = 0
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)

    def count(self, query: AlertQuery) -> None:
        """Count the verdicts of every alert ``query`` finds (its state and reason filters are
        ignored: a verdict count is over all of them)."""
        self._number += 1
        query = replace(query, states=None, reasons=None, limit=ALL_ALERTS)
        self._pool.start(_Count(self._number, self._search, query, self._signals))

    def _done(self, number: int, counts: object, error: str) -> None:
        if number == self._number:
            self.counted.emit(counts, error)


def share_words(counts: VerdictCounts) -> str:
    share = counts.false_share
    return "—" if share is None else f"{share:.0%}"


def verdict_line(counts: VerdictCounts) -> str:
    """One line for a camera: judged, false alarms by reason, the share."""
    if counts.judged == 0:
        return translate("Verdicts", "No alert judged yet ({0} not judged).").format(counts.unjudged)
    return translate(
        "Verdicts",
        "{0} judged: {1} confirmed, {2} false detection, {3} fixed object, {4} inside the shop, "
        "{5} permitted; false-alarm share {6}.",
    ).format(
        counts.judged, counts.confirmed, counts.false_detection, counts.fixed_object, counts.inside_shop,
        counts.permitted, share_words(counts),
    )  # fmt: skip


class VerdictTable(QWidget):
    """Per rule and camera: judged, confirmed, 误检, 固定设施, 店内经营, 合规经营, not judged, the share;
    the noisiest first, a total row at the bottom."""

    def __init__(self, cameras: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictTable")
        self._cameras = dict(cameras)
        self._counts: dict[VerdictKey, VerdictCounts] = {}
        self._error = ""
        self._shown = False  # no count yet: nothing to say about the share
        self.title = QLabel(self)
        self.table = QTableWidget(0, 10, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                translate("Verdicts", "Rule"), translate("Verdicts", "Camera"),
                translate("Verdicts", "Judged"), translate("Verdicts", "Confirmed"),
                translate("Verdicts", "False detection"), translate("Verdicts", "Fixed object"),
                translate("Verdicts", "Inside the shop"), translate("Verdicts", "Permitted"),
                translate("Verdicts", "Not judged"), translate("Verdicts", "False-alarm share"),
            ]
        )  # fmt: skip
        self._fill()

    def waiting(self) -> None:
        self.title.setText(translate("Verdicts", "Counting verdicts…"))

    def show_counts(self, counts: object, error: str = "") -> None:
        self._counts = dict(counts) if isinstance(counts, dict) else {}
        self._error, self._shown = error, True
        self._fill()

    def rows(self) -> list[tuple[VerdictKey | None, VerdictCounts]]:
        """As shown: the noisiest (highest share, then most false alarms) first, the total last."""
        ranked = sorted(
            self._counts.items(),
            key=lambda kv: (
                kv[1].false_share is None,
                -(kv[1].false_share or 0.0),
                -kv[1].false_alarms,
                kv[0],
            ),
        )
        out: list[tuple[VerdictKey | None, VerdictCounts]] = list(ranked)
        if len(ranked) > 1:
            out.append((None, total(self._counts.values())))
        return out

    def _fill(self) -> None:
        if not self._shown:
            self.title.setText(translate("Verdicts", "Each search also counts the verdicts of its alerts."))
        elif self._error:
            self.title.setText(
                translate("Verdicts", "Verdicts could not be counted: {0}").format(self._error)
            )
        else:
            all_ = total(self._counts.values())
            self.title.setText(
                translate(
                    "Verdicts", "Verdicts of these alerts: false-alarm share {0} ({1} of {2} judged)"
                ).format(share_words(all_), all_.false_alarms, all_.judged)
            )
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for row, (key, c) in enumerate(rows):
            if key is None:
                rule, camera = translate("Verdicts", "All"), ""
            else:
                rule, camera = rule_words(key[0]), self._cameras.get(key[1], key[1])
            values = [
                rule, camera, str(c.judged), str(c.confirmed), str(c.false_detection), str(c.fixed_object),
                str(c.inside_shop), str(c.permitted), str(c.unjudged), share_words(c),
            ]  # fmt: skip
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key is None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
