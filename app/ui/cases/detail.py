"""One case beside the list: what it is and where (header), what happened to it (the timeline from
its audit events), and what was seen (before/after and the gallery)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import EvidenceRef
from app.core.audit import AuditEvent
from app.core.case_ports import DeliveryState, OutboxEntry
from app.core.cases import Case, CaseState
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.audio_evidence import AudioList, AudioPlayer, is_audio
from app.ui.cases.evidence import GALLERY_THUMB, PAIR_PICTURE, BeforeAfter, Gallery
from app.ui.cases.supervise import Supervisor
from app.ui.cases.timeline_words import SpeakerName, timeline_row, who_words
from app.ui.cases.words import (
    CaseNames,
    Supervision,
    category_words,
    department_words,
    source_words,
    state_words,
    supervision_words,
    when_words,
    zone_words,
)

translate = QCoreApplication.translate
FIELDS = (
    "id", "category", "state", "grid", "address", "department", "deadline", "reported", "note", "delivery",
)  # fmt: skip
STATE_COLOUR = {Supervision.DUE_SOON: "#f0c050", Supervision.OVERDUE: "#ff6b6b"}
ALERT_ROW, FAILED_PROMPT = QColor("#9fb4d0"), QColor("#e0b050")  # the alert's rows; a prompt not heard
AudioRole = Qt.ItemDataRole.UserRole + 2


def _no_evidence(ref: EvidenceRef) -> bytes:
    raise FileNotFoundError(translate("Cases", "No evidence folder"))


def field_words(name: str) -> str:
    words = {
        "id": translate("Cases", "Case"),
        "category": translate("Cases", "Category"),
        "state": translate("Cases", "State"),
        "grid": translate("Cases", "Grid"),
        "address": translate("Cases", "Address"),
        "department": translate("Cases", "Department"),
        "deadline": translate("Cases", "Deadline"),
        "reported": translate("Cases", "Reported"),
        "note": translate("Cases", "Latest note"),
        "delivery": translate("Cases", "City platform"),
    }
    return words[name]


class CaseDetail(QWidget):
    evidence_requested = Signal(object)  # CaseEvidence

    def __init__(
        self,
        names: CaseNames,
        tz: tzinfo,
        load_evidence: LoadEvidence | None,
        now: Callable[[], float] = time.time,
        parent: QWidget | None = None,
        *,
        supervisor: Supervisor | None = None,
        speaker_name: SpeakerName = str,
        audio_player: AudioPlayer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self._names, self._tz, self._now, self._speaker_name = names, tz, now, speaker_name
        self.supervisor = supervisor or Supervisor()
        self.case: Case | None = None
        self.events: list[AuditEvent] = []
        self.empty = QLabel(translate("Cases", "Choose a case in the list."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.values: dict[str, QLabel] = {}
        header = QFrame(self)
        grid = QGridLayout(header)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self._field_labels: dict[str, QLabel] = {}
        for n, name in enumerate(FIELDS):
            key = self._field_labels[name] = QLabel(header)
            key.setStyleSheet("color: #8a90a0;")
            value = self.values[name] = QLabel(header)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(key, n, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, n, 1)
        grid.setColumnStretch(1, 1)
        self.values["id"].setStyleSheet("font-weight: bold;")
        self.set_delivery_shown(False)  # only where the site sends cases to a city platform
        self.pair = BeforeAfter(Thumbnails(load_evidence, self, size=PAIR_PICTURE), tz, self)
        self.gallery = Gallery(Thumbnails(load_evidence, self, size=GALLERY_THUMB), tz, self)
        self.audio = AudioList(audio_player or AudioPlayer(load_evidence or _no_evidence, self), tz, self)
        self.evidence_page = QWidget(self)
        evidence = QVBoxLayout(self.evidence_page)
        evidence.setContentsMargins(0, 0, 0, 0)
        evidence.addWidget(self.gallery, 1)
        evidence.addWidget(self.audio)
        self.timeline = QTreeWidget(self)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.itemActivated.connect(self._row_activated)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.timeline, "")
        self.tabs.addTab(self.evidence_page, "")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.pair)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(header)
        body.addWidget(split, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.pair.open_requested.connect(self.evidence_requested)
        self.gallery.open_requested.connect(self.evidence_requested)
        self.retranslate()
        self.show_case(None)

    def retranslate(self) -> None:
        for name, label in self._field_labels.items():
            label.setText(translate("Cases", "{0}:").format(field_words(name)))
        self.timeline.setHeaderLabels([
            translate("Cases", "Time"), translate("Cases", "Who"), translate("Cases", "Role"),
            translate("Cases", "Action"), translate("Cases", "Note"),
        ])  # fmt: skip
        self.tabs.setTabText(0, translate("Cases", "Timeline"))
        self._gallery_tab()

    def _gallery_tab(self) -> None:
        count = len(self.case.evidence) if self.case is not None else 0
        self.tabs.setTabText(1, translate("Cases", "Evidence ({0})").format(count))

    def show_case(self, case: Case | None, events: list[AuditEvent] | None = None) -> None:
        """The case as stored now; ``events`` None keeps the timeline (it is being read)."""
        same = case is not None and self.case is not None and case.id == self.case.id
        self.case = case
        self.empty.setVisible(case is None)
        self.body.setVisible(case is not None)
        if case is None:
            self.events = []
            self.timeline.clear()
            self.audio.show_refs([])
            return
        self.refresh_header()
        if events is not None:
            self.show_timeline(events)
        elif not same:
            self.timeline.clear()
        self.pair.show_case(case)
        self.gallery.show_case(case)
        # The recordings again when they changed (the same ones stay: what plays goes on).
        recordings = {e.ref.sha256 for e in case.evidence if is_audio(e.ref)}
        if not same or recordings != {r.ref.sha256 for r in self.audio.rows}:
            self.audio.show_refs([e.ref for e in case.evidence])
        self._gallery_tab()

    def refresh_header(self) -> None:
        case = self.case
        if case is None:
            return
        now = self._now()
        level = self.supervisor.level(case, now)
        state = state_words(case.state)
        if case.pending is not None:
            state = translate("Cases", "{0}, waiting: {1}").format(state, self._pending_words(case))
        words = supervision_words(level)
        self.values["id"].setText(case.id)
        self.values["category"].setText(category_words(self._names, case.category_code))
        self.values["state"].setText(f"{state} · {words}" if words else state)
        self.values["state"].setStyleSheet(f"color: {STATE_COLOUR[level]};" if level in STATE_COLOUR else "")
        self.values["grid"].setText(case.grid_code or translate("Cases", "none"))
        self.values["address"].setText(case.address or case.description)
        department = department_words(self._names, case.department_id)
        suggested = case.suggested_department_id
        if department and case.department_chosen_by and case.department_chosen_by != "routing":
            department = translate("Cases", "{0} (chosen by {1})").format(
                department, case.department_chosen_by
            )
        elif not department and suggested:
            department = translate("Cases", "suggested: {0}").format(department_words(self._names, suggested))
        self.values["department"].setText(department or translate("Cases", "not chosen yet"))
        self.values["deadline"].setText(self._deadline_words(case, now))
        reported = translate("Cases", "{0} {1} by {2} ({3})").format(
            when_words(case.created_at, self._tz), zone_words(self._tz, case.created_at),
            who_words(case.created_by), source_words(case.source),
        )  # fmt: skip
        if case.occurrences > 1:
            reported += translate("Cases", "; seen {0} times").format(case.occurrences)
        self.values["reported"].setText(reported)
        self.values["note"].setText(case.note or case.description or "—")

    def set_delivery_shown(self, shown: bool) -> None:
        self._field_labels["delivery"].setVisible(shown)
        self.values["delivery"].setVisible(shown)

    def show_delivery(self, entry: OutboxEntry | None) -> None:
        """How the shown case's latest version fared with the city platform (the outbox)."""
        case = self.case
        if entry is None:
            text = (
                translate("Cases", "sent once filed")
                if case is not None and case.state is CaseState.REPORTED
                else translate("Cases", "nothing sent")
            )
        elif entry.state is DeliveryState.DELIVERED:
            text = translate("Cases", "version {0} delivered {1}").format(
                entry.item.version, when_words(entry.delivered_at or 0.0, self._tz)
            )
        elif entry.state is DeliveryState.REJECTED:
            text = translate("Cases", "version {0} refused by the platform: {1}").format(
                entry.item.version, entry.last_error
            )
        elif entry.attempts:
            text = translate("Cases", "version {0} waiting, {1} tries so far (last: {2})").format(
                entry.item.version, entry.attempts, entry.last_error
            )
        else:
            text = translate("Cases", "version {0} waiting to be sent").format(entry.item.version)
        self.values["delivery"].setText(text)
        self.values["delivery"].setToolTip(entry.item.key if entry is not None else "")

    def _deadline_words(self, case: Case, now: float) -> str:
        if case.due_at is None:
            if case.time_limit is None:
                return translate("Cases", "starts at dispatch")
            return translate("Cases", "starts at dispatch ({0})").format(self._limit_words(case))
        left = self.supervisor.left_words(case, now)
        text = f"{when_words(case.due_at, self._tz)} {zone_words(self._tz, case.due_at)}"
        if case.state is CaseState.DEFERRED:
            left = translate("Cases", "the clock is stopped")
        return translate("Cases", "{0} ({1})").format(text, left) if left else text

    def _limit_words(self, case: Case) -> str:
        assert case.time_limit is not None
        unit = {
            "work_hours": translate("Cases", "{0:g} working hours"),
            "urgent_hours": translate("Cases", "{0:g} urgent hours"),
            "work_days": translate("Cases", "{0:g} working days"),
        }[case.time_limit.unit.value]
        return unit.format(case.time_limit.amount)

    def _pending_words(self, case: Case) -> str:
        pending = case.pending
        assert pending is not None
        if pending.kind.value == "deferral":
            return translate("Cases", "deferral asked by {0}: {1}").format(pending.by, pending.reason)
        return translate("Cases", "extension of {0:g} asked by {1}: {2}").format(
            pending.amount or 0, pending.by, pending.reason
        )

    def show_timeline(self, events: list[AuditEvent]) -> None:
        """The case's events and its alerts' (the raise, each voice prompt, the ladder's steps …),
        in time order; a prompt's row opens its recording (double click or Enter)."""
        self.events = list(events)
        self.timeline.clear()
        rows, plays = [], Counter[str]()
        for event in events:
            words = timeline_row(event, self._tz, self._names, self._speaker_name)
            if words.audio:
                plays[words.audio] += 1
            row = QTreeWidgetItem([words.when, words.who, words.role, words.action, words.note])
            row.setToolTip(4, words.note)
            row.setToolTip(3, words.tip)
            row.setData(0, AudioRole, words.audio)
            if words.alert_id is not None:
                for column in range(3):
                    row.setForeground(column, QBrush(ALERT_ROW))
            if words.failed:
                row.setForeground(3, QBrush(FAILED_PROMPT))
                row.setForeground(4, QBrush(FAILED_PROMPT))
            rows.append(row)
        self.timeline.addTopLevelItems(rows)
        self.audio.set_plays(plays)
        for column in range(4):
            self.timeline.resizeColumnToContents(column)
        if events:
            self.timeline.headerItem().setToolTip(
                0, translate("Cases", "Times in {0}").format(zone_words(self._tz, events[-1].at))
            )

    def _row_activated(self, row: QTreeWidgetItem) -> None:
        audio = row.data(0, AudioRole)
        found = self.audio.row(audio) if audio else None
        if found is None:
            return
        self.tabs.setCurrentWidget(self.evidence_page)
        found.setFocus()
        found.play_button.setFocus()

    def shutdown(self) -> None:
        """What plays stops (the window closes or the case goes)."""
        self.audio.player.stop()
