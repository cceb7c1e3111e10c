"""Per-tile overlay: number, name, grid code, capture clock, state badge, fps, detection boxes, alert
flash, and the loudspeakers' badge (escalation ladder step and countdown, playing, speaker down).

Honest about staleness: a tile whose picture is not live is dimmed and says why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPolygonF

from app.core.stream_health import StreamState
from app.ui.stream_reasons import failure_label, failure_tooltip
from app.ui.wall.ptz_marks import PTZ_COLOURS, PTZ_MINE, PTZ_OTHER, ptz_label

if TYPE_CHECKING:
    from app.media.supervisor import CameraHealth
    from app.ui.wall.tiles import TileState

DOWN_STATES = (StreamState.RECONNECTING, StreamState.OFFLINE, StreamState.STALLED)
STALE_AFTER_S = 3.0  # a "live" tile whose picture is older than this says so
TEXT_CACHE_LIMIT = 2000  # rendered texts kept (a wall needs a few hundred)
CLOCK_SECONDS_KEPT = 3  # a wall's clocks show the same second, give or take one; past ones never return
FOOTER_TEXT = QColor(200, 206, 218)
FOOTER_SHADE = QColor(0, 0, 0, 110)
CLOCK_AT = QPoint(4, 3)  # where the footer's first text (the clock) starts in its band


def shows_live(health: CameraHealth | None) -> bool:
    """Live with a fresh picture: the tile shows it plainly (else dimmed, with the reason)."""
    age = health.last_frame_age_s if health else None
    return health is not None and health.state == StreamState.LIVE and age is not None and age < STALE_AFTER_S


BORDER_PX = 4  # the alert border's width, inside the tile's edge
BOX_IMAGES_KEPT = 256  # tiles × box sets on the wall at once, with room
TAGS_KEPT = 512  # label images kept (texts × sizes × colours on the wall at once, with room)


@dataclass(frozen=True)
class Box:
    """A detection box in source-relative coordinates (0..1), with a short label."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str = ""
    colour: tuple[int, int, int] = (255, 200, 0)


# The speakers' badge: calm colours (it is information, not an alarm); a fault in amber.
VOICE_COLOURS: dict[str, tuple[QColor, QColor]] = {  # MarkTone value → (text, background)
    "ladder": (QColor(235, 244, 255), QColor(34, 92, 150, 225)),
    "playing": (QColor(240, 255, 244), QColor(30, 122, 70, 225)),
    "fault": (QColor(30, 24, 8), QColor(226, 160, 40, 235)),
}

STATE_COLOURS = {
    StreamState.LIVE: QColor(46, 160, 67),
    StreamState.CONNECTING: QColor(56, 120, 200),
    StreamState.STALLED: QColor(212, 140, 20),
    StreamState.RECONNECTING: QColor(212, 140, 20),
    StreamState.OFFLINE: QColor(200, 50, 50),
    StreamState.STOPPED: QColor(90, 96, 110),
}


def state_label(state: StreamState) -> str:
    translate = QCoreApplication.translate
    labels = {
        StreamState.LIVE: translate("Wall", "LIVE"),
        StreamState.CONNECTING: translate("Wall", "CONNECTING"),
        StreamState.STALLED: translate("Wall", "STALLED"),
        StreamState.RECONNECTING: translate("Wall", "RECONNECTING"),
        StreamState.OFFLINE: translate("Wall", "OFFLINE"),
        StreamState.STOPPED: translate("Wall", "NOT SHOWN"),
    }
    return labels[state]


def centre_texts(health: CameraHealth | None, state: StreamState, age: float | None) -> tuple[str, list[str]]:
    """What a tile without a live picture says: a headline (the state) and short lines under it,
    most important first: why (a translated reason, never FFmpeg's sentence), then since when."""
    translate = QCoreApplication.translate
    if state == StreamState.LIVE:
        headline = translate("Wall", "NO NEW PICTURE")
        lines = [translate("Wall", "last picture {0:.0f} s ago").format(age)] if age is not None else []
        return headline, lines
    lines = []
    if health is not None and state in DOWN_STATES:
        if health.reason is not None or health.last_error:
            lines.append(failure_label(health.reason))
        since = time.strftime("%H:%M:%S", time.localtime(health.since))
        lines.append(translate("Wall", "since {0}").format(since))
    return state_label(state), lines


