"""The alerts panel: what the detectors raised, newest first, for an operator to acknowledge or dismiss.

Each row shows the evidence picture, the rule in words with its event code (占道经营 0501), the
camera and zone, when (in the site's time zone, said in the header), the score and the state:
raised (new), acknowledged (an operator is on it), escalated, confirmed, cleared (the detector
saw the condition go: the vendor left, the bin was emptied), dismissed (an operator said it is
nothing). Keys in the list: Enter shows the camera, Space acknowledges, Delete dismisses as a
false detection, E opens the evidence picture; the filter box picks which states are listed.

The panel holds no alerts of its own: it shows what the :class:`~app.services.alerts.AlertService`
has, follows its changes (:class:`~app.ui.detection.alert_signals.AlertSignals`) and sends it the
operator's commands (the core's table decides what is allowed).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.core.alert_ports import EvidenceStore
from app.core.alerts import (
    OPEN_STATES,
    Alert,
    AlertChange,
    AlertState,
    DismissReason,
    EvidenceKind,
    EvidenceRef,
    InvalidAlertTransition,
    MissingReason,
)
from app.core.site_time import clock_time, offset_label, stamp
from app.services.alerts import AlertService
from app.ui.detection.alert_signals import AlertSignals

translate = QCoreApplication.translate
log = logging.getLogger(__name__)

THUMB = QSize(104, 78)  # evidence thumbnails: 4:3 like CIF/D1 pictures
THUMBS_KEPT = 300  # a few screens of the list, 10 MiB
ROW_PAD = 6


# --- words --------------------------------------------------------------------------------------


def rule_words(rule: str) -> str:
    """A rule in the control room's words."""
    words = {
        "vending": translate("Alerts", "Street vending"),
        "bin_overflow": translate("Alerts", "Bin overflowing"),
    }
    return words.get(rule, rule)


def event_words(code: str) -> str:
    """The name of an event code of the CJ/T 214 family (verify per city); empty when unknown."""
    words = {
        "0102": translate("Alerts", "Exposed rubbish"),
        "0103": translate("Alerts", "Accumulated rubbish"),
        "0501": translate("Alerts", "Unlicensed street vendor"),
        "0504": translate("Alerts", "Trading outside the shop"),
        "0507": translate("Alerts", "Materials piled up"),
    }
    return words.get(code, "")


# --- state ----------------------------------------------------------------------------------------


# --- the list model and its painting ----------------------------------------------------------------

FILTERS: dict[str, frozenset[AlertState]] = {
    "open": OPEN_STATES,
    "new": frozenset({AlertState.RAISED}),
    "acknowledged": frozenset({AlertState.ACKNOWLEDGED, AlertState.ESCALATED}),
    "confirmed": frozenset({AlertState.CONFIRMED}),
    "cleared": frozenset({AlertState.CLEARED}),
    "dismissed": frozenset({AlertState.DISMISSED}),
    "all": frozenset(AlertState),
}

STATE_COLOURS = {
    AlertState.RAISED: QColor(214, 58, 58),
    AlertState.ACKNOWLEDGED: QColor(212, 140, 20),
    AlertState.ESCALATED: QColor(180, 70, 200),
    AlertState.CONFIRMED: QColor(40, 110, 210),
    AlertState.CLEARED: QColor(46, 150, 67),
    AlertState.DISMISSED: QColor(90, 96, 110),
}
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def state_words(state: AlertState) -> str:
    words = {
        AlertState.RAISED: translate("Alerts", "new"),
        AlertState.ACKNOWLEDGED: translate("Alerts", "acknowledged"),
        AlertState.ESCALATED: translate("Alerts", "escalated"),
        AlertState.CONFIRMED: translate("Alerts", "confirmed"),
        AlertState.CLEARED: translate("Alerts", "cleared"),
        AlertState.DISMISSED: translate("Alerts", "dismissed"),
    }
    return words[state]


def when_words(at: float, zone: tzinfo, now: float | None = None) -> str:
    """HH:MM:SS on the site's today; MM-DD HH:MM on another day (the site's time zone)."""
    return clock_time(at, zone, now if now is not None else time.time())


Reader = Callable[[EvidenceRef], bytes]


