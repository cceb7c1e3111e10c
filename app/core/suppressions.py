"""Suppressed places: what operators taught detection by dismissing its alerts (stdlib only, no I/O).

A vending alert dismissed as a false detection (误检) or a fixed object (固定设施) says "this thing,
in this place, is not a stall". Each of its boxes becomes a :class:`SuppressionRecord` for that
(camera, preset, zone, event): the detection worker drops a later detection of the same event in
the same zone that overlaps the box enough (the same thing in the same place), so the same false
alarm does not come back. The record keeps who dismissed it, when, why and from which alert, so
the zone editor can list it and an operator can take it away again.

A *bin* alert dismissed so is not suppressed (the bin must still be watched): the bin's current
view becomes its clean reference instead (:func:`bin_clean_from_dismissal`).

:func:`verdict_counts` counts the verdicts of stored alerts per rule and camera, with the
false-alarm share as the figures dashboard defines it (:mod:`app.core.case_figures`), for the zone
editor and the alert history.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.alerts import Alert, AlertState, DismissReason, Rule

TEACHING_REASONS = frozenset({DismissReason.FALSE_DETECTION, DismissReason.FIXED_OBJECT})
DEFAULT_MIN_IOU = 0.5  # the same place: a new box overlapping the dismissed one at least this much

BoxTuple = tuple[float, float, float, float]


class BadSuppression(ValueError):
    """A suppression record that cannot be used (a box outside the picture, a missing field)."""


@dataclass(frozen=True)
class SuppressionRecord:
    """One suppressed place: ``box`` (picture fractions x1, y1, x2, y2) in zone ``zone_id`` of
    ``camera_id`` at ``preset`` no longer raises ``event_code``; made by ``by`` at ``at`` (wall
    seconds) when they dismissed alert ``alert_id`` as ``reason``."""

    id: str
    camera_id: str
    preset: str | None
    zone_id: str
    event_code: str
    box: BoxTuple
    alert_id: str
    reason: DismissReason
    by: str
    at: float
    zone_name: str = ""
    rule: Rule = Rule.VENDING
    min_iou: float = DEFAULT_MIN_IOU
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("id", "camera_id", "zone_id", "event_code", "alert_id", "by"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise BadSuppression(f"suppression {self.id!r}: {name} must be a non-empty text")
        if len(self.box) != 4:
            raise BadSuppression(f"suppression {self.id!r}: box must be (x1, y1, x2, y2), got {self.box!r}")
        x1, y1, x2, y2 = (float(v) for v in self.box)
        if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in (x1, y1, x2, y2)):
            raise BadSuppression(f"suppression {self.id!r}: box {self.box!r} is outside the picture (0..1)")
        if not (x2 > x1 and y2 > y1):
            raise BadSuppression(f"suppression {self.id!r}: box {self.box!r} must have x2 > x1 and y2 > y1")
        if not 0.0 < self.min_iou <= 1.0:
            raise BadSuppression(f"suppression {self.id!r}: min_iou must be in (0, 1]")
        object.__setattr__(self, "box", (x1, y1, x2, y2))
        object.__setattr__(self, "reason", DismissReason(self.reason))
        object.__setattr__(self, "rule", Rule(self.rule))

    def to_record(self) -> dict[str, Any]:
        """JSON-able (enums by value, the box as a list)."""
        return {
            "id": self.id, "camera_id": self.camera_id, "preset": self.preset, "zone_id": self.zone_id,
            "zone_name": self.zone_name, "rule": self.rule.value, "event_code": self.event_code,
            "box": list(self.box), "min_iou": self.min_iou, "alert_id": self.alert_id,
            "reason": self.reason.value, "by": self.by, "at": self.at, "note": self.note,
        }  # fmt: skip

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> SuppressionRecord:
        """The inverse of :meth:`to_record`; raises :class:`BadSuppression` naming the field."""
        if not isinstance(record, Mapping):
            raise BadSuppression("a suppression must be an object")
        known = set(cls.__dataclass_fields__)
        missing = [
            n for n in ("id", "camera_id", "zone_id", "event_code", "box", "alert_id", "reason", "by", "at")
            if n not in record
        ]  # fmt: skip
        if missing:
            raise BadSuppression(f"missing field(s): {', '.join(missing)}")
        values = {k: v for k, v in record.items() if k in known}
        preset = values.get("preset")
        if preset is not None and not isinstance(preset, str):
            raise BadSuppression(f"preset: must be a preset token or null, got {preset!r}")
        box = values["box"]
        if not isinstance(box, list | tuple) or not all(isinstance(v, int | float) for v in box):
            raise BadSuppression(f"box: must be four numbers, got {box!r}")
        values["box"] = tuple(float(v) for v in box)
        try:
            values["reason"] = DismissReason(values["reason"])
        except ValueError:
            raise BadSuppression(f"reason: unknown dismissal reason {values['reason']!r}") from None
        try:
            values["rule"] = Rule(values.get("rule", Rule.VENDING.value))
        except ValueError:
            raise BadSuppression(f"rule: unknown rule {values.get('rule')!r}") from None
        at = values["at"]
        if not isinstance(at, int | float) or isinstance(at, bool) or not math.isfinite(at):
            raise BadSuppression(f"at: must be a time in seconds, got {at!r}")
        values["at"] = float(at)
        if "min_iou" in values:
            if not isinstance(values["min_iou"], int | float):
                raise BadSuppression(f"min_iou: must be a number, got {values['min_iou']!r}")
            values["min_iou"] = float(values["min_iou"])
        for name in ("zone_name", "note"):
            if name in values and not isinstance(values[name], str):
                raise BadSuppression(f"{name}: must be a text")
        return cls(**values)


# --- what a dismissal teaches ----------------------------------------------------------------------
def teaches(alert: Alert) -> bool:
    """A dismissal that teaches detection: a vending alert dismissed as 误检 or 固定设施."""
    return (
        alert.state is AlertState.DISMISSED
        and alert.dismiss_reason in TEACHING_REASONS
        and alert.rule is Rule.VENDING
    )


def records_from_dismissal(alert: Alert) -> tuple[SuppressionRecord, ...]:
    """One suppressed place per box of a dismissed vending alert (empty when the dismissal does not
    teach, or the alert has no box). Ids are the alert's: the same dismissal makes the same records."""
    if not teaches(alert) or alert.dismissed_by is None or alert.dismissed_at is None:
        return ()
    assert alert.dismiss_reason is not None
    out: list[SuppressionRecord] = []
    for index, box in enumerate(alert.boxes):
        clipped = tuple(min(1.0, max(0.0, v)) for v in (box.x1, box.y1, box.x2, box.y2))
        x1, y1, x2, y2 = clipped
        if not (x2 > x1 and y2 > y1):
            continue  # a box that lies outside the picture: nothing to suppress there
        out.append(
            SuppressionRecord(
                id=f"{alert.id}-{index + 1}", camera_id=alert.camera_id, preset=alert.preset,
                zone_id=alert.zone_id, zone_name=alert.zone_name, rule=alert.rule,
                event_code=alert.event_code, box=(x1, y1, x2, y2), alert_id=alert.id,
                reason=alert.dismiss_reason, by=alert.dismissed_by, at=alert.dismissed_at, note=alert.note,
            )
        )  # fmt: skip
    return tuple(out)


