"""A place an operator dismissed stops counting for its zone and event; elsewhere still counts."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.rules import LabelledDetections, PersistenceParams, VendingParams, VendingRule
from detectors.types import HitState, SceneGeometry, Suppression, Zone

PAVEMENT = Zone("pavement", ((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
W, H = 640, 360
NAMES = {1: "stall"}
BOARD = [200, 150, 300, 300, 0.8, 1]  # what was dismissed (a sign board taken for a stall)
BESIDE = [400, 200, 520, 320, 0.8, 1]  # a real stall set up beside it
QUICK = PersistenceParams(dwell_s=5, window_s=5, clear_window_s=5, cooldown_s=0, min_samples=3)


def raised(rule: VendingRule, box: list[float], seconds: int = 12) -> bool:
    frame = np.zeros((H, W, 3), np.uint8)
    hits = []
    for t in range(seconds):
        hits += rule.update(float(t), frame, [LabelledDetections(np.array([box], np.float32), NAMES)])
    return any(h.state is HitState.RAISED for h in hits)


def board_suppression(**kw: object) -> Suppression:
    box = (BOARD[0] / W, BOARD[1] / H, BOARD[2] / W, BOARD[3] / H)
    return Suppression("s1", None, "pavement", "0501", box, **kw)  # type: ignore[arg-type]


def test_a_dismissed_place_no_longer_raises_and_removing_it_brings_it_back() -> None:
    geometry = SceneGeometry("cam", None, (PAVEMENT,))
    params = VendingParams(persistence=QUICK)
    assert raised(VendingRule(geometry, params), BOARD)
    rule = VendingRule(geometry, params)
    rule.set_suppressions([board_suppression()])
    assert not raised(rule, BOARD)
    rule = VendingRule(geometry, params)
    rule.set_suppressions([board_suppression()])
    assert raised(rule, BESIDE), "a stall beside the dismissed place still raises"
    rule.set_suppressions([])
    assert raised(VendingRule(geometry, params), BOARD)


def test_a_suppression_belongs_to_its_preset_zone_and_event() -> None:
    params = VendingParams(persistence=QUICK)
    other_preset = VendingRule(SceneGeometry("cam", "2", (PAVEMENT,)), params)
    other_preset.set_suppressions([board_suppression()])  # made at preset None
    assert raised(other_preset, BOARD)
    other_event = VendingRule(SceneGeometry("cam", None, (PAVEMENT,)), params)
    box = board_suppression().box
    other_event.set_suppressions([Suppression("s2", None, "pavement", "0504", box)])
    assert raised(other_event, BOARD)


def test_a_suppression_with_a_bad_box_says_which() -> None:
    with pytest.raises(ValueError, match="suppression 'bad'"):
        Suppression("bad", None, "z", "0501", (0.5, 0.5, 0.4, 0.6))
