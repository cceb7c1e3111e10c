"""The evidence of one alert in the app: the still (scaled, its box visible) and the clip, played.

Everything slow happens off the GUI thread: the files are read, and the clip decoded with PyAV,
by a :class:`ClipPlayer` living in a QThread of its own; the GUI thread only shows the pictures it
sends (15 small frames a second at most). Times are the site's, with the zone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import av
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import Alert, EvidenceKind, EvidenceRef
from app.media.evidence.words import site_time_text

translate = QCoreApplication.translate

ReadEvidence = Callable[[EvidenceRef], bytes]
SLIDER_STEPS_PER_S = 10


class ClipPlayer(QObject):
    """Lives in a worker thread: reads the evidence, decodes the clip, paces its frames."""

    still_ready = Signal(QImage)
    opened = Signal(float)  # the clip's duration in seconds
    frame = Signal(QImage, float)  # the picture and its position (s)
    playing_changed = Signal(bool)
    failed = Signal(str, str)  # what ("still"/"clip"), why

    def __init__(self, read: ReadEvidence) -> None:
        super().__init__()
        self._read = read
        self._container: Any = None
        self._frames: Any = None
        self._step_s = 1 / 15
        self._timer: QTimer | None = None

    @Slot(object, object)
    def load(self, still: EvidenceRef | None, clip: EvidenceRef | None) -> None:
        self._timer = self._timer or QTimer(self)
        self._timer.timeout.connect(self._next, Qt.ConnectionType.UniqueConnection)
        if still is not None:
            try:
                image = QImage.fromData(self._read(still))
                if image.isNull():
                    raise ValueError("not a picture")
                self.still_ready.emit(image)
            except Exception as exc:  # a missing or damaged file: said in the viewer
                self.failed.emit("still", str(exc) or type(exc).__name__)
        if clip is not None:
            try:
                self._open(self._read(clip))
            except Exception as exc:
                self.failed.emit("clip", str(exc) or type(exc).__name__)

    def _open(self, data: bytes) -> None:
        self._container = av.open(io.BytesIO(data), mode="r")
        stream = self._container.streams.video[0]
        rate = stream.average_rate
        self._step_s = 1 / float(rate) if rate else 1 / 15
        duration = float(self._container.duration or 0) / 1e6
        self.opened.emit(duration)
        self._seek(0.0)

    @Slot()
    def play(self) -> None:
        if self._container is not None and self._timer is not None:
            self._timer.start(max(10, round(self._step_s * 1000)))
            self.playing_changed.emit(True)

    @Slot()
    def pause(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.playing_changed.emit(False)

    @Slot(float)
    def seek(self, position_s: float) -> None:
        if self._container is not None:
            self._seek(position_s)

    @Slot()
    def close(self) -> None:
        """In the player's thread: its timer is stopped and deleted where it lives."""
        if self._timer is not None:
            self._timer.stop()
            self._timer.setParent(None)
            self._timer = None
        self._frames = None
        if self._container is not None:
            self._container.close()
            self._container = None

    def _seek(self, position_s: float) -> None:
        """The frame at ``position_s``: from the key frame before it, decoded up to it."""
        stream = self._container.streams.video[0]
        self._container.seek(int(position_s / stream.time_base), stream=stream, backward=True)
        self._frames = self._container.decode(stream)
        for frame in self._frames:
            if float(frame.time or 0.0) + self._step_s / 2 >= position_s:
                self._emit(frame)
                return

    def _next(self) -> None:
        frame = next(self._frames, None) if self._frames is not None else None
        if frame is None:
            self.pause()  # the end: stays on the last picture
            return
        self._emit(frame)

    def _emit(self, frame: Any) -> None:
        rgb = frame.to_ndarray(format="rgb24")
        h, w = rgb.shape[:2]
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.frame.emit(image, float(frame.time or 0.0))