def tile_tooltip(health: CameraHealth | None) -> str:
    """The tooltip of a tile without a live picture: the reason, what to check, FFmpeg's detail."""
    if health is None or health.state not in DOWN_STATES:
        return ""
    return failure_tooltip(health.reason, health.last_error)


K = TypeVar("K", bound=Hashable)


class RecentSeconds(Generic[K]):
    """Images made for one capture second, kept for the last few seconds only.

    Every tile's clock moves on once a second. What is drawn for a second (a footer with its
    clock, the clock itself) is shared by the tiles showing that second, and useless once the
    wall has moved on. Kept for longer, it piles up: a 1-tile wall's footer is 150 KiB, made
    anew every second.
    """

    def __init__(self, kept: int = CLOCK_SECONDS_KEPT) -> None:
        self._kept = kept
        self._seconds: dict[int, dict[K, QImage]] = {}  # in the order first asked for

    def get(self, second: int, key: K) -> QImage | None:
        images = self._seconds.get(second)
        return None if images is None else images.get(key)

    def put(self, second: int, key: K, image: QImage) -> QImage:
        images = self._seconds.get(second)
        if images is None:
            images = self._seconds[second] = {}
            while len(self._seconds) > self._kept:  # (also when the clock was set back)
                del self._seconds[next(iter(self._seconds))]
        images[key] = image
        return image

    def __len__(self) -> int:
        return sum(len(images) for images in self._seconds.values())


