"""The zone editor's list of a camera's suppressed places, and how operators take one away.

Each line says what (the event and why it was dismissed: 误检 or 固定设施), where (the zone and the
preset), who and when, from which alert. The places of the view the editor shows are drawn on its
picture (:mod:`app.ui.detection.scene_marks`); those of other presets are listed, greyed. Removing
one (the button, or Delete in the list) asks first: that thing will raise alerts there again.
Under the list: the camera's verdict counts of the last 30 days (counted off the GUI thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.alert_ports import AlertQuery
from app.core.alerts import Box, Rule
from app.core.suppressions import SuppressionRecord, VerdictCounts, VerdictKey, total
from app.services.detection.service import DetectionService
from app.services.suppressions import SuppressionService
from app.ui.alerts.verdict_counts import Search, VerdictCounter, verdict_line
from app.ui.alerts.words import event_words, reason_words, rule_words

translate = QCoreApplication.translate

COUNT_DAYS = 30
Confirm = Callable[[QWidget, str], bool]
Furniture = Callable[[], tuple[str | None, Sequence[Box]]]  # (preset of the latest check, boxes)
CleanZones = Callable[[str, str | None, list[str]], bool]  # camera, preset, zone ids → asked or not


def clean_zones(detection: DetectionService, camera_id: str, preset: str | None, zone_ids: list[str]) -> bool:
    """Ask detection to retake these zones' clean reference from its next checks of the view."""
    detection.zones_clean(camera_id, preset, zone_ids)
    return True


@dataclass(frozen=True)
class TaughtView:
    """What the zone editor shows and does besides the shapes, where detection runs: the camera's
    suppressed places (removable by ``operator``), its verdict counts (``search``: the alert
    store's), the furniture detection reports, and "clean now" for a no-vending zone."""

    suppressions: SuppressionService | None = None
    operator: Callable[[], str] = lambda: ""
    tz: tzinfo | None = None
    search: Search | None = None
    furniture: Furniture | None = None
    clean_zones: CleanZones | None = None


