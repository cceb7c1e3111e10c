"""ScenePipeline: a generated street with a stall arriving, a bin filling up, and a PTZ move."""

from __future__ import annotations

import numpy as np

from detectors.appearance import AppearanceParams
from detectors.bins import BinOptions
from detectors.pipeline import PipelineConfig, ScenePipeline
from detectors.rules import BinParams, PersistenceParams, VendingParams
from detectors.synth import bin_scene, paste, street_stall
from detectors.types import BinRoi, HitState, Mask, SceneGeometry, Zone

FAST = PersistenceParams(dwell_s=20, window_s=20, clear_window_s=10, cooldown_s=30, min_samples=3)


def test_stall_raises_after_dwell_and_ptz_move_pauses_and_restarts() -> None:
    rng = np.random.default_rng(0)
    street = bin_scene(np.random.default_rng(1), 384, 216, overflowing=False)
    bg = street.image
    roi = BinRoi("bin", street.box, overflow_line=street.rim - 0.02)
    zone = Zone("verge", ((0.0, 0.0), (0.45, 0.0), (0.45, 1.0), (0.0, 1.0)))
    osd = Mask(((0.6, 0.0), (1.0, 0.0), (1.0, 0.08), (0.6, 0.08)), "clock")
    geom = SceneGeometry("cam-1", "p1", zones=(zone,), bins=(roi,), masks=(osd,))
    config = PipelineConfig(
        detectors={"stationary": {"short_absorb_s": 2.0, "confirm_s": 3.0, "warmup_s": 4.0}},
        vending=VendingParams(persistence=FAST, appearance=AppearanceParams(reference_checks=1)),
        bins=BinParams(persistence=FAST),
        bin_monitor=BinOptions(classifier=None),
    )
    pipe = ScenePipeline(geom, config)
    pipe.set_bin_reference(bg)
    stall, alpha = street_stall(np.random.default_rng(2), 50)
    results = []
    for i in range(0, 100):
        t = i * 0.5
        f = np.clip(bg.astype(np.float32) + rng.normal(0, 2, bg.shape), 0, 255).astype(np.uint8)
        f[2:15, 240:380] = 255 if i % 2 else 0  # the ticking clock (masked)
        if t >= 10:
            f = paste(f, stall, alpha, 40, 100, rng)
        results.append(pipe.process(f, t))
    hits = [h for r in results for h in r.hits]
    assert [(h.rule, h.state) for h in hits] == [("vending", HitState.RAISED)]
    assert 30 <= hits[0].t <= 40  # arrived at 10 s, found a few seconds later, then the 20 s dwell
    assert not any(r.paused for r in results)
    # the camera pans: detection pauses and the dwell restarts
    panned = pipe.process(255 - bg, 50.0)  # a different view: most pixels change at once
    assert panned.paused and panned.hits == []
    assert all(start is None for start in pipe.vending.runs().values())
    # a raised alert stays raised (the operator has it); later samples decide when it clears
    assert pipe.vending.state()[("verge", "0501")].value == "raised"


def test_shared_stateless_detector_is_reused_while_nothing_moves() -> None:
    calls = []

    class Fake:
        @property
        def class_names(self) -> dict[int, str]:
            return {0: "stall"}

        def detect(self, frame, t=None):
            calls.append(t)
            return np.zeros((0, 6), np.float32)

        def close(self) -> None:
            pass

    geom = SceneGeometry("cam-2", None)
    pipe = ScenePipeline(
        geom, PipelineConfig(detectors={"onnx_yolo": {"model": "x.onnx"}}), shared={"onnx_yolo": Fake()}
    )
    still = np.full((180, 320, 3), 100, np.uint8)
    for i in range(30):
        pipe.process(still, float(i))
    assert calls == [0.0, 11.0, 22.0]  # first frame, then only when the cached result is > 10 s old
