"""Draw a camera's detection zones on its live picture: no-vending polygons, bins with an overflow
line, masks over the burned-in clock or OSD.

The dialog shows the camera's main stream a few times a second (``FrameSource.read_frame``) and the
shapes of the view it is on: a fixed camera's one view, or the PTZ preset the camera is settled on
(a zone drawn at preset 1 is wrong at preset 2, so nothing can be edited while the dome moves or
stands off every preset: the dialog says so and waits).

Mouse: click to add points, double-click (or click the first point) to close a polygon; drag a
rectangle for a bin, then drag its dashed overflow line; drag points, lines and whole shapes.
Keys on the picture: N / B / M start a no-vending zone, a bin, a mask; while drawing, the arrows
move a cross-hair, Space adds a point there, Enter closes, Backspace takes the last point back,
Esc cancels; otherwise [ and ] pick a point (and a bin's line), the arrows move it (Shift: 10x),
Insert adds a point after it, Del deletes it, Shift+Del deletes the shape. Ctrl+S saves.

Saving validates every shape with the site model (:class:`camera_config.models.ZoneSpec`) plus the
checks only a drawing needs (an outline that crosses itself, a shape too small to watch); problems
are written next to the shape, and nothing is saved while one is left. The zones go to the
:class:`~app.services.zone_store.ZoneStore` (every workstation of the site) and ``zones_saved``
carries the camera's zones in effect (all presets) for ``ZonesChanged``.
"""

from __future__ import annotations

import functools
import html
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QHideEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.preset_tracking import Place, PlaceSnapshot
from app.media.frame_board import BgraImage
from app.media.protocol import ViewMode
from app.media.source import FrameSource
from app.services.bin_samples import BinSampleStore
from app.services.zone_store import ZoneStore
from app.ui.detection.bin_labels import BinLabelBox
from app.ui.wall.compositor import fit_rect
from camera_config.explain import explain
from camera_config.models import Camera, DetectionSettings, ZoneSpec

translate = QCoreApplication.translate

Kind = Literal["no_vending", "bin", "mask"]
KINDS: tuple[Kind, ...] = ("no_vending", "bin", "mask")
ID_PREFIX: dict[Kind, str] = {"no_vending": "zone", "bin": "bin", "mask": "mask"}
REFRESH_MS = 250  # the live picture, four times a second
PICTURE_SIZE = (960, 720)  # what the editor asks the camera's main stream to be decoded to
HANDLE_PX = 7  # points are grabbed within this many pixels
LINE_GRAB_PX = 6
MIN_AREA = 0.0004  # of the picture: smaller shapes cannot be watched
MIN_BIN_PX = 6
LINE = -2  # the "point" index of a bin's overflow line
ERROR_COLOUR = QColor(236, 160, 60)
COLOURS: dict[Kind, QColor] = {
    "no_vending": QColor(255, 110, 60),
    "bin": QColor(80, 200, 255),
    "mask": QColor(170, 170, 185),
}


def kind_words(kind: str) -> str:
    words = {
        "no_vending": translate("ZoneEditor", "No-vending zone"),
        "bin": translate("ZoneEditor", "Bin"),
        "mask": translate("ZoneEditor", "Mask"),
    }
    return words.get(kind, kind)


def default_name(kind: Kind, number: int) -> str:
    names = {
        "no_vending": translate("ZoneEditor", "No-vending zone {0}"),
        "bin": translate("ZoneEditor", "Bin {0}"),
        "mask": translate("ZoneEditor", "Mask {0}"),
    }
    return names[kind].format(number)


# --- shapes (plain data) -------------------------------------------------------------------------

Pt = tuple[float, float]


def _clamp(v: float) -> float:
    return min(1.0, max(0.0, v))


def _rect_points(x1: float, y1: float, x2: float, y2: float) -> list[Pt]:
    left, right, top, bottom = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def _cross(o: Pt, a: Pt, b: Pt) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def crosses_itself(points: Sequence[Pt]) -> bool:
    """Whether a closed outline's edges cross (not counting neighbours, which share a point)."""
    n = len(points)
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if _segments_cross(*edges[i], *edges[j]):
                return True
    return False


def area(points: Sequence[Pt]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, [*points[1:], points[0]], strict=True)
            )
        )
        / 2
    )


@dataclass
class ZoneShape:
    """One shape being edited, in picture fractions (0..1)."""

    id: str
    name: str
    kind: Kind
    points: list[Pt]
    line: float | None = None  # a bin's overflow line (picture height 0..1)
    error: str | None = None

    @classmethod
    def from_spec(cls, spec: ZoneSpec) -> ZoneShape:
        points = [(float(x), float(y)) for x, y in spec.polygon]
        if spec.kind == "bin":
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            points = _rect_points(min(xs), min(ys), max(xs), max(ys))
        return cls(spec.id, spec.name, spec.kind, points, spec.overflow_line)

    def bounds(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def default_line(self) -> float:
        """A little above the rim: a tenth of the bin's height above its top."""
        _, top, _, bottom = self.bounds()
        return _clamp(top - 0.1 * (bottom - top))

    def set_kind(self, kind: Kind) -> None:
        if kind == self.kind:
            return
        if kind == "bin":
            self.points = _rect_points(*self.bounds())
            self.line = self.default_line()
        else:
            self.line = None
        self.kind = kind

    def move_point(self, index: int, p: Pt) -> None:
        x, y = _clamp(p[0]), _clamp(p[1])
        if index == LINE:
            self.line = y
            return
        if self.kind != "bin":
            self.points[index] = (x, y)
            return
        # a bin stays a rectangle: the corner moves, its neighbours follow along their edges
        opposite = self.points[(index + 2) % 4]
        line_gap = None if self.line is None else self.bounds()[1] - self.line
        self.points = _rect_points(x, y, *opposite)
        if line_gap is not None:  # the line keeps its distance above the rim
            self.line = _clamp(self.bounds()[1] - line_gap)

    def translate_by(self, dx: float, dy: float) -> None:
        x1, y1, x2, y2 = self.bounds()
        dx = min(max(dx, -x1), 1 - x2)
        dy = min(max(dy, -y1), 1 - y2)
        if self.line is not None:
            dy = min(max(dy, -self.line), 1 - y2)
            self.line += dy
        self.points = [(x + dx, y + dy) for x, y in self.points]

    def to_spec(self, preset: str | None) -> ZoneSpec:
        """The site model's zone (raises ValidationError)."""
        return ZoneSpec.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "kind": self.kind,
                "preset": preset,
                "polygon": [(round(x, 4), round(y, 4)) for x, y in self.points],
                "overflow_line": None if self.line is None else round(self.line, 4),
            }
        )

    def drawing_problem(self) -> str | None:
        """What only a drawing can get wrong (the site model checks the rest)."""
        if not self.name.strip():
            return translate("ZoneEditor", "Give the shape a name.")
        if len(self.points) >= 3 and crosses_itself(self.points):
            return translate("ZoneEditor", "The outline crosses itself: drag a point so that it does not.")
        if len(self.points) >= 3 and area(self.points) < MIN_AREA:
            return translate("ZoneEditor", "The shape is too small to watch: draw it bigger.")
        return None


