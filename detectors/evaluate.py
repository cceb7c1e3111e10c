"""Evaluation for ``citywall eval``: a detector (or a rule) on labelled folders → numbers and pictures.

* Boxes (YOLO-format labels): precision and recall counted at the report threshold (the boxes the
  confusion matrix counts), mAP50 (ultralytics' 101-point interpolation, so the numbers compare
  with ``yolo val``), per-class AP, a confusion matrix with a background row and
  column, and a PR curve drawn with OpenCV (matplotlib is not in the app venv).
* Class folders (``root/<class>/*.jpg``): accuracy, per-class precision/recall, confusion matrix —
  for image-level rules such as the bin classifier.

Every evaluator takes a ``progress(done, total)`` callback and never touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from detectors.boxes import box_iou
from detectors.eval_charts import draw_classifier_pr_curve as draw_classifier_pr_curve
from detectors.eval_charts import draw_confusion as draw_confusion
from detectors.eval_charts import draw_pr_curve as draw_pr_curve
from detectors.train import IMAGE_SUFFIXES, YoloSample, read_yolo_labels
from detectors.types import Detections, Frame, as_detections

Progress = Callable[[int, int], None]
F64 = npt.NDArray[np.float64]


# --- detection metrics --------------------------------------------------------------------------


def match_predictions(pred: Detections, gt: Detections, iou_threshold: float = 0.5) -> npt.NDArray[np.bool_]:
    """True per prediction that matches a same-class ground-truth box (IoU ≥ threshold, one-to-one).

    Greedy by confidence, as COCO: the most confident prediction takes its best-overlapping free box.
    (ultralytics' ``yolo val`` ends up with the same assignment; picking pairs by highest IoU instead
    can hand a box to a less confident prediction and lowers AP.)"""
    tp = np.zeros(len(pred), bool)
    if len(pred) == 0 or len(gt) == 0:
        return tp
    iou = box_iou(pred[:, :4], gt[:, :4])  # (P, G)
    iou[pred[:, 5][:, None] != gt[:, 5][None, :]] = 0.0
    taken = np.zeros(len(gt), bool)
    for i in np.argsort(-pred[:, 4], kind="stable"):
        cand = np.where(taken, -1.0, iou[i])
        j = int(cand.argmax())
        if cand[j] >= iou_threshold - 1e-9:
            taken[j] = True
            tp[i] = True
    return tp


def average_precision(recall: F64, precision: F64) -> tuple[float, F64, F64]:
    """AP by 101-point interpolation of the precision envelope → (ap, envelope recall, envelope precision).

    As in ultralytics, the curve is closed at recall 1 with precision 0, so a perfect detector scores
    0.995, not 1: numbers compare with ``yolo val``."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([1.0], precision, [0.0]))
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    x = np.linspace(0, 1, 101)
    y = np.interp(x, mrec, mpre)
    ap = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0))  # trapezoid rule (numpy 1.26 and 2.x)
    return ap, mrec, mpre


@dataclass
class ClassCurve:
    name: str
    ap50: float
    n_gt: int
    n_pred: int
    recall: list[float]  # on the 101-point grid below
    precision: list[float]


@dataclass
class OperatingPoint:
    """The figures at the threshold a rule really applies (not the report's ``--conf``)."""

    setting: str  # where the threshold lives, e.g. detection.rules.vending.min_score
    source: str  # "default" or the site file it came from
    threshold: float
    precision: float
    recall: float
    confusion: list[list[int]]
    accuracy: float | None = None  # image-level rules

    def text(self) -> str:
        where = "its default" if self.source == "default" else self.source
        acc = f"accuracy {self.accuracy:.3f}  " if self.accuracy is not None else ""
        return (
            f"at the rule's threshold ({self.setting} {self.threshold:.2f}, {where}): "
            f"{acc}precision {self.precision:.3f}  recall {self.recall:.3f}"
        )


