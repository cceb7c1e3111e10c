"""System events for the operator: the events list (a dock), its words, and the status bar's
fault badge and messages.

The :class:`~app.services.system_events.SystemEventLog` is read on a GUI timer (other threads
publish into it); each new event is worded here in the operator's language, listed newest first,
and said once in the status bar. A condition (camera down, disk low, detection stopped) stays
counted on the badge until the event that ends it arrives; its status-bar message is taken away
then too, so "restarting in 1 s" never outlives the restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStatusBar,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.detection_faults import DetectionFault
from app.core.system_events import RESOLVED_BY, Severity, SystemEvent, SystemEventKind
from app.services.system_events import SystemEventLog
from app.ui.stream_reasons import failure_hint, failure_label
from app.ui.voice.words import failure_word

translate = QCoreApplication.translate
CONTEXT = "SystemEvents"
POLL_MS = 250  # a fault reaches the screen within this
ROWS_KEPT = 1000  # the list; the log file keeps everything
MESSAGE_MS = {Severity.INFO: 6000, Severity.WARNING: 12000, Severity.ERROR: 30000}

K = SystemEventKind
# {0}: camera name or file/folder; {1}: a number or a second subject. English source, translated.
MESSAGES: dict[SystemEventKind, str] = {
    K.CAMERA_DOWN: str(QT_TRANSLATE_NOOP("SystemEvents", "Camera {0} lost its picture")),
    K.CAMERA_UP: str(QT_TRANSLATE_NOOP("SystemEvents", "Camera {0} is back")),
    K.DECODER_WORKER_RESTARTED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Video decoder {0} was restarted; its cameras reconnect")
    ),
    K.DETECTION_WORKER_DOWN: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection stopped unexpectedly; restarting in {1} s")
    ),
    K.DETECTION_WORKER_UP: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection is running again (resumed {1} camera views)")
    ),
    K.DETECTION_PROBLEM: str(QT_TRANSLATE_NOOP("SystemEvents", "Detection problem on {0}")),
    K.MODEL_UPDATED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection now uses the updated vending model {0}")
    ),
    K.MODEL_NOT_LOADED: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "The new vending model {0} could not be loaded; the previous one is still used"
        )
    ),
    K.EVIDENCE_NOT_SAVED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Evidence picture of an alert on {0} was not saved")
    ),
    K.TRAINING_SAMPLE_NOT_SAVED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "The verdict on alert {0} was not kept as training data")
    ),
    K.DATA_FOLDER_READ_ONLY: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents",
            "Data folder is read-only: zones, patrols, alerts and evidence are not saved ({0})",
        )
    ),
    K.DATA_FOLDER_UNUSABLE: str(QT_TRANSLATE_NOOP("SystemEvents", "Data folder cannot be used: {0}")),
    K.DISK_LOW: str(QT_TRANSLATE_NOOP("SystemEvents", "Low disk space: {1} MiB left for {0}")),
    K.DISK_FULL: str(QT_TRANSLATE_NOOP("SystemEvents", "Disk full: nothing more can be saved in {0}")),
    K.DISK_OK: str(QT_TRANSLATE_NOOP("SystemEvents", "Disk space is sufficient again")),
    K.STORE_DAMAGED: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "A saved file is damaged; its readable part is used and the file is kept: {0}"
        )
    ),
    K.STORE_CONFLICT: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Another workstation changed {0} at the same time")
    ),
    K.STORE_NOT_SAVED: str(QT_TRANSLATE_NOOP("SystemEvents", "Changes were not saved to {0}")),
    K.SITE_FILE_SAVED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Site file saved: {0} (restart CityWall to use the changes)")
    ),
    K.SITE_FILE_NOT_SAVED: str(QT_TRANSLATE_NOOP("SystemEvents", "Site file not saved: {0}")),
    K.SNAPSHOT_SAVED: str(QT_TRANSLATE_NOOP("SystemEvents", "Snapshot saved: {0}")),
    K.SNAPSHOT_NOT_SAVED: str(QT_TRANSLATE_NOOP("SystemEvents", "Snapshot not saved: {0}")),
    K.ALERT_NOT_STORED: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "Alerts are not being saved to the database; they are kept until it works again"
        )
    ),
    K.ALERTS_STORED: str(QT_TRANSLATE_NOOP("SystemEvents", "Alerts are saved to the database again")),
    K.CASE_NOT_STORED: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "A case could not be saved to the database; it is kept and tried again: {0}"
        )
    ),
    K.CASES_STORED: str(QT_TRANSLATE_NOOP("SystemEvents", "Cases are saved to the database again")),
    K.CASE_OVERDUE: str(QT_TRANSLATE_NOOP("SystemEvents", "Case {0} is overdue")),
    K.CASE_SETTINGS_INVALID: str(
        QT_TRANSLATE_NOOP("SystemEvents", "The case settings file has errors; the last good one is used: {0}")
    ),
    K.CASE_SETTINGS_OK: str(QT_TRANSLATE_NOOP("SystemEvents", "The case settings file is read again: {0}")),
    K.CASE_EXPORT_FAILING: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "Cases cannot be sent to the city platform; they wait in the outbox"
        )
    ),
    K.CASE_EXPORT_OK: str(QT_TRANSLATE_NOOP("SystemEvents", "Cases are sent to the city platform again")),
    K.HOLIDAYS_UNKNOWN: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents",
            "The public holidays of {0} are not known: deadlines count only weekends as days off "
            "(list them in the calendar file, or update CityWall)",
        )
    ),
    K.SPEAKER_DOWN: str(QT_TRANSLATE_NOOP("SystemEvents", "Loudspeaker {0} cannot be reached: {1}")),
    K.SPEAKER_UP: str(QT_TRANSLATE_NOOP("SystemEvents", "Loudspeaker {0} plays again")),
    K.VOICE_SETTINGS_PROBLEM: str(QT_TRANSLATE_NOOP("SystemEvents", "Voice settings: {0}")),
}
# A detection problem is worded by its fault (the event's subject); {0}: the camera's name.
DETECTION_FAULTS: dict[DetectionFault, str] = {
    DetectionFault.FRAME_BOARD_UNAVAILABLE: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection is off: it cannot read the cameras' pictures")
    ),
    DetectionFault.DETECTOR_NOT_LOADED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection is off: a detector could not be loaded")
    ),
    DetectionFault.SETTINGS_INVALID: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection is off: the site's detection settings are wrong")
    ),
    DetectionFault.NO_DETECT_SLOTS: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection is off: there is no room for its pictures")
    ),
    DetectionFault.CLASSIFIER_NOT_LOADED: str(
        QT_TRANSLATE_NOOP(
            "SystemEvents", "The retrained bin classifier could not be loaded; the previous one is used"
        )
    ),
    DetectionFault.NO_PICTURE: str(QT_TRANSLATE_NOOP("SystemEvents", "No pictures for detection from {0}")),
    DetectionFault.ZONES_INVALID: str(
        QT_TRANSLATE_NOOP("SystemEvents", "The detection zones of {0} cannot be used")
    ),
    DetectionFault.CHECK_FAILED: str(
        QT_TRANSLATE_NOOP("SystemEvents", "A detection check of {0} failed; it starts afresh")
    ),
    DetectionFault.BUDGET_SHORT: str(
        QT_TRANSLATE_NOOP("SystemEvents", "Detection cannot visit every camera in time (every {1} s at best)")
    ),
    DetectionFault.EVIDENCE_NOT_SAVED: MESSAGES[K.EVIDENCE_NOT_SAVED],
}
SEVERITY_WORDS = {
    Severity.INFO: str(QT_TRANSLATE_NOOP("SystemEvents", "Info")),
    Severity.WARNING: str(QT_TRANSLATE_NOOP("SystemEvents", "Warning")),
    Severity.ERROR: str(QT_TRANSLATE_NOOP("SystemEvents", "Fault")),
}
SEVERITY_COLOURS = {Severity.INFO: "#9fb3c8", Severity.WARNING: "#f0b429", Severity.ERROR: "#ef4e4e"}
COLUMNS = (
    str(QT_TRANSLATE_NOOP("SystemEvents", "Time")),
    str(QT_TRANSLATE_NOOP("SystemEvents", "Level")),
    str(QT_TRANSLATE_NOOP("SystemEvents", "Event")),
)


_FAULT_VALUES = frozenset(f.value for f in DetectionFault)


def event_message(event: SystemEvent, camera_name: Callable[[str], str]) -> str:
    """The event in the operator's language (its technical detail is for the tooltip and log);
    a camera that went down says why in a few words (连接被拒绝, 无应答 …)."""
    first = camera_name(event.camera_id) if event.camera_id else event.subject
    second = "" if event.value is None else f"{round(event.value, 1):g}"
    template = MESSAGES[event.kind]
    if event.kind == K.CASE_SETTINGS_INVALID and event.detail:
        first = event.detail.split("; ")[0]  # file:line: field: why (the first problem; all in the tooltip)
    if event.kind == K.DETECTION_PROBLEM and event.subject in _FAULT_VALUES:
        template = DETECTION_FAULTS[DetectionFault(event.subject)]
        first = camera_name(event.camera_id) if event.camera_id else ""
    if event.kind == K.SPEAKER_DOWN:
        second = failure_word(event.detail)  # the delivery failure, in the operator's words
    text = translate(CONTEXT, template).format(first, second)
    if event.reason is not None:
        text = translate("SystemEvents", "{0}: {1}").format(text, failure_label(event.reason))
    return text


def event_time(at: float, now: float | None = None) -> str:
    """HH:MM:SS today; with the date before that."""
    local, today = time.localtime(at), time.localtime(now)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M:%S", local)
    return time.strftime("%Y-%m-%d %H:%M:%S", local)


def event_tooltip(event: SystemEvent, camera_name: Callable[[str], str]) -> str:
    lines = [event_message(event, camera_name)]
    if event.camera_id:
        lines.append(translate("SystemEvents", "Camera id: {0}").format(event.camera_id))
    if event.subject and event.camera_id:
        lines.append(event.subject)
    if event.reason is not None:
        lines.append(failure_hint(event.reason))
    if event.detail:
        lines.append(translate("SystemEvents", "Details: {0}").format(event.detail))
    return "\n".join(lines)


class SystemEventsModel(QAbstractTableModel):
    """Newest first; rows are inserted at the top and trimmed at the bottom (no model reset)."""

    def __init__(self, camera_name: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_name = camera_name
        self._rows: list[SystemEvent] = []
        self.problems_only = False
        self._all: list[SystemEvent] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        return len(COLUMNS)

    def event_at(self, row: int) -> SystemEvent:
        return self._rows[row]

    def add(self, events: list[SystemEvent]) -> None:
        self._all = (list(reversed(events)) + self._all)[:ROWS_KEPT]
        shown = [e for e in reversed(events) if self._shown(e)]
        if shown:
            self.beginInsertRows(QModelIndex(), 0, len(shown) - 1)
            self._rows = shown + self._rows
            self.endInsertRows()
        if len(self._rows) > ROWS_KEPT:
            self.beginRemoveRows(QModelIndex(), ROWS_KEPT, len(self._rows) - 1)
            del self._rows[ROWS_KEPT:]
            self.endRemoveRows()

    def set_problems_only(self, problems_only: bool) -> None:
        self.beginResetModel()
        self.problems_only = problems_only
        self._rows = [e for e in self._all if self._shown(e)]
        self.endResetModel()

    def _shown(self, event: SystemEvent) -> bool:
        return not self.problems_only or event.severity != Severity.INFO

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(CONTEXT, COLUMNS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        event = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return event_time(event.at)
            if column == 1:
                return translate(CONTEXT, SEVERITY_WORDS[event.severity])
            return event_message(event, self.camera_name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return event_tooltip(event, self.camera_name)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(SEVERITY_COLOURS[event.severity])
        return None


class SystemEventsPanel(QWidget):
    """The events list. ``arrived`` carries each poll's new events (GUI thread only);
    ``camera_requested`` a camera the operator double-clicked an event of."""

    arrived = Signal(list)
    camera_requested = Signal(str)

    def __init__(
        self, events: SystemEventLog, camera_name: Callable[[str], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.events = events
        self._seen_seq = 0
        self.model = SystemEventsModel(camera_name, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open)
        self.problems_only = QCheckBox(self)
        self.problems_only.toggled.connect(self.model.set_problems_only)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.problems_only)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)
        self.retranslate()

    def set_running(self, running: bool) -> None:
        if running:
            self.poll()
            self._timer.start()
        else:
            self._timer.stop()

    def poll(self) -> None:
        new = self.events.since(self._seen_seq)
        if not new:
            return
        self._seen_seq = new[-1].seq
        self.model.add(new)
        self._refresh_summary()
        self.arrived.emit(new)

    def open_conditions(self) -> list[SystemEvent]:
        return self.events.open_conditions()

    def _refresh_summary(self) -> None:
        open_ = self.open_conditions()
        down = sum(1 for e in open_ if e.kind == K.CAMERA_DOWN)
        others = [e for e in open_ if e.kind != K.CAMERA_DOWN]
        parts = []
        if down:
            parts.append(translate("SystemEvents", "{0} camera(s) without picture").format(down))
        parts += [event_message(e, self.model.camera_name) for e in others]
        self.summary.setText("；".join(parts) if parts else translate("SystemEvents", "No open problems"))

    def _open(self, index: QModelIndex) -> None:
        event = self.model.event_at(index.row())
        if event.camera_id:
            self.camera_requested.emit(event.camera_id)

    def retranslate(self) -> None:
        self.problems_only.setText(translate("SystemEvents", "Problems only"))
        self.model.retranslate()
        self._refresh_summary()


class StatusFaults:
    """The status bar's part: each new event said once (the newest wins); a condition's message
    stays until the event that ends it; a fault badge while conditions are open."""

    def __init__(self, bar: QStatusBar, panel: SystemEventsPanel, open_panel: Callable[[], None]) -> None:
        self._bar, self._panel = bar, panel
        self._shown: SystemEvent | None = None  # the event whose message the bar shows now
        self._shown_text = ""
        self.badge = QToolButton(bar)
        self.badge.setObjectName("faultBadge")
        self.badge.setAutoRaise(True)
        self.badge.clicked.connect(open_panel)
        self.badge.setStyleSheet(f"color: {SEVERITY_COLOURS[Severity.ERROR]}; font-weight: bold;")
        bar.addPermanentWidget(self.badge)
        bar.messageChanged.connect(self._message_changed)
        panel.arrived.connect(self.show_events)
        self.refresh()

    def show_events(self, events: list[SystemEvent]) -> None:
        for event in events:
            if self._shown is not None and event.resolves(self._shown):
                self._say(event)  # "camera X is back" replaces "camera X lost its picture"
            elif event.kind not in _RESOLVING and event.kind not in _SAID_ELSEWHERE:
                self._say(event)
        self.refresh()

    def _say(self, event: SystemEvent) -> None:
        self._shown = event
        self._shown_text = event_message(event, self._panel.model.camera_name)
        self._bar.showMessage(self._shown_text, message_ms(event))

    def _message_changed(self, text: str) -> None:
        if text != self._shown_text:  # expired, or another part of the window said something
            self._shown, self._shown_text = None, ""

    def refresh(self) -> None:
        open_ = [e for e in self._panel.open_conditions() if e.severity != Severity.INFO]
        self.badge.setVisible(bool(open_))
        self.badge.setText("⚠ " + translate("SystemEvents", "{0} open problem(s)").format(len(open_)))
        self.badge.setToolTip("\n".join(event_message(e, self._panel.model.camera_name) for e in open_[-10:]))


_RESOLVING = frozenset(RESOLVED_BY.values()) - {K.MODEL_UPDATED}  # (a new model is news of its own)
# saved snapshots have their own notice with an open-folder button (the event stays in the list)
_SAID_ELSEWHERE = frozenset({K.SNAPSHOT_SAVED})
_STANDING = frozenset(RESOLVED_BY) | {K.DATA_FOLDER_READ_ONLY}


def message_ms(event: SystemEvent) -> int:
    """How long the status bar says it: a standing condition until it ends (0), others a while."""
    if event.kind in _STANDING:
        return 0
    return MESSAGE_MS[event.severity]
