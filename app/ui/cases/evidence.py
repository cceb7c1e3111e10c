"""A case's evidence: the gallery (thumbnails by stage: 上报 / 反馈 / 核查), the before/after pair
(the report's still beside the latest feedback or check picture, each with its capture time) and
the window that opens a picture or the clip in the app's evidence viewer.

Pictures are read and scaled off the GUI thread (:class:`~app.ui.alerts.thumbnails.Thumbnails`).
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.cases import Case, CaseEvidence, EvidenceStage
from app.ui.alerts.thumbnails import LoadEvidence, Thumbnails
from app.ui.audio_evidence import is_audio
from app.ui.cases.words import seconds_words, stage_words, zone_words
from app.ui.evidence_viewer import EvidenceViewer

translate = QCoreApplication.translate
GALLERY_THUMB = QSize(120, 90)
PAIR_PICTURE = QSize(480, 360)
STAGE_ORDER = (EvidenceStage.REPORT, EvidenceStage.FEEDBACK, EvidenceStage.VERIFICATION)
EvidenceRole = Qt.ItemDataRole.UserRole + 1


def before_after(case: Case) -> tuple[CaseEvidence | None, CaseEvidence | None]:
    """The first report still, and the latest check picture (else the latest feedback picture)."""
    before = next(iter(case.evidence_at(EvidenceStage.REPORT, EvidenceKind.STILL)), None)
    after_checks = case.evidence_at(EvidenceStage.VERIFICATION, EvidenceKind.STILL)
    after_feedback = case.evidence_at(EvidenceStage.FEEDBACK, EvidenceKind.STILL)
    later = after_checks or after_feedback
    after = later[-1] if later else None
    return before, after


def _taken(item: CaseEvidence, tz: tzinfo) -> str:
    return translate("Cases", "{0}, taken {1}").format(
        stage_words(item.stage), seconds_words(item.ref.captured_at, tz)
    )


class Gallery(QListWidget):
    """Every picture and clip of the case, report first; a double click (or Enter) opens it."""

    open_requested = Signal(object)  # CaseEvidence

    def __init__(self, thumbnails: Thumbnails, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbs, self._tz = thumbnails, tz
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(GALLERY_THUMB)
        self.setGridSize(QSize(GALLERY_THUMB.width() + 36, GALLERY_THUMB.height() + 44))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.itemActivated.connect(lambda item: self.open_requested.emit(item.data(EvidenceRole)))
        thumbnails.ready.connect(self._ready)

    def show_case(self, case: Case) -> None:
        """Pictures and clips (the prompts' recordings are listed apart, each with its play button)."""
        self.clear()
        for stage in STAGE_ORDER:
            for item in case.evidence_at(stage):
                if not is_audio(item.ref):
                    self._add(item)

    def _add(self, item: CaseEvidence) -> None:
        kind = (
            translate("Cases", "clip")
            if item.ref.kind is EvidenceKind.CLIP
            else translate("Cases", "picture")
        )
        when = seconds_words(item.ref.captured_at, self._tz)[5:16]  # MM-DD HH:MM
        row = QListWidgetItem(translate("Cases", "{0} {1}\n{2}").format(stage_words(item.stage), kind, when))
        row.setData(EvidenceRole, item)
        row.setToolTip(_taken(item, self._tz) + (f"\n{item.note}" if item.note else ""))
        row.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.addItem(row)
        self._icon(row)

    def _icon(self, row: QListWidgetItem) -> None:
        item: CaseEvidence = row.data(EvidenceRole)
        if item.ref.kind is not EvidenceKind.STILL:
            row.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_MediaPlay))
            return
        image = self._thumbs.get(item.ref)
        if image is not None:
            row.setIcon(QIcon(QPixmap.fromImage(image)))

    def _ready(self, sha256: str) -> None:
        for n in range(self.count()):
            row = self.item(n)
            if row.data(EvidenceRole).ref.sha256 == sha256:
                self._icon(row)