@dataclass
class DetectionEval:
    names: dict[int, str]
    images: int
    instances: int
    iou_threshold: float
    conf_threshold: float  # where precision/recall (counted) and the confusion matrix are taken
    precision: float
    recall: float
    map50: float
    best_f1: float
    best_f1_conf: float
    per_class: list[ClassCurve]
    confusion: list[list[int]]  # [pred class or background][true class or background]
    files: dict[str, str] = field(default_factory=dict)
    operating: OperatingPoint | None = None

    def summary(self) -> dict[str, Any]:
        d = asdict(self)
        for c in d["per_class"]:
            c.pop("recall")
            c.pop("precision")
        return d

    def text(self) -> str:
        lines = [
            f"images {self.images}, instances {self.instances}, "
            f"IoU {self.iou_threshold}, conf {self.conf_threshold}",
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  mAP50 {self.map50:.3f}  "
            f"(best F1 {self.best_f1:.3f} at conf {self.best_f1_conf:.2f})",
        ]
        lines += [
            f"  {c.name}: AP50 {c.ap50:.3f} ({c.n_gt} true, {c.n_pred} predicted)" for c in self.per_class
        ]
        labels = [*self.names.values(), "background"]
        lines.append("confusion (rows predicted, columns true): " + ", ".join(labels))
        lines += ["  " + " ".join(f"{v:5d}" for v in row) for row in self.confusion]
        if self.operating is not None:
            lines.append(self.operating.text())
            lines += ["  " + " ".join(f"{v:5d}" for v in row) for row in self.operating.confusion]
        return "\n".join(lines)


