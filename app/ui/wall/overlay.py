"""Per-tile overlay: name, grid code, capture clock, state badge, fps — honest about staleness."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

from app.core.stream_health import StreamState

if TYPE_CHECKING:
    from app.ui.wall.compositor import TileState

STALE_AFTER_S = 3.0  # a "live" tile whose picture is older than this says so

_STATE_COLOURS = {
    StreamState.LIVE: QColor(46, 160, 67),
    StreamState.CONNECTING: QColor(56, 120, 200),
    StreamState.STALLED: QColor(212, 140, 20),
    StreamState.RECONNECTING: QColor(212, 140, 20),
    StreamState.OFFLINE: QColor(200, 50, 50),
    StreamState.STOPPED: QColor(90, 96, 110),
}


def state_label(state: StreamState) -> str:
    labels = {
        StreamState.LIVE: QCoreApplication.translate("Wall", "LIVE"),
        StreamState.CONNECTING: QCoreApplication.translate("Wall", "CONNECTING"),
        StreamState.STALLED: QCoreApplication.translate("Wall", "STALLED"),
        StreamState.RECONNECTING: QCoreApplication.translate("Wall", "RECONNECTING"),
        StreamState.OFFLINE: QCoreApplication.translate("Wall", "OFFLINE"),
        StreamState.STOPPED: QCoreApplication.translate("Wall", "NOT SHOWN"),
    }
    return labels[state]


class OverlayPainter:
    def __init__(self) -> None:
        self._fonts: dict[tuple[int, bool], tuple[QFont, QFontMetrics]] = {}

    def _font(self, pixel_size: int, bold: bool = False) -> tuple[QFont, QFontMetrics]:
        key = (pixel_size, bold)
        if key not in self._fonts:
            font = QFont()
            font.setPixelSize(pixel_size)
            font.setBold(bold)
            self._fonts[key] = (font, QFontMetrics(font))
        return self._fonts[key]

    def paint(self, painter: QPainter, rect: QRect, tile: TileState, now: float) -> None:
        health = tile.health
        state = health.state if health else StreamState.CONNECTING
        age = health.last_frame_age_s if health else None
        picture_ok = state == StreamState.LIVE and age is not None and age < STALE_AFTER_S
        text_px = max(9, min(18, rect.height() // 9))
        if not picture_ok:
            # Never let a stale picture pass for live: dim it and say what is going on.
            painter.fillRect(rect, QColor(0, 0, 0, 170))
        band = text_px + 6
        painter.fillRect(QRect(rect.left(), rect.top(), rect.width(), band), QColor(0, 0, 0, 120))
        self._badge(painter, rect, state, text_px)
        font, metrics = self._font(text_px, bold=True)
        painter.setFont(font)
        painter.setPen(QColor(235, 238, 245))
        number = tile.extra.get("number")
        title = f"{number} {tile.info.name}" if number is not None else tile.info.name
        badge_w = metrics.horizontalAdvance(state_label(state)) + text_px
        title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(10, rect.width() - badge_w - 12))
        painter.drawText(rect.left() + 4, rect.top() + 3 + metrics.ascent(), title)
        if rect.height() >= 90:
            self._footer(painter, rect, tile, text_px, state)
        if not picture_ok:
            self._centre_message(painter, rect, tile, state, age, now, text_px)

    def _badge(self, painter: QPainter, rect: QRect, state: StreamState, text_px: int) -> None:
        font, metrics = self._font(max(8, text_px - 2), bold=True)
        label = state_label(state)
        width = metrics.horizontalAdvance(label) + 8
        box = QRect(rect.right() - width - 3, rect.top() + 3, width, metrics.height())
        painter.fillRect(box, _STATE_COLOURS[state])
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _footer(
        self, painter: QPainter, rect: QRect, tile: TileState, text_px: int, state: StreamState
    ) -> None:
        font, metrics = self._font(max(8, text_px - 2))
        painter.setFont(font)
        baseline = rect.bottom() - 4
        painter.fillRect(
            QRect(rect.left(), rect.bottom() - metrics.height() - 4, rect.width(), metrics.height() + 5),
            QColor(0, 0, 0, 110),
        )
        painter.setPen(QColor(200, 206, 218))
        left = tile.info.grid_code or ""
        if tile.meta is not None:
            clock = time.strftime("%H:%M:%S", time.localtime(tile.meta.captured_wall_ns / 1e9))
            left = f"{clock}  {left}"
        painter.drawText(rect.left() + 4, baseline - metrics.descent() + 1, left)
        health = tile.health
        if health is not None and state == StreamState.LIVE:
            stream = QCoreApplication.translate("Wall", "main") if tile.from_main else ""
            right = f"{stream} {health.fps:.0f} fps".strip()
            width = metrics.horizontalAdvance(right)
            painter.drawText(rect.right() - width - 4, baseline - metrics.descent() + 1, right)

    def _centre_message(
        self,
        painter: QPainter,
        rect: QRect,
        tile: TileState,
        state: StreamState,
        age: float | None,
        now: float,
        text_px: int,
    ) -> None:
        health = tile.health
        big, big_metrics = self._font(min(28, text_px + 4), bold=True)
        small, small_metrics = self._font(max(8, text_px - 1))
        if state == StreamState.LIVE:
            headline = QCoreApplication.translate("Wall", "NO NEW PICTURE")
            detail = QCoreApplication.translate("Wall", "last picture {0:.0f} s ago").format(age or 0.0)
        else:
            headline = state_label(state)
            detail = ""
            if health is not None and state in (
                StreamState.RECONNECTING,
                StreamState.OFFLINE,
                StreamState.STALLED,
            ):
                since = time.strftime("%H:%M:%S", time.localtime(health.since))
                detail = QCoreApplication.translate("Wall", "since {0}").format(since)
                if health.last_error:
                    detail += " · " + health.last_error
        painter.setPen(_STATE_COLOURS[state].lighter(150))
        painter.setFont(big)
        middle = rect.center().y()
        painter.drawText(
            QRect(rect.left(), middle - big_metrics.height(), rect.width(), big_metrics.height()),
            Qt.AlignmentFlag.AlignCenter,
            headline,
        )
        if detail and rect.height() >= 70:
            painter.setFont(small)
            painter.setPen(QColor(220, 224, 232))
            box = QRect(rect.left() + 6, middle + 2, rect.width() - 12, small_metrics.height() * 2 + 2)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, detail)