class OverlayPainter:
    def __init__(self) -> None:
        self._fonts: dict[tuple[int, bool], tuple[QFont, QFontMetrics]] = {}
        self._widths: dict[tuple[tuple[int, bool], str], int] = {}  # the clock's room, by font
        self._tags: dict[tuple[str, int, int, int, tuple[int, int]], QImage] = {}
        self._box_images: dict[tuple[object, ...], tuple[QPoint, QImage]] = {}
        self._mark_tags: dict[tuple[int, int, int, bool], tuple[QPoint, QImage]] = {}  # by tile place
        self._voice_tags: dict[tuple[int, int, int, int, str, str], tuple[QPoint, QImage]] = {}
        self._bands: dict[tuple[int, str], tuple[tuple[object, ...], QImage]] = {}
        self._texts: dict[tuple[tuple[int, bool], int, str], QImage] = {}
        self._clocked_footers: RecentSeconds[tuple[object, ...]] = RecentSeconds()  # by footer key
        self._clock_patches: RecentSeconds[tuple[int, bool]] = RecentSeconds()  # by font
        self._clock_images: RecentSeconds[tuple[int, bool]] = RecentSeconds()

    def keep_bands(self, numbers: Collection[int]) -> None:
        """Forget the prepared bands of tiles no longer shown. A tour through a big site would
        otherwise keep two for every camera it passed: 190 KiB each on a 1-tile wall, 90 MiB
        after 300 cameras."""
        self._bands = {key: band for key, band in self._bands.items() if key[0] in numbers}

    def _font(self, pixel_size: int, bold: bool = False) -> tuple[QFont, QFontMetrics]:
        key = (pixel_size, bold)
        if key not in self._fonts:
            font = QFont()
            font.setPixelSize(pixel_size)
            font.setBold(bold)
            self._fonts[key] = (font, QFontMetrics(font))
        return self._fonts[key]

    def _width(self, font_key: tuple[int, bool], text: str) -> int:
        """How wide ``text`` is, measured once: a tile's overlay is made again whenever its fps
        changes (a few tiles every health poll), and measuring text lays it out every time."""
        key = (font_key, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self._font(*font_key)[1].horizontalAdvance(text)
        return width

    def _tag(self, text: str, pixel_size: int, fg: QColor, bg: QColor, pad: tuple[int, int]) -> QImage:
        """``text`` on a ``bg`` label, laid out once and kept: labels on alert tiles are drawn on
        every frame, and laying out (CJK) text is the dearest part of a tile's paint."""
        key = (text, pixel_size, fg.rgba(), bg.rgba(), pad)
        image = self._tags.get(key)
        if image is None:
            if len(self._tags) >= TAGS_KEPT:
                self._tags.clear()
            font, metrics = self._font(pixel_size, bold=True)
            image = QImage(metrics.horizontalAdvance(text) + pad[0], metrics.height() + pad[1],
                           QImage.Format.Format_ARGB32_Premultiplied)  # fmt: skip
            image.fill(bg)
            painter = QPainter(image)
            painter.setFont(font)
            painter.setPen(fg)
            painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
            painter.end()
            self._tags[key] = image
        return image

    def prepare(self, tile: TileState, rect: QRect) -> list[tuple[QPoint, QImage]] | None:
        """The overlay of a tile with a live picture as ready-made images to blit every frame.

        Text is the expensive part of a wall repaint, and it changes at most a few times a second
        (state, fps, the capture clock): the compositor prepares it when health is polled and
        only blits it per frame. The clock moves on every second on every tile, so the footer is
        kept without it and the clock is put on a copy (:meth:`tick_clock`), no text laid out.
        None means the tile is not live: it is painted the slow, honest way.
        """
        if tile.info is None:
            return None
        health = tile.health
        if not shows_live(health):
            return None
        assert health is not None
        state = health.state
        # Asked again on relayouts and health changes that the overlay may not show: compare first.
        fps = round(health.main_fps if tile.from_main else health.fps)
        key = (rect.getRect(), tile.number, tile.info, fps, tile.from_main)
        if tile.overlay is not None and tile.overlay_key == key:
            return tile.overlay
        tile.overlay_key = key
        text_px = _text_px(rect)
        _, metrics = self._font(text_px, bold=True)
        header_h = metrics.height() + 4
        local = QRect(0, 0, rect.width(), rect.height())
        header_key = (rect.width(), text_px, tile.number, tile.info.name, state)
        header = self._band(
            tile.number,
            "header",
            header_key,
            rect.width(),
            header_h,
            0,
            lambda p: self._header(p, local, tile, state, text_px),
        )
        blits = [(rect.topLeft(), header)]
        if _has_footer(rect):
            _, small = self._font(*_footer_font(text_px))
            footer_h = small.height() + 5
            # Keyed by what it shows: tiles whose footers look alike share their clocked copies.
            texts = self._footer_texts(tile, rect.width(), text_px, state, with_clock=False)
            footer_key = (rect.width(), footer_h, *((x, text.cacheKey()) for x, text in texts))
            footer = self._band(
                tile.number,
                "footer",
                footer_key,
                rect.width(),
                footer_h,
                rect.height() - footer_h,
                lambda p: self._footer(p, local, tile, text_px, state, with_clock=False),
            )
            position = QPoint(rect.left(), rect.bottom() - footer_h + 1)
            blits.append((position, self._clocked(tile, rect, footer_key, footer)))
        tile.overlay_clock = _second(tile)
        return blits

    def tick_clock(self, tile: TileState, rect: QRect) -> list[tuple[QPoint, QImage]] | None:
        """The tile's prepared overlay with its footer showing the capture second of its frame."""
        overlay = tile.overlay
        tile.overlay_clock = _second(tile)
        base = self._bands.get((tile.number, "footer"))
        if overlay is None or len(overlay) < 2 or base is None:
            return overlay
        header, (position, _) = overlay
        return [header, (position, self._clocked(tile, rect, *base))]

    def clock_box(self, rect: QRect) -> QRect:
        """Where a tile's footer clock goes, whatever the time (digits are as wide as "00:00:00")."""
        font_key = _footer_font(_text_px(rect))
        _, metrics = self._font(*font_key)
        top = rect.bottom() - metrics.height() - 1
        return QRect(rect.left() + 4, top, self._width(font_key, "00:00:00") + 2, metrics.height())

    def _clocked(
        self, tile: TileState, rect: QRect, footer_key: tuple[object, ...], footer: QImage
    ) -> QImage:
        """A copy of a footer band (made without the clock) with the clock on it, shared by the
        tiles whose footers look alike (same size and texts: where grid codes do not fit).

        Every tile's clock moves on once a second (100 a second on a full wall), so this is no
        painter: the band behind the clock is plain, and the clock on that plain band (drawn once
        a second, for every tile of that size) is copied into the footer's pixels."""
        if tile.meta is None:
            return footer
        second = _second(tile)
        image = self._clocked_footers.get(second, footer_key)
        if image is None:
            patch = self._clock_patch(second, _footer_font(_text_px(rect)))
            image = self._clocked_footers.put(second, footer_key, footer.copy())
            width = min(patch.width(), image.width() - CLOCK_AT.x())
            height = min(patch.height(), image.height() - CLOCK_AT.y())
            if width > 0 and height > 0:
                pixels(image)[CLOCK_AT.y() : CLOCK_AT.y() + height, CLOCK_AT.x() : CLOCK_AT.x() + width] = (
                    pixels(patch)[:height, :width]
                )
        return image

    def _clock_patch(self, second: int, font_key: tuple[int, bool]) -> QImage:
        """The clock as the footer shows it: its text over the footer band's shade."""
        patch = self._clock_patches.get(second, font_key)
        if patch is None:
            clock = self._clock_image(second, font_key)
            patch = QImage(clock.size(), QImage.Format.Format_ARGB32_Premultiplied)
            patch.fill(FOOTER_SHADE)
            painter = QPainter(patch)
            painter.drawImage(QPoint(0, 0), clock)
            painter.end()
            self._clock_patches.put(second, font_key, patch)
        return patch

    def _clock_image(self, second: int, font_key: tuple[int, bool]) -> QImage:
        """The capture clock's text (kept apart from the other texts: a new one every second)."""
        image = self._clock_images.get(second, font_key)
        if image is None:
            text = time.strftime("%H:%M:%S", time.localtime(second))
            image = self._clock_images.put(second, font_key, self._render(text, font_key, FOOTER_TEXT))
        return image

    def paint(self, painter: QPainter, rect: QRect, tile: TileState, picture: QRect | None) -> None:
        """Overlay of a tile that is empty, not live, or carries boxes or an alert flash."""
        text_px = _text_px(rect)
        if tile.info is None:
            self._empty(painter, rect, tile, text_px)
            return
        health = tile.health
        state = health.state if health else StreamState.CONNECTING
        age = health.last_frame_age_s if health else None
        if tile.overlay is not None:
            self.paint_marks(painter, rect, tile, picture)
        else:
            painter.fillRect(rect, QColor(0, 0, 0, 170))  # never let a stale picture pass for live
            self._header(painter, rect, tile, state, text_px)
            if _has_footer(rect):
                self._footer(painter, rect, tile, text_px, state)
            self._centre_message(painter, rect, tile, state, age, text_px)
            tag = self._mark_tag(rect, tile)
            if tag is not None:
                painter.drawImage(*tag)
            voice = self.voice_tag(rect, tile)
            if voice is not None:
                painter.drawImage(*voice)
            ptz = self.ptz_tag(rect, tile)
            if ptz is not None:
                painter.drawImage(*ptz)
        if shows_border(tile, time.monotonic()):
            self._flash(painter, rect)

    def paint_marks(self, painter: QPainter, rect: QRect, tile: TileState, picture: QRect | None) -> None:
        """Over a live tile's picture: its boxes, its prepared overlay, and the tag of an alert
        (not yet taken, or muted); all ready-made images (the border is the caller's)."""
        text_px = _text_px(rect)
        draw = painter.drawImage
        if tile.boxes and picture is not None:
            offset, image = self._boxes_image(picture.size(), tile.boxes, text_px)
            draw(picture.topLeft() + offset, image)
        for position, image in tile.overlay or ():
            draw(position, image)
        tag = self._mark_tag(rect, tile)
        if tag is not None:
            draw(*tag)
        voice = self.voice_tag(rect, tile)
        if voice is not None:
            draw(*voice)
        ptz = self.ptz_tag(rect, tile)
        if ptz is not None:
            draw(*ptz)

    def _band(
        self,
        number: int,
        which: str,
        key: tuple[object, ...],
        width: int,
        height: int,
        top: int,
        draw: Callable[[QPainter], None],
    ) -> QImage:
        cached = self._bands.get((number, which))
        if cached is not None and cached[0] == key:
            return cached[1]
        image = QImage(max(1, width), max(1, height), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        band_painter = QPainter(image)
        band_painter.translate(0, -top)
        draw(band_painter)
        band_painter.end()
        self._bands[(number, which)] = (key, image)
        return image

    def _header(
        self, painter: QPainter, rect: QRect, tile: TileState, state: StreamState, text_px: int
    ) -> None:
        assert tile.info is not None
        font, metrics = self._font(text_px, bold=True)
        band = metrics.height() + 4
        painter.fillRect(QRect(rect.left(), rect.top(), rect.width(), band), QColor(0, 0, 0, 120))
        badge_w = self._badge(painter, rect, state, text_px)
        if tile.info.ptz:  # the PTZ mark, left of the state badge: seen before anyone steers it
            mark = self._tag(ptz_label(), max(8, text_px - 2), *PTZ_COLOURS, (8, 0))
            if mark.width() + badge_w + 48 <= rect.width():
                painter.drawImage(rect.right() - badge_w - mark.width() - 5, rect.top() + 2, mark)
                badge_w += mark.width() + 3
        painter.setFont(font)
        painter.setPen(QColor(140, 190, 255))
        number = f"{tile.number}"
        painter.drawText(rect.left() + 4, rect.top() + 2 + metrics.ascent(), number)
        offset = metrics.horizontalAdvance(number) + 6
        painter.setPen(QColor(235, 238, 245))
        room = max(10, rect.width() - badge_w - offset - 12)
        title = metrics.elidedText(tile.info.name, Qt.TextElideMode.ElideRight, room)
        painter.drawText(rect.left() + 4 + offset, rect.top() + 2 + metrics.ascent(), title)

    def _badge(self, painter: QPainter, rect: QRect, state: StreamState, text_px: int) -> int:
        font, metrics = self._font(max(8, text_px - 2), bold=True)
        label = state_label(state)
        width = metrics.horizontalAdvance(label) + 8
        box = QRect(rect.right() - width - 2, rect.top() + 2, width, metrics.height())
        painter.fillRect(box, STATE_COLOURS[state])
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        return width

    def _footer(
        self,
        painter: QPainter,
        rect: QRect,
        tile: TileState,
        text_px: int,
        state: StreamState,
        *,
        with_clock: bool = True,
    ) -> None:
        """The footer band; ``with_clock=False`` leaves the clock's place empty for its own blit."""
        font_key = _footer_font(text_px)
        _, metrics = self._font(*font_key)
        band = QRect(rect.left(), rect.bottom() - metrics.height() - 3, rect.width(), metrics.height() + 4)
        painter.fillRect(band, FOOTER_SHADE)
        for x, text in self._footer_texts(tile, rect.width(), text_px, state, with_clock):
            painter.drawImage(QPoint(rect.left() + x, band.top() + 2), text)

    def _footer_texts(
        self, tile: TileState, width: int, text_px: int, state: StreamState, with_clock: bool
    ) -> list[tuple[int, QImage]]:
        """The footer's texts and where they start: the clock, the grid code and the fps where
        they fit. Texts come from a cache: the clock is the same on every tile, the rest rarely
        changes."""
        assert tile.info is not None
        font_key = _footer_font(text_px)
        texts: list[tuple[int, QImage]] = []
        right = ""
        health = tile.health
        if health is not None and state == StreamState.LIVE:
            fps = health.main_fps if tile.from_main else health.fps
            stream = QCoreApplication.translate("Wall", "main stream") if tile.from_main else ""
            right = f"{stream} {fps:.0f} fps".strip()
        right_image = self._text(right, font_key, FOOTER_TEXT) if right else None
        right_w = right_image.width() if right_image is not None else 0
        used = 0
        if tile.meta is not None or not with_clock:  # without it, the clock's place is kept for its blit
            used = self._width(font_key, "00:00:00  ")
        if tile.meta is not None and with_clock:
            texts.append((CLOCK_AT.x(), self._clock_image(_second(tile), font_key)))
        if tile.info.grid_code:
            grid_image = self._text(tile.info.grid_code, font_key, FOOTER_TEXT)
            if used + grid_image.width() + right_w + 16 <= width:
                texts.append((4 + used, grid_image))  # only where it fits
                used += grid_image.width()
        if right_image is not None and used + right_w + 12 <= width:
            texts.append((width - right_w - 5, right_image))
        return texts

    def _text(self, text: str, font_key: tuple[int, bool], colour: QColor) -> QImage:
        """``text`` rendered once on a transparent image, then blitted wherever it is needed."""
        key = (font_key, colour.rgba(), text)
        image = self._texts.get(key)
        if image is None:
            if len(self._texts) > TEXT_CACHE_LIMIT:
                self._texts.clear()  # names and fps of past layouts; rebuilt on demand, cheaply
            image = self._texts[key] = self._render(text, font_key, colour)
        return image

    def _render(self, text: str, font_key: tuple[int, bool], colour: QColor) -> QImage:
        font, metrics = self._font(*font_key)
        image = QImage(
            max(1, metrics.horizontalAdvance(text)),
            metrics.height(),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(0, metrics.ascent(), text)
        painter.end()
        return image

    def _centre_message(
        self,
        painter: QPainter,
        rect: QRect,
        tile: TileState,
        state: StreamState,
        age: float | None,
        text_px: int,
    ) -> None:
        big, big_metrics = self._font(min(28, text_px + 4), bold=True)
        small, small_metrics = self._font(max(8, text_px - 1))
        headline, lines = centre_texts(tile.health, state, age)
        painter.setPen(STATE_COLOURS[state].lighter(150))
        painter.setFont(big)
        middle = rect.center().y()
        painter.drawText(
            QRect(rect.left(), middle - big_metrics.height(), rect.width(), big_metrics.height()),
            Qt.AlignmentFlag.AlignCenter,
            headline,
        )
        # Whole lines only, each cut with an ellipsis if it must be: never half a sentence.
        # What does not fit (and the technical detail) is in the tile's tooltip.
        painter.setFont(small)
        painter.setPen(QColor(220, 224, 232))
        line_h = small_metrics.height()
        footer_h = self._font(*_footer_font(text_px))[1].height() + 5 if _has_footer(rect) else 0
        room = rect.bottom() - middle - footer_h - 2
        width = rect.width() - 12
        for row, line in enumerate(lines[: max(0, room // line_h)]):
            text = small_metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            box = QRect(rect.left() + 6, middle + 2 + row * line_h, width, line_h)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)

    def _empty(self, painter: QPainter, rect: QRect, tile: TileState, text_px: int) -> None:
        font, metrics = self._font(text_px)
        painter.setFont(font)
        painter.setPen(QColor(90, 98, 112))
        painter.drawText(rect.left() + 4, rect.top() + 2 + metrics.ascent(), str(tile.number))
        if rect.height() >= 60:
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("Wall", "drop a camera here")
            )

    def _boxes_image(self, size: QSize, boxes: Sequence[Box], text_px: int) -> tuple[QPoint, QImage]:
        """The boxes and their labels over a picture of ``size``, drawn once and kept until the
        boxes or the size change (an alert tile repaints with every frame, its boxes do not), as
        an image of the part they cover and where it goes in the picture: blending a whole
        picture's worth of transparent pixels on every frame cost more than the rest."""
        key = (size.width(), size.height(), tuple(boxes), text_px)
        entry = self._box_images.get(key)
        if entry is None:
            if len(self._box_images) >= BOX_IMAGES_KEPT:
                self._box_images.clear()
            picture = QRect(QPoint(0, 0), size)
            covered = self._boxes(None, picture, boxes, text_px).intersected(picture)
            image = QImage(covered.size().expandedTo(QSize(1, 1)), QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.translate(-covered.topLeft())
            self._boxes(painter, picture, boxes, text_px)
            painter.end()
            entry = self._box_images[key] = (covered.topLeft(), image)
        return entry

    def _boxes(self, painter: QPainter | None, picture: QRect, boxes: Sequence[Box], text_px: int) -> QRect:
        """Draw the boxes and labels (with no painter: only find where); returns what they cover."""
        pixel_size = max(8, text_px - 2)
        metrics = self._font(pixel_size, bold=True)[1]
        areas = [
            QRectF(
                picture.left() + box.x1 * picture.width(),
                picture.top() + box.y1 * picture.height(),
                (box.x2 - box.x1) * picture.width(),
                (box.y2 - box.y1) * picture.height(),
            )
            for box in boxes
        ]
        black = QColor(0, 0, 0)
        images = [
            self._tag(box.label, pixel_size, black, QColor(*box.colour), (6, 0)) if box.label else None
            for box in boxes
        ]
        widths = [image.width() if image is not None else 0 for image in images]
        tags = label_rects(areas, widths, QRectF(picture), metrics.height())
        covered = QRectF()
        for area in areas:
            covered = covered.united(area.adjusted(-2, -2, 2, 2))  # the 2 px pen straddles the edge
        for tag in tags:
            covered = covered.united(tag) if tag is not None else covered
        if painter is None:
            return covered.toAlignedRect()
        for box, area in zip(boxes, areas, strict=True):
            painter.setPen(QPen(QColor(*box.colour), 2))
            painter.drawRect(area)
        for image, tag in zip(images, tags, strict=True):  # labels over every box: all readable
            if tag is not None and image is not None:
                painter.drawImage(tag.topLeft(), image)
        return covered.toAlignedRect()

    def _mark_tag(self, rect: QRect, tile: TileState) -> tuple[QPoint, QImage] | None:
        """Under the header, the tag of an alert nobody has taken (it stays until an operator
        takes it, however long that is; its border pulses), or a quiet grey one where an alert
        is snoozed. Looked up on every frame of an alert tile: kept by the tile's place."""
        if not (tile.awaiting or tile.muted):
            return None
        key = (rect.x(), rect.y(), rect.height(), tile.awaiting)
        tag = self._mark_tags.get(key)
        if tag is None:
            if tile.awaiting:
                label = QCoreApplication.translate("Wall", "Alert: not yet taken")
                fg, bg = QColor(255, 255, 255), QColor(210, 36, 36)
            else:
                label = QCoreApplication.translate("Wall", "Alert muted")
                fg, bg = QColor(235, 235, 235), QColor(96, 100, 110)
            if len(self._mark_tags) >= TAGS_KEPT:
                self._mark_tags.clear()
            pixel_size = max(9, _text_px(rect))
            top = rect.top() + self._font(pixel_size, True)[1].height() + 8
            tag = self._mark_tags[key] = (
                QPoint(rect.left() + 6, top),
                self._tag(label, pixel_size, fg, bg, (12, 4)),
            )
        return tag

    def voice_tag(self, rect: QRect, tile: TileState) -> tuple[QPoint, QImage] | None:
        """The speakers' badge, bottom left above the footer (the alert tag is top left): a
        speaker drawn, then the words. Its countdown changes once a second, so the compositor
        repaints this rectangle alone (:meth:`voice_rect`); kept by the tile's place and text."""
        mark = tile.voice
        if mark is None:
            return None
        key = (rect.x(), rect.y(), rect.width(), rect.height(), mark.text, str(mark.tone))
        tag = self._voice_tags.get(key)
        if tag is None:
            if len(self._voice_tags) >= TAGS_KEPT:
                self._voice_tags.clear()
            pixel_size = max(9, _text_px(rect) - 1)
            font = self._font(pixel_size, bold=True)[0]
            image = speaker_badge(mark.text, str(mark.tone), font)
            if mark.short and image.width() > rect.width() - 12:  # a 100-tile wall's tile
                image = speaker_badge(mark.short, str(mark.tone), font)
            footer_h = self._font(*_footer_font(_text_px(rect)))[1].height() + 5 if _has_footer(rect) else 0
            top = max(rect.top(), rect.bottom() - footer_h - image.height() - 3)
            tag = self._voice_tags[key] = (QPoint(rect.left() + 6, top), image)
        return tag

    def ptz_tag(self, rect: QRect, tile: TileState) -> tuple[QPoint, QImage] | None:
        """Who steers or has locked the camera, top right under the header (the alert tag is
        top left): blue when it is this operator, amber when someone else."""
        mark = tile.ptz_mark
        if mark is None:
            return None
        pixel_size = max(9, _text_px(rect) - 1)
        fg, bg = PTZ_MINE if mark.mine else PTZ_OTHER
        image = self._tag(mark.text, pixel_size, fg, bg, (12, 4))
        if mark.short and image.width() > rect.width() - 12:
            image = self._tag(mark.short, pixel_size, fg, bg, (8, 4))
        top = rect.top() + self._font(max(9, _text_px(rect)), True)[1].height() + 8
        return QPoint(max(rect.left() + 2, rect.right() - image.width() - 5), top), image

    def voice_rect(self, rect: QRect, tile: TileState) -> QRect | None:
        tag = self.voice_tag(rect, tile)
        return QRect(tag[0], tag[1].size()) if tag is not None else None

    @staticmethod
    def _flash(painter: QPainter, rect: QRect) -> None:
        colour = pulse_colour()
        for side in border_rects(rect):
            painter.fillRect(side, colour)


def speaker_badge(text: str, tone: str, font: QFont) -> QImage:
    """The speakers' badge: a loudspeaker drawn, then ``text``, on the tone's colour (the tile's
    and the alert row's picture carry the same one)."""
    fg, bg = VOICE_COLOURS.get(tone, VOICE_COLOURS["ladder"])
    metrics = QFontMetrics(font)
    h = metrics.height() + 4
    glyph = h  # the speaker's square
    image = QImage(glyph + metrics.horizontalAdvance(text) + 10, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(bg)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw_speaker(painter, QRectF(3, 2, glyph - 4, h - 4), fg, struck=tone == "fault")
    painter.setFont(font)
    painter.setPen(fg)
    painter.drawText(QRect(glyph + 2, 0, image.width() - glyph - 4, h), Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    return image


def _draw_speaker(painter: QPainter, box: QRectF, colour: QColor, *, struck: bool) -> None:
    """A loudspeaker in ``box`` (no emoji font is needed): its body and cone, then two sound
    waves, or a cross when the speaker is down."""
    x, y, w, h = box.x(), box.y(), box.width(), box.height()

    def at(px: float, py: float) -> QPointF:
        return QPointF(x + w * px, y + h * py)

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRect(QRectF(at(0.0, 0.34), at(0.22, 0.66)))
    painter.drawPolygon(QPolygonF([at(0.2, 0.34), at(0.5, 0.08), at(0.5, 0.92), at(0.2, 0.66)]))
    pen = QPen(colour, max(1.2, h / 10))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if struck:
        painter.drawLine(at(0.64, 0.3), at(0.96, 0.7))
        painter.drawLine(at(0.64, 0.7), at(0.96, 0.3))
        return
    for reach in (0.22, 0.42):  # two arcs right of the cone
        painter.drawArc(
            QRectF(at(0.5 - reach, 0.5 - reach), at(0.5 + reach, 0.5 + reach)), -55 * 16, 110 * 16
        )


def shows_border(tile: TileState, now: float) -> bool:
    """Does the tile show the pulsing alert border: an alert nobody has taken, or a flash (not
    over a snoozed alert's tag)?"""
    return tile.awaiting or (not tile.muted and bool(tile.flash_until) and now < tile.flash_until)


def pulse_colour() -> QColor:
    """The alert border's colour now: a 1.5 Hz pulse (seen, not frantic), opaque, from dark to
    bright red. Opaque: a translucent border costs ~7× more to paint, and an opaque one covers
    what is under it, so the compositor repaints the border alone as it pulses."""
    phase = 0.5 + 0.5 * math.sin(time.monotonic() * 2 * math.pi * 1.5)
    return QColor(int(110 + 120 * phase), int(18 + 22 * phase), int(18 + 22 * phase))


def border_rects(rect: QRect) -> list[QRect]:
    """The alert border's four sides, ``BORDER_PX`` wide inside the tile's edge."""
    w, h, b = rect.width(), rect.height(), BORDER_PX
    return [
        QRect(rect.left(), rect.top(), w, b),
        QRect(rect.left(), rect.bottom() - b + 1, w, b),
        QRect(rect.left(), rect.top() + b, b, h - 2 * b),
        QRect(rect.right() - b + 1, rect.top() + b, b, h - 2 * b),
    ]


def label_rects(areas: list[QRectF], widths: list[int], picture: QRectF, height: int) -> list[QRectF | None]:
    """Where each box's label goes: above its box, inside the picture; None where it would cover
    a label placed before it (the first boxes, alerts, win): two labels over each other read as
    neither. A width of 0 means no label."""
    placed: list[QRectF] = []
    out: list[QRectF | None] = []
    for area, width in zip(areas, widths, strict=True):
        if not width:
            out.append(None)
            continue
        left = max(picture.left(), min(area.left(), picture.right() - width))
        tag = QRectF(left, max(picture.top(), area.top() - height), width, height)
        if any(tag.intersects(other) for other in placed):
            out.append(None)
            continue
        placed.append(tag)
        out.append(tag)
    return out


def pixels(image: QImage) -> npt.NDArray[np.uint32]:
    """The pixels of a 32-bit ``image`` as rows of uint32, in place (writing them writes the image)."""
    rows = np.frombuffer(image.bits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return rows[:, : image.width()]


def _text_px(rect: QRect) -> int:
    """Overlay text size of a tile: readable on a 100-tile wall, not shouting on a focused one."""
    return max(9, min(18, rect.height() // 9))


def _second(tile: TileState) -> int:
    return tile.meta.captured_wall_ns // 1_000_000_000 if tile.meta is not None else 0


def _footer_font(text_px: int) -> tuple[int, bool]:
    return (max(8, text_px - 2), False)


def _has_footer(rect: QRect) -> bool:
    return rect.height() >= 90
