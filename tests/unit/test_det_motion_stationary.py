"""Motion gate and stationary-object detector on generated scenes (fast, deterministic)."""

from __future__ import annotations

import numpy as np

from detectors.motion import MotionGate, MotionOptions
from detectors.stationary import StationaryDetector, StationaryOptions, absorb_rate
from detectors.synth import paste, pavement, street_stall
from detectors.types import Mask


def noisy(bg: np.ndarray, rng: np.random.Generator, sigma: float = 2.0) -> np.ndarray:
    return np.clip(bg.astype(np.float32) + rng.normal(0, sigma, bg.shape), 0, 255).astype(np.uint8)


def walker(frame: np.ndarray, x: int, y: int = 120) -> np.ndarray:
    out = frame.copy()
    out[y : y + 60, x : x + 20] = (230, 220, 250)
    out[y - 14 : y, x + 4 : x + 16] = (20, 30, 60)
    return out


def test_motion_gate() -> None:
    rng = np.random.default_rng(0)
    bg = pavement(rng, 640, 360)
    gate = MotionGate(MotionOptions())
    assert gate.update(noisy(bg, rng)).first
    still = gate.update(noisy(bg, rng))
    assert not still.moving and not still.global_change
    moved = gate.update(walker(noisy(bg, rng), 300))
    assert moved.moving and not moved.global_change
    assert len(gate.boxes()) >= 1
    panned = gate.update(np.roll(bg, 120, axis=1) // 2)
    assert panned.global_change


def test_motion_gate_ignores_masked_osd() -> None:
    rng = np.random.default_rng(1)
    bg = pavement(rng, 640, 360)
    osd = Mask(((0.0, 0.0), (0.4, 0.0), (0.4, 0.1), (0.0, 0.1)))
    gate = MotionGate(MotionOptions(), masks=[osd])
    gate.update(bg)
    clock = bg.copy()
    clock[5:30, 10:240] = 255  # the burned-in timestamp ticks
    assert not gate.update(clock).moving


def test_absorb_rate() -> None:
    a = absorb_rate(0.1, 3.0)
    # after 3 s at 10 fps, a new colour has 10 % of the weight: MOG2's background threshold
    assert 1 - (1 - a) ** 30 == np.float64(0.1).round(6) or abs(1 - (1 - a) ** 30 - 0.1) < 1e-9


def test_stationary_object_found_after_absorb_plus_confirm_and_walkers_never() -> None:
    rng = np.random.default_rng(2)
    bg = pavement(rng, 384, 216)
    stall, alpha = street_stall(np.random.default_rng(5), 60)
    opts = StationaryOptions(short_absorb_s=2.0, confirm_s=3.0, warmup_s=5.0)
    det = StationaryDetector(opts)
    fps, appear = 5.0, 20.0
    first_seen = None
    for i in range(int(60 * fps)):
        t = i / fps
        f = noisy(bg, rng)
        x = int((i * 7) % 360)  # a walker crossing again and again
        f = walker(f, x, 140)
        if t >= appear:
            f = paste(f, stall, alpha, 250, 40, rng)
        boxes = det.detect(f, t)
        for b in boxes:
            foot_x = (b[0] + b[2]) / 2
            assert 240 <= foot_x <= 320 and b[1] < 110, f"false box {b} at {t:.1f} s"
            if first_seen is None:
                first_seen = t
    assert first_seen is not None
    delay = first_seen - appear
    assert opts.confirm_s <= delay <= opts.short_absorb_s + opts.confirm_s + 4.0


def test_stationary_resets_when_the_view_changes_wholesale() -> None:
    rng = np.random.default_rng(3)
    bg = pavement(rng, 320, 180)
    det = StationaryDetector(StationaryOptions(warmup_s=1.0))
    for i in range(30):
        det.detect(noisy(bg, rng), i * 0.2)
    assert not det.warming_up
    other = pavement(np.random.default_rng(9), 320, 180)
    assert det.detect(other, 6.2).shape == (0, 6)
    assert det.warming_up  # started again on the new view
