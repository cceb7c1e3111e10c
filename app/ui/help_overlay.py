"""F1 help: every action and its keys over the dimmed window, grouped in columns, painted in one go.

The text is laid out for the overlay's size (largest font that fits without scrolling) and cached in a
pixmap, so the wall repainting underneath at 30 Hz costs one blit here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.actions import ACTIONS, WALL
from app.ui.alerts.keys import TRIAGE_GROUP, TRIAGE_KEYS
from app.ui.wall.keyboard import OWNS_KEYBOARD
from app.ui.wall.number_entry import DEFAULT_TIMEOUT_S

NATIVE = QKeySequence.SequenceFormat.NativeText
CLOSE_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_F1)
SHADE = QColor(4, 6, 10, 200)
PANEL, PANEL_EDGE = QColor(20, 23, 30, 240), QColor(62, 68, 84)
TITLE, HEADER = QColor(236, 239, 245), QColor(120, 172, 230)
TEXT, DIM = QColor(214, 218, 228), QColor(128, 135, 150)
CAP, CAP_EDGE, CAP_TEXT = QColor(46, 52, 66), QColor(98, 106, 126), QColor(240, 242, 248)


@dataclass(frozen=True)
class HelpRow:
    keys: tuple[str, ...]  # one key cap each
    label: str
    joiner: str = "/"  # drawn between the caps
    mouse: bool = False  # caps name a mouse gesture, drawn outlined


@dataclass(frozen=True)
class HelpGroup:
    title: str
    rows: tuple[HelpRow, ...]


def help_groups(number_timeout_s: float = DEFAULT_TIMEOUT_S) -> list[HelpGroup]:
    """The actions table by group, with the mouse and tile-number gestures after the wall keys,
    then the PTZ keys of a focused picture."""
    translate = QCoreApplication.translate
    rows: dict[str, list[HelpRow]] = {}
    titles: dict[str, str] = {}
    for spec in ACTIONS:
        keys = tuple(dict.fromkeys(QKeySequence(s).toString(NATIVE) for s in spec.shortcuts))  # 回车 / 回车
        rows.setdefault(spec.group, []).append(HelpRow(keys, spec.label()))
        titles[spec.group] = spec.group_label()
    groups = [HelpGroup(titles[g], tuple(r)) for g, r in rows.items()]
    drag = translate("Help", "Drag")
    extra = HelpGroup(
        translate("Help", "Mouse and tile numbers"),
        (
            HelpRow(
                ("0–9", QKeySequence("Enter").toString(NATIVE)),
                translate(
                    "Help", "Go to the tile with that number (a pause over {0} s between digits starts again)"
                ).format(f"{number_timeout_s:g}"),
                joiner=translate("Help", "then"),
            ),
            HelpRow(
                (translate("Help", "Double-click"),),
                translate("Help", "Focus a tile (main stream)"),
                mouse=True,
            ),
            HelpRow(
                (drag,), translate("Help", "A camera from the tree onto a tile: show it there"), mouse=True
            ),
            HelpRow((drag,), translate("Help", "A tile onto another tile: swap the two"), mouse=True),
        ),
    )
    wall = next((i for i, g in enumerate(groups) if g.title == titles.get(str(WALL))), -1)
    groups.insert(wall + 1, extra)
    groups.insert(wall + 2, ptz_group())
    groups.append(triage_group())
    return groups


def ptz_group() -> HelpGroup:
    """A focused PTZ camera steered on the picture itself (app.ui.ptz.focus_control)."""
    translate = QCoreApplication.translate
    return HelpGroup(
        translate("Help", "PTZ camera in focus"),
        (
            HelpRow(("←↑→↓", "+", "−"), translate("Help", "Hold to turn / zoom in / zoom out")),
            HelpRow((QKeySequence("Home").toString(NATIVE),), translate("Help", "Home position")),
            HelpRow(
                (translate("Help", "Click"), translate("Help", "Drag")),
                translate("Help", "Centre on that point / zoom into the box (drawn right to left: out)"),
                mouse=True,
            ),
            HelpRow(
                (translate("Help", "Double-click"), translate("Help", "Joystick")),
                translate("Help", "Go to a preset: in the PTZ panel's list / the joystick's buttons 1–n"),
                mouse=True,
            ),
        ),
    )


def triage_group() -> HelpGroup:
    """The alert list's own keys (they act while the list has the keyboard)."""
    then = QCoreApplication.translate("Help", "then")
    rows = tuple(
        HelpRow((*spec.caps, spec.then), spec.label(), joiner=then)
        if spec.then
        else HelpRow(spec.caps, spec.label())
        for spec in TRIAGE_KEYS
    )
    return HelpGroup(QCoreApplication.translate("Triage", TRIAGE_GROUP), rows)


@dataclass
class _Metrics:
    px: int
    label: QFont
    header: QFont
    cap: QFont
    title: QFont
    col_width: int
    col_gap: int
    columns: list[list[int]]  # group indexes per column
    key_widths: list[int]  # per column: the caps right-align on it, the labels start after it


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def _cap_size(fm: QFontMetrics, text: str) -> tuple[int, int]:
    h = fm.height() + 6
    return max(h, fm.horizontalAdvance(text) + fm.height()), h


