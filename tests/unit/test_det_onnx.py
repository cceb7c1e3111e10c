"""The ONNX YOLO backend on the shipped vending model (no training venv needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detectors import registry
from detectors.backends.onnx_yolo import OnnxYolo, parse_metadata
from detectors.boxes import box_iou
from detectors.synth import paste, pavement, street_stall

MODEL = Path(__file__).resolve().parents[2] / "resources" / "models" / "vending_yolo.onnx"


def test_metadata_parsing() -> None:
    meta = parse_metadata(
        {
            "names": "{0: 'street_vendor', 1: '摊位'}",
            "imgsz": "[320, 320]",
            "stride": "32",
            "end2end": "False",
        }
    )
    assert meta["names"] == {0: "street_vendor", 1: "摊位"}
    assert meta["imgsz"] == [320, 320] and meta["stride"] == 32 and meta["end2end"] is False


@pytest.fixture(scope="module")
def model() -> OnnxYolo:
    # Shipped in the repository: its absence is a failure, not a reason to skip.
    assert MODEL.is_file(), f"{MODEL} is missing (scripts/train_vending_yolo.py makes it)"
    det = registry.load(
        "onnx_yolo", {"model": "vending_yolo.onnx", "conf": 0.05}
    )  # relative: resources/models
    assert isinstance(det, OnnxYolo)
    return det


def test_shipped_model_reads_its_metadata(model: OnnxYolo) -> None:
    assert MODEL.stat().st_size < 5 * 1024 * 1024
    assert dict(model.class_names) == {0: "street_vendor"}
    assert model.imgsz == (320, 320) and model.stride == 32


def stall_scene(
    h: int, w: int, at: tuple[float, float], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pavement, the same pavement with a stall at ``at`` (fractions of the frame), the stall's box."""
    rng = np.random.default_rng(seed)
    bare = pavement(rng, w, h)
    stall, alpha = street_stall(rng, min(w, h) // 3)
    x, y = int(w * at[0]), int(h * at[1])
    ys, xs = np.nonzero(alpha > 0.5)
    box = np.array([x + xs.min(), y + ys.min(), x + xs.max() + 1, y + ys.max() + 1], np.float32)
    return bare, paste(bare, stall, alpha, x, y, rng), box


# Landscape, portrait-ish, square and odd sizes (letterboxed differently), the stall off the centre.
SCENES = [
    ((576, 768), (0.6, 0.45)),
    ((360, 640), (0.1, 0.1)),
    ((640, 640), (0.33, 0.33)),
    ((300, 500), (0.6, 0.45)),
]


@pytest.mark.parametrize(("size", "at"), SCENES)
def test_the_shipped_model_boxes_a_stall_where_it_stands(
    model: OnnxYolo, size: tuple[int, int], at: tuple[float, float]
) -> None:
    h, w = size
    bare, frame, stall = stall_scene(h, w, at, seed=0)
    det = model.detect(frame)
    assert det.dtype == np.float32 and det.ndim == 2 and det.shape[1] == 6
    assert len(det), "the shipped model found nothing in a picture with a stall"
    best = det[det[:, 4].argmax()]
    iou = float(box_iou(stall[None], best[None, :4])[0, 0])
    assert best[4] >= 0.4 and iou >= 0.6, f"best box {best} is not the stall {stall} (IoU {iou:.2f})"
    # Every confident box is on the stall (centre inside it), in the frame, and of the one class.
    sure = det[det[:, 4] >= 0.25]
    cx, cy = (sure[:, 0] + sure[:, 2]) / 2, (sure[:, 1] + sure[:, 3]) / 2
    on_stall = (cx >= stall[0]) & (cx <= stall[2]) & (cy >= stall[1]) & (cy <= stall[3])
    assert on_stall.all(), f"boxes off the stall {stall}: {sure[~on_stall]}"
    assert (
        (det[:, 0] >= 0).all()
        and (det[:, 1] >= 0).all()
        and (det[:, 2] <= w).all()
        and (det[:, 3] <= h).all()
    )
    assert (det[:, 2] > det[:, 0]).all() and (det[:, 3] > det[:, 1]).all()
    assert (det[:, 4] >= 0.05).all() and set(det[:, 5].tolist()) == {0.0}
    # The same pavement without the stall: no vendor there.
    empty = model.detect(bare)
    assert not (empty[:, 4] >= 0.25).any(), f"a vendor on bare pavement: {empty}"
    np.testing.assert_array_equal(det, model.detect(frame))  # deterministic
