#!/usr/bin/env python3
"""Train the shipped bin classifier (resources/models/bin_classifier.npz) reproducibly, with a report.

Data: the real photos in ../shared/data/real/bins (overflow = 1, normal = 0; ambiguous is held out
and only scored) with CCTV-like augmentations, plus generated clean/overflowing bins
(detectors.synth.bin_scene). Seeds are fixed: the same inputs give the same file.

Report (printed and written next to the model as bin_classifier.report.json):
  * leave-one-out accuracy on the real photos (each photo scored by a model that never saw it or
    its augmentations), for synthetic+real, real only, and synthetic only;
  * the probabilities given to the ambiguous photos.

Usage: .venv/bin/python scripts/train_bin_classifier.py [--data ../shared/data/real] [--out resources/models]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.bins import (  # noqa: E402
    BinClassifier,
    augment,
    bin_features,
    bin_regions,
    fit_logistic,
    load_class_folders,
)
from detectors.synth import bin_scene  # noqa: E402
from detectors.types import BinRoi  # noqa: E402

SEED = 20261126
AUGMENTATIONS = 6
SYNTHETIC_PER_CLASS = 300
L2 = 30.0
ITERATIONS = 400


def read_small(path: Path, longest: int = 480) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f"cannot read {path}")
    s = longest / max(img.shape[:2])
    return (
        cv2.resize(img, (int(img.shape[1] * s), int(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
        if s < 1
        else img
    )


def synthetic_features(rng: np.random.Generator, n_per_class: int) -> tuple[np.ndarray, np.ndarray]:
    feats, labels = [], []
    for i in range(2 * n_per_class):
        overflowing = i % 2 == 1
        scene = bin_scene(rng, overflowing=overflowing, amount=float(rng.uniform(0.5, 1.5)))
        h, w = scene.image.shape[:2]
        roi = BinRoi("b", scene.box, overflow_line=max(0.0, scene.rim - 0.02))
        r = bin_regions(roi, w, h)
        crop = scene.image[r.context[1] : r.context[3], r.context[0] : r.context[2]]
        feats.append(bin_features(crop))
        labels.append(int(overflowing))
    return np.stack(feats), np.asarray(labels)


def real_features(
    items: list[tuple[Path, int]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per real photo: its own features (for scoring) and AUGMENTATIONS variants (for training)."""
    own, groups, feats, labels = [], [], [], []
    for gi, (path, label) in enumerate(items):
        img = read_small(path)
        own.append(bin_features(augment(img, np.random.default_rng(SEED + gi), cctv=True)))
        for _ in range(AUGMENTATIONS):
            feats.append(bin_features(augment(img, rng)))
            labels.append(label)
            groups.append(gi)
    return np.stack(own), np.stack(feats), np.asarray(labels), np.asarray(groups)


def confusion(y: np.ndarray, p: np.ndarray, thr: float = 0.5) -> dict[str, int]:
    pred = p >= thr
    return {
        "tp": int(((y == 1) & pred).sum()),
        "fn": int(((y == 1) & ~pred).sum()),
        "fp": int(((y == 0) & pred).sum()),
        "tn": int(((y == 0) & ~pred).sum()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    t0 = time.perf_counter()
    bins_dir = args.data / "bins"
    items = load_class_folders(bins_dir) if bins_dir.is_dir() else []
    if not items:
        print(f"no real photos under {bins_dir}: training on generated data only", file=sys.stderr)
    rng = np.random.default_rng(SEED)
    xs, ys = synthetic_features(rng, SYNTHETIC_PER_CLASS)
    print(f"generated bins: {len(ys)} crops ({time.perf_counter() - t0:.1f} s)")
    report: dict[str, object] = {
        "seed": SEED, "augmentations": AUGMENTATIONS, "synthetic_per_class": SYNTHETIC_PER_CLASS, "l2": L2,
        "real_photos": len(items),
    }  # fmt: skip
    if items:
        own, xr, yr, gr = real_features(items, rng)
        y_real = np.asarray([lab for _, lab in items])
        print(f"real photos: {len(items)} ({int(y_real.sum())} overflow) × {AUGMENTATIONS} augmentations")
        loo: dict[str, np.ndarray] = {k: np.zeros(len(items)) for k in ("synthetic+real", "real only")}
        for i in range(len(items)):
            keep = gr != i
            for name, (x, y) in {
                "synthetic+real": (np.concatenate([xs, xr[keep]]), np.concatenate([ys, yr[keep]])),
                "real only": (xr[keep], yr[keep]),
            }.items():
                m, s, w, b = fit_logistic(x, y, l2=L2, iterations=ITERATIONS, seed=SEED)
                loo[name][i] = BinClassifier(m, s, w, b).predict_proba_features(own[i])[0]
        m, s, w, b = fit_logistic(xs, ys, l2=L2, iterations=ITERATIONS, seed=SEED)
        loo["synthetic only"] = BinClassifier(m, s, w, b).predict_proba_features(own)
        results = {}
        for name, p in loo.items():
            c = confusion(y_real, p)
            results[name] = {"accuracy": round((c["tp"] + c["tn"]) / len(items), 3), **c}
            print(
                f"  leave-one-out on real photos, {name:15s}: accuracy {results[name]['accuracy']:.3f}  {c}"
            )
        report["leave_one_out_real"] = results
        report["per_photo_loo_probability"] = {
            str(p.relative_to(bins_dir)): round(float(v), 3)
            for (p, _), v in zip(items, loo["synthetic+real"], strict=True)
        }
        x_all, y_all = np.concatenate([xs, xr]), np.concatenate([ys, yr])
    else:
        x_all, y_all = xs, ys
    mean, scale, w, b = fit_logistic(x_all, y_all, l2=L2, iterations=ITERATIONS, seed=SEED)
    clf = BinClassifier(mean, scale, w, b, info={
        "trained_by": "scripts/train_bin_classifier.py", "seed": SEED, "vectors": len(y_all),
        "real_photos": len(items), "synthetic": len(ys),
    })  # fmt: skip
    amb = sorted((bins_dir / "ambiguous").glob("*.jpg")) if bins_dir.is_dir() else []
    if amb:
        probs = {p.name: round(float(clf.predict_proba(read_small(p))[0]), 3) for p in amb}
        report["ambiguous_probability_final_model"] = probs
        print(f"  ambiguous photos (final model, not trained on): {sorted(probs.values())}")
    path = clf.save(args.out / "bin_classifier.npz")
    report["model_bytes"] = path.stat().st_size
    report["seconds"] = round(time.perf_counter() - t0, 1)
    (args.out / "bin_classifier.report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} kB) and its report in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
