"""The camera tree's PTZ mark: a small "PTZ" badge at the right of a PTZ camera's row, as on its
tile (the row's icon already says the stream's state)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.ui.wall.ptz_marks import PTZ_COLOURS, ptz_label

PTZ_ROLE = Qt.ItemDataRole.UserRole + 3  # bool: the row's camera is a PTZ camera


class PtzMarkDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if not index.data(PTZ_ROLE):
            super().paint(painter, option, index)
            return
        badge = self.badge_rect(option)
        rest = QStyleOptionViewItem(option)
        rest.rect = QRect(option.rect).adjusted(0, 0, -(badge.width() + 6), 0)
        super().paint(painter, rest, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg, bg = PTZ_COLOURS
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(badge, 3, 3)
        font = QFont(option.font)
        font.setPixelSize(max(9, badge.height() - 4))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(fg)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, ptz_label())
        painter.restore()

    @staticmethod
    def badge_rect(option: QStyleOptionViewItem) -> QRect:
        rect: QRect = option.rect
        font = QFont(option.font)
        font.setPixelSize(max(9, rect.height() - 8))
        font.setBold(True)
        width = QFontMetrics(font).horizontalAdvance(ptz_label()) + 10
        height = max(10, rect.height() - 4)
        return QRect(rect.right() - width - 2, rect.top() + (rect.height() - height) // 2, width, height)

    def sizeHint(  # noqa: N802 (Qt API)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(PTZ_ROLE):
            size.setWidth(size.width() + self.badge_rect(option).width() + 6)
        return size
