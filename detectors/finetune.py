"""Fine-tuning the vending detector on a site's verdicts, judging it on held-out verdicts, swapping it in.

* :func:`finetune_dataset`: the verdicts' training split, the shipped real data (where present) and
  any extra YOLO folders (e.g. composite scenes) laid out for ultralytics; the validation split is
  the shipped real images' (as ``scripts/train_vending_yolo.py`` chose it), else a few verdicts.
* :func:`judge_on_verdicts`: a model on the held-out verdicts at the rule's threshold: a positive
  counts as *found* when a box scoring ≥ the threshold overlaps its confirmed box (IoU ≥
  :data:`OVERLAP_IOU`); a negative as a *false alarm* when such a box overlaps its dismissed box.
* :func:`better`: the candidate must find more minus alarm less, strictly (a tie keeps the old one).
* :func:`swap_in`: copy in beside the site's model and ``os.replace`` (atomic on one file system),
  the old files kept as ``<name>.previous.onnx`` / ``.previous.pt``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2

from detectors.train import YoloSample, _is_val, collect_samples, prepare_yolo_dataset
from detectors.verdict_data import VerdictSample

OVERLAP_IOU = 0.3
SHIPPED_SEED = 20261126  # scripts/train_vending_yolo.py's validation split of the real images
NAMES = ["street_vendor"]


# --- data -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FinetuneData:
    data_yaml: Path
    verdicts: int  # training-split verdict samples used
    shipped: int
    extra: int
    val: int


def shipped_samples(real: Path | None) -> tuple[list[YoloSample], list[YoloSample]]:
    """(train, val) of the shipped real vending pictures under ``real`` (../shared/data/real)."""
    if real is None or not (real / "vending").is_dir():
        return [], []
    labels = [real / "labels" / "vending_yolo"]
    found = collect_samples([real / "vending" / "pos"], labels) + collect_samples(
        [real / "vending" / "neg"], labels
    )
    val = [s for s in found if _is_val(s.image.name, 0.25, SHIPPED_SEED)]
    return [s for s in found if s not in val], val


def extra_samples(folders: Iterable[Path]) -> list[YoloSample]:
    """YOLO folders (images with labels beside, in labels/, or none = negatives)."""
    out: list[YoloSample] = []
    for folder in folders:
        out += collect_samples([folder])
    return out


def verdict_samples(folder: Path, samples: Sequence[VerdictSample]) -> list[YoloSample]:
    return [YoloSample(folder / s.image, folder / s.label) for s in samples]


def finetune_dataset(
    folder: Path,
    train: Sequence[VerdictSample],
    real: Path | None,
    extras: Sequence[Path],
    out: Path,
) -> FinetuneData:
    mine = verdict_samples(folder, train)
    shipped, shipped_val = shipped_samples(real)
    extra = extra_samples(extras)
    val = shipped_val or mine[: max(1, len(mine) // 5)]
    data = prepare_yolo_dataset(mine + shipped + extra, NAMES, out, val_samples=val)
    return FinetuneData(data, len(mine), len(shipped), len(extra), len(val))


# --- judging --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleJudgement:
    alert_id: str
    verdict: str
    right: bool  # a positive found / a negative without a false alarm
    best: float  # the best score of a box overlapping the verdict's box (0: none)


@dataclass(frozen=True)
class VerdictScore:
    model: Path
    threshold: float
    samples: tuple[SampleJudgement, ...]

    @property
    def positives(self) -> int:
        return sum(s.verdict == "positive" for s in self.samples)

    @property
    def negatives(self) -> int:
        return sum(s.verdict == "negative" for s in self.samples)

    @property
    def found(self) -> int:
        return sum(s.right for s in self.samples if s.verdict == "positive")

    @property
    def false_alarms(self) -> int:
        return sum(not s.right for s in self.samples if s.verdict == "negative")

    @property
    def net(self) -> int:
        return self.found - self.false_alarms

    def summary(self) -> str:
        return (
            f"found {self.found}/{self.positives} confirmed, "
            f"false alarms {self.false_alarms}/{self.negatives} dismissed"
        )


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def judge_on_verdicts(
    model: Path,
    folder: Path,
    held_out: Sequence[VerdictSample],
    threshold: float,
    classes: Iterable[str] | None = None,
) -> VerdictScore:
    """``model`` (ONNX) on the held-out verdicts; ``classes``: the class names the rule counts."""
    from detectors import registry

    det = registry.load("onnx_yolo", {"model": str(model), "conf": min(threshold, 0.99)})
    counted = set(classes) if classes is not None else None
    names = det.class_names
    out: list[SampleJudgement] = []
    try:
        for s in held_out:
            img = cv2.imread(str(folder / s.image), cv2.IMREAD_COLOR)
            if img is None:
                raise OSError(f"{folder / s.image}: cannot be read")
            h, w = img.shape[:2]
            best = 0.0
            for x1, y1, x2, y2, score, cls in det.detect(img):
                if score < threshold or (counted is not None and names.get(int(cls)) not in counted):
                    continue
                box = (float(x1) / w, float(y1) / h, float(x2) / w, float(y2) / h)
                if any(_iou(box, target) >= OVERLAP_IOU for target in s.boxes):
                    best = max(best, float(score))
            hit = best > 0.0
            out.append(
                SampleJudgement(s.alert_id, s.verdict, hit if s.verdict == "positive" else not hit, best)
            )
    finally:
        det.close()
    return VerdictScore(model, threshold, tuple(out))


def better(new: VerdictScore, old: VerdictScore) -> tuple[bool, str]:
    """(take it?, why) — strictly more found minus false alarms on the same held-out verdicts."""
    if new.net > old.net:
        return True, f"found − false alarms: {old.net} → {new.net}"
    if new.net == old.net:
        return False, f"no better on the held-out verdicts (found − false alarms stays {old.net})"
    return False, f"worse on the held-out verdicts (found − false alarms {old.net} → {new.net})"


# --- swapping in ----------------------------------------------------------------------------------
def previous_of(path: Path) -> Path:
    return path.with_name(f"{path.stem}.previous{path.suffix}")


def swap_in(onnx: Path, pt: Path | None, target: Path, report: dict[str, object] | None = None) -> None:
    """Make ``target`` (the site's .onnx; its .pt beside) the candidate's, atomically per file; what
    was there is kept as ``.previous``. The candidate must load before anything is replaced."""
    from detectors import registry

    registry.load("onnx_yolo", {"model": str(onnx)}).close()  # never swap in a model that cannot load
    target.parent.mkdir(parents=True, exist_ok=True)
    pairs = [(pt, target.with_suffix(".pt"))] if pt is not None else []
    pairs.append((onnx, target))  # the .onnx (what detection reads) last
    for src, dst in pairs:
        tag = uuid.uuid4().hex[:8]
        part = dst.with_name(f".{dst.name}.{tag}.part")
        try:
            shutil.copyfile(src, part)
            if dst.is_file():
                keep = dst.with_name(f".{dst.name}.{tag}.prev")
                shutil.copyfile(dst, keep)
                keep.replace(previous_of(dst))
            part.replace(dst)
        finally:
            for leftover in dst.parent.glob(f".{dst.name}.{tag}.*"):
                leftover.unlink(missing_ok=True)
    if report is not None:
        text = json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
        part = target.with_name(f".{target.stem}.finetune.json.part")
        part.write_text(text, encoding="utf-8")
        part.replace(target.with_name(f"{target.stem}.finetune.json"))