def spec_problem(exc: ValidationError) -> str:
    """A ZoneSpec problem in words an operator understands."""
    for problem in explain(exc, ZoneSpec):
        if problem.loc[:1] == ("polygon",) and problem.type == "too_short":
            return translate("ZoneEditor", "A shape needs at least 3 points.")
        if "overflow_line must cross" in problem.message:
            return translate(
                "ZoneEditor",
                "The overflow line must cross the bin: between a little above its top and its foot. "
                "Drag the dashed line.",
            )
        if "needs overflow_line" in problem.message:
            return translate("ZoneEditor", "A bin needs an overflow line.")
        if problem.loc[:1] == ("polygon",):
            return translate("ZoneEditor", "Every point must lie on the picture.")
    first = explain(exc, ZoneSpec)[0]
    where = ".".join(str(p) for p in first.loc)
    return f"{where}: {first.message}" if where else first.message


# --- rule parameters (read-only) -------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None
    where: str = ""


def rule_sections(settings: DetectionSettings) -> list[RuleSection]:
    """The rule parameters that apply to this site's zones, with the place in the site file to
    change them (the detectors' own models fill in what the file leaves out)."""
    from detectors.rules import BinParams, PersistenceParams, VendingParams

    def seconds(v: float) -> str:
        return translate("ZoneEditor", "{0:g} s").format(v)

    def persistence(p: PersistenceParams) -> list[tuple[str, str]]:
        return [
            (translate("ZoneEditor", "Alert after"), seconds(p.dwell_s)),
            (
                translate("ZoneEditor", "Seen in"),
                translate("ZoneEditor", "{0:.0%} of checks").format(p.raise_ratio),
            ),
            (
                translate("ZoneEditor", "Clears below"),
                translate("ZoneEditor", "{0:.0%} over {1:g} s").format(p.clear_ratio, p.clear_window_s),
            ),
            (translate("ZoneEditor", "Quiet after clearing"), seconds(p.cooldown_s)),
        ]

    def load(key: str, model: type[BaseModel]) -> tuple[BaseModel | None, str | None]:
        try:
            return model.model_validate(settings.rules.get(key, {})), None
        except ValidationError as exc:
            first = explain(exc, model)[0]
            where = ".".join(str(p) for p in ("detection", "rules", key, *first.loc))
            return None, f"{where}: {first.message}"

    sections = [
        RuleSection(
            translate("ZoneEditor", "Checks"),
            [
                (translate("ZoneEditor", "Every"), seconds(settings.revisit_s)),
                (translate("ZoneEditor", "After a PTZ camera settles, wait"), seconds(settings.warmup_s)),
            ],
            None if settings.enabled else translate("ZoneEditor", "Detection is switched off for this site."),
            "detection.revisit_s, detection.warmup_s",
        )
    ]
    vending, problem = load("vending", VendingParams)
    rows = []
    if isinstance(vending, VendingParams):
        events = {**vending.class_events, **settings.class_events}  # as the detection worker merges them
        rows = [
            *persistence(vending.persistence),
            (translate("ZoneEditor", "Lowest score"), f"{vending.min_score:.2f}"),
            (translate("ZoneEditor", "Classes → events"), ", ".join(f"{k} {v}" for k, v in events.items())),
        ]
    sections.append(
        RuleSection(
            translate("ZoneEditor", "Street vending (no-vending zones)"),
            rows,
            problem,
            "detection.rules.vending, detection.class_events",
        )
    )
    bins, problem = load("bins", BinParams)
    rows = []
    if isinstance(bins, BinParams):
        rows = [
            (translate("ZoneEditor", "Overflow score from"), f"{bins.threshold:.2f}"),
            *persistence(bins.persistence),
        ]
    sections.append(
        RuleSection(translate("ZoneEditor", "Bin overflowing (bins)"), rows, problem, "detection.rules.bins")
    )
    return sections


# --- the picture with the shapes ----------------------------------------------------------------------

Mode = Literal["select", "no_vending", "bin", "mask"]


@dataclass
class _Drag:
    shape: int
    point: int | None  # None: the whole shape; LINE: a bin's overflow line
    start: Pt
    moved: bool = False


