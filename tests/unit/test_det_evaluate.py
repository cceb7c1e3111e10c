"""Evaluation maths (precision, recall, mAP50, confusion) and the OpenCV-drawn pictures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from detectors.evaluate import (
    average_precision,
    class_folder_samples,
    evaluate_classification,
    evaluate_detections,
    evaluate_detector,
    match_predictions,
    write_report,
)
from detectors.train import YoloSample, collect_samples, read_yolo_labels

NAMES = {0: "stall", 1: "cart"}


def d(*rows: list[float]) -> np.ndarray:
    return np.array(rows, np.float32).reshape(-1, 6)


def test_perfect_predictions() -> None:
    gt = [d([0, 0, 10, 10, 1, 0], [20, 20, 40, 40, 1, 1]), d([5, 5, 15, 15, 1, 0])]
    pred = [d([0, 0, 10, 10, 0.9, 0], [20, 20, 40, 40, 0.8, 1]), d([5, 5, 15, 15, 0.7, 0])]
    ev = evaluate_detections(pred, gt, NAMES)
    assert ev.map50 == pytest.approx(0.995, abs=1e-6)  # as ultralytics: the curve closes at (1, 0)
    assert ev.precision == pytest.approx(1.0) and ev.recall == pytest.approx(1.0)
    assert ev.confusion == [[2, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_false_positive_false_negative_and_class_confusion() -> None:
    gt = [d([0, 0, 10, 10, 1, 0], [50, 50, 60, 60, 1, 0], [20, 20, 40, 40, 1, 1])]
    pred = [d([0, 0, 10, 10, 0.9, 0], [100, 100, 110, 110, 0.8, 0], [20, 20, 40, 40, 0.6, 0])]
    ev = evaluate_detections(pred, gt, NAMES)
    stall = ev.per_class[0]
    # stall: 2 true, 3 predicted, 1 right at the top score → AP between 0.4 and 0.6
    assert stall.n_gt == 2 and stall.n_pred == 3 and 0.4 < stall.ap50 < 0.6
    assert ev.per_class[1].ap50 == 0.0  # the cart was called a stall
    # rows predicted (stall, cart, background), columns true
    assert ev.confusion == [[1, 1, 1], [0, 0, 0], [1, 0, 0]]
    assert "AP50" in ev.text()


def test_precision_and_recall_are_counted_at_the_threshold() -> None:
    """What the confusion matrix shows: of the boxes at or above conf, how many are right; of the true
    boxes, how many got one. Never a value read between two scores of the PR curve."""
    gt = [d([0, 0, 10, 10, 1, 0]), d([50, 50, 60, 60, 1, 0]), d([20, 20, 30, 30, 1, 0])]
    pred = [
        d([0, 0, 10, 10, 0.9, 0]),  # right
        d([80, 80, 90, 90, 0.7, 0], [50, 50, 60, 60, 0.3, 0]),  # wrong, right
        d([20, 20, 30, 30, 0.2, 0]),  # right, but under the threshold
    ]
    ev = evaluate_detections(pred, gt, {0: "stall"}, conf_threshold=0.25)
    assert ev.precision == pytest.approx(2 / 3) and ev.recall == pytest.approx(2 / 3)
    assert ev.confusion == [[2, 1], [1, 0]]
    assert "precision 0.667  recall 0.667" in ev.text()
    low = evaluate_detections(pred, gt, {0: "stall"}, conf_threshold=0.1)
    assert low.precision == pytest.approx(3 / 4) and low.recall == pytest.approx(1.0)
    # Nothing at or above the threshold: nothing right, not a perfect precision.
    none = evaluate_detections(pred, gt, {0: "stall"}, conf_threshold=0.95)
    assert none.precision == 0.0 and none.recall == 0.0


def test_matching_is_one_to_one() -> None:
    gt = d([0, 0, 10, 10, 1, 0])
    pred = d([0, 0, 10, 10, 0.9, 0], [0, 0, 10, 10.5, 0.8, 0])
    assert match_predictions(pred, gt).tolist() == [True, False]


def test_average_precision_of_a_step() -> None:
    ap, _, _ = average_precision(np.array([0.5, 0.5, 1.0]), np.array([1.0, 0.5, 0.66]))
    assert ap == pytest.approx(0.5 + 0.5 * 0.66, abs=0.02)


def test_folder_evaluation_and_report(tmp_path: Path) -> None:
    images, labels = tmp_path / "images", tmp_path / "labels"
    images.mkdir()
    labels.mkdir()
    for i in range(3):
        cv2.imwrite(str(images / f"{i}.png"), np.zeros((100, 200, 3), np.uint8))
        (labels / f"{i}.txt").write_text("0 0.5 0.5 0.2 0.4\n" if i else "")
    samples = collect_samples([images])
    assert [s.label is not None for s in samples] == [True, True, True]
    gt = read_yolo_labels(samples[1].label, 200, 100)
    np.testing.assert_allclose(gt[0, :4], [80, 30, 120, 70])

    def detect(img: np.ndarray) -> np.ndarray:
        return d([80, 30, 120, 70, 0.9, 0])

    seen = []
    ev = evaluate_detector(detect, samples, {0: "stall"}, progress=lambda i, n: seen.append((i, n)))
    assert seen[-1] == (3, 3)
    assert ev.recall == pytest.approx(1.0) and ev.precision == pytest.approx(2 / 3)
    files = write_report(ev, tmp_path / "out", "stall")
    png = cv2.imread(files["pr_curve"])
    assert png is not None and png.shape[0] > 300
    assert cv2.imread(files["confusion"]) is not None
    assert Path(files["json"]).is_file()


def test_classification_evaluation(tmp_path: Path) -> None:
    for c, v in (("overflow", 200), ("normal", 20)):
        (tmp_path / c).mkdir()
        for i in range(2):
            cv2.imwrite(str(tmp_path / c / f"{i}.png"), np.full((8, 8, 3), v, np.uint8))
    samples = class_folder_samples(tmp_path, ["overflow", "normal"])

    def predict(img: np.ndarray) -> tuple[str, float]:
        p = float(img.mean()) / 255
        return ("overflow" if p > 0.5 else "normal"), p

    ev = evaluate_classification(predict, samples, ["overflow", "normal"])
    assert ev.accuracy == 1.0 and ev.confusion == [[2, 0], [0, 2]]
    files = write_report(ev, tmp_path / "out", "bins")
    assert cv2.imread(files["confusion"]) is not None


def test_yolo_samples_find_labels_in_a_separate_folder(tmp_path: Path) -> None:
    (tmp_path / "imgs").mkdir()
    (tmp_path / "lbl").mkdir()
    cv2.imwrite(str(tmp_path / "imgs" / "a.jpg"), np.zeros((4, 4, 3), np.uint8))
    (tmp_path / "lbl" / "a.txt").write_text("")
    (s,) = collect_samples([tmp_path / "imgs"], [tmp_path / "lbl"])
    assert s == YoloSample(tmp_path / "imgs" / "a.jpg", tmp_path / "lbl" / "a.txt")
