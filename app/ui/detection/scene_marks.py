"""What detection knows of a view besides the drawn zones, painted on the zone editor's picture:

* suppressed places (dismissed as 误检 or 固定设施 by operators): hatched violet boxes, the selected
  one brighter and labelled; they are not shapes (nothing to drag), so they never look like a zone
  (solid orange), a bin (blue) or a mask (grey, hatched the other way);
* scene furniture that detection reports (what a zone's reference holds, or what stayed for days):
  dashed green boxes;
* a legend in the picture's top-right corner for whichever of them is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen

from app.core.alerts import Box
from app.core.suppressions import SuppressionRecord
from app.ui.detection.zone_shapes import Pt

translate = QCoreApplication.translate

SUPPRESSED_COLOUR = QColor(196, 120, 255)
FURNITURE_COLOUR = QColor(110, 220, 150)


def suppressed_words() -> str:
    return translate("SuppressedPlaces", "Suppressed false alarm")


def furniture_words() -> str:
    return translate("SuppressedPlaces", "Fixed object (found by detection)")


@dataclass
class SceneMarks:
    """The marks of the view the editor shows; ``paint`` is the canvas's hook (under the shapes)."""

    places: Sequence[SuppressionRecord] = ()
    furniture: Sequence[Box] = ()
    selected: str | None = None  # a place's id
    labels: dict[str, str] = field(default_factory=dict)  # place id → its short words

    def paint(self, painter: QPainter, to_widget: Callable[[Pt], QPointF], picture: QRect) -> None:
        for box in self.furniture:
            self._furniture(painter, to_widget, box)
        for place in self.places:
            self._place(painter, to_widget, place, place.id == self.selected)
        self._legend(painter, picture)

    def _furniture(self, painter: QPainter, to_widget: Callable[[Pt], QPointF], box: Box) -> None:
        rect = QRectF(to_widget((box.x1, box.y1)), to_widget((box.x2, box.y2))).normalized()
        fill = QColor(FURNITURE_COLOUR)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.setPen(QPen(FURNITURE_COLOUR, 2, Qt.PenStyle.DashLine))
        painter.drawRect(rect)

    def _place(
        self, painter: QPainter, to_widget: Callable[[Pt], QPointF], place: SuppressionRecord, selected: bool
    ) -> None:
        x1, y1, x2, y2 = place.box
        rect = QRectF(to_widget((x1, y1)), to_widget((x2, y2))).normalized()
        colour = QColor(SUPPRESSED_COLOUR).lighter(125) if selected else QColor(SUPPRESSED_COLOUR)
        hatch = QColor(colour)
        hatch.setAlpha(200 if selected else 140)
        painter.setBrush(QBrush(hatch, Qt.BrushStyle.FDiagPattern))
        painter.setPen(QPen(colour, 3 if selected else 2))
        painter.drawRect(rect)
        label = self.labels.get(place.id, "")
        if selected and label:
            font = QFont(painter.font())
            font.setBold(True)
            metrics = QFontMetrics(font)
            width = metrics.horizontalAdvance(label) + 8
            box = QRectF(
                rect.left(), max(0.0, rect.top() - metrics.height() - 4), width, metrics.height() + 2
            )
            painter.fillRect(box, QColor(0, 0, 0, 190))
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _legend(self, painter: QPainter, picture: QRect) -> None:
        entries = []
        if self.places:
            entries.append((suppressed_words(), SUPPRESSED_COLOUR, True))
        if self.furniture:
            entries.append((furniture_words(), FURNITURE_COLOUR, False))
        if not entries:
            return
        font = QFont(painter.font())
        painter.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.height() + 6
        width = max(metrics.horizontalAdvance(text) for text, _, _ in entries) + 44
        box = QRectF(picture.right() - width - 8, picture.top() + 8, width, line * len(entries) + 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 4, 4)
        for i, (text, colour, hatched) in enumerate(entries):
            top = box.top() + 4 + i * line
            swatch = QRectF(box.left() + 8, top + 3, 22, line - 8)
            fill = QColor(colour)
            fill.setAlpha(160 if hatched else 40)
            painter.setBrush(
                QBrush(fill, Qt.BrushStyle.FDiagPattern if hatched else Qt.BrushStyle.SolidPattern)
            )
            painter.setPen(QPen(colour, 2, Qt.PenStyle.SolidLine if hatched else Qt.PenStyle.DashLine))
            painter.drawRect(swatch)
            painter.setPen(QColor(230, 232, 238))
            painter.drawText(
                QRectF(swatch.right() + 6, top, width - 40, line),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                text,
            )
