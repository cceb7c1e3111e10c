"""The pictures of ``citywall eval``: PR curves (with the rule's operating point marked) and confusion
matrices, drawn with OpenCV (matplotlib is not in the app venv)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

if TYPE_CHECKING:
    from detectors.evaluate import ClassificationEval, DetectionEval

_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]


XY = Callable[[float, float], tuple[int, int]]


def _pr_axes(size: tuple[int, int]) -> tuple[np.ndarray[Any, Any], XY, tuple[int, int, int, int]]:
    """A white chart with recall (x) and precision (y) axes from 0 to 1: the picture, the function
    that maps (recall, precision) to pixels, and the plot box (left, top, right, bottom)."""
    w, h = size
    img = np.full((h, w, 3), 255, np.uint8)
    left, top, right, bottom = 70, 50, w - 20, h - 60
    font = cv2.FONT_HERSHEY_SIMPLEX

    def xy(r: float, p: float) -> tuple[int, int]:
        return int(left + r * (right - left)), int(bottom - p * (bottom - top))

    for v in np.linspace(0, 1, 6):
        cv2.line(img, xy(v, 0), xy(v, 1), (225, 225, 225), 1)
        cv2.line(img, xy(0, v), xy(1, v), (225, 225, 225), 1)
        cv2.putText(
            img, f"{v:.1f}", (xy(v, 0)[0] - 12, bottom + 20), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA
        )
        cv2.putText(img, f"{v:.1f}", (left - 40, xy(0, v)[1] + 5), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    cv2.rectangle(img, (left, top), (right, bottom), (0, 0, 0), 1)
    cv2.putText(img, "Recall", ((left + right) // 2 - 25, h - 18), font, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(img, "Precision", (8, top - 12), font, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
    return img, xy, (left, top, right, bottom)


def _save_png(img: np.ndarray[Any, Any], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img)
    return path


def draw_pr_curve(
    ev: DetectionEval, path: Path, title: str = "Precision-Recall", size: tuple[int, int] = (720, 560)
) -> Path:
    """The PR curve of every class (and the mean) as a PNG."""
    img, xy, (left, top, right, _) = _pr_axes(size)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(img, title, (left + 80, 28), font, 0.65, (0, 0, 0), 1, cv2.LINE_AA)
    legend_y = top + 22
    curves = [c for c in ev.per_class if c.n_gt > 0] or ev.per_class
    for i, c in enumerate(curves):
        col = _COLOURS[i % len(_COLOURS)][::-1]
        pts = np.array([xy(r, p) for r, p in zip(c.recall, c.precision, strict=True)], np.int32)
        cv2.polylines(img, [pts], False, col, 2, cv2.LINE_AA)
        cv2.putText(
            img, f"{c.name} AP50 {c.ap50:.3f}", (right - 260, legend_y), font, 0.5, col, 1, cv2.LINE_AA
        )
        legend_y += 22
    if len(curves) > 1:
        mean_p = np.mean([c.precision for c in curves], axis=0)
        pts = np.array([xy(r, p) for r, p in zip(curves[0].recall, mean_p, strict=True)], np.int32)
        cv2.polylines(img, [pts], False, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(
        img,
        f"all classes mAP50 {ev.map50:.3f}",
        (right - 260, legend_y),
        font,
        0.5,
        (0, 0, 0),
        1,
        cv2.LINE_AA,
    )
    if ev.operating is not None:
        op = ev.operating
        label = op.setting.rsplit(".", 1)[-1]
        _mark_operating_point(img, xy, op.threshold, op.precision, op.recall, label)
    return _save_png(img, path)


def _mark_operating_point(
    img: np.ndarray[Any, Any], xy: XY, threshold: float, precision: float, recall: float, label: str
) -> None:
    """A red ring where the rule's threshold puts precision and recall, with its label."""
    x, y = xy(recall, precision)
    cv2.circle(img, (x, y), 7, (0, 0, 220), 2, cv2.LINE_AA)
    text = f"{label} {threshold:.2f}: P {precision:.2f} R {recall:.2f}"
    tx = min(x + 10, img.shape[1] - 8 * len(text))
    ty = y - 10 if y > 70 else y + 22
    cv2.putText(img, text, (max(4, tx), ty), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 220), 1, cv2.LINE_AA)


def draw_score_pr_curve(
    scores: Sequence[float],
    truth: Sequence[bool],
    path: Path,
    title: str,
    operating: tuple[float, float, float] | None = None,
    size: tuple[int, int] = (720, 560),
    label: str = "threshold",
) -> Path:
    """Precision against recall as a threshold on ``scores`` sweeps (``truth``: positive or not);
    ``operating`` (threshold, precision, recall) is marked."""
    s = np.asarray(scores, np.float64)
    t = np.asarray(truth, bool)
    order = np.argsort(-s, kind="stable")
    tp = np.cumsum(t[order])
    fp = np.cumsum(~t[order])
    recall = tp / max(1, int(t.sum()))
    precision = tp / np.maximum(tp + fp, 1)
    img, xy, (left, _, _, _) = _pr_axes(size)
    if len(s):
        points = np.array(
            [xy(0.0, 1.0)] + [xy(r, p) for r, p in zip(recall, precision, strict=True)], np.int32
        )
        cv2.polylines(img, [points], False, (180, 119, 31), 2, cv2.LINE_AA)
    if operating is not None:
        _mark_operating_point(img, xy, *operating, label)
    cv2.putText(img, title, (left + 80, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return _save_png(img, path)


def draw_classifier_pr_curve(ev: ClassificationEval, path: Path, size: tuple[int, int] = (720, 560)) -> Path:
    """Precision against recall of the first class as the threshold on its score sweeps."""
    positive = ev.classes[0]
    op = ev.operating
    return draw_score_pr_curve(
        list(ev.scores.values()),
        [Path(f).parent.name == positive for f in ev.scores],
        path,
        f"bin classifier: '{positive}' precision-recall, accuracy {ev.accuracy:.3f} (n={ev.n})",
        None if op is None else (op.threshold, op.precision, op.recall),
        size,
        "rule" if op is None else op.setting.rsplit(".", 1)[-1],
    )


def draw_confusion(
    matrix: Sequence[Sequence[int]],
    labels: Sequence[str],
    path: Path,
    rows: str = "predicted",
    cols: str = "true",
) -> Path:
    m = np.asarray(matrix, np.float64)
    n = len(labels)
    cell = 90
    left, top = 150, 90
    img = np.full((top + n * cell + 30, left + n * cell + 30, 3), 255, np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    col_tot = np.maximum(m.sum(axis=0, keepdims=True), 1)
    for i in range(n):
        for j in range(n):
            v = m[i, j] / col_tot[0, j]
            shade = int(255 - 200 * v)
            x, y = left + j * cell, top + i * cell
            cv2.rectangle(img, (x, y), (x + cell, y + cell), (255, shade, shade), -1)
            cv2.rectangle(img, (x, y), (x + cell, y + cell), (180, 180, 180), 1)
            cv2.putText(img, f"{int(m[i, j])}", (x + 30, y + 52), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(img, labels[i][:14], (8, top + i * cell + 52), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(
            img, labels[i][:11], (left + i * cell + 4, top - 10), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA
        )
    cv2.putText(img, f"rows: {rows}, columns: {cols}", (8, 30), font, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
    return _save_png(img, path)
