"""The alert table as shown: thumbnails tall enough to read, one row per alert, whole-row selection."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.alerts.model import Col
from app.ui.alerts.thumbnails import THUMB

WIDTHS = {Col.PICTURE: THUMB.width() + 8, Col.CAMERA: 150, Col.PLACE: 150, Col.RULE: 180, Col.RAISED: 96,
          Col.DURATION: 72, Col.STATE: 170, Col.OWNER: 90}  # fmt: skip


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

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(sum(WIDTHS.values()) + 4, 480)
