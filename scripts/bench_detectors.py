#!/usr/bin/env python3
"""CPU cost of each detector on one core (timings live here, never in pass/fail tests).

Runs on real footage (resources/demo/vtest.avi, 768×576) when present, else on generated frames.
Single thread: OpenCV setNumThreads(1), ONNX Runtime intra-op 1. Last line: RESULT key=value …

Usage: .venv/bin/python scripts/bench_detectors.py [--frames 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors import registry  # noqa: E402
from detectors.bins import DEFAULT_CLASSIFIER, BinMonitor  # noqa: E402
from detectors.rules import LabelledDetections, VendingRule  # noqa: E402
from detectors.synth import pavement  # noqa: E402
from detectors.types import BinRoi, SceneGeometry, Zone  # noqa: E402


def load_frames(n: int) -> list[np.ndarray]:
    path = ROOT / "resources" / "demo" / "vtest.avi"
    frames: list[np.ndarray] = []
    if path.is_file():
        cap = cv2.VideoCapture(str(path))
        while len(frames) < n:
            ok, f = cap.read()
            if not ok:
                break
            frames.append(f)
        cap.release()
    if not frames:
        rng = np.random.default_rng(0)
        bg = pavement(rng, 768, 576)
        frames = [np.clip(bg + rng.normal(0, 3, bg.shape), 0, 255).astype(np.uint8) for _ in range(n)]
    return frames


def time_it(fn: Callable[[np.ndarray, float], object], frames: list[np.ndarray], warm: int = 5) -> float:
    for i, f in enumerate(frames[:warm]):
        fn(f, i * 0.1)
    ts = []
    for i, f in enumerate(frames):
        t0 = time.perf_counter()
        fn(f, (warm + i) * 0.1)
        ts.append(time.perf_counter() - t0)
    return 1000.0 * statistics.median(ts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    frames = load_frames(args.frames)
    h, w = frames[0].shape[:2]
    results: dict[str, float] = {}

    motion = registry.load("motion", {})
    results["motion_from_768x576_ms"] = time_it(lambda f, t: motion.detect(f, t), frames)
    detect_size = [cv2.resize(f, (320, 240), interpolation=cv2.INTER_AREA) for f in frames]
    motion2 = registry.load("motion", {})
    results["motion_320x240_ms"] = time_it(lambda f, t: motion2.update(f), detect_size)  # type: ignore[attr-defined]
    small = [cv2.resize(f, (384, 288), interpolation=cv2.INTER_AREA) for f in frames]
    stationary = registry.load("stationary", {})
    results["stationary_384x288_ms"] = time_it(lambda f, t: stationary.detect(f, t), small)
    stationary2 = registry.load("stationary", {})
    results["stationary_from_768x576_ms"] = time_it(lambda f, t: stationary2.detect(f, t), frames)

    model = ROOT / "resources" / "models" / "vending_yolo.onnx"
    if model.is_file():
        yolo = registry.load("onnx_yolo", {"model": str(model), "threads": 1})
        results["onnx_vending_320_ms"] = time_it(lambda f, t: yolo.detect(f, t), frames[:100])
        results["onnx_vending_bytes"] = float(model.stat().st_size)

    geom = SceneGeometry(
        "bench",
        "1",
        zones=(Zone("z", ((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0))),),
        bins=(BinRoi("b", (0.45, 0.55, 0.55, 0.75), overflow_line=0.53),),
    )
    mon = BinMonitor(geom)
    mon.set_reference(frames[0])
    results["bin_roi_change_plus_classifier_ms"] = time_it(lambda f, t: mon.observe(f), frames[:100])
    mon_change = BinMonitor(geom, classifier=None)
    mon_change.options = mon_change.options.model_copy(update={"classifier": None})
    mon_change.classifier = None
    mon_change.set_reference(frames[0])
    results["bin_roi_change_only_ms"] = time_it(lambda f, t: mon_change.observe(f), frames[:100])
    if DEFAULT_CLASSIFIER.is_file():
        results["bin_classifier_bytes"] = float(DEFAULT_CLASSIFIER.stat().st_size)

    rule = VendingRule(geom)
    dets = [LabelledDetections(np.array([[300, 350, 420, 500, 0.9, 0]], np.float32), {0: "stationary"})]
    results["vending_rule_update_ms"] = time_it(lambda f, t: rule.update(t, f, dets), frames[:200])

    for k, v in results.items():
        print(f"{k:36s} {v:12.3f}")
    print(f"frames {len(frames)} at {w}x{h}, one thread")
    print("RESULT " + " ".join(f"{k}={v:.3f}" for k, v in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
