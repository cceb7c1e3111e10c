"""Box maths shared by the model backends and the evaluator: letterbox, rescale, IoU, NMS.

The letterbox and its inverse follow the ultralytics conventions exactly (centred padding with value
114, per-axis gains after rounding each side, the ``round(d ∓ 0.1)`` split of odd padding), so that
our ONNX backend gives the boxes ultralytics' own predictor gives on the same image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from detectors.types import Detections, Frame, as_detections, empty_detections

FloatArray = npt.NDArray[np.float32]
PAD_VALUE = 114
MAX_WH = 7680.0  # class offset for class-wise NMS in one pass (as ultralytics)


@dataclass(frozen=True, slots=True)
class Letterbox:
    """How a frame was fitted into the model input: scale per axis, then padding (left, top)."""

    gain_x: float
    gain_y: float
    pad_x: int
    pad_y: int
    src_w: int
    src_h: int


def letterbox(
    frame: Frame, new_shape: tuple[int, int], pad_value: int = PAD_VALUE, scaleup: bool = True
) -> tuple[Frame, Letterbox]:
    """Resize ``frame`` keeping its aspect ratio into ``new_shape`` = (height, width), padding the rest."""
    h, w = frame.shape[:2]
    nh, nw = new_shape
    r = min(nh / h, nw / w)
    if not scaleup:
        r = min(r, 1.0)
    unpad_w, unpad_h = max(round(w * r), 1), max(round(h * r), 1)
    dw, dh = (nw - unpad_w) / 2.0, (nh - unpad_h) / 2.0
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    img = frame
    if (w, h) != (unpad_w, unpad_h):
        img = cv2.resize(frame, (unpad_w, unpad_h), interpolation=cv2.INTER_LINEAR)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad_value,) * 3)
    return img, Letterbox(unpad_w / w, unpad_h / h, left, top, w, h)


def unletterbox(boxes_xyxy: FloatArray, lb: Letterbox) -> FloatArray:
    """Model-input xyxy boxes → source pixel xyxy boxes, clipped to the source image."""
    b = np.asarray(boxes_xyxy, np.float32).reshape(-1, 4).copy()
    b[:, [0, 2]] = (b[:, [0, 2]] - lb.pad_x) / lb.gain_x
    b[:, [1, 3]] = (b[:, [1, 3]] - lb.pad_y) / lb.gain_y
    b[:, [0, 2]] = b[:, [0, 2]].clip(0, lb.src_w)
    b[:, [1, 3]] = b[:, [1, 3]].clip(0, lb.src_h)
    return b


def xywh_to_xyxy(xywh: FloatArray) -> FloatArray:
    b = np.asarray(xywh, np.float32).reshape(-1, 4)
    out = np.empty_like(b)
    half_w, half_h = b[:, 2] / 2, b[:, 3] / 2
    out[:, 0] = b[:, 0] - half_w
    out[:, 1] = b[:, 1] - half_h
    out[:, 2] = b[:, 0] + half_w
    out[:, 3] = b[:, 1] + half_h
    return out


def box_iou(a: npt.ArrayLike, b: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Pairwise IoU of ``(N, ≥4)`` and ``(M, ≥4)`` xyxy boxes → ``(N, M)``."""
    x = np.asarray(a, np.float64).reshape(-1, np.shape(a)[-1] if np.ndim(a) == 2 else 4)[:, :4]
    y = np.asarray(b, np.float64).reshape(-1, np.shape(b)[-1] if np.ndim(b) == 2 else 4)[:, :4]
    if len(x) == 0 or len(y) == 0:
        return np.zeros((len(x), len(y)))
    lt = np.maximum(x[:, None, :2], y[None, :, :2])
    rb = np.minimum(x[:, None, 2:], y[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_x = np.prod(np.clip(x[:, 2:] - x[:, :2], 0, None), axis=1)
    area_y = np.prod(np.clip(y[:, 2:] - y[:, :2], 0, None), axis=1)
    union = area_x[:, None] + area_y[None, :] - inter
    out: npt.NDArray[np.float64] = np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)
    return out


def nms(boxes: npt.ArrayLike, scores: npt.ArrayLike, iou_threshold: float) -> npt.NDArray[np.intp]:
    """Greedy NMS as torchvision.ops.nms: indices kept, by decreasing score; suppress IoU > threshold."""
    b = np.asarray(boxes, np.float32).reshape(-1, 4)
    s = np.asarray(scores, np.float32).reshape(-1)
    order = np.argsort(-s, kind="stable")
    keep: list[int] = []
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        if not rest.size:
            break
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        iou = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = rest[iou <= iou_threshold]
    return np.asarray(keep, np.intp)


def decode_yolo(
    output: FloatArray,
    conf: float,
    iou: float,
    max_det: int = 300,
    classes: list[int] | None = None,
    agnostic: bool = False,
    max_nms: int = 30000,
) -> Detections:
    """One image's raw YOLO head (``(4 + nc, anchors)``, xywh + class scores, model-input pixels)
    → ``(N, 6)`` detections in model-input pixels after confidence filter and class-wise NMS."""
    pred = np.asarray(output, np.float32)
    if pred.ndim == 3:
        pred = pred[0]
    nc = pred.shape[0] - 4
    if nc < 1:
        raise ValueError(f"YOLO output with {pred.shape[0]} rows has no class scores")
    scores_all = pred[4 : 4 + nc]
    best = scores_all.max(axis=0)
    cand = best > conf
    if not cand.any():
        return empty_detections()
    cls_scores = scores_all[:, cand]
    j = cls_scores.argmax(axis=0)
    score = cls_scores[j, np.arange(cls_scores.shape[1])]
    boxes = xywh_to_xyxy(pred[:4, cand].T)
    det = np.concatenate([boxes, score[:, None], j[:, None].astype(np.float32)], axis=1)
    if classes is not None:
        det = det[np.isin(det[:, 5], np.asarray(classes, np.float32))]
    if len(det) > max_nms:
        det = det[np.argsort(-det[:, 4], kind="stable")[:max_nms]]
    offset = det[:, 5:6] * (0.0 if agnostic else MAX_WH)
    keep = nms(det[:, :4] + offset, det[:, 4], iou)[:max_det]
    return as_detections(det[keep])


def decode_end2end(
    output: FloatArray, conf: float, max_det: int = 300, classes: list[int] | None = None
) -> Detections:
    """An NMS-free head (``(K, 6)`` xyxy, score, class in model-input pixels) → filtered detections."""
    pred = np.asarray(output, np.float32)
    if pred.ndim == 3:
        pred = pred[0]
    det = pred[pred[:, 4] > conf]
    if classes is not None:
        det = det[np.isin(det[:, 5], np.asarray(classes, np.float32))]
    return as_detections(det[:max_det])
