"""The alert table as shown: thumbnails tall enough to read, one row per alert, whole-row selection;
an alert whose voice escalation runs carries the tile's badge (step and countdown) over its picture,
in the first column, so it is seen however narrow the list is."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QPoint, QSize
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.alerts.model import VOICE_ROLE, Col
from app.ui.alerts.thumbnails import THUMB
from app.ui.wall.overlay import speaker_badge
from app.ui.wall.tiles import VoiceMark

BADGES_KEPT = 256

WIDTHS = {Col.PICTURE: THUMB.width() + 8, Col.CAMERA: 150, Col.PLACE: 150, Col.RULE: 180, Col.RAISED: 96,
          Col.DURATION: 72, Col.STATE: 170, Col.OWNER: 90}  # fmt: skip


class VoiceBadge(QStyledItemDelegate):
    """The picture cell as usual, then the escalation's badge at its bottom left."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._badges: dict[tuple[str, str, int], QImage] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        mark = index.data(VOICE_ROLE)
        if isinstance(mark, VoiceMark):
            badge = self.badge(mark, option.font)
            rect = option.rect
            painter.drawImage(QPoint(rect.left() + 2, rect.bottom() - badge.height() - 2), badge)

    def badge(self, mark: VoiceMark, font: QFont) -> QImage:
        bold = QFont(font)
        bold.setBold(True)
        bold.setPixelSize(max(9, min(12, THUMB.height() // 6)))
        key = (mark.text, str(mark.tone), bold.pixelSize())
        image = self._badges.get(key)
        if image is None:
            if len(self._badges) >= BADGES_KEPT:
                self._badges.clear()  # countdowns of the past: made again cheaply
            image = self._badges[key] = speaker_badge(mark.text, str(mark.tone), bold)
        return image


class AlertTableView(QTableView):
    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setIconSize(THUMB)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(THUMB.height() + 6)  # fixed heights: the view never measures rows
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for col, width in WIDTHS.items():
            self.setColumnWidth(col, width)
        header.setSectionResizeMode(Col.PICTURE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Col.STATE, QHeaderView.ResizeMode.Stretch)  # the longest words
        self.badges = VoiceBadge(self)
        self.setItemDelegateForColumn(Col.PICTURE, self.badges)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(sum(WIDTHS.values()) + 4, 480)