class _Side(QWidget):
    """One side of the before/after pair: the picture, and under it the stage and capture time."""

    clicked = Signal()

    def __init__(self, empty: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = empty
        self.picture = QLabel(empty, self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(200, 150)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet("background: #101218; color: #8a90a0;")
        self.caption = QLabel("", self)
        self.caption.setWordWrap(True)
        self.item: CaseEvidence | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self.item is not None:
            self.clicked.emit()
        super().mouseDoubleClickEvent(event)


class BeforeAfter(QWidget):
    """The report's picture beside the latest feedback or check picture (same place, later)."""

    open_requested = Signal(object)  # CaseEvidence

    def __init__(self, thumbnails: Thumbnails, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbs, self._tz = thumbnails, tz
        self.before = _Side(translate("Cases", "No report picture"), self)
        self.after = _Side(translate("Cases", "No feedback or check picture yet"), self)
        for side in (self.before, self.after):
            side.clicked.connect(lambda s=side: self.open_requested.emit(s.item))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.before, 1)
        layout.addWidget(self.after, 1)
        thumbnails.ready.connect(lambda _sha: self._refresh())

    def show_case(self, case: Case | None) -> None:
        before, after = before_after(case) if case is not None else (None, None)
        self.before.item, self.after.item = before, after
        for side, label in (
            (self.before, translate("Cases", "Before")),
            (self.after, translate("Cases", "After")),
        ):
            if side.item is None:
                side.caption.setText(label)
            else:
                side.caption.setText(
                    translate("Cases", "{0}: {1}").format(label, _taken(side.item, self._tz))
                )
                side.setToolTip(translate("Cases", "Double-click to open"))
        self._refresh()

    def _refresh(self) -> None:
        for side in (self.before, self.after):
            image = self._thumbs.get(side.item.ref) if side.item is not None else None
            if image is None:
                why = self._thumbs.missing.get(side.item.ref.sha256) if side.item is not None else None
                side.picture.setPixmap(QPixmap())
                if side.item is None:
                    side.picture.setText(side.empty)
                elif why:
                    side.picture.setText(translate("Cases", "The picture could not be read: {0}").format(why))
                else:
                    side.picture.setText(translate("Cases", "Loading the picture…"))
                continue
            pixmap = QPixmap.fromImage(image).scaled(
                side.picture.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            side.picture.setPixmap(pixmap)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._refresh()


class CaseEvidenceWindow(QDialog):
    """One picture (and the report's clip beside it) in the app's evidence viewer."""

    def __init__(
        self,
        case: Case,
        item: CaseEvidence,
        load: LoadEvidence,
        tz: tzinfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseEvidenceWindow")
        tz = tz or UTC
        self.setWindowTitle(translate("Cases", "Evidence of case {0}").format(case.id))
        caption = f"{_taken(item, tz)} {zone_words(tz, item.ref.captured_at)}"
        self.caption = QLabel(" · ".join(p for p in (case.id, case.address, caption, item.note) if p), self)
        self.caption.setWordWrap(True)
        self.viewer = EvidenceViewer(load, tz, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.viewer, 1)
        still, clip = _pair(case, item)
        self.viewer.show_evidence(still, clip)
        if clip is None:
            self.viewer.video.setText(translate("Cases", "No clip goes with this picture."))
        if still is None:
            self.viewer.still.setText(translate("Cases", "No picture goes with this clip."))
        self.resize(1100, 560)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.viewer.shutdown()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.viewer.shutdown()
        super().done(result)


def _pair(case: Case, item: CaseEvidence) -> tuple[EvidenceRef | None, EvidenceRef | None]:
    """A still shows with its stage's clip (the alert's clip for the report), a clip with its still."""
    if item.ref.kind is EvidenceKind.CLIP:
        stills = case.evidence_at(item.stage, EvidenceKind.STILL)
        return (stills[0].ref if stills else None), item.ref
    clips = case.evidence_at(item.stage, EvidenceKind.CLIP)
    return item.ref, (clips[0].ref if clips else None)