def _keys_width(row: HelpRow, cap_fm: QFontMetrics, label_fm: QFontMetrics) -> int:
    caps = sum(_cap_size(cap_fm, k)[0] for k in row.keys)
    join = label_fm.horizontalAdvance(f" {row.joiner} ") * max(0, len(row.keys) - 1)
    return caps + join


def _line(m: _Metrics) -> int:
    return max(QFontMetrics(m.label).height(), _cap_size(QFontMetrics(m.cap), "M")[1])


def _row_height(label: QFont, text: str, width: int, line: int, px: int) -> int | None:
    """Height of one row whose label wraps in ``width``; None if a word does not fit."""
    box = QFontMetrics(label).boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text)
    return None if box.width() > width else max(line, box.height()) + px // 3


def _arrange(groups: list[HelpGroup], width: int, height: int, px: int, ncols: int) -> _Metrics | None:
    """The largest-font-first layout tries this: groups in order, split in ``ncols`` columns."""
    label, cap, header = _font(px), _font(max(9, px - 2)), _font(px + 1, bold=True)
    fm, cap_fm = QFontMetrics(label), QFontMetrics(cap)
    col_gap = px * 2
    col_width = (width - (ncols - 1) * col_gap) // ncols
    line = max(fm.height(), _cap_size(cap_fm, "M")[1])
    keys = [max(_keys_width(r, cap_fm, fm) for r in g.rows) for g in groups]
    header_h = QFontMetrics(header).height() + px // 2 + 1
    best: tuple[int, list[list[int]], list[int]] | None = None
    for cuts in itertools.combinations(range(1, len(groups)), ncols - 1):
        bounds = (0, *cuts, len(groups))
        columns = [list(range(a, b)) for a, b in itertools.pairwise(bounds)]
        key_widths = [max(keys[i] for i in column) for column in columns]
        tallest = 0
        for column, key_width in zip(columns, key_widths, strict=True):
            label_width = col_width - key_width - px
            rows = [
                _row_height(label, r.label, label_width, line, px) for i in column for r in groups[i].rows
            ]
            if label_width < px * 8 or None in rows:
                break
            tallest = max(tallest, sum(r or 0 for r in rows) + len(column) * (header_h + px) - px)
        else:
            if best is None or tallest < best[0]:
                best = (tallest, columns, key_widths)
    if best is None or best[0] > height:
        return None
    title = _font(round(px * 1.5), bold=True)
    return _Metrics(px, label, header, cap, title, col_width, col_gap, best[1], best[2])


