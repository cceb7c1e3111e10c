"""The ONNX YOLO backend on the shipped vending model (no training venv needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detectors import registry
from detectors.backends.onnx_yolo import OnnxYolo, parse_metadata
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
    if not MODEL.is_file():
        pytest.skip(f"{MODEL} not built (scripts/train_vending_yolo.py)")
    det = registry.load(
        "onnx_yolo", {"model": "vending_yolo.onnx", "conf": 0.05}
    )  # relative: resources/models
    assert isinstance(det, OnnxYolo)
    return det


def test_shipped_model_reads_its_metadata(model: OnnxYolo) -> None:
    assert MODEL.stat().st_size < 5 * 1024 * 1024
    assert dict(model.class_names) == {0: "street_vendor"}
    assert model.imgsz == (320, 320) and model.stride == 32


@pytest.mark.parametrize(("h", "w"), [(576, 768), (360, 640), (640, 640), (300, 500)])
def test_detections_contract_on_any_frame_size(model: OnnxYolo, h: int, w: int) -> None:
    rng = np.random.default_rng(0)
    frame = pavement(rng, w, h)
    stall, alpha = street_stall(rng, min(w, h) // 3)
    frame = paste(frame, stall, alpha, w // 3, h // 3)
    det = model.detect(frame)
    assert det.dtype == np.float32 and det.ndim == 2 and det.shape[1] == 6
    if len(det):
        assert (
            (det[:, 0] >= 0).all()
            and (det[:, 2] <= w).all()
            and (det[:, 1] >= 0).all()
            and (det[:, 3] <= h).all()
        )
        assert (det[:, 2] >= det[:, 0]).all() and (det[:, 4] >= 0.05).all() and set(det[:, 5]) <= {0.0}
    np.testing.assert_array_equal(det, model.detect(frame))  # deterministic
