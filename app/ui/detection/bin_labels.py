"""Teach the bin detector a site's own bins: label what a bin looks like now, then retrain.

Part of the zone editor. With a bin zone selected, "Overflowing now" / "Clean now" keep the bin's
crop of the live picture; "Retrain" fits the bin classifier on those pictures in a background
thread (progress shown) and hands the new classifier to detection, which uses it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import cv2
from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.media.frame_board import BgraImage
from app.services.bin_samples import MIN_PER_CLASS, BinSampleStore, Label, NotEnoughSamples, RetrainReport
from camera_config.models import ZoneSpec

POLL_MS = 100
RETRAIN_WAIT_S = 60.0


class BinLabelBox(QGroupBox):
    """``retrained(path)``: a new classifier was saved at ``path``. ``confirmed_clean(zone)``: the
    operator says the bin is clean now (detection takes the view as the bin's clean reference)."""

    retrained = Signal(object)
    confirmed_clean = Signal(object)

    def __init__(self, store: BinSampleStore, camera_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("binLabels")
        self.store, self._camera_id = store, camera_id
        self._zone: ZoneSpec | None = None
        self._frame: Callable[[], BgraImage | None] = lambda: None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="bin-retrain")
        self._job: Future[RetrainReport] | None = None
        self._progress_lock = threading.Lock()
        self._fraction = 0.0
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.overflow_button = QPushButton(self)
        self.normal_button = QPushButton(self)
        for button, label in ((self.overflow_button, "overflow"), (self.normal_button, "normal")):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, label=label: self.label_now(label))
        self.counts_label = QLabel(self)
        self.retrain_button = QPushButton(self)
        self.retrain_button.setAutoDefault(False)
        self.retrain_button.clicked.connect(self.start_retrain)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.overflow_button)
        row.addWidget(self.normal_button)
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addLayout(row)
        box.addWidget(self.counts_label)
        box.addWidget(self.retrain_button)
        box.addWidget(self.progress)
        box.addWidget(self.result)
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.retranslate()

    def retranslate(self) -> None:
        translate = QCoreApplication.translate
        self.setTitle(translate("BinLabels", "Teach the bin detector"))
        self.intro.setText(
            translate(
                "BinLabels",
                "Select a bin and say what it looks like now (clean: detection also judges the bin "
                "against this view from now on). With a few pictures of each, retrain: the bin "
                "detector then knows this site's bins.",
            )
        )
        self.overflow_button.setText(translate("BinLabels", "&Overflowing now"))
        self.normal_button.setText(translate("BinLabels", "C&lean now"))
        self.retrain_button.setText(translate("BinLabels", "Re&train bin detector"))
        self._update()

    def set_context(self, zone: ZoneSpec | None, frame: Callable[[], BgraImage | None]) -> None:
        """The selected zone (labels need a bin) and where the current live picture comes from."""
        self._zone = zone if zone is not None and zone.kind == "bin" else None
        self._frame = frame
        self._update()

    def label_now(self, label: Label) -> Path | None:
        """Keep the selected bin's crop of the live picture as a ``label`` example."""
        translate = QCoreApplication.translate
        frame = self._frame()
        if self._zone is None or frame is None:
            return None
        bgr = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
        try:
            path = self.store.add(bgr, self._zone, label, self._camera_id)
        except (OSError, ValueError) as exc:
            self.result.setText(translate("BinLabels", "The picture was not kept: {0}").format(exc))
            return None
        self.result.setText(translate("BinLabels", "Picture kept: {0}").format(path.name))
        if label == "normal":
            self.confirmed_clean.emit(self._zone)
        self._update()
        return path

    def start_retrain(self) -> bool:
        if self._job is not None:
            return False
        self._fraction = 0.0
        self.progress.setValue(0)
        self.progress.show()
        self.result.setText(QCoreApplication.translate("BinLabels", "Retraining…"))
        self._job = self._pool.submit(self.store.retrain, self._report)
        self._timer.start()
        self._update()
        return True

    @property
    def busy(self) -> bool:
        return self._job is not None

    def _report(self, _stage: str, fraction: float) -> None:  # the training thread
        with self._progress_lock:
            self._fraction = fraction

    def _poll(self) -> None:
        with self._progress_lock:
            self.progress.setValue(round(self._fraction * 100))
        job = self._job
        if job is None or not job.done():
            return
        self._timer.stop()
        self._job = None
        self.progress.hide()
        translate = QCoreApplication.translate
        try:
            report = job.result()
        except NotEnoughSamples:
            self.result.setText(
                translate("BinLabels", "Retraining needs at least {0} pictures of each kind.").format(
                    MIN_PER_CLASS
                )
            )
        except Exception as exc:  # a failed retrain leaves the classifier in use as it was
            self.result.setText(translate("BinLabels", "Retraining failed: {0}").format(exc))
        else:
            if report.held_out_accuracy is None:
                measured = ""
            else:
                measured = translate("BinLabels", "{0:.0%} right on pictures it did not learn from.").format(
                    report.held_out_accuracy
                )
            self.result.setText(
                translate("BinLabels", "Retrained in {0:.1f} s from {1} pictures; in use now. {2}").format(
                    report.seconds, report.overflow + report.normal, measured
                )
            )
            self.retrained.emit(report.path)
        self._update()

    def _update(self) -> None:
        translate = QCoreApplication.translate
        counts = self.store.counts()
        self.counts_label.setText(
            translate("BinLabels", "This site's pictures: {0} overflowing, {1} clean").format(
                counts["overflow"], counts["normal"]
            )
        )
        can_label = self._zone is not None and self._job is None
        self.overflow_button.setEnabled(can_label)
        self.normal_button.setEnabled(can_label)
        enough = min(counts.values()) >= MIN_PER_CLASS
        self.retrain_button.setEnabled(enough and self._job is None)
        tip = translate("BinLabels", "Select a bin zone first") if self._zone is None else ""
        self.overflow_button.setToolTip(tip)
        self.normal_button.setToolTip(tip)

    def finish(self) -> None:
        """Complete a retrain under way (seconds at most) and report it: the editor is closing."""
        job = self._job
        if job is not None:
            wait([job], timeout=RETRAIN_WAIT_S)  # its outcome, error or not, is reported by _poll
            self._poll()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
