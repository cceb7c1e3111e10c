"""Everything alert triage adds to the main window, built in one place from the alert service.

The main window puts :class:`AlertsWorkspace` in its alerts dock (current alerts and history search
as tabs), adds ``actions`` to its menu and toolbar (alarm sound on/off, alarm window, hand-over),
and connects ``camera_requested`` to its focus-a-camera slot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from app.core.alert_ports import AlertQuery
from app.core.alerts import OPEN_STATES, Alert
from app.media.source import FrameSource
from app.services.alerts import AlertService
from app.ui.alerts.alarm_window import AlarmWindow
from app.ui.alerts.attention import Attention
from app.ui.alerts.handover import HandoverDialog
from app.ui.alerts.history import HistoryView, Searchable
from app.ui.alerts.sound import AlarmSound
from app.ui.alerts.thumbnails import LoadEvidence
from app.ui.alerts.view import TriageView
from app.ui.wall.compositor import TileInfo, WallCompositor

translate = QCoreApplication.translate
MOST = 100_000  # a shift's alerts, with room


class AlertsWorkspace(QTabWidget):
    camera_requested = Signal(str, object)  # camera id, preset

    def __init__(
        self,
        service: AlertService,
        *,
        cameras: Mapping[str, TileInfo],
        operator: Callable[[], str],
        source: FrameSource,
        compositors: Callable[[], Iterable[WallCompositor]],
        sound_folder: Path,
        site_name: str,
        tz: tzinfo | None = None,
        load_evidence: LoadEvidence | None = None,
        repository: Searchable | None = None,
        settings: QSettings | None = None,
        now: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertsWorkspace")
        self._service, self._cameras, self._operator, self._source = service, dict(cameras), operator, source
        self._tz, self._load, self._repository, self._settings, self._now = (
            tz,
            load_evidence,
            repository,
            settings,
            now,
        )
        self._site = site_name
        self.triage = TriageView(
            service, camera_name=self.camera_name, operator=operator, tz=tz, load_evidence=load_evidence,
            now=now, settings=settings, parent=self,
        )  # fmt: skip
        self.triage.camera_requested.connect(self.camera_requested)
        self.addTab(self.triage, "")
        self.history = (
            HistoryView(repository, {c: i.name for c, i in cameras.items()}, now, tz, load_evidence, self)
            if repository is not None
            else None
        )
        if self.history is not None:
            self.addTab(self.history, "")
        self.sound = AlarmSound(sound_folder, settings, self)
        self.attention = Attention(service, compositors, self.sound, self)
        self.alarm_window: AlarmWindow | None = None
        self.alarm_action = QAction(self)
        self.alarm_action.setCheckable(True)
        self.alarm_action.toggled.connect(self.show_alarm_window)
        self.handover_action = QAction(self)
        self.handover_action.triggered.connect(self.open_handover)
        self.actions_ = [self.sound.action, self.alarm_action, self.handover_action]
        self.setFocusProxy(self.triage)
        self.retranslate()

    def status_text(self) -> str:
        """For the status bar: how many alerts are open and how many nobody has taken yet."""
        open_, waiting = len(self._service.open_alerts()), len(self._service.awaiting_acknowledgement())
        if not open_ and not waiting:
            return translate("Triage", "no open alerts")
        return translate("Triage", "{0} open alert(s), {1} not yet taken").format(open_, waiting)

    def camera_name(self, camera_id: str) -> str:
        info = self._cameras.get(camera_id)
        return info.name if info is not None else camera_id

    def retranslate(self) -> None:
        self.setTabText(0, translate("Triage", "Current alerts"))
        if self.history is not None:
            self.setTabText(1, translate("Triage", "History"))
        self.alarm_action.setText(translate("Triage", "Alarm window (newest alert not yet taken)"))
        self.handover_action.setText(translate("Triage", "Shift hand-over…"))
        self.sound.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_alarm_window(self, shown: bool) -> None:
        if shown and self.alarm_window is None:
            self.alarm_window = AlarmWindow(self.attention, self._service, self._source, self._cameras,
                                            self._operator, self._load, self._tz, now=self._now)  # fmt: skip
        if self.alarm_window is not None:
            self.alarm_window.setVisible(shown)

    def shift_alerts(self, start: float, end: float) -> list[Alert]:
        """The shift's alerts from the store (raised in it, or open from before) and this session's."""
        found: list[Alert] = []
        if self._repository is not None:
            found += self._repository.search(AlertQuery(raised_from=start, raised_to=end, limit=MOST))
            found += self._repository.search(AlertQuery(states=OPEN_STATES, raised_to=end, limit=MOST))
        return found + self._service.alerts()

    def open_handover(self) -> HandoverDialog:
        dialog = HandoverDialog(self.shift_alerts, self.camera_name, self._now, self._tz, self._site,
                                self._settings, self.window())  # fmt: skip
        dialog.show()
        return dialog
