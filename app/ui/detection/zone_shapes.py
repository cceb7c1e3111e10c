"""The shapes of the zone editor as plain data: kinds, names, geometry checks, the rule summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import (
    QColor,
)

from camera_config.explain import explain
from camera_config.models import DetectionSettings, ZoneSpec

translate = QCoreApplication.translate

Kind = Literal["no_vending", "bin", "mask"]
KINDS: tuple[Kind, ...] = ("no_vending", "bin", "mask")
ID_PREFIX: dict[Kind, str] = {"no_vending": "zone", "bin": "bin", "mask": "mask"}
MIN_AREA = 0.0004  # of the picture: smaller shapes cannot be watched
LINE = -2  # the "point" index of a bin's overflow line
ERROR_COLOUR = QColor(236, 160, 60)


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


def clamp_unit(v: float) -> float:
    return min(1.0, max(0.0, v))


def rect_points(x1: float, y1: float, x2: float, y2: float) -> list[Pt]:
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
            points = rect_points(min(xs), min(ys), max(xs), max(ys))
        return cls(spec.id, spec.name, spec.kind, points, spec.overflow_line)

    def bounds(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def default_line(self) -> float:
        """A little above the rim: a tenth of the bin's height above its top."""
        _, top, _, bottom = self.bounds()
        return clamp_unit(top - 0.1 * (bottom - top))

    def set_kind(self, kind: Kind) -> None:
        if kind == self.kind:
            return
        if kind == "bin":
            self.points = rect_points(*self.bounds())
            self.line = self.default_line()
        else:
            self.line = None
        self.kind = kind

    def move_point(self, index: int, p: Pt) -> None:
        x, y = clamp_unit(p[0]), clamp_unit(p[1])
        if index == LINE:
            self.line = y
            return
        if self.kind != "bin":
            self.points[index] = (x, y)
            return
        # a bin stays a rectangle: the corner moves, its neighbours follow along their edges
        opposite = self.points[(index + 2) % 4]
        line_gap = None if self.line is None else self.bounds()[1] - self.line
        self.points = rect_points(x, y, *opposite)
        if line_gap is not None:  # the line keeps its distance above the rim
            self.line = clamp_unit(self.bounds()[1] - line_gap)

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


def counted_words(class_events: dict[str, str]) -> str:
    """Which detected things count for which event, in the operator's words: "无照经营游商（0501）：
    流动摊贩、摊位…；店外经营（0504）：货物"."""
    from app.ui.alerts.words import event_words
    from app.ui.detection.overlay_feed import class_words

    by_event: dict[str, list[str]] = {}
    for name, code in class_events.items():
        by_event.setdefault(code, []).append(class_words(name))
    parts = []
    for code, names in sorted(by_event.items()):
        event = event_words(code)
        head = translate("ZoneEditor", "{0} ({1})").format(event, code) if event else code
        parts.append(
            translate("ZoneEditor", "{0}: {1}").format(head, translate("ZoneEditor", ", ").join(names))
        )
    return translate("ZoneEditor", "; ").join(parts)


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
            (translate("ZoneEditor", "What counts"), counted_words(events)),
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
