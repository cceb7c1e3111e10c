"""History search over the stored alerts: camera, rule, state, dismissal reason, date range.

The search runs on a worker of a thread pool (the repository may be a database across the room);
the result comes back by a queued signal and is shown in the same kind of list as the live one. A
search started while another runs wins: the older result is dropped when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QDateTime, QObject, QRunnable, Qt, QThreadPool, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.alert_ports import AlertQuery
from app.core.alerts import Alert, AlertState, DismissReason, Rule
from app.ui.alerts.model import AlertFilter, AlertTableModel
from app.ui.alerts.table import AlertTableView
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.alerts.verdict_counts import VerdictCounter, VerdictTable
from app.ui.alerts.words import reason_words, rule_words, state_words

translate = QCoreApplication.translate
DAY = 86400.0


def qt_zone(tz: tzinfo | None, at: float) -> QTimeZone:
    """The site's zone for Qt's date editors (by name when it has one, else its offset now)."""
    name = getattr(tz, "key", None)
    if isinstance(name, str) and QTimeZone.isTimeZoneIdAvailable(name.encode()):
        return QTimeZone(name.encode())
    offset = datetime.fromtimestamp(at, tz).astimezone(tz).utcoffset()
    return QTimeZone(int(offset.total_seconds())) if offset is not None else QTimeZone.systemTimeZone()


class Searchable(Protocol):
    def search(self, query: AlertQuery) -> list[Alert]: ...


class _Signals(QObject):
    done = Signal(int, object, str)  # search number, alerts, error


class _Search(QRunnable):
    def __init__(self, number: int, repository: Searchable, query: AlertQuery, signals: _Signals) -> None:
        super().__init__()
        self._number, self._repository, self._query, self._signals = number, repository, query, signals

    def run(self) -> None:
        try:
            found = self._repository.search(self._query)
        except Exception as exc:  # the database is gone or refuses: said in the form, the app goes on
            self._signals.done.emit(self._number, [], str(exc) or type(exc).__name__)
            return
        self._signals.done.emit(self._number, found, "")


class HistoryView(QWidget):
    finished = Signal(int)  # alerts found (-1: the search failed)

    def __init__(
        self,
        repository: Searchable,
        cameras: Mapping[str, str],
        now: Callable[[], float],
        tz: tzinfo | None = None,
        load_evidence: LoadEvidence | None = None,
        parent: QWidget | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self._repository, self._cameras, self._now, self._tz = repository, dict(cameras), now, tz
        self._pool = pool or QThreadPool.globalInstance()
        self._number = 0
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.thumbnails = Thumbnails(load_evidence, self)
        name = self._cameras.get
        self.model = AlertTableModel(lambda c: name(c, c), now, tz, self.thumbnails, self)
        self.proxy = AlertFilter(self.model, lambda c: name(c, c), self)
        self.proxy.set_state("all")
        self.table = AlertTableView(self.proxy, self)
        self.camera = QLineEdit(self)
        self.camera.returnPressed.connect(self.search)
        self.rule, self.state, self.reason = QComboBox(self), QComboBox(self), QComboBox(self)
        zone = qt_zone(tz, now())
        self.since, self.until = QDateTimeEdit(self), QDateTimeEdit(self)
        for edit, at in ((self.since, now() - DAY), (self.until, now())):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setTimeZone(zone)
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(at), edit.timeZone()))
        self.button = QPushButton(self)
        self.button.clicked.connect(self.search)
        self.status = QLabel(self)
        # The verdicts of the searched period and cameras: which cameras cry wolf (shift leaders).
        self.verdicts = VerdictTable(self._cameras, self)
        self.verdicts.setMaximumHeight(180)
        self.counter = VerdictCounter(repository.search, self, self._pool)
        self.counter.counted.connect(self.verdicts.show_counts)
        self._labels = [QLabel(self) for _ in range(6)]
        form = QFormLayout()
        for label, field in zip(
            self._labels,
            (self.camera, self.rule, self.state, self.reason, self.since, self.until),
            strict=True,
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.verdicts)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        texts = (
            translate("Triage", "&Camera"), translate("Triage", "&Rule"), translate("Triage", "&State"),
            translate("Triage", "Dismissal &reason"), translate("Triage", "&From"),
            translate("Triage", "&To"),
        )  # fmt: skip
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        self.camera.setPlaceholderText(translate("Triage", "Camera name or id (empty: every camera)"))
        any_ = translate("Triage", "Any")
        for box, items in (
            (self.rule, [(rule_words(r), r) for r in Rule]),
            (self.state, [(state_words(s), s) for s in AlertState]),
            (self.reason, [(reason_words(r), r) for r in DismissReason]),
        ):
            current = box.currentData()
            box.clear()
            box.addItem(any_, None)
            for text, value in items:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(current)))
        self.button.setText(translate("Triage", "Search"))
        self.verdicts.retranslate()

    # --- searching ------------------------------------------------------------------------------
    def query(self) -> AlertQuery | None:
        """The form as a query; None (and a sentence why) when no camera matches or the dates are reversed."""
        text = self.camera.text().strip().casefold()
        cameras: frozenset[str] | None = None
        if text:
            cameras = frozenset(
                c for c, n in self._cameras.items() if text in n.casefold() or text in c.casefold()
            )
            if not cameras:
                self.status.setText(
                    translate("Triage", "No camera matches “{0}”.").format(self.camera.text())
                )
                return None
        since = self.since.dateTime().toSecsSinceEpoch()
        until = self.until.dateTime().toSecsSinceEpoch()
        if since > until:
            self.status.setText(translate("Triage", "The start is after the end."))
            return None

        def one(box: QComboBox) -> frozenset[object] | None:
            value = box.currentData()
            return None if value is None else frozenset({value})

        return AlertQuery(
            camera_ids=cameras, rules=one(self.rule), states=one(self.state),  # type: ignore[arg-type]
            reasons=one(self.reason), raised_from=float(since), raised_to=float(until) + 59.999,  # type: ignore[arg-type]
        )  # fmt: skip

    def search(self) -> bool:
        query = self.query()
        if query is None:
            return False
        self._number += 1
        self.status.setText(translate("Triage", "Searching…"))
        self.button.setEnabled(False)
        self._pool.start(_Search(self._number, self._repository, query, self._signals))
        self.verdicts.waiting()
        self.counter.count(query)
        return True

    def _done(self, number: int, found: object, error: str) -> None:
        if number != self._number:
            return  # an older search: a newer one is on its way
        self.button.setEnabled(True)
        if error:
            self.status.setText(translate("Triage", "The search failed: {0}").format(error))
            self.finished.emit(-1)
            return
        alerts = list(found) if isinstance(found, list) else []
        self.model.set_alerts(alerts)
        if alerts:
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        when = datetime.fromtimestamp(self._now(), self._tz).strftime("%H:%M:%S")
        self.status.setText(
            translate("Triage", "{0} alert(s) found (searched at {1}).").format(len(alerts), when)
        )
        self.finished.emit(len(alerts))
