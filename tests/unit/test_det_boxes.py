"""Letterbox, its inverse, IoU, NMS and YOLO head decoding."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from detectors.boxes import box_iou, decode_end2end, decode_yolo, letterbox, nms, unletterbox, xywh_to_xyxy
from detectors.types import as_detections, empty_detections


def reference_letterbox_params(h: int, w: int, nh: int, nw: int) -> tuple[int, int, int, int, int, int]:
    """Ultralytics' LetterBox(auto=False, center=True) arithmetic, written out independently."""
    r = min(nh / h, nw / w)
    uw, uh = max(round(w * r), 1), max(round(h * r), 1)
    dw, dh = (nw - uw) / 2, (nh - uh) / 2
    return uw, uh, round(dw - 0.1), round(dw + 0.1), round(dh - 0.1), round(dh + 0.1)


@pytest.mark.parametrize(
    ("h", "w"), [(576, 768), (432, 768), (1080, 1920), (640, 640), (333, 517), (700, 300)]
)
@pytest.mark.parametrize("size", [(320, 320), (192, 320), (640, 640)])
def test_letterbox_matches_ultralytics_arithmetic(h: int, w: int, size: tuple[int, int]) -> None:
    img = np.random.default_rng(0).integers(0, 255, (h, w, 3), np.uint8)
    out, lb = letterbox(img, size)
    assert out.shape == (*size, 3)
    uw, uh, left, right, top, bottom = reference_letterbox_params(h, w, *size)
    assert (lb.pad_x, lb.pad_y) == (left, top)
    assert left + uw + right == size[1] and top + uh + bottom == size[0]
    assert lb.gain_x == pytest.approx(uw / w) and lb.gain_y == pytest.approx(uh / h)
    # padding is grey 114, content is the resized image
    if top:
        assert (out[:top] == 114).all()
    if left:
        assert (out[:, :left] == 114).all()


def test_unletterbox_inverts_the_mapping() -> None:
    img = np.zeros((576, 768, 3), np.uint8)
    _, lb = letterbox(img, (320, 320))
    src = np.array([[100, 50, 300, 400], [0, 0, 768, 576]], np.float32)
    model = np.empty_like(src)
    model[:, [0, 2]] = src[:, [0, 2]] * lb.gain_x + lb.pad_x
    model[:, [1, 3]] = src[:, [1, 3]] * lb.gain_y + lb.pad_y
    back = unletterbox(model, lb)
    np.testing.assert_allclose(back, src, atol=1e-3)
    # boxes in the padding are clipped to the image
    outside = unletterbox(np.array([[-50, -50, 1000, 1000]], np.float32), lb)
    np.testing.assert_allclose(outside, [[0, 0, 768, 576]])


def test_box_iou_known_values() -> None:
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30], [0, 0, 5, 5]], np.float32)
    np.testing.assert_allclose(box_iou(a, b)[0], [1.0, 50 / 150, 0.0, 0.25], rtol=1e-6)
    assert box_iou(np.zeros((0, 4)), b).shape == (0, 4)


def brute_force_nms(boxes: np.ndarray, scores: np.ndarray, thr: float) -> list[int]:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep: list[int] = []
    for i in order:
        if all(box_iou(boxes[i : i + 1], boxes[j : j + 1])[0, 0] <= thr for j in keep):
            keep.append(i)
    return keep


def test_nms_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        xy = rng.uniform(0, 100, (30, 2))
        wh = rng.uniform(5, 40, (30, 2))
        boxes = np.concatenate([xy, xy + wh], axis=1).astype(np.float32)
        scores = rng.uniform(0, 1, 30).astype(np.float32)
        for thr in (0.3, 0.5, 0.7):
            assert nms(boxes, scores, thr).tolist() == brute_force_nms(boxes, scores, thr)


def raw_head(boxes_xywh: list[list[float]], class_scores: list[list[float]]) -> np.ndarray:
    """A (1, 4 + nc, anchors) YOLO output, as the ONNX export produces."""
    b = np.asarray(boxes_xywh, np.float32).T
    s = np.asarray(class_scores, np.float32).T
    return np.concatenate([b, s])[None]


def test_decode_yolo_filters_and_suppresses_per_class() -> None:
    raw = raw_head(
        [[50, 50, 20, 20], [51, 51, 20, 20], [51, 51, 20, 20], [150, 150, 10, 10]],
        [[0.9, 0.0], [0.8, 0.1], [0.1, 0.7], [0.2, 0.1]],
    )
    det = decode_yolo(raw, conf=0.25, iou=0.5)
    # anchor 1 is suppressed by anchor 0 (same class), anchor 2 (class 1) survives, anchor 3 is below conf
    assert det.shape == (2, 6) and det.dtype == np.float32
    np.testing.assert_allclose(det[0], [40, 40, 60, 60, 0.9, 0], atol=1e-5)
    np.testing.assert_allclose(det[1], [41, 41, 61, 61, 0.7, 1], atol=1e-5)
    agnostic = decode_yolo(raw, conf=0.25, iou=0.5, agnostic=True)
    assert len(agnostic) == 1
    only_1 = decode_yolo(raw, conf=0.25, iou=0.5, classes=[1])
    assert only_1[:, 5].tolist() == [1.0]
    assert decode_yolo(raw, conf=0.95, iou=0.5).shape == (0, 6)


def test_decode_end2end() -> None:
    raw = np.array([[[1, 2, 3, 4, 0.9, 2], [1, 2, 3, 4, 0.1, 0]]], np.float32)
    det = decode_end2end(raw, conf=0.25)
    assert det.tolist() == [[1, 2, 3, 4, pytest.approx(0.9), 2]]


def test_xywh_to_xyxy_and_detection_contract() -> None:
    np.testing.assert_allclose(xywh_to_xyxy(np.array([[10, 10, 4, 6]], np.float32)), [[8, 7, 12, 13]])
    assert empty_detections().shape == (0, 6)
    with pytest.raises(ValueError, match=r"\(N, 6\)"):
        as_detections(np.zeros((3, 5)))
    assert as_detections([]).shape == (0, 6)
    for n in itertools.islice(itertools.count(1), 3):
        assert as_detections(np.ones((n, 6), np.float64)).dtype == np.float32
