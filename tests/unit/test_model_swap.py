"""The worker's background load of a changed model file (real ONNX files, no worker around it)."""

from __future__ import annotations

from pathlib import Path

from app.services.detection.model_swap import LoadedModel, ModelLoader
from app.services.detection.protocol import ModelChanged
from detectors.backends.onnx_yolo import MODELS_DIR, OnnxYolo
from tests.waiting import wait_until

SHIPPED = MODELS_DIR / "vending_yolo.onnx"


def test_only_the_latest_of_two_quick_swaps_is_handed_over_and_a_bad_file_says_why(tmp_path: Path) -> None:
    first, second = tmp_path / "first.onnx", tmp_path / "second.onnx"
    for path in (first, second):
        path.write_bytes(SHIPPED.read_bytes())
    loader = ModelLoader()
    got: list[LoadedModel] = []

    def handed_over() -> bool:
        got.extend(loader.finished())
        return bool(got)

    options = {"model": "ignored.onnx", "conf": 0.2}
    loader.load(ModelChanged("onnx_yolo", str(first), "1"), options)
    loader.load(ModelChanged("onnx_yolo", str(second), "2"), options)  # overtakes the first
    wait_until(handed_over, 30, "the second model loaded")
    (loaded,) = got
    assert loaded.request.path == str(second) and loaded.error == "" and loaded.seconds > 0
    detector = loaded.detector
    assert isinstance(detector, OnnxYolo) and detector.path == second and detector.options.conf == 0.2
    assert loaded.answer(True).ok and loaded.answer(True).sha256 == "2"

    bad = tmp_path / "bad.onnx"
    bad.write_bytes(SHIPPED.read_bytes()[:1000])  # cut short
    loader.load(ModelChanged("onnx_yolo", str(bad), "3"), options)
    got.clear()
    wait_until(handed_over, 30, "the bad model tried")
    (refused,) = got
    assert refused.detector is None and "onnx_yolo" in refused.error and "failed to start" in refused.error
    answer = refused.answer(False)
    assert not answer.ok and answer.detail == refused.error and answer.path == str(bad)
    loader.close()
    detector.close()
