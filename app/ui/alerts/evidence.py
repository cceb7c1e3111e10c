"""The evidence of one alert in a window of its own: what it is about (camera, place, rule, time
with zone) above the evidence viewer (the still with its box, the clip played in the app).

Everything slow (reading the files, decoding the clip) happens in the viewer's own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, tzinfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.core.alerts import Alert
from app.ui.alerts.thumbnails import LoadEvidence
from app.ui.alerts.words import clock_words, rule_line, zone_words
from app.ui.audio_evidence import AudioList, AudioPlayer
from app.ui.evidence_viewer import EvidenceViewer

translate = QCoreApplication.translate


def _no_store(ref: object) -> bytes:
    raise FileNotFoundError(translate("Triage", "no evidence store is open"))


class EvidenceWindow(QDialog):
    def __init__(
        self,
        alert: Alert,
        camera_name: str,
        load: LoadEvidence | None,
        tz: tzinfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceWindow")
        self.alert = alert
        self.setWindowTitle(translate("Triage", "Evidence: {0}").format(camera_name))
        parts = (camera_name, " ".join(p for p in (alert.grid_code or "", alert.zone_name) if p),
                 rule_line(alert).replace("\n", " "),
                 f"{clock_words(alert.raised_at, tz)} {zone_words(tz, alert.raised_at)}")  # fmt: skip
        self.caption = QLabel(" · ".join(p for p in parts if p), self)
        self.caption.setWordWrap(True)
        self.viewer = EvidenceViewer(load or _no_store, tz or UTC, self)
        # The prompts played for it, as the speakers got them (hidden when none was kept).
        self.audio = AudioList(AudioPlayer(load or _no_store, self), tz or UTC, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(self.audio)
        self.viewer.show_alert(alert)
        self.audio.show_refs(alert.evidence)
        self.resize(1100, 560)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.viewer.shutdown()
        self.audio.player.stop()
        super().closeEvent(event)

    def done(self, result: int) -> None:  # Esc and the window's close both stop the players
        self.viewer.shutdown()
        self.audio.player.stop()
        super().done(result)


def opener(
    camera_name: Callable[[str], str], load: LoadEvidence | None, tz: tzinfo | None
) -> Callable[[Alert, QWidget], QWidget]:
    def open_(alert: Alert, parent: QWidget) -> QWidget:
        window = EvidenceWindow(alert, camera_name(alert.camera_id), load, tz, parent)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    return open_