def ask(parent: QWidget, text: str) -> bool:
    """The confirmation: a question whose default answer is No (Enter does not remove)."""
    answer = QMessageBox.question(
        parent,
        translate("SuppressedPlaces", "Remove suppressed place"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def preset_words(preset: str | None) -> str:
    if preset is None:
        return translate("SuppressedPlaces", "fixed view")
    return translate("SuppressedPlaces", "preset {0}").format(preset)


def place_title(place: SuppressionRecord) -> str:
    """What: 无照经营游商 0501 — 固定设施."""
    event = f"{event_words(place.event_code)} {place.event_code}".strip()
    return translate("SuppressedPlaces", "{0} — {1}").format(event, reason_words(place.reason))


class SuppressedPlaces(QGroupBox):
    """The camera's suppressed places; ``changed`` when the list changed (the picture repaints),
    ``selected`` with a place id ("" for none)."""

    changed = Signal()
    selected = Signal(str)
    _told = Signal(str)  # the service's listener, brought to the GUI thread

    def __init__(
        self,
        service: SuppressionService,
        camera_id: str,
        operator: Callable[[], str],
        parent: QWidget | None = None,
        *,
        tz: tzinfo | None = None,
        search: Search | None = None,
        confirm: Confirm = ask,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suppressedPlaces")
        self._service, self.camera_id, self._operator = service, camera_id, operator
        self._tz, self._confirm, self._now = tz, confirm, now
        self.preset: str | None = None
        self.places: tuple[SuppressionRecord, ...] = ()
        self.list = QListWidget(self)
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(170)
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.installEventFilter(self)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.remove_button = QPushButton(self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addWidget(self.remove_button)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        self._counted: dict[VerdictKey, VerdictCounts] | None = None
        self._count_error = ""
        self.counter = VerdictCounter(search, self) if search is not None else None
        if self.counter is not None:
            self.counter.counted.connect(self._show_counts)
        self._told.connect(self._service_changed, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = service.subscribe(self._told.emit)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        service.reload()  # what other workstations dismissed meanwhile (a small file)
        self.reload()
        self.count()
        self.retranslate()

    # --- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setTitle(translate("SuppressedPlaces", "Suppressed false alarms ({0})").format(len(self.places)))
        self.empty.setText(
            translate(
                "SuppressedPlaces",
                "None yet. A vending alert dismissed as false detection or fixed object is suppressed "
                "here: the same thing in the same place raises no alert again.",
            )
        )
        self.remove_button.setText(translate("SuppressedPlaces", "Remove suppression (Del)…"))
        self._fill()
        self._counts_text()

    # --- the places ------------------------------------------------------------------------------
    def set_preset(self, preset: str | None) -> None:
        """The view the editor shows: its places are drawn, others listed greyed."""
        if preset != self.preset:
            self.preset = preset
            self._fill()
            self.changed.emit()

    def reload(self) -> None:
        current = self.current_id()
        here = [p for p in self._service.of_camera(self.camera_id) if p.preset == self.preset]
        others = [p for p in self._service.of_camera(self.camera_id) if p.preset != self.preset]
        self.places = tuple(here + others)
        self._fill(current)
        problems = self._service.problems
        if problems:  # a damaged file: its valid places are used, the rest is kept aside at the next save
            self.message.setText(
                translate("SuppressedPlaces", "The file of suppressed places has a problem: {0}").format(
                    "; ".join(problems[:2])
                )
            )

    def places_here(self) -> tuple[SuppressionRecord, ...]:
        return tuple(p for p in self.places if p.preset == self.preset)

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, str) else None

    def select(self, place_id: str | None) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == place_id:
                self.list.setCurrentRow(row)
                return
        self.list.setCurrentRow(-1)

    def short_words(self, place: SuppressionRecord) -> str:
        """For the picture's label: 固定设施 · 张三 12-08."""
        when = datetime.fromtimestamp(place.at, self._tz).strftime("%m-%d")
        return f"{reason_words(place.reason)} · {place.by} {when}"

    def line(self, place: SuppressionRecord) -> str:
        """What, where, who, when, why, from which alert."""
        when = datetime.fromtimestamp(place.at, self._tz).strftime("%Y-%m-%d %H:%M")
        where = translate("SuppressedPlaces", "{0}, {1}").format(
            place.zone_name or place.zone_id, preset_words(place.preset)
        )
        who = translate("SuppressedPlaces", "by {0} at {1}, alert {2}").format(place.by, when, place.alert_id)
        lines = [place_title(place), where, who]
        if place.note:
            lines.append(place.note)
        return "\n".join(lines)

    def _fill(self, keep: str | None = None) -> None:
        keep = keep if keep is not None else self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for place in self.places:
            item = QListWidgetItem(self.line(place))
            item.setData(Qt.ItemDataRole.UserRole, place.id)
            if place.preset != self.preset:
                item.setForeground(QBrush(QColor(140, 146, 160)))
                item.setToolTip(
                    translate("SuppressedPlaces", "At another preset: not drawn on this picture.")
                )
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.select(keep)
        self.empty.setVisible(not self.places)
        self.list.setVisible(bool(self.places))
        self.remove_button.setEnabled(self.current_id() is not None)
        self.setTitle(translate("SuppressedPlaces", "Suppressed false alarms ({0})").format(len(self.places)))

    def _row_changed(self, _row: int) -> None:
        self.remove_button.setEnabled(self.current_id() is not None)
        self.selected.emit(self.current_id() or "")

    def _service_changed(self, camera_id: str) -> None:
        if camera_id == self.camera_id:
            self.reload()
            self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            watched is self.list
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    # --- removing -------------------------------------------------------------------------------
    def remove_selected(self) -> bool:
        """Ask, then remove the selected place (True: removed)."""
        place_id = self.current_id()
        place = next((p for p in self.places if p.id == place_id), None)
        if place is None:
            return False
        question = translate(
            "SuppressedPlaces",
            "Remove the suppression “{0}” in {1}?\n\nThe same thing in the same place will raise "
            "alerts again.",
        ).format(place_title(place), place.zone_name or place.zone_id)
        if not self._confirm(self, question):
            return False
        removed = self._service.remove(place.id, self._operator())
        self.reload()
        self.changed.emit()
        if removed is not None:
            self.message.setText(
                translate("SuppressedPlaces", "Removed: {0}. Detection raises it again there.").format(
                    place_title(place)
                )
            )
        if self._service.unsaved():
            self.message.setText(
                self.message.text()
                + " "
                + translate(
                    "SuppressedPlaces",
                    "Not yet saved to the shared folder (see the system events); it is kept here and "
                    "saved with the next change.",
                )
            )
        return removed is not None

    # --- verdict counts ---------------------------------------------------------------------------
    def count(self) -> None:
        """The camera's verdicts of the last 30 days (vending and bins), off the GUI thread."""
        if self.counter is None:
            return
        now = self._now()
        query = AlertQuery(camera_ids=frozenset({self.camera_id}), raised_from=now - COUNT_DAYS * 86400.0)
        self.counter.count(query)

    def _show_counts(self, counts: object, error: str) -> None:
        self._counted = dict(counts) if isinstance(counts, dict) else {}
        self._count_error = error
        self._counts_text()

    def _counts_text(self) -> None:
        if self.counter is None:
            self.counts.hide()
            return
        if self._counted is None:
            self.counts.setText(translate("SuppressedPlaces", "Counting this camera's verdicts…"))
            return
        if self._count_error:
            self.counts.setText(
                translate("SuppressedPlaces", "Verdicts could not be counted: {0}").format(self._count_error)
            )
            return
        lines = [translate("SuppressedPlaces", "Verdicts of the last {0} days:").format(COUNT_DAYS)]
        for rule in Rule:
            mine = [c for (r, _camera), c in self._counted.items() if r is rule]
            if mine:
                counts = total(mine)
                lines.append(
                    translate("SuppressedPlaces", "{0}: {1}").format(
                        f"<b>{rule_words(rule)}</b>", verdict_line(counts)
                    )
                )
        if len(lines) == 1:
            lines.append(translate("SuppressedPlaces", "no alert on this camera."))
        self.counts.setText("<br>".join(lines))