class ZoneCanvas(QWidget):
    """The live picture and the shapes on it; all editing by mouse and keys happens here."""

    changed = Signal()  # a shape was added, moved, deleted
    selection_changed = Signal(int)  # shape index, -1: none
    mode_changed = Signal(str)

    def __init__(self, shapes: list[ZoneShape], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shapes = shapes
        self.image: QImage | None = None
        self.selected = -1
        self.selected_point: int | None = None
        self.mode: Mode = "select"
        self.draft: list[Pt] = []
        self.bin_start: Pt | None = None
        self.key_cursor: Pt = (0.5, 0.5)
        self.keyboard_cursor = False
        self.locked: str | None = None  # why editing is refused now (in words), None: editable
        self.new_shape: Callable[[Kind, list[Pt], float | None], None] | None = None
        self._drag: _Drag | None = None
        self._hover: Pt | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(480, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- coordinates ---------------------------------------------------------------------------
    def picture_rect(self) -> QRect:
        area_ = self.rect().adjusted(0, 0, 0, -self._hint_height())
        if self.image is None:
            return fit_rect(4, 3, area_)
        return fit_rect(self.image.width(), self.image.height(), area_)

    def to_widget(self, p: Pt) -> QPointF:
        r = self.picture_rect()
        return QPointF(r.left() + p[0] * r.width(), r.top() + p[1] * r.height())

    def to_picture(self, pos: QPointF) -> Pt:
        r = self.picture_rect()
        return (
            _clamp((pos.x() - r.left()) / max(1, r.width())),
            _clamp((pos.y() - r.top()) / max(1, r.height())),
        )

    def _hint_height(self) -> int:
        return QFontMetrics(self.font()).height() * 2 + 10

    # --- state ---------------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def set_locked(self, reason: str | None) -> None:
        if reason != self.locked:
            self.locked = reason
            if reason is not None:
                self.cancel_drawing()
                self._drag = None
            self.update()

    def select(self, index: int, point: int | None = None) -> None:
        index = index if 0 <= index < len(self.shapes) else -1
        changed = index != self.selected
        self.selected, self.selected_point = index, point if index >= 0 else None
        if changed:
            self.selection_changed.emit(index)
        self.update()

    def start_drawing(self, kind: Kind) -> None:
        if self.locked is not None:
            return
        self.mode = kind
        self.draft, self.bin_start = [], None
        self.keyboard_cursor = False
        self.select(-1)
        self.mode_changed.emit(kind)
        self.setFocus()
        self.update()

    def cancel_drawing(self) -> None:
        if self.mode != "select":
            self.mode = "select"
            self.draft, self.bin_start = [], None
            self.mode_changed.emit("select")
            self.update()

    def finish_polygon(self) -> bool:
        """Close the polygon being drawn (needs 3 points); False when it cannot be closed yet."""
        points = [p for i, p in enumerate(self.draft) if i == 0 or self._far(p, self.draft[i - 1])]
        if self.mode not in ("no_vending", "mask") or len(points) < 3:
            return False
        kind: Kind = "mask" if self.mode == "mask" else "no_vending"
        self.mode, self.draft = "select", []
        self.mode_changed.emit("select")
        if self.new_shape is not None:
            self.new_shape(kind, points, None)
        return True

    def _finish_bin(self, end: Pt) -> bool:
        start = self.bin_start
        self.bin_start = None
        if start is None:
            return False
        a, b = self.to_widget(start), self.to_widget(end)
        if abs(a.x() - b.x()) < MIN_BIN_PX or abs(a.y() - b.y()) < MIN_BIN_PX:
            self.update()
            return False
        points = _rect_points(*start, *end)
        shape = ZoneShape("", "", "bin", points)
        self.mode = "select"
        self.mode_changed.emit("select")
        if self.new_shape is not None:
            self.new_shape("bin", points, shape.default_line())
        return True

    def _far(self, a: Pt, b: Pt) -> bool:
        pa, pb = self.to_widget(a), self.to_widget(b)
        return math.hypot(pa.x() - pb.x(), pa.y() - pb.y()) >= 3

    # --- hit testing -----------------------------------------------------------------------------
    def hit(self, pos: QPointF) -> tuple[int, int | None] | None:
        """(shape, point) under ``pos``: a point or a bin's line of the selected shape first, then
        any shape's points, then the inside of a shape (point None)."""
        order = ([self.selected] if self.selected >= 0 else []) + [
            i for i in reversed(range(len(self.shapes))) if i != self.selected
        ]
        for i in order:
            shape = self.shapes[i]
            for k, p in enumerate(shape.points):
                q = self.to_widget(p)
                if abs(q.x() - pos.x()) <= HANDLE_PX and abs(q.y() - pos.y()) <= HANDLE_PX:
                    return i, k
            if shape.line is not None:
                x1, _, x2, _ = shape.bounds()
                span = (x2 - x1) * 0.3
                left, right = self.to_widget((x1 - span, shape.line)), self.to_widget((x2 + span, shape.line))
                if left.x() - 2 <= pos.x() <= right.x() + 2 and abs(pos.y() - left.y()) <= LINE_GRAB_PX:
                    return i, LINE
        for i in order:
            if self._polygon(self.shapes[i].points).containsPoint(pos, Qt.FillRule.OddEvenFill):
                return i, None
        return None

    def _polygon(self, points: Sequence[Pt]) -> QPolygonF:
        return QPolygonF([self.to_widget(p) for p in points])

    # --- mouse -----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.setFocus()
        if self.locked is not None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        p = self.to_picture(pos)
        self.keyboard_cursor = False
        if self.mode in ("no_vending", "mask"):
            if len(self.draft) >= 3 and not self._far(p, self.draft[0]):
                self.finish_polygon()  # clicked the first point again
            else:
                self.draft.append(p)
            self.update()
            return
        if self.mode == "bin":
            self.bin_start, self._hover = p, p
            self.update()
            return
        found = self.hit(pos)
        if found is None:
            self.select(-1)
            return
        index, point = found
        self.select(index, point)
        self._drag = _Drag(index, point, p)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        p = self.to_picture(event.position())
        self._hover = p
        drag = self._drag
        if drag is not None and self.locked is None:
            shape = self.shapes[drag.shape]
            if drag.point is None:
                shape.translate_by(p[0] - drag.start[0], p[1] - drag.start[1])
                drag.start = p
            else:
                shape.move_point(drag.point, p)
            drag.moved = True
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self.mode == "bin" and self.bin_start is not None:
            self._finish_bin(self.to_picture(event.position()))
            return
        drag, self._drag = self._drag, None
        if drag is not None and drag.moved:
            self.shapes[drag.shape].error = None
            self.changed.emit()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self.locked is None and self.mode in ("no_vending", "mask"):
            p = self.to_picture(event.position())
            if not self.draft or self._far(p, self.draft[-1]):
                self.draft.append(p)  # a double-click whose first press was not seen as a click
            self.finish_polygon()
            self.update()

    # --- keys ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if self.locked is not None:
            super().keyPressEvent(event)
            return
        key, mods = event.key(), event.modifiers()
        step = 10 if mods & Qt.KeyboardModifier.ShiftModifier else 1
        arrows = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        r = self.picture_rect()
        if self.mode != "select":
            if key in arrows:
                dx, dy = arrows[Qt.Key(key)]
                self.keyboard_cursor = True
                self.key_cursor = (
                    _clamp(self.key_cursor[0] + dx * step / max(1, r.width())),
                    _clamp(self.key_cursor[1] + dy * step / max(1, r.height())),
                )
                if self.mode == "bin" and self.bin_start is not None:
                    self._hover = self.key_cursor
                self.update()
            elif key in (Qt.Key.Key_Space, Qt.Key.Key_Insert):
                self.keyboard_cursor = True
                if self.mode == "bin":
                    if self.bin_start is None:
                        self.bin_start, self._hover = self.key_cursor, self.key_cursor
                    else:
                        self._finish_bin(self.key_cursor)
                else:
                    self.draft.append(self.key_cursor)
                self.update()
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.finish_polygon()
                self.update()
            elif key == Qt.Key.Key_Backspace and self.draft:
                self.draft.pop()
                self.update()
            elif key == Qt.Key.Key_Escape:
                self.cancel_drawing()
            else:
                super().keyPressEvent(event)
            return
        starts: dict[Qt.Key, Kind] = {Qt.Key.Key_N: "no_vending", Qt.Key.Key_B: "bin", Qt.Key.Key_M: "mask"}
        if key in starts and not mods & ~Qt.KeyboardModifier.ShiftModifier:
            self.start_drawing(starts[Qt.Key(key)])
            return
        shape = self.shapes[self.selected] if self.selected >= 0 else None
        if shape is None:
            super().keyPressEvent(event)
            return
        handles = [*range(len(shape.points)), *([LINE] if shape.line is not None else [])]
        if key in (Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
            now = handles.index(self.selected_point) if self.selected_point in handles else -1
            step_i = 1 if key == Qt.Key.Key_BracketRight else -1
            self.select(
                self.selected,
                handles[(now + step_i) % len(handles)] if now >= 0 or step_i > 0 else handles[-1],
            )
        elif key in arrows:
            dx, dy = arrows[Qt.Key(key)]
            ddx, ddy = dx * step / max(1, r.width()), dy * step / max(1, r.height())
            if self.selected_point is None:
                shape.translate_by(ddx, ddy)
            elif self.selected_point == LINE:
                shape.move_point(LINE, (0.0, (shape.line or 0.0) + ddy))
            else:
                x, y = shape.points[self.selected_point]
                shape.move_point(self.selected_point, (x + ddx, y + ddy))
            shape.error = None
            self.changed.emit()
            self.update()
        elif key == Qt.Key.Key_Insert and shape.kind != "bin" and len(shape.points) < 64:
            i = (
                self.selected_point
                if self.selected_point is not None and self.selected_point >= 0
                else len(shape.points) - 1
            )
            a, b = shape.points[i], shape.points[(i + 1) % len(shape.points)]
            shape.points.insert(i + 1, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
            self.select(self.selected, i + 1)
            self.changed.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if mods & Qt.KeyboardModifier.ShiftModifier or self.selected_point is None:
                self.delete_selected_shape()
            else:
                self.delete_selected_point()
        elif key == Qt.Key.Key_Escape and self.selected_point is not None:
            self.select(self.selected, None)
        else:
            super().keyPressEvent(event)

    def delete_selected_point(self) -> bool:
        """Delete the selected point of a polygon (a polygon keeps at least 3; a bin keeps 4)."""
        if self.selected < 0 or self.selected_point is None or self.selected_point < 0:
            return False
        shape = self.shapes[self.selected]
        if shape.kind == "bin" or len(shape.points) <= 3:
            shape.error = (
                translate(
                    "ZoneEditor", "A shape needs at least 3 points: delete the shape instead (Shift+Del)."
                )
                if shape.kind != "bin"
                else translate("ZoneEditor", "A bin is a rectangle: drag its corners instead.")
            )
            self.changed.emit()
            self.update()
            return False
        del shape.points[self.selected_point]
        shape.error = None
        self.select(self.selected, min(self.selected_point, len(shape.points) - 1))
        self.changed.emit()
        return True

    def delete_selected_shape(self) -> None:
        if self.selected < 0:
            return
        del self.shapes[self.selected]
        self.selected = -1
        self.select(-1)
        self.selection_changed.emit(-1)
        self.changed.emit()
        self.update()

    # --- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(8, 10, 14))
        pic = self.picture_rect()
        if self.image is not None:
            painter.drawImage(pic, self.image)
        else:
            painter.fillRect(pic, QColor(18, 21, 28))
            painter.setPen(QColor(140, 146, 160))
            painter.drawText(
                pic, Qt.AlignmentFlag.AlignCenter, translate("ZoneEditor", "Waiting for the picture…")
            )
        for index, shape in enumerate(self.shapes):
            self._paint_shape(painter, shape, index == self.selected)
        for shape in self.shapes:
            if shape.error:
                self._paint_error(painter, shape)
        self._paint_draft(painter)
        if self.locked is not None:
            self._paint_locked(painter, pic)
        self._paint_hint(painter)
        painter.end()

    def _paint_shape(self, painter: QPainter, shape: ZoneShape, selected: bool) -> None:
        colour = ERROR_COLOUR if shape.error else COLOURS[shape.kind]
        polygon = self._polygon(shape.points)
        fill = QColor(colour)
        fill.setAlpha(70 if shape.kind != "mask" else 110)
        brush = QBrush(
            fill, Qt.BrushStyle.BDiagPattern if shape.kind == "mask" else Qt.BrushStyle.SolidPattern
        )
        painter.setBrush(brush)
        painter.setPen(QPen(colour, 3 if selected else 2))
        painter.drawPolygon(polygon)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if shape.line is not None:
            x1, _, x2, _ = shape.bounds()
            span = (x2 - x1) * 0.3
            a, b = self.to_widget((x1 - span, shape.line)), self.to_widget((x2 + span, shape.line))
            line_selected = selected and self.selected_point == LINE
            painter.setPen(
                QPen(
                    QColor(255, 230, 90) if line_selected else colour,
                    3 if line_selected else 2,
                    Qt.PenStyle.DashLine,
                )
            )
            painter.drawLine(a, b)
            font = QFont(self.font())
            font.setPixelSize(max(10, self.font().pixelSize() - 1) if self.font().pixelSize() > 0 else 11)
            painter.setFont(font)
            painter.setPen(QColor(255, 230, 90) if line_selected else colour)
            painter.drawText(QPointF(b.x() + 4, b.y() + 4), translate("ZoneEditor", "overflow line"))
        if selected:
            for k, p in enumerate(shape.points):
                q = self.to_widget(p)
                box = QRectF(q.x() - 4, q.y() - 4, 8, 8)
                painter.fillRect(
                    box, QColor(255, 230, 90) if k == self.selected_point else QColor(20, 20, 24)
                )
                painter.setPen(QPen(QColor(255, 255, 255), 1))
                painter.drawRect(box)
        self._paint_label(painter, shape, colour)

    def _paint_label(self, painter: QPainter, shape: ZoneShape, colour: QColor) -> None:
        x1, y1, _, _ = shape.bounds()
        top = shape.line if shape.line is not None and shape.line < y1 else y1
        anchor = self.to_widget((x1, top))
        font = QFont(self.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        text = shape.name or kind_words(shape.kind)
        width = metrics.horizontalAdvance(text) + 8
        pic = self.picture_rect()
        x = min(max(anchor.x(), pic.left()), pic.right() - width)
        y = max(pic.top(), anchor.y() - metrics.height() - 4)
        box = QRectF(x, y, width, metrics.height() + 2)
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setFont(font)
        painter.setPen(colour.lighter(130))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_error(self, painter: QPainter, shape: ZoneShape) -> None:
        """The shape's problem in words, right under it (kept on the picture)."""
        assert shape.error is not None
        x1, _, _, y2 = shape.bounds()
        pic = self.picture_rect()
        width = min(320, pic.width() - 8)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        text_rect = metrics.boundingRect(QRect(0, 0, width - 12, 1000), Qt.TextFlag.TextWordWrap, shape.error)
        height = text_rect.height() + 8
        anchor = self.to_widget((x1, y2))
        x = min(max(anchor.x(), pic.left() + 4), pic.right() - width - 4)
        y = anchor.y() + 6
        if y + height > pic.bottom() - 4:
            y = max(pic.top() + 4, self.to_widget(shape.bounds()[:2]).y() - height - 24)
        box = QRectF(x, y, width, height)
        painter.setBrush(QColor(30, 22, 10, 235))
        painter.setPen(QPen(ERROR_COLOUR, 1))
        painter.drawRoundedRect(box, 4, 4)
        painter.setFont(font)
        painter.setPen(QColor(255, 205, 140))
        painter.drawText(box.adjusted(6, 4, -6, -4), Qt.TextFlag.TextWordWrap, shape.error)

    def _paint_draft(self, painter: QPainter) -> None:
        if self.mode == "select":
            return
        kind: Kind = "bin" if self.mode == "bin" else ("mask" if self.mode == "mask" else "no_vending")
        colour = COLOURS[kind]
        painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
        end = self.key_cursor if self.keyboard_cursor else self._hover
        if self.mode == "bin" and self.bin_start is not None and end is not None:
            a, b = self.to_widget(self.bin_start), self.to_widget(end)
            painter.drawRect(QRectF(a, b).normalized())
        points = [self.to_widget(p) for p in self.draft]
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        if points and end is not None:
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(points[-1], self.to_widget(end))
        for k, q in enumerate(points):
            size = 10 if k == 0 and len(points) >= 3 else 6  # the first point closes the outline
            painter.fillRect(
                QRectF(q.x() - size / 2, q.y() - size / 2, size, size), colour if k else QColor(255, 255, 255)
            )
        if self.keyboard_cursor:
            c = self.to_widget(self.key_cursor)
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            painter.drawLine(QPointF(c.x() - 10, c.y()), QPointF(c.x() + 10, c.y()))
            painter.drawLine(QPointF(c.x(), c.y() - 10), QPointF(c.x(), c.y() + 10))

    def _paint_locked(self, painter: QPainter, pic: QRect) -> None:
        assert self.locked is not None
        painter.fillRect(pic, QColor(0, 0, 0, 150))
        font = QFont(self.font())
        font.setPixelSize(max(15, (self.font().pixelSize() if self.font().pixelSize() > 0 else 13) + 3))
        font.setBold(True)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        width = min(pic.width() - 40, 560)
        text = QFontMetrics(font).boundingRect(QRect(0, 0, width - 32, 1000), flags, self.locked)
        box = QRect(0, 0, width, text.height() + 28)
        box.moveCenter(pic.center())
        painter.setPen(QPen(QColor(236, 160, 60), 1))
        painter.setBrush(QColor(24, 20, 14, 235))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor(255, 215, 150))
        painter.drawText(box.adjusted(16, 14, -16, -14), flags, self.locked)

    def _paint_hint(self, painter: QPainter) -> None:
        hints = {
            "select": translate(
                "ZoneEditor",
                "Drag points, lines and shapes. N: new no-vending zone · B: new bin · M: new mask · "
                "[ ]: pick a point · arrows: move it · Del: delete it · Shift+Del: delete the shape",
            ),
            "no_vending": translate(
                "ZoneEditor",
                "Click to add points; double-click, Enter or a click on the first point closes the outline. "
                "Backspace: take the last point back · Esc: cancel · arrows + Space: points by keyboard",
            ),
            "mask": translate(
                "ZoneEditor",
                "Masks cover what must never be analysed (the clock, OSD text). Click to add points; "
                "double-click or Enter closes. Esc: cancel",
            ),
            "bin": translate(
                "ZoneEditor",
                "Drag a rectangle around the bin's body (or arrows + Space at two corners); then drag "
                "the dashed overflow line a little above its rim. Esc: cancel",
            ),
        }
        band = QRect(0, self.height() - self._hint_height(), self.width(), self._hint_height())
        painter.fillRect(band, QColor(22, 25, 32))
        painter.setPen(QColor(170, 176, 190))
        painter.setFont(self.font())
        painter.drawText(
            band.adjusted(8, 2, -8, -2),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            hints[self.mode],
        )


# --- the dialog -----------------------------------------------------------------------------------------


class ZoneEditorDialog(QDialog):
    """Edit one camera's zones at the view it is on now. ``zones_saved(camera id, zones)`` carries
    the camera's zones in effect afterwards (every preset), for ``ZonesChanged``."""

    zones_saved = Signal(str, object)

    def __init__(
        self,
        source: FrameSource,
        camera: Camera,
        settings: DetectionSettings,
        store: ZoneStore | None = None,
        parent: QWidget | None = None,
        *,
        zones: Sequence[ZoneSpec] | None = None,
        place: Callable[[], PlaceSnapshot | None] | None = None,
        revisit: Callable[[], str | None] | None = None,
        client_id: str = "zone-editor",
        bin_samples: BinSampleStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("zoneEditor")
        self._source, self.camera, self.settings, self.store = source, camera, settings, store
        self._place, self._revisit, self._client = place, revisit, client_id
        if zones is not None:
            self._all = tuple(zones)
        elif store is not None:
            self._all = store.zones(camera.id)
        else:
            self._all = camera.detection.zones if camera.detection is not None else ()
        self.ptz = place is not None
        self.preset: str | None = None
        self.preset_name = ""
        self.bound = not self.ptz  # a fixed camera's one view is known at once
        self.dirty = False
        self._discard_armed = False
        self._elsewhere = False  # a PTZ camera settled on another preset than the shapes'
        self.saved_zones: tuple[ZoneSpec, ...] | None = None
        self.shapes: list[ZoneShape] = []
        self._buffer: BgraImage | None = None
        self._count = self._count_main = 0
        self._updating = False

        self.canvas = ZoneCanvas(self.shapes, self)
        self.canvas.new_shape = self._add_shape
        self.canvas.changed.connect(self._shapes_changed)
        self.canvas.selection_changed.connect(self._canvas_selected)
        self.canvas.mode_changed.connect(lambda _m: self._update_controls())

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.view_label = QLabel(self)
        self.view_label.setWordWrap(True)
        self.revisit_label = QLabel(self)
        self.revisit_label.setWordWrap(True)
        self.new_zone_button = QPushButton(self)
        self.new_bin_button = QPushButton(self)
        self.new_mask_button = QPushButton(self)
        draw_buttons: tuple[tuple[QPushButton, Kind], ...] = (
            (self.new_zone_button, "no_vending"),
            (self.new_bin_button, "bin"),
            (self.new_mask_button, "mask"),
        )
        for button, kind in draw_buttons:
            button.setAutoDefault(False)
            button.clicked.connect(functools.partial(self._draw, kind))
        self.shape_list = QListWidget(self)
        self.shape_list.currentRowChanged.connect(self._list_selected)
        self.shape_list.setMinimumHeight(80)
        self.shape_list.setMaximumHeight(120)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(60)
        self.name_edit.textChanged.connect(self._rename)
        self.kind_box = QComboBox(self)
        self.kind_box.activated.connect(self._change_kind)
        self.name_label, self.kind_label = QLabel(self), QLabel(self)
        self.name_label.setBuddy(self.name_edit)
        self.kind_label.setBuddy(self.kind_box)
        self.shape_error = QLabel(self)
        self.shape_error.setWordWrap(True)
        self.shape_error.setStyleSheet("color: rgb(236, 160, 60);")
        self.delete_button = QPushButton(self)
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.canvas.delete_selected_shape)
        self.rules_box = QGroupBox(self)
        self.rules_label = QLabel(self.rules_box)
        self.rules_label.setWordWrap(True)
        self.rules_label.setTextFormat(Qt.TextFormat.RichText)
        rules_layout = QVBoxLayout(self.rules_box)
        rules_layout.addWidget(self.rules_label)
        self.bin_labels = BinLabelBox(bin_samples, camera.id, self) if bin_samples is not None else None
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self.shape_box = QGroupBox(self)
        form = QFormLayout(self.shape_box)
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.kind_label, self.kind_box)
        form.addRow(self.shape_error)
        form.addRow(self.delete_button)
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.view_label)
        side.addWidget(self.revisit_label)
        for button in (self.new_zone_button, self.new_bin_button, self.new_mask_button):
            side.addWidget(button)
        side.addWidget(self.shape_list)
        side.addWidget(self.shape_box)
        if self.bin_labels is not None:
            side.addWidget(self.bin_labels)  # next to the selected bin it labels
        side.addWidget(self.rules_box)
        side.addWidget(self.status)
        side.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        side.addLayout(buttons)
        panel = QWidget(self)
        panel.setLayout(side)
        scroll = QScrollArea(self)
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(340)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QHBoxLayout(self)
        outer.addWidget(self.canvas, 1)
        outer.addWidget(scroll)
        self.resize(1280, 760)

        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        if self.bound:
            self._load_view()
        self.retranslate()
        self.refresh()

    # --- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(translate("ZoneEditor", "Zones — {0}").format(self.camera.name))
        self.title.setText(f"<b>{self.camera.name}</b>")
        self.new_zone_button.setText(translate("ZoneEditor", "New &no-vending zone (N)"))
        self.new_bin_button.setText(translate("ZoneEditor", "New &bin (B)"))
        self.new_mask_button.setText(translate("ZoneEditor", "New &mask (M)"))
        self.name_label.setText(translate("ZoneEditor", "N&ame"))
        self.kind_label.setText(translate("ZoneEditor", "&Rule"))
        self.kind_box.clear()
        for kind in KINDS:
            self.kind_box.addItem(kind_words(kind), kind)
        self.delete_button.setText(translate("ZoneEditor", "Delete shape (Shift+Del)"))
        self.shape_box.setTitle(translate("ZoneEditor", "Selected shape"))
        self.rules_box.setTitle(translate("ZoneEditor", "Rules that apply (read-only)"))
        self.save_button.setText(translate("ZoneEditor", "&Save (Ctrl+S)"))
        self.cancel_button.setText(translate("ZoneEditor", "Cancel"))
        self.rules_label.setText(self._rules_html())
        self._fill_list()
        self._update_controls()
        self._update_view_label()
        self.canvas.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _rules_html(self) -> str:
        parts = []
        for section in rule_sections(self.settings):
            rows = "".join(
                f"<tr><td valign='top'>{label}</td><td>&nbsp;{html.escape(value)}</td></tr>"
                for label, value in section.rows
            )
            problem = (
                f"<div style='color:#eca03c'>{html.escape(section.problem)}</div>" if section.problem else ""
            )
            parts.append(f"<b>{section.title}</b>{problem}<table>{rows}</table>")
        where = translate(
            "ZoneEditor",
            "Change them in the site file under <i>detection → rules</i> (vending, bins), "
            "<i>detection.class_events</i> and <i>detection.revisit_s</i>; <i>citywall config check</i> "
            "validates the file. "
            "A mask is never analysed.",
        )
        return "<br>".join(parts) + f"<p style='color:#9aa0ad'>{where}</p>"

    # --- the view the camera is on ---------------------------------------------------------------
    def refresh(self) -> None:
        """One tick: the newest picture, and where a PTZ camera points."""
        self._poll_place()
        got = self._source.read_frame(
            self.camera.id, self._buffer, self._count, main=True, newer_than_main=self._count_main
        )
        if got is not None:
            buffer, meta, from_main = got
            self._buffer = buffer
            if from_main:
                self._count_main = meta.count
            else:
                self._count = meta.count
            height, width = buffer.shape[:2]
            image = QImage(buffer.data, width, height, width * 4, QImage.Format.Format_RGB32).copy()
            self.canvas.set_image(image)
        if self._revisit is not None:
            self.revisit_label.setText(self._revisit() or "")

    def _poll_place(self) -> None:
        if self._place is None:
            return
        snapshot = self._place()
        reason: str | None = None
        self._elsewhere = False
        if snapshot is None or snapshot.place is Place.UNKNOWN:
            reason = translate(
                "ZoneEditor",
                "Where the camera points is not known yet. Zones belong to a preset: editing waits.",
            )
        elif snapshot.place is Place.MOVING:
            reason = translate(
                "ZoneEditor",
                "The camera is moving. Zones belong to a preset: editing waits until it settles on one.",
            )
        elif snapshot.place is Place.OFF_PRESET or snapshot.preset is None:
            reason = translate(
                "ZoneEditor",
                "The camera is not on a preset. Zones can only be drawn at a preset: "
                "send it to one (PTZ panel).",
            )
        else:
            token, name = snapshot.preset.token, snapshot.preset.name
            drawn = {z.preset for z in self._all}
            # zones name a preset by its token, or by its name where the site file was written so
            # (the detection worker matches them the same way)
            token = name if token not in drawn and name and name in drawn else token
            if not self.bound or (token != self.preset and not self.dirty):
                self.preset, self.preset_name, self.bound = token, name or token, True
                self._load_view()
            elif token != self.preset:
                self._elsewhere = True  # settled, on another preset: the edits may still be saved
                reason = translate(
                    "ZoneEditor",
                    "The camera went to preset {0}; these shapes belong to preset {1}. Save them, or send "
                    "the camera back to {1}.",
                ).format(name or token, self.preset_name)
        self.canvas.set_locked(reason)
        self._update_controls()
        self._update_view_label()

    def _load_view(self) -> None:
        self.shapes[:] = [ZoneShape.from_spec(z) for z in self._all if z.preset == self.preset]
        self.dirty = False
        self.canvas.select(-1)
        self._fill_list()
        self._update_controls()

    def _update_view_label(self) -> None:
        if not self.ptz:
            text = translate("ZoneEditor", "Fixed camera: one view.")
        elif not self.bound:
            text = translate("ZoneEditor", "PTZ camera: waiting for a preset.")
        else:
            text = translate("ZoneEditor", "PTZ camera, preset {0}: these zones apply only there.").format(
                self.preset_name
            )
        if self.canvas.locked:
            text += "\n" + self.canvas.locked
        self.view_label.setText(text)

    # --- shapes ----------------------------------------------------------------------------------
    def _draw(self, kind: Kind, _checked: bool = False) -> None:
        self.canvas.start_drawing(kind)

    def _taken_ids(self) -> set[str]:
        return {z.id for z in self._all if z.preset != self.preset} | {s.id for s in self.shapes}

    def _add_shape(self, kind: Kind, points: list[Pt], line: float | None) -> None:
        taken = self._taken_ids()
        n = 1
        while f"{ID_PREFIX[kind]}-{n}" in taken:
            n += 1
        number = 1 + sum(s.kind == kind for s in self.shapes)
        shape = ZoneShape(f"{ID_PREFIX[kind]}-{n}", default_name(kind, number), kind, points, line)
        self.shapes.append(shape)
        self._shapes_changed()
        self.canvas.select(len(self.shapes) - 1)

    def _shapes_changed(self) -> None:
        self.dirty = True
        self._discard_armed = False
        self.status.setText("")
        self._fill_list()
        self._update_controls()
        self.canvas.update()

    def _fill_list(self) -> None:
        self._updating = True
        self.shape_list.clear()
        for shape in self.shapes:
            mark = "⚠ " if shape.error else ""
            item = QListWidgetItem(f"{mark}{shape.name or shape.id} — {kind_words(shape.kind)}")
            if shape.error:
                item.setForeground(ERROR_COLOUR)
                item.setToolTip(shape.error)
            self.shape_list.addItem(item)
        self.shape_list.setCurrentRow(self.canvas.selected)
        self._updating = False

    def _list_selected(self, row: int) -> None:
        if not self._updating:
            self.canvas.select(row)

    def _canvas_selected(self, index: int) -> None:
        self._updating = True
        self.shape_list.setCurrentRow(index)
        self._updating = False
        self._update_controls()

    def selected_shape(self) -> ZoneShape | None:
        i = self.canvas.selected
        return self.shapes[i] if 0 <= i < len(self.shapes) else None

    def _rename(self, text: str) -> None:
        shape = self.selected_shape()
        if shape is not None and not self._updating and text.strip() != shape.name:
            shape.name = text.strip()
            shape.error = None
            self._shapes_changed()

    def _change_kind(self, index: int) -> None:
        shape = self.selected_shape()
        kind = self.kind_box.itemData(index)
        if shape is not None and kind in KINDS and kind != shape.kind:
            shape.set_kind(kind)
            shape.error = None
            self._shapes_changed()

    def _update_controls(self) -> None:
        shape = self.selected_shape()
        editable = self.canvas.locked is None and self.bound
        for widget in (self.new_zone_button, self.new_bin_button, self.new_mask_button):
            widget.setEnabled(editable and self.canvas.mode == "select")
        self.shape_box.setEnabled(editable and shape is not None)
        if shape is not None:
            if self.name_edit.text().strip() != shape.name:
                self._set_name_text(shape.name)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(shape.kind)))
            self.shape_error.setText(shape.error or "")
            self.shape_error.setVisible(bool(shape.error))
        else:
            self._set_name_text("")
            self.shape_error.hide()
        other_preset = self._elsewhere and self.bound and self.dirty
        self.save_button.setEnabled(self.bound and (editable or other_preset))
        if self.bin_labels is not None:
            self.bin_labels.set_context(self._bin_zone(shape) if editable else None, lambda: self._buffer)

    def _bin_zone(self, shape: ZoneShape | None) -> ZoneSpec | None:
        """The selected shape as a bin zone of this view, if it is one (for labelling its pictures)."""
        if shape is None or shape.kind != "bin":
            return None
        try:
            return shape.to_spec(self.preset)
        except (ValidationError, ValueError):
            return None  # a half-drawn bin: nothing to crop yet

    def _set_name_text(self, text: str) -> None:
        updating, self._updating = self._updating, True
        self.name_edit.setText(text)
        self._updating = updating

    # --- saving ----------------------------------------------------------------------------------
    def validate(self) -> list[ZoneSpec] | None:
        """Every shape as a zone, or None with each problem written next to its shape."""
        specs: list[ZoneSpec] = []
        for shape in self.shapes:
            shape.error = shape.drawing_problem()
            if shape.error is None:
                try:
                    specs.append(shape.to_spec(self.preset))
                except ValidationError as exc:
                    shape.error = spec_problem(exc)
        bad = [i for i, s in enumerate(self.shapes) if s.error]
        self._fill_list()
        if bad:
            self.canvas.select(bad[0])
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(
                translate(
                    "ZoneEditor", "Not saved: {0} shape(s) have a problem, written next to them."
                ).format(len(bad))
            )
            self._update_controls()
            self.canvas.update()
            return None
        return specs

    def save(self) -> bool:
        """Validate, store and announce the zones; True when saved (the dialog then closes)."""
        if not self.save_button.isEnabled():
            return False
        self.canvas.cancel_drawing()
        specs = self.validate()
        if specs is None:
            return False
        try:
            if self.store is not None:
                effect = self.store.save(self.camera.id, self.preset, specs)
            else:
                effect = tuple(z for z in self._all if z.preset != self.preset) + tuple(specs)
        except (OSError, ValueError) as exc:
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(translate("ZoneEditor", "Not saved: {0}").format(exc))
            return False
        self._all = effect
        self.saved_zones = effect
        self.dirty = False
        self.zones_saved.emit(self.camera.id, effect)
        self.accept()
        return True

    def reject(self) -> None:
        """Cancel, Esc or closing the window; with unsaved changes the first one only warns (a modal
        question would block a wall operator's keyboard, and tests)."""
        if self.dirty and not self._discard_armed and self.isVisible():
            self._discard_armed = True
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(
                translate("ZoneEditor", "Unsaved changes: press Esc or Cancel again to discard them.")
            )
            return
        super().reject()

    # --- the picture stream ----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._source.set_demands(self._client, {self.camera.id: (ViewMode.FOCUSED, PICTURE_SIZE)})
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()
        if self.bin_labels is not None:
            self.bin_labels.finish()  # a retrain under way is completed and put to use
        self._source.set_demands(self._client, {})
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        super().closeEvent(event)  # QDialog: reject(), which may keep it open once (unsaved changes)
        if event.isAccepted() and not self.isVisible():
            self._timer.stop()
            self._source.set_demands(self._client, {})

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1280, 760)