def evaluate_detections(
    preds: Sequence[Detections],
    gts: Sequence[Detections],
    names: Mapping[int, str],
    iou_threshold: float = 0.5,
    conf_threshold: float = 0.25,
) -> DetectionEval:
    """Metrics from per-image predictions and ground truth (both ``(N, 6)``, same pixel frame)."""
    nc = max(
        [
            len(names),
            *[int(g[:, 5].max()) + 1 for g in gts if len(g)],
            *[int(p[:, 5].max()) + 1 for p in preds if len(p)],
        ]
    )
    names = {i: names.get(i, str(i)) for i in range(nc)}
    confs, classes, tps = [], [], []
    confusion = np.zeros((nc + 1, nc + 1), np.int64)
    for p, g in zip(preds, gts, strict=True):
        p, g = as_detections(p), as_detections(g)
        tp = match_predictions(p, g, iou_threshold)
        confs.append(p[:, 4])
        classes.append(p[:, 5])
        tps.append(tp)
        # confusion at conf_threshold: class-agnostic matching, so that class mix-ups show
        pk = p[p[:, 4] >= conf_threshold]
        matched_p, matched_g = set(), set()
        if len(pk) and len(g):
            iou = box_iou(g[:, :4], pk[:, :4])
            for gi, pi in sorted(
                zip(*np.nonzero(iou >= iou_threshold), strict=True), key=lambda ij: -iou[ij[0], ij[1]]
            ):
                if gi in matched_g or pi in matched_p:
                    continue
                matched_g.add(gi)
                matched_p.add(pi)
                confusion[int(pk[pi, 5]), int(g[gi, 5])] += 1
        for gi in range(len(g)):
            if gi not in matched_g:
                confusion[nc, int(g[gi, 5])] += 1
        for pi in range(len(pk)):
            if pi not in matched_p:
                confusion[int(pk[pi, 5]), nc] += 1
    conf = np.concatenate(confs) if confs else np.zeros(0)
    cls = np.concatenate(classes) if classes else np.zeros(0)
    tp_all = np.concatenate(tps) if tps else np.zeros(0, bool)
    gt_cls = np.concatenate([g[:, 5] for g in gts]) if gts else np.zeros(0)
    grid = np.linspace(0, 1, 101)  # confidence grid for P/R/F1 curves
    per_class: list[ClassCurve] = []
    p_at, r_at, f1_curves = [], [], []
    for c in range(nc):
        m = cls == c
        n_gt = int((gt_cls == c).sum())
        # At the report threshold P and R are counted, not read off the interpolated curves: with few
        # boxes the curves' value between two scores is neither, and it disagreed with the confusion.
        kept = conf[m] >= conf_threshold
        hits = int(tp_all[m][kept].sum())
        p_at.append(hits / int(kept.sum()) if kept.any() else 0.0)
        r_at.append(hits / n_gt if n_gt else 0.0)
        order = np.argsort(-conf[m], kind="stable")
        tpc = np.cumsum(tp_all[m][order])
        fpc = np.cumsum(~tp_all[m][order])
        rec = tpc / max(n_gt, 1)
        prec = tpc / np.maximum(tpc + fpc, 1)
        if n_gt and m.any():
            ap, mrec, mpre = average_precision(rec, prec)
        else:  # nothing to find, or nothing found: AP 0 (as ultralytics)
            ap, mrec, mpre = 0.0, np.array([0.0, 1.0]), np.zeros(2)
        sc = conf[m][order]
        # P and R as functions of the confidence threshold (interpolated, like ultralytics)
        if len(sc):
            r_curve = np.interp(-grid, -sc, rec, left=0)
            p_curve = np.interp(-grid, -sc, prec, left=1)
        else:
            r_curve, p_curve = np.zeros_like(grid), np.ones_like(grid)
        f1_curves.append(2 * p_curve * r_curve / np.maximum(p_curve + r_curve, 1e-16))
        env_p = np.interp(grid, mrec, mpre)
        per_class.append(
            ClassCurve(
                names[c], round(ap, 5), n_gt, int(m.sum()), grid.round(3).tolist(), env_p.round(5).tolist()
            )
        )
    present = [i for i, c in enumerate(per_class) if c.n_gt > 0] or list(range(nc))
    f1_mean = np.mean([f1_curves[i] for i in present], axis=0) if present else np.zeros_like(grid)
    best = int(np.argmax(f1_mean))
    return DetectionEval(
        names=dict(names),
        images=len(gts),
        instances=len(gt_cls),
        iou_threshold=iou_threshold,
        conf_threshold=conf_threshold,
        precision=float(np.mean([p_at[i] for i in present])) if present else 0.0,
        recall=float(np.mean([r_at[i] for i in present])) if present else 0.0,
        map50=float(np.mean([per_class[i].ap50 for i in present])) if present else 0.0,
        best_f1=float(f1_mean[best]),
        best_f1_conf=float(grid[best]),
        per_class=per_class,
        confusion=confusion.tolist(),
    )


def evaluate_detector(
    detect: Callable[[Frame], Detections],
    samples: Sequence[YoloSample],
    names: Mapping[int, str],
    iou_threshold: float = 0.5,
    conf_threshold: float = 0.25,
    progress: Progress | None = None,
    rule: tuple[str, str, float] | None = None,
) -> DetectionEval:
    """Run ``detect`` (e.g. ``OnnxYolo(...).detect`` with a low ``conf`` such as 0.001) on every image.

    ``rule``: (setting, source, threshold) of the rule that uses the detector: the figures at that
    threshold are added as the evaluation's :class:`OperatingPoint`."""
    preds, gts = [], []
    for i, s in enumerate(samples):
        img = cv2.imread(str(s.image), cv2.IMREAD_COLOR)
        if img is None:
            raise OSError(f"cannot read {s.image}")
        preds.append(as_detections(detect(img)))
        gts.append(read_yolo_labels(s.label, img.shape[1], img.shape[0]))
        if progress:
            progress(i + 1, len(samples))
    ev = evaluate_detections(preds, gts, names, iou_threshold, conf_threshold)
    if rule is not None:
        setting, source, threshold = rule
        at = evaluate_detections(preds, gts, names, iou_threshold, threshold)
        ev.operating = OperatingPoint(setting, source, threshold, at.precision, at.recall, at.confusion)
    return ev


