"""The alert list as a Qt table model, kept up to date by the alert service's change events.

A change to one alert is one ``dataChanged`` for its row; a new alert is one ``rowsInserted`` at the
end (the proxy sorts); never a reset per event: a shift leader's selection and scroll position stay
while alerts pour in. The duration column ticks with one ``dataChanged`` over that column, and the
state of a row whose voice escalation is under way (its countdown) with one for that cell.

The service tells its listeners on whatever thread made the change (the detection side may be a
worker thread): :class:`AlertFeed` carries each change to the GUI thread by a queued signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.core.alerts import Alert, AlertChange, AlertState, Rule
from app.ui.alerts.thumbnails import Thumbnails, still_of
from app.ui.alerts.words import (
    duration_words,
    ended_at,
    priority_words,
    rule_line,
    state_line,
    when_words,
    zone_words,
)
from app.ui.voice.marks import ladder_mark

translate = QCoreApplication.translate
ALERT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
VOICE_ROLE = Qt.ItemDataRole.UserRole + 3  # the escalation's badge over the picture (VoiceMark | None)
Index = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    PICTURE = 0
    CAMERA = 1
    PLACE = 2
    RULE = 3
    RAISED = 4
    DURATION = 5
    STATE = 6
    OWNER = 7


STATE_COLOURS = {
    AlertState.RAISED: QColor(226, 72, 72),
    AlertState.ACKNOWLEDGED: QColor(222, 150, 40),
    AlertState.ESCALATED: QColor(196, 96, 220),
    AlertState.CONFIRMED: QColor(80, 150, 235),
    AlertState.CLEARED: QColor(70, 170, 95),
    AlertState.DISMISSED: QColor(120, 126, 140),
}


class AlertFeed(QObject):
    """The service's listener: hands each change to the GUI thread (queued when it came from another)."""

    changed = Signal(object)  # AlertChange

    def __call__(self, change: AlertChange) -> None:
        self.changed.emit(change)


class AlertTableModel(QAbstractTableModel):
    def __init__(
        self,
        camera_name: Callable[[str], str],
        now: Callable[[], float],
        tz: tzinfo | None = None,
        thumbnails: Thumbnails | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._camera_name, self._now, self.tz = camera_name, now, tz
        self._rows: list[Alert] = []
        self._row_of: dict[str, int] = {}
        self._laddered: set[int] = set()  # rows whose escalation ladder runs (their state counts down)
        self.thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)

    # --- contents -------------------------------------------------------------------------------
    def set_alerts(self, alerts: Iterable[Alert]) -> None:
        """A whole new list (the first load, a history search's result): the one reset."""
        self.beginResetModel()
        self._rows = list(alerts)
        self._row_of = {a.id: i for i, a in enumerate(self._rows)}
        self._laddered = {i for i, a in enumerate(self._rows) if _laddered(a)}
        self.endResetModel()

    def apply(self, change: AlertChange) -> None:
        """One alert changed or arrived: ``dataChanged`` for its row, or one row inserted."""
        alert = change.after
        row = self._row_of.get(alert.id)
        if row is not None:
            self._rows[row] = alert
            self._note_ladder(row, alert)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
            return
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(alert)
        self._row_of[alert.id] = row
        self._note_ladder(row, alert)
        self.endInsertRows()

    def _note_ladder(self, row: int, alert: Alert) -> None:
        if _laddered(alert):
            self._laddered.add(row)
        else:
            self._laddered.discard(row)

    def tick(self) -> None:
        """The duration column moves on (one signal over the column), and the escalation countdowns."""
        if self._rows:
            self.dataChanged.emit(self.index(0, Col.DURATION), self.index(len(self._rows) - 1, Col.DURATION))
        for row in self._laddered:  # the badge over its picture and its state line
            self.dataChanged.emit(self.index(row, Col.PICTURE), self.index(row, Col.STATE))

    def alert(self, row: int) -> Alert | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, alert_id: str) -> int:
        return self._row_of.get(alert_id, -1)

    def alerts(self) -> list[Alert]:
        return list(self._rows)

    # --- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index | None = None) -> int:  # noqa: N802 (Qt API)
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index | None = None) -> int:  # noqa: N802 (Qt API)
        return 0 if parent is not None and parent.isValid() else len(Col)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Col):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.column_title(Col(section))
        if role == Qt.ItemDataRole.ToolTipRole and section == Col.RAISED:
            zone = zone_words(self.tz, self._now())
            return translate("Triage", "Times in the site's time zone ({0})").format(zone)
        return None

    def column_title(self, col: Col) -> str:
        raised = translate("Triage", "Raised")
        titles = {
            Col.PICTURE: translate("Triage", "Evidence"),
            Col.CAMERA: translate("Triage", "Camera"),
            Col.PLACE: translate("Triage", "Place"),
            Col.RULE: translate("Triage", "Rule"),
            Col.RAISED: f"{raised}\n{zone_words(self.tz, self._now())}",
            Col.DURATION: translate("Triage", "Duration"),
            Col.STATE: translate("Triage", "State"),
            Col.OWNER: translate("Triage", "Owner"),
        }
        return titles[col]

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        alert, col = self._rows[index.row()], Col(index.column())
        if role == ALERT_ROLE:
            return alert
        if role == VOICE_ROLE:
            return ladder_mark(alert, self._now()) if col == Col.PICTURE else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(alert, col)
        if role == SORT_ROLE:
            return self._sort_key(alert, col)
        if role == Qt.ItemDataRole.DecorationRole and col == Col.PICTURE and self.thumbnails is not None:
            return self.thumbnails.get(still_of(alert))
        if role == Qt.ItemDataRole.ForegroundRole and col == Col.STATE:
            return QBrush(STATE_COLOURS[alert.state])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(alert)
        return None

    def _text(self, alert: Alert, col: Col) -> str:
        if col == Col.PICTURE:
            return self._picture_text(alert)
        if col == Col.CAMERA:
            name = self._camera_name(alert.camera_id)
            preset = translate("Triage", "preset {0}").format(alert.preset)
            return f"{name}\n{preset}" if alert.preset else name
        if col == Col.PLACE:
            return "\n".join(p for p in (alert.zone_name, alert.grid_code or "") if p) or "—"
        if col == Col.RULE:
            return rule_line(alert)
        if col == Col.RAISED:
            return when_words(alert.raised_at, self.tz, self._now())
        if col == Col.DURATION:
            end = ended_at(alert)
            return duration_words((end if end is not None else self._now()) - alert.raised_at)
        if col == Col.STATE:
            return state_line(alert, self._now(), self.tz)
        return alert.owner or "—"

    def _picture_text(self, alert: Alert) -> str:
        ref = still_of(alert)
        if ref is None:
            return translate("Triage", "no picture")
        if self.thumbnails is not None and ref.sha256 in self.thumbnails.missing:
            return translate("Triage", "picture missing")
        return ""

    def _sort_key(self, alert: Alert, col: Col) -> Any:
        if col in (Col.RAISED, Col.PICTURE):
            return alert.raised_at
        if col == Col.DURATION:
            end = ended_at(alert)
            return (end if end is not None else self._now()) - alert.raised_at
        if col == Col.STATE:
            return (not alert.needs_acknowledgement, not alert.is_open, alert.priority, -alert.raised_at)
        return self._text(alert, col)

    def _tooltip(self, alert: Alert) -> str:
        lines = [
            rule_line(alert).replace("\n", " · "),
            self._camera_name(alert.camera_id),
            " ".join(p for p in (alert.grid_code or "", alert.zone_name) if p),
            translate("Triage", "Confidence {0:.0%} · priority: {1}").format(
                alert.score, priority_words(alert.priority)
            ),
        ]
        if alert.note:
            lines.append(translate("Triage", "Note: {0}").format(alert.note))
        return "\n".join(line for line in lines if line)

    def _thumbnail_ready(self, sha256: str) -> None:
        for row, alert in enumerate(self._rows):
            ref = still_of(alert)
            if ref is not None and ref.sha256 == sha256:
                index = self.index(row, Col.PICTURE)
                self.dataChanged.emit(index, index)


