"""A site's own labelled bin pictures, and the bin classifier retrained from them.

An operator looking at a bin zone says "overflowing now" or "clean now"; the bin's context crop
(the bin, the space above its rim and around its base, as the detector sees it) is kept as a JPEG
in ``overflow/`` or ``normal/``. :meth:`BinSampleStore.retrain` fits the classifier on those crops
(with augmented variants) in seconds and reports how well it separates held-out crops.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from camera_config.models import ZoneSpec
from detectors.bins import BinClassifier, bin_regions, load_class_folders, train_classifier
from detectors.types import BinRoi, Frame

Label = Literal["overflow", "normal"]
LABELS: tuple[Label, ...] = ("overflow", "normal")
MIN_PER_CLASS = 3  # fewer cannot teach the classifier anything about a site's bins
FOLDS = 5
CLASSIFIER_FILE = "bin_classifier.npz"

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class RetrainReport:
    path: Path
    overflow: int
    normal: int
    held_out_accuracy: float | None  # grouped k-fold over the site's crops; None with too few
    held_out_n: int
    seconds: float


class NotEnoughSamples(ValueError):
    """Retraining needs a few pictures of each class."""


class BinSampleStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def classifier_path(self) -> Path:
        """Where the site's retrained classifier lives (beside the samples)."""
        return self.root.parent / CLASSIFIER_FILE

    def add(self, frame: Frame, zone: ZoneSpec, label: Label, camera_id: str) -> Path:
        """Keep the bin's context crop of ``frame`` (BGR) as a picture of ``label``."""
        if zone.kind != "bin":
            raise ValueError(f"zone {zone.id} is a {zone.kind} zone, not a bin")
        crop = bin_crop(frame, zone)
        folder = self.root / label
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = folder / f"{_safe(camera_id)}_{_safe(zone.id)}_{stamp}.jpg"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{_safe(camera_id)}_{_safe(zone.id)}_{stamp}_{n}.jpg"
        ok, encoded = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            raise OSError(f"{path}: the picture could not be encoded")
        tmp = path.with_suffix(".part")
        try:
            tmp.write_bytes(encoded.tobytes())
            tmp.replace(path)
        except BaseException:  # a full disk: no partial file left behind
            tmp.unlink(missing_ok=True)
            raise
        return path

    def counts(self) -> dict[Label, int]:
        found = load_class_folders(self.root)
        return {"overflow": sum(1 for _, y in found if y == 1), "normal": sum(1 for _, y in found if y == 0)}

    def retrain(self, progress: Progress | None = None, seed: int = 0) -> RetrainReport:
        """Fit the classifier on the site's crops, measure it on held-out crops, save it.

        Raises :class:`NotEnoughSamples` with fewer than :data:`MIN_PER_CLASS` crops of a class.
        """
        started = time.monotonic()
        samples: list[tuple[Frame, int]] = []
        for path, label in load_class_folders(self.root):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:  # a damaged file is skipped, not fatal
                samples.append((image, label))
        overflow = sum(1 for _, y in samples if y == 1)
        normal = len(samples) - overflow
        if min(overflow, normal) < MIN_PER_CLASS:
            raise NotEnoughSamples(
                f"retraining needs at least {MIN_PER_CLASS} pictures of each kind; "
                f"there are {overflow} overflowing and {normal} clean"
            )
        accuracy, held_out = _held_out_accuracy(samples, seed, progress)
        classifier = train_classifier(samples, seed=seed, progress=_scaled(progress, 0.8, 1.0))
        classifier.info.update({"site_samples": {"overflow": overflow, "normal": normal}})
        if accuracy is not None:
            classifier.info["held_out_accuracy"] = round(accuracy, 4)
        path = self.classifier_path
        tmp = path.with_name(path.stem + ".part.npz")
        try:
            classifier.save(tmp)
            BinClassifier.load(tmp)  # never replace a working classifier with one that does not load
            tmp.replace(path)
        except BaseException:  # a full disk: no partial file left behind
            tmp.unlink(missing_ok=True)
            raise
        return RetrainReport(path, overflow, normal, accuracy, held_out, time.monotonic() - started)


def bin_crop(frame: Frame, zone: ZoneSpec) -> Frame:
    """The part of ``frame`` the bin detector judges: the bin with room above the rim and around."""
    xs = [p[0] for p in zone.polygon]
    ys = [p[1] for p in zone.polygon]
    roi = BinRoi(zone.id, (min(xs), min(ys), max(xs), max(ys)), zone.overflow_line, name=zone.name)
    height, width = frame.shape[:2]
    x1, y1, x2, y2 = bin_regions(roi, width, height).context
    crop: Frame = np.ascontiguousarray(frame[y1:y2, x1:x2])
    return crop


def _held_out_accuracy(
    samples: list[tuple[Frame, int]], seed: int, progress: Progress | None
) -> tuple[float | None, int]:
    """Accuracy over k folds: each crop judged by a classifier that never saw it (nor its variants).

    Folds are stratified: every fold holds out some of each kind, so every training set has both.
    """
    folds = min(FOLDS, min(sum(1 for _, y in samples if y == c) for c in (0, 1)))
    if folds < 2:
        return None, 0
    rng = np.random.default_rng(seed)
    fold_of: dict[int, int] = {}
    for label in (0, 1):
        members = [i for i, (_, y) in enumerate(samples) if y == label]
        for rank, i in enumerate(rng.permutation(members)):
            fold_of[int(i)] = rank % folds
    right = 0
    for k in range(folds):
        test = {i for i, fold in fold_of.items() if fold == k}
        train = [s for i, s in enumerate(samples) if i not in test]
        report = _scaled(progress, 0.8 * k / folds, 0.8 * (k + 1) / folds)
        model = train_classifier(train, seed=seed, progress=report)
        crops = [samples[i][0] for i in sorted(test)]
        truth = np.array([samples[i][1] for i in sorted(test)])
        right += int(((model.predict_proba(crops) >= 0.5).astype(int) == truth).sum())
    return right / len(samples), len(samples)


def _scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    if progress is None:
        return None
    report = progress

    def scaled(stage: str, fraction: float) -> None:
        report(stage, start + (end - start) * fraction)

    return scaled


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:40] or "x"