# --- image-level (class folders) ----------------------------------------------------------------


@dataclass
class ClassificationEval:
    classes: list[str]
    n: int
    accuracy: float
    precision: dict[str, float]
    recall: dict[str, float]
    confusion: list[list[int]]  # [true][predicted]
    scores: dict[str, float] = field(default_factory=dict)  # file → score, when the rule gives one
    files: dict[str, str] = field(default_factory=dict)
    operating: OperatingPoint | None = None  # the threshold the figures are taken at, and whose

    def text(self) -> str:
        lines = [f"images {self.n}, accuracy {self.accuracy:.3f}"]
        if self.operating is not None:
            lines.append(self.operating.text())
        lines += [
            f"  {c}: precision {self.precision[c]:.3f}  recall {self.recall[c]:.3f}" for c in self.classes
        ]
        lines.append("confusion (rows true, columns predicted): " + ", ".join(self.classes))
        lines += ["  " + " ".join(f"{v:5d}" for v in row) for row in self.confusion]
        return "\n".join(lines)


def class_folder_samples(root: Path, classes: Sequence[str] | None = None) -> list[tuple[Path, str]]:
    """``root/<class>/*.jpg`` → (path, class); ``classes`` picks and orders the folders."""
    root = Path(root)
    folders = list(classes) if classes else sorted(p.name for p in root.iterdir() if p.is_dir())
    out = []
    for c in folders:
        for p in sorted((root / c).glob("*")):
            if p.suffix.lower() in IMAGE_SUFFIXES:
                out.append((p, c))
    return out


def evaluate_classification(
    predict: Callable[[Frame], tuple[str, float]],
    samples: Sequence[tuple[Path, str]],
    classes: Sequence[str],
    progress: Progress | None = None,
) -> ClassificationEval:
    """``predict(image) → (class, score)`` on every (path, true class) → accuracy and confusion."""
    idx = {c: i for i, c in enumerate(classes)}
    cm = np.zeros((len(classes), len(classes)), np.int64)
    scores: dict[str, float] = {}
    for i, (path, true) in enumerate(samples):
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if img is None:
            raise OSError(f"cannot read {path}")
        pred, score = predict(img)
        cm[idx[true], idx[pred]] += 1
        scores[str(path)] = float(score)
        if progress:
            progress(i + 1, len(samples))
    n = int(cm.sum())
    prec = {c: float(cm[i, i] / max(1, cm[:, i].sum())) for c, i in idx.items()}
    rec = {c: float(cm[i, i] / max(1, cm[i, :].sum())) for c, i in idx.items()}
    return ClassificationEval(
        list(classes), n, float(np.trace(cm) / max(1, n)), prec, rec, cm.tolist(), scores
    )