class HelpOverlay(QWidget):
    """Covers its parent; Esc, F1 or a click closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty(OWNS_KEYBOARD, True)  # while shown, keys close it; none goes to the wall
        self.number_timeout_s = DEFAULT_TIMEOUT_S
        self._groups: list[HelpGroup] = []
        self.extra: list[Callable[[], HelpGroup]] = []  # groups the window adds (voice keys), after the rest
        self._cache: QPixmap | None = None
        self._return_focus: QWidget | None = None
        self._host = parent
        self.setGeometry(parent.rect())
        self.hide()
        self.retranslate()

    def groups(self) -> list[HelpGroup]:
        return list(self._groups)

    def texts(self) -> list[str]:
        """Every text shown: titles, labels and key caps (for tests and accessibility)."""
        out = [self._title(), self._hint()]
        for group in self._groups:
            out.append(group.title)
            for row in group.rows:
                out += [row.label, *row.keys]
        return out

    def set_number_timeout(self, seconds: float) -> None:
        self.number_timeout_s = seconds
        self.retranslate()

    def toggle(self) -> None:
        self.setVisible(not self.isVisible())

    def retranslate(self) -> None:
        self._groups = help_groups(self.number_timeout_s) + [group() for group in self.extra]
        self.setAccessibleName(self._title())
        self._cache = None
        self.update()

    @staticmethod
    def _title() -> str:
        return QCoreApplication.translate("Actions", "Keyboard shortcuts")

    @staticmethod
    def _hint() -> str:
        return QCoreApplication.translate("Help", "Esc, F1 or a click closes this help")

    # --- events -----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in CLOSE_KEYS
        ):
            event.accept()  # ours, not the window's F1/Esc actions: the help closes itself
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        # Follows the window's size while shown; hidden, it spares the window's every event a
        # trip through Python (dozens a second on a live wall).
        self._host.installEventFilter(self)
        self.setGeometry(self._host.rect())
        self.retranslate()
        self.raise_()
        focus = QApplication.focusWidget()
        self._return_focus = focus if focus is not self else None
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self._host.removeEventFilter(self)
        widget, self._return_focus = self._return_focus, None
        try:
            if widget is not None and widget.isVisible():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        except RuntimeError:  # the widget was deleted meanwhile
            pass

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self._cache = None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() in CLOSE_KEYS:
            self.hide()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.hide()
        event.accept()

    # --- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        ratio = self.devicePixelRatioF()
        if self._cache is None or self._cache.deviceIndependentSize().toSize() != self.size():
            self._cache = QPixmap(self.size() * ratio)
            self._cache.setDevicePixelRatio(ratio)
            self._cache.fill(Qt.GlobalColor.transparent)
            painter = QPainter(self._cache)
            self._paint(painter)
            painter.end()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)

    def font_px(self) -> int | None:
        """The label font size that fits the overlay's current size; None if nothing fits."""
        metrics = self._fit(self._panel())
        return None if metrics is None else metrics.px

    def _panel(self) -> QRect:
        margin = max(16, min(self.width(), self.height()) // 30)
        panel = self.rect().adjusted(margin, margin, -margin, -margin)
        extra = max(0, panel.width() - 1640) // 2
        return panel.adjusted(extra, 0, -extra, 0)

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), SHADE)
        panel = self._panel()
        p.setPen(PANEL_EDGE)
        p.setBrush(PANEL)
        p.drawRoundedRect(QRectF(panel), 10, 10)
        metrics = self._fit(panel)
        if metrics is None:
            return
        px, pad = metrics.px, metrics.px * 2
        inner = panel.adjusted(pad, pad, -pad, -pad)
        p.setFont(metrics.title)
        p.setPen(TITLE)
        title_h = QFontMetrics(metrics.title).height()
        p.drawText(
            QRect(inner.left(), inner.top(), inner.width(), title_h),
            Qt.AlignmentFlag.AlignLeft,
            self._title(),
        )
        p.setFont(metrics.label)
        p.setPen(DIM)
        p.drawText(
            QRect(inner.left(), inner.top(), inner.width(), title_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            self._hint(),
        )
        top = inner.top() + title_h + px * 2
        for n, column in enumerate(metrics.columns):
            x, y = inner.left() + n * (metrics.col_width + metrics.col_gap), top
            for g in column:
                y = self._paint_group(p, metrics, g, x, y, metrics.key_widths[n])

    def _fit(self, panel: QRect) -> _Metrics | None:
        for px in range(max(12, min(22, self.height() // 46)), 8, -1):
            pad = px * 2
            title_h = QFontMetrics(_font(round(px * 1.5), bold=True)).height()
            width, height = panel.width() - 2 * pad, panel.height() - 2 * pad - title_h - px * 2
            for ncols in (3, 2, 4, 5, 1):
                metrics = _arrange(self._groups, width, height, px, ncols)
                if metrics is not None:
                    return metrics
        return None

    def _paint_group(self, p: QPainter, m: _Metrics, index: int, x: int, y: int, key_width: int) -> int:
        group = self._groups[index]
        header_fm, fm, cap_fm = QFontMetrics(m.header), QFontMetrics(m.label), QFontMetrics(m.cap)
        p.setFont(m.header)
        p.setPen(HEADER)
        p.drawText(x, y + header_fm.ascent(), group.title)
        y += header_fm.height() + m.px // 4
        p.setPen(QColor(HEADER.red(), HEADER.green(), HEADER.blue(), 90))
        p.drawLine(x, y, x + m.col_width, y)
        y += m.px // 4 + 1
        line, label_width = _line(m), m.col_width - key_width - m.px
        for row in group.rows:
            height = _row_height(m.label, row.label, label_width, line, m.px) or line
            self._paint_keys(p, m, row, x + key_width - _keys_width(row, cap_fm, fm), y, line)
            p.setFont(m.label)
            p.setPen(TEXT)
            box = QRect(x + key_width + m.px, y + (line - fm.height()) // 2, label_width, height)
            p.drawText(box, Qt.TextFlag.TextWordWrap, row.label)
            y += height
        return y + m.px

    def _paint_keys(self, p: QPainter, m: _Metrics, row: HelpRow, x: int, y: int, line: int) -> None:
        fm, cap_fm = QFontMetrics(m.label), QFontMetrics(m.cap)
        if not row.keys:
            p.setFont(m.label)
            p.setPen(DIM)
            p.drawText(
                QRect(x - fm.horizontalAdvance("—"), y, fm.horizontalAdvance("—"), line),
                Qt.AlignmentFlag.AlignCenter,
                "—",
            )
            return
        for i, key in enumerate(row.keys):
            if i:
                joiner = f" {row.joiner} "
                p.setFont(m.label)
                p.setPen(DIM)
                p.drawText(
                    QRect(x, y, fm.horizontalAdvance(joiner), line), Qt.AlignmentFlag.AlignCenter, joiner
                )
                x += fm.horizontalAdvance(joiner)
            w, h = _cap_size(cap_fm, key)
            cap = QRectF(x + 0.5, y + (line - h) / 2 + 0.5, w - 1, h - 1)
            p.setPen(CAP_EDGE)
            p.setBrush(Qt.BrushStyle.NoBrush if row.mouse else CAP)
            p.drawRoundedRect(cap, 4, 4)
            p.setFont(m.cap)
            p.setPen(DIM if row.mouse else CAP_TEXT)
            p.drawText(cap, Qt.AlignmentFlag.AlignCenter, key)
            x += w
