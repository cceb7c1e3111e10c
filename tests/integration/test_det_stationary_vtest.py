"""Real CCTV footage (OpenCV's vtest.avi) with an object pasted in at a known time.

The stationary detector must find it a few seconds after it appears and never box a walker; the
vending rule on top must raise only after the dwell, clear after the object goes, and never fire
in a zone that people only walk through.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from detectors import registry
from detectors.rules import LabelledDetections, PersistenceParams, VendingParams, VendingRule
from detectors.synth import paste, street_stall
from detectors.types import HitState, SceneGeometry, Zone

REPO = Path(__file__).resolve().parents[2]
VTEST = REPO / "resources" / "demo" / "vtest.avi"
REAL = REPO.parent / "shared" / "data" / "real"

FPS = 10.0
SAMPLE_EVERY = 2  # the scheduler samples this camera at 5 fps
APPEAR_S, LEAVE_S = 20.0, 60.0
X, Y = 560, 330  # top-left of the pasted object, on the grass beside the path (768×576 frame)


def frames() -> list[np.ndarray]:
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    cap = cv2.VideoCapture(str(VTEST))
    out = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        out.append(f)
    cap.release()
    assert len(out) > 700
    return out


def stall_object() -> tuple[np.ndarray, np.ndarray]:
    return street_stall(np.random.default_rng(0), 110)


def real_patch_object() -> tuple[np.ndarray, np.ndarray]:
    """Real pixels: rubbish bags on a pavement, cut from a street photo, feathered at the edges."""
    src = REAL / "vending" / "neg" / "ams_mdc_photo_mdc_8d350a_cdv_photo_001_1469725771423.jpg"
    if not src.is_file():
        pytest.skip(f"{src} absent (../shared/data/real not available)")
    img = cv2.imread(str(src))
    assert img is not None
    h, w = img.shape[:2]
    patch = img[int(h * 0.55) : int(h * 0.95), int(w * 0.05) : int(w * 0.55)]
    patch = cv2.resize(patch, (110, 90), interpolation=cv2.INTER_AREA)
    alpha = np.zeros(patch.shape[:2], np.float32)
    cv2.ellipse(alpha, (55, 45), (50, 40), 0, 0, 360, 1.0, -1)
    return patch, cv2.GaussianBlur(alpha, (9, 9), 0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make_object", [stall_object, real_patch_object], ids=["generated-stall", "real-bags"]
)
def test_stationary_object_found_after_a_few_seconds_and_walkers_never(make_object) -> None:
    video = frames()
    obj, alpha = make_object()
    oh, ow = obj.shape[:2]
    det = registry.load("stationary", {})
    rng = np.random.default_rng(1)
    first_seen = None
    for i in range(0, len(video), SAMPLE_EVERY):
        t = i / FPS
        f = paste(video[i], obj, alpha, X, Y, rng) if APPEAR_S <= t < LEAVE_S else video[i]
        for x1, y1, x2, y2, _, _ in det.detect(f, t):
            # after it leaves, the box may linger for a moment on the vacated spot: a man stands right
            # there (hidden behind the pasted object until then), and the occlusion looks the same
            on_object = APPEAR_S <= t < LEAVE_S + 3 and x1 >= X - 15 and x2 <= X + ow + 15 and y1 >= Y - 15
            assert on_object and y2 <= Y + oh + 15, f"false stationary box {(x1, y1, x2, y2)} at {t:.1f} s"
            if first_seen is None:
                first_seen = t
    assert first_seen is not None, "the pasted object was never found"
    delay = first_seen - APPEAR_S
    assert 3.0 <= delay <= 12.0, delay  # measured: ~7 s (3 s to stop looking new + 5 s to confirm)


@pytest.mark.slow
def test_vending_rule_on_real_footage_fires_after_dwell_clears_and_ignores_walkers() -> None:
    video = frames()
    obj, alpha = stall_object()
    h, w = video[0].shape[:2]
    foot_zone = Zone(
        "grass-verge", ((500 / w, 380 / h), (720 / w, 380 / h), (720 / w, 520 / h), (500 / w, 520 / h))
    )
    path_zone = Zone("footpath", ((0.0, 0.22), (1.0, 0.22), (1.0, 0.6), (0.0, 0.6)))  # where people walk
    geometry = SceneGeometry("vtest", "1", zones=(foot_zone, path_zone))
    dwell = 20.0
    params = VendingParams(
        persistence=PersistenceParams(dwell_s=dwell, window_s=dwell, clear_window_s=8.0, cooldown_s=30.0)
    )
    rule = VendingRule(geometry, params)
    det = registry.load("stationary", {})
    motion = registry.load("motion", {})
    rng = np.random.default_rng(2)
    hits = []
    for i in range(0, len(video), SAMPLE_EVERY):
        t = i / FPS
        f = paste(video[i], obj, alpha, X, Y, rng) if APPEAR_S <= t < LEAVE_S else video[i]
        found = [
            LabelledDetections(det.detect(f, t), det.class_names),
            # motion boxes are walkers and cars: never vending, even if a site mapped them by mistake
            LabelledDetections(motion.detect(f, t), motion.class_names),
        ]
        hits += rule.update(t, f, found)
    states = [(h.zone_id, h.state, h.t) for h in hits]
    assert [s[:2] for s in states] == [("grass-verge", HitState.RAISED), ("grass-verge", HitState.CLEARED)], (
        states
    )
    raised, cleared = hits
    # found after ~7 s, then the 20 s dwell: never before APPEAR + dwell
    assert APPEAR_S + dwell <= raised.t <= APPEAR_S + dwell + 12.0
    assert LEAVE_S < cleared.t <= LEAVE_S + 10.0
    ev = raised.evidence
    assert ev.frame is not None and ev.frame.shape == (h, w, 3) and ev.rule == "vending"
    x1, y1, x2, _y2 = ev.boxes[0, :4]
    assert x1 >= X - 15 and x2 <= X + obj.shape[1] + 15 and y1 >= Y - 15
    assert raised.event == "0501" and ev.scores["hit_ratio"] >= 0.6