def write_report(
    result: DetectionEval | ClassificationEval, out_dir: Path, name: str = "eval"
) -> dict[str, str]:
    """JSON + pictures into ``out_dir``; returns {kind: path} (also stored in ``result.files``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    if isinstance(result, DetectionEval):
        files["pr_curve"] = str(
            draw_pr_curve(result, out / f"{name}_pr_curve.png", f"{name}: precision-recall")
        )
        files["confusion"] = str(
            draw_confusion(
                result.confusion, [*result.names.values(), "background"], out / f"{name}_confusion.png"
            )
        )
        data: dict[str, Any] = result.summary()
    else:
        files["confusion"] = str(
            draw_confusion(
                result.confusion, result.classes, out / f"{name}_confusion.png", "true", "predicted"
            )
        )
        if result.scores:
            files["pr_curve"] = str(draw_classifier_pr_curve(result, out / f"{name}_pr_curve.png"))
        data = asdict(result)
    result.files = files
    data["files"] = files
    (out / f"{name}.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    files["json"] = str(out / f"{name}.json")
    return files


# --- what `citywall eval` calls ----------------------------------------------------------------


class NoLabels(FileNotFoundError):
    """Not one image of a YOLO folder has a label file; ``places`` says where they were looked for."""

    def __init__(self, images: int, places: Sequence[str]) -> None:
        self.images, self.places = images, list(places)
        super().__init__(f"none of the {images} images has a label file; looked in: " + "; ".join(places))


def label_places(
    image_dirs: Sequence[Path], label_dirs: Sequence[Path], samples: Sequence[YoloSample]
) -> list[str]:
    """Where :func:`detectors.train.find_label` looks for the label files of ``samples``."""
    places = [f"{Path(d)}/ (given with --labels)" for d in label_dirs]
    places += [f"{Path(d)}/ and its subfolders, beside each image (NAME.txt)" for d in image_dirs]
    trees: list[str] = []
    for s in samples:
        parts = list(s.image.parts)
        if "images" in parts:
            i = len(parts) - 1 - parts[::-1].index("images")
            tree = f"{Path(*parts[:i], 'labels')}/ (the labels/ tree beside images/)"
            if tree not in trees:
                trees.append(tree)
    return places + trees


def evaluate_yolo_folders(
    model: Path,
    image_dirs: Sequence[Path],
    label_dirs: Sequence[Path] = (),
    out_dir: Path | None = None,
    *,
    conf: float = 0.001,
    iou_threshold: float = 0.5,
    report_conf: float = 0.25,
    progress: Progress | None = None,
    rule: tuple[str, str, float] | None = None,
) -> DetectionEval:
    """An ONNX YOLO model on YOLO-format folders (labels beside the images, in ``label_dirs`` or in a
    sibling ``labels/`` tree; an image without a label file has no objects) → metrics, and with
    ``out_dir`` a JSON report, PR curve and confusion matrix PNGs. :class:`NoLabels` when not one
    image has a label file (an unlabelled folder would score 0 everywhere and say nothing)."""
    from detectors.backends.onnx_yolo import OnnxYolo, OnnxYoloOptions
    from detectors.train import collect_samples

    samples = collect_samples(image_dirs, label_dirs)
    if not samples:
        raise FileNotFoundError(f"no images under {', '.join(map(str, image_dirs))}")
    if not any(s.label is not None for s in samples):
        raise NoLabels(len(samples), label_places(image_dirs, label_dirs, samples))
    det = OnnxYolo(OnnxYoloOptions(model=Path(model).resolve(), conf=conf))
    ev = evaluate_detector(det.detect, samples, det.class_names, iou_threshold, report_conf, progress, rule)
    if out_dir is not None:
        write_report(ev, out_dir, Path(model).stem)
    return ev


def evaluate_bin_classifier(
    root: Path,
    classifier: Path | None = None,
    out_dir: Path | None = None,
    *,
    threshold: float = 0.5,
    classes: tuple[str, str] = ("overflow", "normal"),
    progress: Progress | None = None,
    source: str = "default",
) -> ClassificationEval:
    """The bin classifier on class folders ``root/overflow`` and ``root/normal`` (whole images taken
    as the bin's context crop) → accuracy and confusion matrix."""
    from detectors.bins import DEFAULT_CLASSIFIER, BinClassifier

    clf = BinClassifier.load(classifier or DEFAULT_CLASSIFIER)

    def predict(img: Frame) -> tuple[str, float]:
        p = float(clf.predict_proba(img)[0])
        return (classes[0] if p >= threshold else classes[1]), p

    ev = evaluate_classification(predict, class_folder_samples(root, list(classes)), list(classes), progress)
    # Without a clean reference the monitor's score is the classifier's: the rule compares it
    # with bins.threshold, so that is the operating point.
    ev.operating = OperatingPoint(
        "detection.rules.bins.threshold",
        source,
        threshold,
        ev.precision[classes[0]],
        ev.recall[classes[0]],
        ev.confusion,
        ev.accuracy,
    )
    if out_dir is not None:
        write_report(ev, out_dir, "bin_classifier")
    return ev
