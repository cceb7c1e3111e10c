"""The alarm window: the newest alert nobody has taken, its camera live beside its evidence still.

A separate top-level window (a second screen in the control room), opened from the menu. It
follows :class:`~app.ui.alerts.attention.Attention`; A (or the button) takes the alert shown, and
the next one waiting comes up. With nothing waiting it says so and shows no camera. Where the
alert's voice escalation runs, its step and countdown are under the caption (once a second).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, QEvent, QRunnable, Qt, QThreadPool, QTimer
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.alerts import Alert, EvidenceRef, InvalidAlertTransition
from app.core.wall_layout import grid_layout
from app.media.source import FrameSource
from app.services.alerts import AlertService
from app.ui.alerts.attention import Attention
from app.ui.alerts.still_picture import Picture, StillLoaded
from app.ui.alerts.thumbnails import LoadEvidence, still_of
from app.ui.alerts.words import clock_words, rule_line, zone_words
from app.ui.voice.marks import voice_line
from app.ui.wall.compositor import TileInfo, WallCompositor

translate = QCoreApplication.translate


class _Read(QRunnable):
    def __init__(self, ref: EvidenceRef, load: LoadEvidence, signals: StillLoaded) -> None:
        super().__init__()
        self._ref, self._load, self._signals = ref, load, signals

    def run(self) -> None:
        try:
            image = QImage.fromData(self._load(self._ref))
            self._signals.done.emit(image, self._ref.sha256)
        except Exception as exc:  # missing or unreadable: the window says so
            self._signals.done.emit(QImage(), f"{self._ref.sha256}\n{exc}")


class AlarmWindow(QWidget):
    def __init__(
        self,
        attention: Attention,
        service: AlertService,
        source: FrameSource,
        cameras: Mapping[str, TileInfo],
        operator: Callable[[], str],
        load_evidence: LoadEvidence | None,
        tz: tzinfo | None = None,
        parent: QWidget | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("alarmWindow")
        self._attention, self._service, self._cameras = attention, service, dict(cameras)
        self._operator, self._load, self._tz, self._now = operator, load_evidence, tz, now
        self.alert: Alert | None = None
        self.live = WallCompositor(source, client_id="alarm-window", parent=self)
        self.live.setMinimumSize(480, 300)
        self.still = Picture(self)
        self.title = QLabel(self)
        self.title.setObjectName("alarmTitle")
        self.title.setStyleSheet("#alarmTitle{font-size:20px;font-weight:bold;color:rgb(255,120,110);}")
        self.title.setWordWrap(True)
        self.take = QPushButton(self)
        self.take.clicked.connect(self.take_shown)
        QShortcut(QKeySequence("A"), self, self.take_shown)
        self._signals = StillLoaded(self)
        self._signals.done.connect(self._still_loaded, Qt.ConnectionType.QueuedConnection)
        pictures = QHBoxLayout()
        pictures.addWidget(self.live, 1)
        pictures.addWidget(self.still, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.title, 1)
        bottom.addWidget(self.take)
        layout = QVBoxLayout(self)
        layout.addLayout(pictures, 1)
        layout.addLayout(bottom)
        attention.waiting_changed.connect(lambda _w: self.show_alert(attention.newest()))
        self._countdown = QTimer(self, interval=1000)  # the escalation's countdown in the caption
        self._countdown.timeout.connect(self._tick)
        self.retranslate()
        self.resize(1100, 520)
        self.show_alert(attention.newest())

    def retranslate(self) -> None:
        self.setWindowTitle(translate("Triage", "Alarm: newest alert not yet taken"))
        self.take.setText(translate("Triage", "Take A"))
        self._caption()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self.live.start()
        self._countdown.start()

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self.live.stop()  # no decoding asked for a window nobody looks at
        self._countdown.stop()

    def _tick(self) -> None:
        alert = self._service.find(self.alert.id) if self.alert is not None else None
        if alert is not None and (alert.ladder is not None or alert.plays):
            self.alert = alert
            self._caption()

    def show_alert(self, alert: Alert | None) -> None:
        same = alert is not None and self.alert is not None and alert.id == self.alert.id
        self.alert = alert
        self._caption()
        if same:
            return
        info = self._cameras.get(alert.camera_id) if alert is not None else None
        if alert is not None and info is None:
            info = TileInfo(alert.camera_id, alert.camera_id)
        self.live.show_page(grid_layout(1, 1), [info], focused=info is not None)
        self.still.image = QImage()
        ref = still_of(alert) if alert is not None else None
        if alert is None:
            self.still.text = translate("Triage", "No alert waits to be taken.")
        elif ref is None or self._load is None:
            self.still.text = translate("Triage", "This alert has no evidence picture.")
        else:
            self.still.text = translate("Triage", "Loading the picture…")
            QThreadPool.globalInstance().start(_Read(ref, self._load, self._signals))
        self.still.update()

    def take_shown(self) -> None:
        if self.alert is None:
            return
        try:
            self._service.acknowledge(self.alert.id, self._operator())
        except InvalidAlertTransition:
            self._attention.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def _caption(self) -> None:
        alert = self.alert
        if alert is None:
            self.title.setText(translate("Triage", "No alert waits to be taken."))
            self.take.setEnabled(False)
            return
        self.take.setEnabled(True)
        info = self._cameras.get(alert.camera_id)
        name = info.name if info is not None else alert.camera_id
        when = f"{clock_words(alert.raised_at, self._tz)} {zone_words(self._tz, alert.raised_at)}"
        waiting = len(self._attention.waiting)
        parts = [name, alert.zone_name, rule_line(alert).replace("\n", " "), when]
        text = " · ".join(p for p in parts if p)
        voice = voice_line(alert, self._now())
        if voice:
            text += "\n" + voice
        if waiting > 1:
            text += "\n" + translate("Triage", "{0} more alert(s) not yet taken").format(waiting - 1)
        self.title.setText(text)

    def _still_loaded(self, image: QImage, tag: str) -> None:
        ref = still_of(self.alert) if self.alert is not None else None
        sha = tag.split("\n", 1)[0]
        if ref is None or ref.sha256 != sha:
            return  # a picture for an alert no longer shown
        self.still.image = image
        if image.isNull():
            self.still.text = translate("Triage", "The evidence picture cannot be read: {0}").format(
                tag.split("\n", 1)[-1]
            )
        self.still.update()