@dataclass(frozen=True)
class CleanBins:
    """What a bin dismissal asks for: these bins of (camera, preset) are clean as they are seen now."""

    camera_id: str
    preset: str | None
    bin_ids: tuple[str, ...]


def bin_clean_from_dismissal(alert: Alert) -> CleanBins | None:
    """A bin alert dismissed as 误检 or 固定设施: the bin is not suppressed (it must still be
    watched); what it looks like now becomes its clean reference."""
    if (
        alert.state is AlertState.DISMISSED
        and alert.rule is Rule.BIN_OVERFLOW
        and alert.dismiss_reason in TEACHING_REASONS
    ):
        return CleanBins(alert.camera_id, alert.preset, (alert.zone_id,))
    return None


def of_camera(records: Iterable[SuppressionRecord], camera_id: str) -> tuple[SuppressionRecord, ...]:
    """The camera's suppressed places (every preset), oldest first."""
    return tuple(sorted((r for r in records if r.camera_id == camera_id), key=lambda r: (r.at, r.id)))


# --- verdict counts --------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerdictCounts:
    """The verdicts of one rule at one camera (or any sum of them). The false-alarm share is the
    figures dashboard's (:mod:`app.core.case_figures`): false alarms (误检, 固定设施, 店内经营) over
    the judged (confirmed + false alarms + 合规经营), so one camera shows one share everywhere."""

    confirmed: int = 0
    false_detection: int = 0  # dismissed as 误检
    fixed_object: int = 0  # dismissed as 固定设施
    inside_shop: int = 0  # dismissed as 店内经营 (the rule judged the scene wrong)
    permitted: int = 0  # dismissed as 合规经营 (a right detection of something permitted)
    unjudged: int = 0  # open, cleared with no verdict, dismissed as 已离开 or 其他

    @property
    def false_alarms(self) -> int:
        return self.false_detection + self.fixed_object + self.inside_shop

    @property
    def judged(self) -> int:
        return self.confirmed + self.false_alarms + self.permitted

    @property
    def raised(self) -> int:
        return self.judged + self.unjudged

    @property
    def false_share(self) -> float | None:
        """False alarms over all judged (None: nothing judged yet)."""
        return self.false_alarms / self.judged if self.judged else None

    def __add__(self, other: VerdictCounts) -> VerdictCounts:
        return VerdictCounts(
            *(getattr(self, f) + getattr(other, f) for f in VerdictCounts.__dataclass_fields__)
        )


VerdictKey = tuple[Rule, str]  # rule, camera id

_BY_REASON = {
    DismissReason.FALSE_DETECTION: "false_detection",
    DismissReason.FIXED_OBJECT: "fixed_object",
    DismissReason.INSIDE_SHOP: "inside_shop",
    DismissReason.PERMITTED: "permitted",
}


def verdict_of(alert: Alert) -> VerdictCounts:
    """One alert's verdict as counts (exactly one field is 1)."""
    if alert.state is AlertState.CONFIRMED:
        return VerdictCounts(confirmed=1)
    field_name = _BY_REASON.get(alert.dismiss_reason) if alert.state is AlertState.DISMISSED else None  # type: ignore[arg-type]
    return VerdictCounts(**{field_name or "unjudged": 1})


def verdict_counts(alerts: Iterable[Alert]) -> dict[VerdictKey, VerdictCounts]:
    """Verdicts per (rule, camera), in rule then camera order."""
    out: dict[VerdictKey, VerdictCounts] = {}
    for alert in alerts:
        key = (alert.rule, alert.camera_id)
        out[key] = out.get(key, VerdictCounts()) + verdict_of(alert)
    return dict(sorted(out.items(), key=lambda item: (item[0][0].value, item[0][1])))


def total(counts: Iterable[VerdictCounts]) -> VerdictCounts:
    out = VerdictCounts()
    for c in counts:
        out = out + c
    return out