def _laddered(alert: Alert) -> bool:
    return alert.ladder is not None and alert.ladder.active


# --- filters ------------------------------------------------------------------------------------
FILTERS: dict[str, Callable[[Alert], bool]] = {
    "open": lambda a: a.is_open or a.needs_acknowledgement,
    "awaiting": lambda a: a.needs_acknowledgement,
    "confirmed": lambda a: a.state is AlertState.CONFIRMED,
    "dismissed": lambda a: a.state is AlertState.DISMISSED,
    "cleared": lambda a: a.state is AlertState.CLEARED,
    "all": lambda a: True,
}


def filter_words() -> dict[str, str]:
    return {
        "open": translate("Triage", "Open"),
        "awaiting": translate("Triage", "Not yet taken"),
        "confirmed": translate("Triage", "Confirmed violations"),
        "dismissed": translate("Triage", "Dismissed as false"),
        "cleared": translate("Triage", "Target gone"),
        "all": translate("Triage", "All"),
    }


class AlertFilter(QSortFilterProxyModel):
    """Which alerts the list shows (state, rule, camera text), newest first unless sorted otherwise."""

    def __init__(
        self, model: AlertTableModel, camera_name: Callable[[str], str], parent: QObject | None = None
    ):
        super().__init__(parent)
        self._camera_name = camera_name
        self.state_key = "open"
        self.rule: Rule | None = None
        self.text = ""
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.sort(Col.RAISED, Qt.SortOrder.DescendingOrder)

    def set_state(self, key: str) -> None:
        if key not in FILTERS:
            raise KeyError(f"unknown filter {key!r}; known: {', '.join(FILTERS)}")
        self._refilter(lambda: setattr(self, "state_key", key))

    def set_rule(self, rule: Rule | None) -> None:
        self._refilter(lambda: setattr(self, "rule", rule))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "text", text.strip().casefold()))

    def _refilter(self, change: Callable[[], None]) -> None:
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def alert(self, row: int) -> Alert | None:
        value = self.index(row, 0).data(ALERT_ROLE)
        return value if isinstance(value, Alert) else None

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 (Qt API)
        model = self.sourceModel()
        assert isinstance(model, AlertTableModel)
        alert = model.alert(source_row)
        if alert is None or not FILTERS[self.state_key](alert):
            return False
        if self.rule is not None and alert.rule is not self.rule:
            return False
        if self.text:
            fields = (
                self._camera_name(alert.camera_id),
                alert.camera_id,
                alert.grid_code or "",
                alert.zone_name,
            )
            return any(self.text in f.casefold() for f in fields)
        return True