def read_picture(read: Reader | None, ref: EvidenceRef | None) -> QImage:
    """The evidence picture (a null image when there is none or the store cannot give it)."""
    if read is None or ref is None:
        return QImage()
    try:
        return QImage.fromData(read(ref))
    except Exception as exc:  # a missing or unreadable file: the viewer says so
        log.warning("evidence %s not readable: %s", ref.sha256[:12], exc)
        return QImage()


class Thumbnails:
    """Evidence pictures scaled once to thumbnail size (they never change once kept).

    The most recently shown ``kept`` stay: a list scrolled through a week of alerts would
    otherwise hold 32 KiB for every one of them.
    """

    def __init__(self, read: Reader | None = None, size: QSize = THUMB, kept: int = THUMBS_KEPT) -> None:
        self.read = read
        self.size = size
        self._kept = kept
        self._cache: OrderedDict[str, QImage | None] = OrderedDict()

    def get(self, ref: EvidenceRef | None) -> QImage | None:
        if ref is None:
            return None
        if ref.sha256 in self._cache:
            self._cache.move_to_end(ref.sha256)
            return self._cache[ref.sha256]
        image = read_picture(self.read, ref)
        if not image.isNull():
            image = image.scaled(
                self.size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        thumb = self._cache[ref.sha256] = None if image.isNull() else image
        if len(self._cache) > self._kept:
            self._cache.popitem(last=False)
        return thumb

    def __len__(self) -> int:
        return len(self._cache)


class AlertModel(QAbstractListModel):
    def __init__(
        self,
        alerts: Callable[[], list[Alert]],
        parent: QObject | None = None,
        camera_name: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.alerts = alerts  # newest first
        self.camera_name = camera_name
        self.shown: frozenset[AlertState] = FILTERS["open"]
        self._rows: list[Alert] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{rule_words(entry.rule.value)} {entry.event_code} {entry.zone_name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            name = event_words(entry.event_code)
            event = f"{name} ({entry.event_code})" if name else entry.event_code
            camera = self.camera_name(entry.camera_id) if self.camera_name else entry.camera_id
            return "\n".join(p for p in (event, camera, entry.zone_name) if p)
        return None

    def entry(self, row: int) -> Alert | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, alert_id: str) -> int:
        return next((i for i, e in enumerate(self._rows) if e.id == alert_id), -1)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = [a for a in self.alerts() if a.state in self.shown]
        self.endResetModel()


class AlertDelegate(QStyledItemDelegate):
    """Thumbnail left; rule and code, camera and zone, time and score; a state badge on the right."""

    def __init__(
        self, thumbnails: Thumbnails, camera_name: Callable[[str], str], zone: tzinfo, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.thumbnails, self.camera_name, self.zone = thumbnails, camera_name, zone

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return QSize(300, THUMB.height() + 2 * ROW_PAD)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        entry = index.data(ENTRY_ROLE)
        if not isinstance(entry, Alert):
            return
        rect: QRect = option.rect
        state = option.state
        painter.save()
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor(40, 80, 130) if selected else QColor(22, 25, 32))
        painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), STATE_COLOURS[entry.state])
        painter.setPen(QColor(44, 48, 58))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        thumb_box = QRect(rect.left() + 10, rect.top() + ROW_PAD, THUMB.width(), THUMB.height())
        painter.fillRect(thumb_box, QColor(12, 14, 18))
        image = self.thumbnails.get(entry.evidence_of(EvidenceKind.STILL))
        base: QFont = option.font
        small = QFont(base)
        small.setPixelSize(max(10, base.pixelSize() - 1) if base.pixelSize() > 0 else 11)
        if image is not None:
            target = image.size().scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)
            x = thumb_box.left() + (THUMB.width() - target.width()) // 2
            y = thumb_box.top() + (THUMB.height() - target.height()) // 2
            painter.drawImage(QRect(x, y, target.width(), target.height()), image)
        else:
            painter.setFont(small)
            painter.setPen(QColor(110, 116, 128))
            painter.drawText(
                thumb_box,
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                translate("Alerts", "no picture"),
            )
        dimmed = entry.state is AlertState.DISMISSED
        left = thumb_box.right() + 10
        right = rect.right() - 8
        bold = QFont(base)
        bold.setBold(True)
        badge = state_words(entry.state)
        badge_metrics = QFontMetrics(small)
        badge_w = badge_metrics.horizontalAdvance(badge) + 12
        badge_rect = QRect(right - badge_w, rect.top() + ROW_PAD, badge_w, badge_metrics.height() + 4)
        painter.fillRect(badge_rect, STATE_COLOURS[entry.state])
        painter.setFont(small)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)
        percent = f"{entry.score:.0%}"
        lines = [
            (bold, QColor(150, 156, 168) if dimmed else QColor(240, 242, 248),
             f"{rule_words(entry.rule.value)} {entry.event_code}", badge_rect.left() - 6),
            (base, QColor(130, 136, 148) if dimmed else QColor(205, 210, 222),
             " · ".join(p for p in (entry.zone_name, self.camera_name(entry.camera_id)) if p), right),
            (small, QColor(150, 156, 170),
             translate("Alerts", "{0} · score {1}").format(when_words(entry.raised_at, self.zone), percent),
             right),
        ]  # fmt: skip
        y = rect.top() + ROW_PAD
        for font, colour, text, limit in lines:
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(colour)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(10, limit - left))
            painter.drawText(left, y + metrics.ascent(), shown)
            y += metrics.height() + 4
        painter.restore()


