"""Is a memory series growing, did it step once, or is it flat? (bench/soak.py's judgement)

A leak climbs for as long as the app runs; a one-off step (a cache filled, pages that another
process stopped sharing and that now count as this process's own) does not. A least-squares line
through a step calls it a slope (a 43 MiB step 9 minutes into a 20-minute window reads as
+226 MiB/h), so the series is first searched for one step: a fit of two segments with a common
slope, split where it explains the series best. The growth rate is then the Theil–Sen slope (the
median of the slopes between pairs of samples) of the pairs on the same side of the step: robust
to the step, to a stray sample and to a step near either end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median

Point = tuple[float, float]  # (seconds, value)
SHIFT_H = 8.0


class Verdict(StrEnum):
    FLAT = "flat"
    STEP = "step"  # one step, flat on either side: a one-off, not a leak
    GROWING = "growing"


@dataclass(frozen=True)
class Trend:
    slope_per_h: float  # growth per hour, robust, net of the step when there is one
    line_slope_per_h: float  # least squares through everything (step included)
    step: float  # size of the step, 0.0 when none was found
    step_at: float | None  # when it happened (seconds, between the samples either side)
    verdict: Verdict

    def shift_growth(self) -> float:
        """Growth over an 8-hour shift at the robust rate."""
        return self.slope_per_h * SHIFT_H


def line_slope(points: Sequence[Point]) -> float:
    """Least-squares slope per second; 0 with fewer than two distinct times."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def theil_sen(segments: Sequence[Sequence[Point]]) -> float:
    """Median slope per second over the pairs of samples within each segment (0 with none)."""
    slopes = [
        (v2 - v1) / (t2 - t1)
        for points in segments
        for i, (t1, v1) in enumerate(points)
        for t2, v2 in points[i + 1 :]
        if t2 != t1
    ]
    return median(slopes) if slopes else 0.0


@dataclass(frozen=True)
class _Split:
    index: int  # the first sample after the step
    step: float
    sse: float


def _centred(points: Sequence[Point]) -> tuple[float, float, float, float]:
    """Sums for a segment: Σ(t-t̄)², Σ(t-t̄)(v-v̄), Σ(v-v̄)², and its mean time."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    stt = sum((t - mean_t) ** 2 for t, _ in points)
    stv = sum((t - mean_t) * (v - mean_v) for t, v in points)
    svv = sum((v - mean_v) ** 2 for _, v in points)
    return stt, stv, svv, mean_t


def _best_split(points: Sequence[Point], min_side: int) -> _Split | None:
    """The split into two segments with one common slope that leaves the least squared error."""
    best: _Split | None = None
    for k in range(min_side, len(points) - min_side + 1):
        before, after = points[:k], points[k:]
        stt1, stv1, svv1, mean_t1 = _centred(before)
        stt2, stv2, svv2, mean_t2 = _centred(after)
        stt = stt1 + stt2
        slope = (stv1 + stv2) / stt if stt else 0.0
        sse = svv1 + svv2 - slope * (stv1 + stv2)
        mean_v1 = sum(v for _, v in before) / len(before)
        mean_v2 = sum(v for _, v in after) / len(after)
        # The two parallel lines' distance where they meet: the step net of the slope.
        at = (before[-1][0] + after[0][0]) / 2
        step = (mean_v2 + slope * (at - mean_t2)) - (mean_v1 + slope * (at - mean_t1))
        if best is None or sse < best.sse:
            best = _Split(k, step, sse)
    return best


def judge(
    points: Sequence[Point],
    *,
    limit_per_shift: float,
    min_step: float,
    min_side: int = 3,
) -> Trend:
    """Judge a series of (seconds, value) samples.

    A step is reported when the best split is at least ``min_step`` and five times the noise
    left around the two segments, and cuts that noise at least in half compared to one line.
    The series is *growing* when its robust rate would add ``limit_per_shift`` or more over an
    8-hour shift.
    """
    points = sorted(points)
    line = line_slope(points) * 3600
    split = _best_split(points, min_side) if len(points) >= 2 * min_side else None
    step_found = False
    if split is not None:
        residual_sse = max(split.sse, 0.0)
        noise = math.sqrt(residual_sse / max(1, len(points) - 3))
        stt, stv, svv, _ = _centred(points)
        line_sse = svv - stv * stv / stt if stt else svv
        step_found = abs(split.step) >= max(min_step, 5 * noise) and residual_sse <= 0.5 * line_sse
    if step_found and split is not None:
        k = split.index
        slope = theil_sen([points[:k], points[k:]]) * 3600
        step, step_at = split.step, (points[k - 1][0] + points[k][0]) / 2
    else:
        slope, step, step_at = theil_sen([points]) * 3600, 0.0, None
    if slope * SHIFT_H >= limit_per_shift:
        verdict = Verdict.GROWING
    elif step_found:
        verdict = Verdict.STEP
    else:
        verdict = Verdict.FLAT
    return Trend(slope, line, step, step_at, verdict)
