"""The soak bench tells a leak (a slope) from a one-off step, which one line through both cannot."""

from __future__ import annotations

import random

import pytest

from bench.trend import Verdict, judge, line_slope

LIMIT = 48.0  # MiB per 8-hour shift
MIN_STEP = 4.0  # MiB


def series(
    *, per_h: float = 0.0, step: float = 0.0, step_at: float = 1e9, noise: float = 0.5, seed: int = 1
) -> list[tuple[float, float]]:
    """The judged part of a 30-minute soak (600-1800 s, a sample every 30 s) around 120 MiB."""
    rng = random.Random(seed)
    return [
        (t, 120.0 + per_h * t / 3600 + (step if t >= step_at else 0.0) + rng.uniform(-noise, noise))
        for t in range(600, 1801, 30)
    ]


def test_flat_noisy_series_is_flat() -> None:
    trend = judge(series(), limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.FLAT
    assert abs(trend.slope_per_h) < 3
    assert trend.step == 0.0 and trend.step_at is None


def test_a_step_is_a_step_not_a_slope() -> None:
    # The GUI: 105 → 148 MiB at about 19 minutes, flat on either side.
    points = series(step=43.0, step_at=1140)
    assert line_slope(points) * 3600 > 100  # what one line through it says
    trend = judge(points, limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.STEP
    assert abs(trend.slope_per_h) < 3
    assert trend.step == pytest.approx(43.0, abs=1.0)
    assert trend.step_at is not None and 1110 <= trend.step_at <= 1170
    assert trend.line_slope_per_h > 100


def test_a_steady_climb_is_growing() -> None:
    trend = judge(series(per_h=20.0), limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.GROWING
    assert trend.slope_per_h == pytest.approx(20.0, abs=3.0)
    assert trend.step == 0.0


def test_a_climb_with_a_step_is_growing_at_the_climbs_rate() -> None:
    trend = judge(series(per_h=20.0, step=30.0, step_at=900), limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.GROWING
    assert trend.slope_per_h == pytest.approx(20.0, abs=4.0)
    assert trend.step == pytest.approx(30.0, abs=2.0)


def test_a_slow_climb_below_the_limit_is_flat() -> None:
    trend = judge(series(per_h=2.0), limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.FLAT
    assert trend.slope_per_h == pytest.approx(2.0, abs=2.0)


def test_one_stray_sample_is_neither_step_nor_slope() -> None:
    points = series()
    points[20] = (points[20][0], points[20][1] + 40.0)
    trend = judge(points, limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.FLAT
    assert abs(trend.slope_per_h) < 3


def test_a_step_in_the_last_samples_does_not_read_as_growth() -> None:
    points = series(step=43.0, step_at=1770)  # the last two samples
    assert line_slope(points) * 3600 > 30
    trend = judge(points, limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is not Verdict.GROWING
    assert abs(trend.slope_per_h) < 3


def test_a_step_that_goes_back_is_not_growth() -> None:
    # The step at about 10 minutes that went back: up at 900 s, down at 1200 s.
    points = [(t, v - (43.0 if t >= 1200 else 0.0)) for t, v in series(step=43.0, step_at=900)]
    trend = judge(points, limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is not Verdict.GROWING
    assert abs(trend.slope_per_h) < 10


def test_a_small_step_within_the_noise_is_flat() -> None:
    trend = judge(series(step=1.0, step_at=1200, noise=2.0), limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.verdict is Verdict.FLAT


def test_too_few_samples_for_a_step_still_give_a_slope() -> None:
    trend = judge([(0.0, 100.0), (3600.0, 110.0)], limit_per_shift=LIMIT, min_step=MIN_STEP)
    assert trend.slope_per_h == pytest.approx(10.0)
    assert trend.verdict is Verdict.GROWING
