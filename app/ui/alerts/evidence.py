"""The evidence still of one alert, read off the GUI thread, as large as the window allows.

A stand-in for the evidence viewer (still + clip) until it lands: the picture, its caption under it
(camera, place, rule, time with zone), and a clear sentence when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, QObject, QRect, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.alerts import Alert, EvidenceRef
from app.ui.alerts.thumbnails import LoadEvidence, still_of
from app.ui.alerts.words import clock_words, rule_line, zone_words

translate = QCoreApplication.translate


class _Signals(QObject):
    done = Signal(QImage, str)


class _Read(QRunnable):
    def __init__(self, ref: EvidenceRef, load: LoadEvidence, signals: _Signals) -> None:
        super().__init__()
        self._ref, self._load, self._signals = ref, load, signals

    def run(self) -> None:
        try:
            image = QImage.fromData(self._load(self._ref))
            self._signals.done.emit(image, "" if not image.isNull() else "not a picture")
        except Exception as exc:  # missing, unreadable: said in the window
            self._signals.done.emit(QImage(), str(exc))


class Picture(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.text = translate("Triage", "Loading the picture…")
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.image.size() if not self.image.isNull() else QSize(704, 576)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(8, 10, 14))
        if self.image.isNull():
            painter.setPen(QColor(236, 160, 60))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)  # fmt: skip
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) // 2, (self.height() - size.height()) // 2
            painter.drawImage(QRect(x, y, size.width(), size.height()), self.image)
        painter.end()


class EvidenceStill(QDialog):
    loaded = Signal(bool)  # True: the picture is shown

    def __init__(
        self,
        alert: Alert,
        camera_name: str,
        load: LoadEvidence | None,
        tz: tzinfo | None,
        parent: QWidget | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceStill")
        self.alert = alert
        self.setWindowTitle(translate("Triage", "Evidence: {0}").format(camera_name))
        self.picture = Picture(self)
        parts = (camera_name, " ".join(p for p in (alert.grid_code or "", alert.zone_name) if p),
                 rule_line(alert).replace("\n", " "),
                 f"{clock_words(alert.raised_at, tz)} {zone_words(tz, alert.raised_at)}")  # fmt: skip
        self.caption = QLabel(" · ".join(p for p in parts if p), self)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        ref = still_of(alert)
        if ref is None or load is None:
            self._done(QImage(), translate("Triage", "This alert has no evidence picture."))
        else:
            (pool or QThreadPool.globalInstance()).start(_Read(ref, load, self._signals))
        self.resize(760, 660)

    def _done(self, image: QImage, why: str) -> None:
        self.picture.image = image
        if image.isNull():
            self.picture.text = translate("Triage", "The evidence picture cannot be read: {0}").format(why)
        self.picture.update()
        self.loaded.emit(not image.isNull())


def opener(
    camera_name: Callable[[str], str], load: LoadEvidence | None, tz: tzinfo | None
) -> Callable[[Alert, QWidget], QWidget]:
    def open_(alert: Alert, parent: QWidget) -> QWidget:
        window = EvidenceStill(alert, camera_name(alert.camera_id), load, tz, parent)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    return open_