# --- evidence viewer ------------------------------------------------------------------------------


class FitPicture(QWidget):
    """A picture scaled to fit (aspect kept); says so in words when the file is missing."""

    def __init__(self, image: QImage, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.missing = (
            translate("Alerts", "The evidence picture is missing: {0}").format(name or "—")
            if self.image.isNull()
            else ""
        )
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.image.size() if not self.image.isNull() else QSize(480, 360)

    def shown_rect(self) -> QRect:
        """Where the picture is drawn (the whole picture, as large as the widget allows)."""
        if self.image.isNull():
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect(
            (self.width() - size.width()) // 2,
            (self.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(8, 10, 14))
        if self.image.isNull():
            painter.setPen(QColor(236, 160, 60))
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.missing,
            )
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.shown_rect(), self.image)
        painter.end()


class EvidenceViewer(QDialog):
    """The evidence of one alert: the picture it was raised on (and the one it cleared on, for the
    before/after check), as large as the screen allows; Esc closes it."""

    def __init__(
        self, entry: Alert, camera_name: str, read: Reader | None, zone: tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceViewer")
        self.setWindowTitle(translate("Alerts", "Evidence — {0}").format(camera_name))
        still, cleared = entry.evidence_of(EvidenceKind.STILL), entry.evidence_of(EvidenceKind.CLEAR_STILL)
        self.picture = FitPicture(read_picture(read, still), still.sha256 if still else "", self)
        self.after = FitPicture(read_picture(read, cleared), cleared.sha256, self) if cleared else None
        pictures = QHBoxLayout()
        for widget, label in (
            (self.picture, translate("Alerts", "raised")),
            (self.after, translate("Alerts", "cleared")),
        ):
            if widget is None:
                continue
            column = QVBoxLayout()
            if self.after is not None:
                column.addWidget(QLabel(label, self))
            column.addWidget(widget, 1)
            pictures.addLayout(column, 1)
        name = event_words(entry.event_code)
        parts = (
            f"{rule_words(entry.rule.value)} {entry.event_code}",
            name,
            camera_name,
            entry.zone_name,
            stamp(entry.raised_at, zone),
            still.sha256[:12] if still else "",
        )
        caption = QLabel(" · ".join(p for p in parts if p), self)
        caption.setWordWrap(True)
        caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(pictures, 1)
        layout.addWidget(caption)
        room = self.screen().availableGeometry().size() * 0.85
        hint = self.picture.sizeHint()
        width = hint.width() * (2 if self.after is not None else 1) + 40
        self.resize(min(room.width(), max(480, width)), min(room.height(), hint.height() + 90))


# --- the panel ------------------------------------------------------------------------------------


class AlertsPanel(QWidget):
    """A dock-able list of the alert service's alerts. Commands go to the service; the list follows
    the service's changes; signals tell the window what to show."""

    focus_requested = Signal(str, object)  # camera id, preset (str or None): show that camera
    acknowledged = Signal(str)  # alert id
    dismissed = Signal(str)  # alert id
    counts_changed = Signal(int, int)  # open alerts, alerts nobody has acknowledged yet

    def __init__(
        self,
        camera_names: Mapping[str, str],
        service: AlertService,
        parent: QWidget | None = None,
        *,
        signals: AlertSignals | None = None,
        operator: Callable[[], str],
        evidence: EvidenceStore | None = None,
        zone: tzinfo,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self._names = dict(camera_names)
        self._operator = operator
        self.service = service
        self.zone = zone
        self._read: Reader | None = evidence.read if evidence is not None else None
        self.signals = signals if signals is not None else AlertSignals(service, self)
        self.signals.changed.connect(self._changed)
        self._viewers: list[EvidenceViewer] = []
        self.model = AlertModel(service.alerts, self, self.camera_name)
        self.thumbnails = Thumbnails(self._read)
        self.filter_box = QComboBox(self)
        self.filter_label = QLabel(self)
        self.filter_label.setBuddy(self.filter_box)
        self.zone_label = QLabel(self)  # the list's times: 时间（UTC+08:00）
        self.count_label = QLabel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(AlertDelegate(self.thumbnails, self.camera_name, zone, self))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.focus_selected())
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: rgb(130, 136, 148); padding: 18px;")
        self.focus_button = QPushButton(self)
        self.ack_button = QPushButton(self)
        self.dismiss_button = QPushButton(self)
        self.evidence_button = QPushButton(self)
        for button, slot in (
            (self.focus_button, self.focus_selected),
            (self.ack_button, self.acknowledge_selected),
            (self.dismiss_button, self.dismiss_selected),
            (self.evidence_button, self.open_evidence_selected),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
        top = QHBoxLayout()
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.zone_label)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        for button in (self.focus_button, self.ack_button, self.dismiss_button, self.evidence_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)
        self.filter_box.activated.connect(lambda _i: self.set_filter(str(self.filter_box.currentData())))
        self.setFocusProxy(self.view)
        self.retranslate()
        self._refresh()

    # --- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        current = str(self.filter_box.currentData() or "open")
        self.filter_box.clear()
        labels = {
            "open": translate("Alerts", "Open (new and acknowledged)"),
            "new": translate("Alerts", "New"),
            "acknowledged": translate("Alerts", "Acknowledged"),
            "confirmed": translate("Alerts", "Confirmed"),
            "cleared": translate("Alerts", "Cleared"),
            "dismissed": translate("Alerts", "Dismissed"),
            "all": translate("Alerts", "All"),
        }
        for key, label in labels.items():
            self.filter_box.addItem(label, key)
        self.filter_box.setCurrentIndex(max(0, self.filter_box.findData(current)))
        self.filter_label.setText(translate("Alerts", "&Show"))
        self.zone_label.setText(translate("Alerts", "Time ({0})").format(offset_label(self.zone)))
        self.zone_label.setToolTip(translate("Alerts", "Times are the site's local time"))
        for button, text, key in (
            (self.focus_button, translate("Alerts", "Show camera"), "Enter"),
            (self.ack_button, translate("Alerts", "Acknowledge"), "Space"),
            (self.dismiss_button, translate("Alerts", "Dismiss"), "Del"),
            (self.evidence_button, translate("Alerts", "Evidence"), "E"),
        ):
            button.setText(text)
            button.setToolTip(f"{text} ({key})")
        self.dismiss_button.setToolTip(translate("Alerts", "Dismiss as a false detection (Del)"))
        self._refresh_counts()
        self.view.viewport().update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- the service's changes -----------------------------------------------------------------
    def _changed(self, _change: AlertChange) -> None:
        selected = self.selected_alert()
        self._refresh(selected.id if selected else None)

    # --- what the operator does ------------------------------------------------------------------
    def camera_name(self, camera_id: str) -> str:
        return self._names.get(camera_id, camera_id)

    def set_filter(self, key: str) -> None:
        if key not in FILTERS:
            raise KeyError(f"unknown filter {key!r}; known: {', '.join(FILTERS)}")
        self.filter_box.setCurrentIndex(self.filter_box.findData(key))
        self.model.shown = FILTERS[key]
        selected = self.selected_alert()
        self._refresh(selected.id if selected else None)

    def select(self, alert_id: str) -> bool:
        row = self.model.row_of(alert_id)
        if row < 0:
            return False
        self.view.setCurrentIndex(self.model.index(row))
        return True

    def selected_alert(self) -> Alert | None:
        index = self.view.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def focus_selected(self) -> None:
        entry = self.selected_alert()
        if entry is not None:
            self.focus_requested.emit(entry.camera_id, entry.preset)

    def acknowledge_selected(self) -> bool:
        """Acknowledge the selected alert (one nobody has seen yet); True when it was."""
        entry = self.selected_alert()
        if entry is None or not entry.needs_acknowledgement:
            return False
        try:
            self.service.acknowledge(entry.id, self._operator())
        except InvalidAlertTransition:
            return False
        self.acknowledged.emit(entry.id)
        return True

    def dismiss_selected(self) -> bool:
        """Dismiss the selected alert as a false detection; True when it was."""
        entry = self.selected_alert()
        if entry is None or entry.state is AlertState.DISMISSED:
            return False
        row = self.view.currentIndex().row()
        try:
            self.service.dismiss(entry.id, self._operator(), DismissReason.FALSE_DETECTION)
        except (InvalidAlertTransition, MissingReason):
            return False
        self._select_row(row)  # the next alert, ready for the next key
        self.dismissed.emit(entry.id)
        return True

    def open_evidence_selected(self) -> EvidenceViewer | None:
        entry = self.selected_alert()
        if entry is None:
            return None
        viewer = EvidenceViewer(entry, self.camera_name(entry.camera_id), self._read, self.zone, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.finished.connect(lambda _r, v=viewer: self._viewers.remove(v) if v in self._viewers else None)
        self._viewers.append(viewer)
        viewer.show()
        return viewer

    # --- counts for the status bar ---------------------------------------------------------------
    def open_count(self) -> int:
        return len(self.service.open_alerts())

    def new_count(self) -> int:
        """Alerts nobody has acknowledged yet (cleared ones too: nobody saw them)."""
        return len(self.service.awaiting_acknowledgement())

    def status_text(self) -> str:
        open_, new = self.open_count(), self.new_count()
        if not open_ and not new:
            return translate("Alerts", "no open alerts")
        return translate("Alerts", "{0} open alert(s), {1} unacknowledged").format(open_, new)

    # --- internals -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False
            actions = {
                Qt.Key.Key_Return: self.focus_selected,
                Qt.Key.Key_Enter: self.focus_selected,
                Qt.Key.Key_Space: self.acknowledge_selected,
                Qt.Key.Key_Delete: self.dismiss_selected,
                Qt.Key.Key_E: self.open_evidence_selected,
            }
            action = actions.get(Qt.Key(event.key()))
            if action is not None:
                action()
                return True
        return super().eventFilter(watched, event)

    def _refresh(self, keep: str | None = None) -> None:
        self.model.reload()
        kept = keep is not None and self.select(keep)
        if not kept and self.model.rowCount() and not self.view.currentIndex().isValid():
            self._select_row(0)
        empty = self.model.rowCount() == 0
        self.view.setVisible(not empty)
        self.empty_label.setVisible(empty)
        self._refresh_counts()
        self._update_buttons()

    def _select_row(self, row: int) -> None:
        count = self.model.rowCount()
        if count:
            self.view.setCurrentIndex(self.model.index(max(0, min(row, count - 1))))

    def _refresh_counts(self) -> None:
        open_, new = self.open_count(), self.new_count()
        self.count_label.setText(translate("Alerts", "{0} open").format(open_))
        shown = str(self.filter_box.currentData() or "open")
        self.empty_label.setText(
            translate("Alerts", "No open alerts. Alerts appear here when a rule fires.")
            if shown == "open"
            else translate("Alerts", "No alerts in this list.")
        )
        self.counts_changed.emit(open_, new)

    def _update_buttons(self) -> None:
        entry = self.selected_alert()
        self.focus_button.setEnabled(entry is not None)
        self.ack_button.setEnabled(entry is not None and entry.needs_acknowledgement)
        self.dismiss_button.setEnabled(entry is not None and entry.state is not AlertState.DISMISSED)
        self.evidence_button.setEnabled(entry is not None and bool(entry.evidence))