class _Picture(QLabel):
    """A picture scaled to fit, aspect kept (the whole still: its box and its caption band)."""

    def __init__(self, empty: str) -> None:
        super().__init__(empty)
        self._pixmap: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setStyleSheet("background: #101218; color: #8a90a0;")

    def show_image(self, image: QImage) -> None:
        self._pixmap = QPixmap.fromImage(image)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is not None:
            self.setPixmap(
                self._pixmap.scaled(
                    self.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )


class EvidenceViewer(QWidget):
    """Still on the left, the clip on the right with play/pause, a position slider and the time."""

    _load = Signal(object, object)
    _play = Signal()
    _pause = Signal()
    _seek = Signal(float)
    _close = Signal()

    def __init__(self, read: ReadEvidence, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._clip_start = 0.0
        self._duration = 0.0
        self._playing = False
        self.position_s = 0.0
        self.frames_shown = 0
        self.setWindowTitle(translate("Evidence", "Evidence"))
        self.still = _Picture(translate("Evidence", "Loading the picture…"))
        self.video = _Picture(translate("Evidence", "Loading the clip…"))
        self.play_button = QPushButton(translate("Evidence", "Play"))
        self.play_button.setEnabled(False)
        self.play_button.setShortcut(Qt.Key.Key_Space)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.time_label = QLabel("")
        self.still_note = QLabel("")
        self.clip_note = QLabel("")
        for note in (self.still_note, self.clip_note):
            note.setWordWrap(True)
            note.setStyleSheet("color: #e0b050;")
        left = QVBoxLayout()
        left.addWidget(self.still, 1)
        left.addWidget(self.still_note)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        right = QVBoxLayout()
        right.addWidget(self.video, 1)
        right.addLayout(controls)
        right.addWidget(self.clip_note)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        self._thread = QThread(self)
        self._thread.setObjectName("evidence-player")
        self._player = ClipPlayer(read)
        self._player.moveToThread(self._thread)
        self._load.connect(self._player.load)
        self._play.connect(self._player.play)
        self._pause.connect(self._player.pause)
        self._seek.connect(self._player.seek)
        # Blocking: the player stops its timer in its own thread before the thread is told to quit.
        self._close.connect(self._player.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._player.still_ready.connect(self.still.show_image)
        self._player.opened.connect(self._opened)
        self._player.frame.connect(self._frame)
        self._player.playing_changed.connect(self._playing_changed)
        self._player.failed.connect(self._failed)
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(lambda v: self._seek.emit(v / SLIDER_STEPS_PER_S))
        self._thread.start()

    def show_alert(self, alert: Alert) -> None:
        self.show_evidence(alert.evidence_of(EvidenceKind.STILL), alert.evidence_of(EvidenceKind.CLIP))

    def show_evidence(self, still: EvidenceRef | None, clip: EvidenceRef | None) -> None:
        if still is None:
            self.still.setText(translate("Evidence", "No picture was kept for this alert."))
        else:
            self.still_note.setText(self._stream_words(still))
        if clip is None:
            self.video.setText(translate("Evidence", "No clip was kept for this alert."))
        else:
            self._clip_start = clip.captured_at
            self.clip_note.setText(self._stream_words(clip))
        self._load.emit(still, clip)

    def toggle(self) -> None:
        (self._pause if self._playing else self._play).emit()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        if self._thread.isRunning():
            self._close.emit()
            self._thread.quit()
            self._thread.wait(3000)

    def _stream_words(self, ref: EvidenceRef) -> str:
        taken = site_time_text(ref.captured_at, self._tz)
        if ref.stream == "main":
            stream = translate("Evidence", "main stream")
        else:
            stream = translate("Evidence", "sub-stream")
        text = translate("Evidence", "Taken {0} from the {1}.").format(taken, stream)
        return f"{text} {ref.note}".strip()

    @Slot(float)
    def _opened(self, duration: float) -> None:
        self._duration = duration
        self.slider.setRange(0, round(duration * SLIDER_STEPS_PER_S))
        self.slider.setEnabled(True)
        self.play_button.setEnabled(True)

    @Slot(QImage, float)
    def _frame(self, image: QImage, position: float) -> None:
        self.video.show_image(image)
        self.position_s = position
        self.frames_shown += 1
        if not self.slider.isSliderDown():
            self.slider.setValue(round(position * SLIDER_STEPS_PER_S))
        self.time_label.setText(
            f"{site_time_text(self._clip_start + position, self._tz)}  {position:.0f}/{self._duration:.0f} s"
        )

    @Slot(bool)
    def _playing_changed(self, playing: bool) -> None:
        self._playing = playing
        self.play_button.setText(translate("Evidence", "Pause") if playing else translate("Evidence", "Play"))

    @Slot(str, str)
    def _failed(self, what: str, why: str) -> None:
        label = self.still if what == "still" else self.video
        if what == "still":
            label.setText(translate("Evidence", "The picture could not be read: {0}").format(why))
        else:
            label.setText(translate("Evidence", "The clip could not be read: {0}").format(why))
