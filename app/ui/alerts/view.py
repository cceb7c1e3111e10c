"""The triage view: the alert list of this session, filtered, with its keys and buttons.

It holds no alert state of its own: every verdict is a command to the alert service, and the list
follows the service's change events (see :mod:`app.ui.alerts.model`). J/K (or ↓/↑) step through the
list, one letter gives a verdict (keys in :mod:`app.ui.alerts.keys`); what a verdict still needs
(the reason of a dismissal, the minutes of a mute, a name) is asked in a strip under the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import (
    Alert,
    AlertState,
    DismissReason,
    InvalidAlertTransition,
    MissingReason,
    Rule,
    UnknownAlert,
)
from app.core.suppressions import records_from_dismissal
from app.services.alerts import AlertService
from app.ui.alerts.evidence import opener
from app.ui.alerts.keys import BY_ID, BY_KEY
from app.ui.alerts.model import FILTERS, AlertFeed, AlertFilter, AlertTableModel, filter_words
from app.ui.alerts.strip import CommandStrip
from app.ui.alerts.table import AlertTableView
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.alerts.words import alert_state_words, reason_words, rule_words

translate = QCoreApplication.translate
TICK_MS = 1000
RECENT_OPERATORS = 8
BUTTONS_PER_ROW = 4
BUTTONS = ("acknowledge", "confirm", "dismiss", "snooze", "assign", "escalate", "evidence", "goto")


class TriageView(QWidget):
    camera_requested = Signal(str, object)  # camera id, preset: show it in focus (never edit the view)
    evidence_opened = Signal(object)  # the window showing an alert's evidence
    counts_changed = Signal(int, int)  # open alerts, not yet taken
    case_requested = Signal(str)  # alert id: show the case made from it (the case window)

    def __init__(
        self,
        service: AlertService,
        *,
        camera_name: Callable[[str], str],
        operator: Callable[[], str],
        tz: tzinfo | None = None,
        load_evidence: LoadEvidence | None = None,
        now: Callable[[], float] = time.time,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("triageView")
        self.service, self._camera_name, self._operator, self._settings = (
            service,
            camera_name,
            operator,
            settings,
        )
        self.thumbnails = Thumbnails(load_evidence, self)
        self.model = AlertTableModel(camera_name, now, tz, self.thumbnails, self)
        self.proxy = AlertFilter(self.model, camera_name, self)
        self.table = AlertTableView(self.proxy, self)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self.goto())
        self._open_evidence = opener(camera_name, load_evidence, tz)
        self.strip = CommandStrip(self)
        self.strip.answered.connect(self._answered)
        self.strip.cancelled.connect(lambda: self.table.setFocus(Qt.FocusReason.OtherFocusReason))
        self._build_filters()
        self.note = QLabel(self)
        self.note.setObjectName("triageNote")
        self.note.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        # Two rows of four: the dock stays narrow enough to leave the wall its room.
        buttons = QGridLayout()
        buttons.setSpacing(4)
        for n, key_id in enumerate(BUTTONS):
            button = self.buttons[key_id] = QPushButton(self)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the list keeps the keyboard
            button.clicked.connect(lambda _c=False, k=key_id: self.run(k))
            buttons.addWidget(button, n // BUTTONS_PER_ROW, n % BUTTONS_PER_ROW)
        footer = QHBoxLayout()
        footer.addWidget(self.note, 1)
        footer.addWidget(self.counts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.strip)
        layout.addLayout(buttons)
        layout.addLayout(footer)
        self.setFocusProxy(self.table)
        self.feed = AlertFeed(self)
        self.feed.changed.connect(self._changed)
        self.model.set_alerts(service.alerts())
        self._unsubscribe = service.subscribe(self.feed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.model.tick)
        self._timer.start()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.retranslate()
        self._select_row(0)

    def _build_filters(self) -> None:
        self.state_box = QComboBox(self)
        self.state_box.activated.connect(lambda _i: self.set_filter(str(self.state_box.currentData())))
        self.rule_box = QComboBox(self)
        self.rule_box.activated.connect(lambda _i: self.proxy.set_rule(self.rule_box.currentData()))
        self.camera_box = QLineEdit(self)
        self.camera_box.setClearButtonEnabled(True)
        self.camera_box.textChanged.connect(self.proxy.set_text)
        self.camera_box.returnPressed.connect(lambda: self.table.setFocus(Qt.FocusReason.OtherFocusReason))
        self.counts = QLabel(self)
        self._filters = QHBoxLayout()
        for widget, stretch in (
            (self.state_box, 0),
            (self.rule_box, 0),
            (self.camera_box, 1),
        ):
            self._filters.addWidget(widget, stretch)

    # --- language -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        current = str(self.state_box.currentData() or self.proxy.state_key)
        self.state_box.clear()
        for key, label in filter_words().items():
            self.state_box.addItem(label, key)
        self.state_box.setCurrentIndex(max(0, self.state_box.findData(current)))
        rule = self.rule_box.currentData()
        self.rule_box.clear()
        self.rule_box.addItem(translate("Triage", "Every rule"), None)
        for r in Rule:
            self.rule_box.addItem(rule_words(r), r)
        self.rule_box.setCurrentIndex(max(0, self.rule_box.findData(rule)))
        self.camera_box.setPlaceholderText(translate("Triage", "Camera, grid code or zone"))
        texts = {
            "acknowledge": translate("Triage", "Take"),
            "confirm": translate("Triage", "Confirm"),
            "dismiss": translate("Triage", "Dismiss"),
            "snooze": translate("Triage", "Mute"),
            "assign": translate("Triage", "Assign"),
            "escalate": translate("Triage", "To shift leader"),
            "evidence": translate("Triage", "Evidence"),
            "goto": translate("Triage", "Show camera"),
        }
        for key_id, button in self.buttons.items():
            spec = BY_ID[key_id]
            button.setText(f"{texts[key_id]} {spec.caps[0]}")
            button.setToolTip(f"{spec.label()} ({' / '.join(spec.caps)})")
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._refresh_counts()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- the list -------------------------------------------------------------------------------
    def set_filter(self, key: str) -> None:
        self.proxy.set_state(key)
        self.state_box.setCurrentIndex(max(0, self.state_box.findData(key)))
        if not self.table.currentIndex().isValid():
            self._select_row(0)
        self._refresh_counts()

    def current_alert(self) -> Alert | None:
        index = self.table.currentIndex()
        return self.proxy.alert(index.row()) if index.isValid() else None

    def select(self, alert_id: str) -> bool:
        row = self.model.row_of(alert_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        return True

    def step(self, delta: int) -> None:
        index = self.table.currentIndex()
        self._select_row((index.row() + delta) if index.isValid() else 0)

    def _select_row(self, row: int) -> None:
        count = self.proxy.rowCount()
        if count:
            index = self.proxy.index(max(0, min(row, count - 1)), 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    # --- commands -------------------------------------------------------------------------------
    def run(self, key_id: str) -> None:
        """One triage key's action on the selected alert."""
        if key_id in ("next", "previous"):
            self.step(1 if key_id == "next" else -1)
            return
        if key_id == "filter":
            keys = list(FILTERS)
            self.set_filter(keys[(keys.index(self.proxy.state_key) + 1) % len(keys)])
            return
        alert = self.current_alert()
        if alert is None:
            self.note.setText(translate("Triage", "No alert selected."))
            return
        by = self._operator()
        if key_id == "acknowledge":
            self._command(alert, lambda: self.service.acknowledge(alert.id, by))
        elif key_id == "confirm":
            self._command(alert, lambda: self.service.confirm(alert.id, by))
        elif key_id == "escalate":
            self._command(alert, lambda: self.service.escalate(alert.id, by))
        elif key_id == "dismiss":
            self.strip.ask_reason()
        elif key_id == "snooze":
            self.strip.ask_minutes()
        elif key_id == "assign":
            prompt = translate("Triage", "Assign to whom? Type a name or pick one, then Enter (Esc: cancel)")
            self.strip.ask_text("assign", prompt, self.recent_operators())
        elif key_id == "evidence":
            self.evidence_opened.emit(self._open_evidence(alert, self))
        elif key_id == "goto":
            self.goto()
        elif key_id == "case":
            self.case_requested.emit(alert.id)

    def goto(self) -> None:
        alert = self.current_alert()
        if alert is not None:
            self.camera_requested.emit(alert.camera_id, alert.preset)

    def recent_operators(self) -> list[str]:
        """Names to assign to: those remembered, then those seen on the alerts, newest first."""
        remembered = self._settings.value("triage/operators", []) if self._settings is not None else []
        names = [str(n) for n in (remembered if isinstance(remembered, list) else [remembered])]
        for alert in sorted(self.model.alerts(), key=lambda a: a.updated_at or a.raised_at, reverse=True):
            names += [n for n in (alert.owner, alert.acknowledged_by) if n]
        return list(dict.fromkeys(n for n in names if n))[:RECENT_OPERATORS]

    def _answered(self, mode: str, value: object) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        alert = self.current_alert()
        if alert is None:
            return
        by = self._operator()
        if mode == "reason" and isinstance(value, DismissReason):
            self._command(alert, lambda: self.service.dismiss(alert.id, by, value))
        elif mode == "other":
            self._command(alert, lambda: self.service.dismiss(alert.id, by, DismissReason.OTHER, str(value)))
        elif mode == "minutes" and isinstance(value, float | int):
            self._command(alert, lambda: self.service.snooze(alert.id, by, float(value)))
        elif mode == "assign":
            self._command(alert, lambda: self.service.assign(alert.id, by, str(value)))
            self._remember_operator(str(value))

    def _command(self, alert: Alert, do: Callable[[], object]) -> None:
        row = self.table.currentIndex().row()
        try:
            do()
        except (InvalidAlertTransition, MissingReason, UnknownAlert):
            state = self.service.find(alert.id)
            now = alert_state_words(state) if state is not None else "—"
            self.note.setText(translate("Triage", "Not possible for this alert (it is: {0}).").format(now))
            return
        after = self.service.find(alert.id)
        self.note.setText(self._done_words(after) if after is not None else "")
        if not self.select(alert.id):  # it left this list: the next one takes its place
            self._select_row(row)
        self._update_buttons()

    def _done_words(self, alert: Alert) -> str:
        what = alert_state_words(alert)
        if alert.state is AlertState.DISMISSED and alert.dismiss_reason is not None:
            what = translate("Triage", "{0}: {1}").format(what, reason_words(alert.dismiss_reason))
        done = translate("Triage", "{0} — {1}").format(self._camera_name(alert.camera_id), what)
        if records_from_dismissal(
            alert
        ):  # the suppression service learns its boxes: say so, and where to undo it
            done += translate(
                "Triage",
                "; suppressed: the same thing in this place raises no alert again (removable in the "
                "camera's detection zones, Ctrl+D)",
            )
        return done

    def _remember_operator(self, name: str) -> None:
        if self._settings is not None:
            self._settings.setValue(
                "triage/operators", list(dict.fromkeys([name, *self.recent_operators()]))[:RECENT_OPERATORS]
            )

    # --- events ---------------------------------------------------------------------------------
    def _changed(self, change: object) -> None:
        self.model.apply(change)  # type: ignore[arg-type]
        if not self.table.currentIndex().isValid():
            self._select_row(0)
        self._refresh_counts()
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            watched is self.table
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
        ):
            if self._claims(event):
                event.accept()  # the list's key: the wall's keys (app.ui.wall.keyboard) leave it here
            return False
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self.strip.key(event):
                return True
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            key_id = BY_KEY.get(Qt.Key(event.key()))
            if key_id is not None:
                self.run(key_id)
                return True
        return super().eventFilter(watched, event)

    def _claims(self, event: QKeyEvent) -> bool:
        """The keys the list answers while it has the keyboard: its letters, and while a reason or
        minutes are asked for, the digit (or Esc) that answers."""
        if self.strip.mode in ("reason", "minutes"):
            return event.text().isdigit() or event.key() == Qt.Key.Key_Escape
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        return Qt.Key(event.key()) in BY_KEY

    def _refresh_counts(self) -> None:
        alerts = self.model.alerts()
        open_ = sum(a.is_open for a in alerts)
        waiting = len(self.service.awaiting_acknowledgement())
        self.counts.setText(translate("Triage", "{0} open · {1} not yet taken · {2} listed").format(
            open_, waiting, self.proxy.rowCount()))  # fmt: skip
        self.counts_changed.emit(open_, waiting)

    def _update_buttons(self) -> None:
        alert = self.current_alert()
        for button in self.buttons.values():
            button.setEnabled(alert is not None)
        if alert is not None:
            self.buttons["acknowledge"].setEnabled(alert.needs_acknowledgement)
            closed = alert.state in (AlertState.CONFIRMED, AlertState.DISMISSED)
            for key_id in ("confirm", "dismiss"):
                self.buttons[key_id].setEnabled(not closed)
            for key_id in ("snooze", "assign", "escalate"):
                self.buttons[key_id].setEnabled(alert.is_open)
