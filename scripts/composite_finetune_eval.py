#!/usr/bin/env python3
"""Does fine-tuning on composite scenes help? The shipped vending model before and after, measured.

1. ``prepare``: composites on the site's backgrounds (here: 8 frames of vtest.avi with its pavement as
   the zone), the real aerial training split (as the shipped model was trained), a data.yaml.
2. fine-tune (``.venv-train``): from build/ft/shipped.pt (scripts/vending_pt_from_onnx.py) → ONNX.
3. ``eval``: each ONNX model on pictures that hold no vendor, counting a picture as a false alarm when
   a box scores ≥ 0.3 (the vending rule's min_score): the street photos and the CCTV frame of
   vending/neg, the bin photos no cut-out was taken from, 12 other frames of vtest.avi; held-out
   composites (other seed, other frames: stall recall and boxes on the pasted bins/bags/signs); and
   recall on the real aerial validation split the shipped model was selected on.

Usage: .venv/bin/python scripts/composite_finetune_eval.py prepare|finetune|eval [--models A.onnx B.onnx]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.composite import Background, compose, write_yolo  # noqa: E402
from detectors.cutouts import REAL_CATALOGUE, default_real_data  # noqa: E402
from detectors.train import collect_samples, read_yolo_labels  # noqa: E402

WORK = ROOT / "build" / "ft"
VTEST = ROOT / "resources" / "demo" / "vtest.avi"
ZONES = (
    ((0.30, 0.30), (0.62, 0.30), (0.95, 0.75), (0.35, 0.75)),  # vtest's pavement and road
    ((0.0, 0.42), (0.3, 0.36), (0.45, 0.62), (0.0, 0.75)),  # the lawn on the left
)
SEED = 20261126  # the shipped model's split of the real pictures
THRESHOLD = 0.3


def vtest_frames(indices: list[int]) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(VTEST))
    out = []
    for i in indices:
        cap.set(cv2.CAP_PROP_POS_FRAMES, i)
        ok, f = cap.read()
        if ok:
            out.append(f)
    cap.release()
    return out


TRAIN_FRAMES = list(range(0, 795, 100))  # 8 frames: "the site's clean pictures"
EVAL_FRAMES = list(range(50, 795, 66))[:12]  # 12 other frames of the same camera


def prepare(n: int, aerial: int = 0) -> None:
    """``n`` composites (0: the control, real pictures alone) → WORK/dataset or WORK/dataset_control;
    ``aerial`` adds that many aerial umbrella composites (the shipped recipe's) → WORK/dataset_aerial."""
    real = default_real_data()
    frames = vtest_frames(TRAIN_FRAMES)
    bgs = [Background(f, f"vtest#{i}", ZONES) for i, f in zip(TRAIN_FRAMES, frames, strict=True)]
    if n and not (WORK / "composites" / "manifest.json").is_file():
        write_yolo(compose(bgs, n, seed=1, real_data=real), WORK / "composites", seed=1)
    from detectors.train import _is_val, prepare_yolo_dataset

    pos = collect_samples([real / "vending" / "pos"], [real / "labels" / "vending_yolo"])
    neg = collect_samples([real / "vending" / "neg"], [real / "labels" / "vending_yolo"])
    val = [s for s in pos + neg if _is_val(s.image.name, 0.25, SEED)]
    train = [s for s in pos + neg if s not in val]
    comps = collect_samples([WORK / "composites" / "images"]) if n else []
    if not n:  # the control sees the real pictures as many times as the other run sees pictures in all
        train = train * 6
    if aerial:
        import importlib.util

        spec = importlib.util.spec_from_file_location("tvy", ROOT / "scripts" / "train_vending_yolo.py")
        assert spec is not None and spec.loader is not None
        tvy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tvy)
        comps += tvy.composites(real, WORK / "aerial", aerial, 0, np.random.default_rng(SEED))
    out = WORK / ("dataset_aerial" if aerial else "dataset" if n else "dataset_control")
    data = prepare_yolo_dataset(train + comps, ["street_vendor"], out, val_samples=val)
    print(f"{len(comps)} composites + {len(train)} real training pictures, {len(val)} real val → {data}")


def finetune(epochs: int, variant: str) -> None:
    from detectors.train import main_progress_printer, train_yolo

    hyp = {
        "optimizer": "AdamW", "lr0": 0.0005, "warmup_epochs": 0.0, "mosaic": 0.5, "close_mosaic": 2,
        "fliplr": 0.5, "flipud": 0.0, "scale": 0.3,
    }  # fmt: skip
    res = train_yolo(
        WORK / {"composites": "dataset"}.get(variant, f"dataset_{variant}") / "data.yaml", WORK,
        epochs=epochs, imgsz=320, batch=16, scale="p", seed=SEED,
        name={"composites": "finetuned"}.get(variant, variant),
        weights=WORK / "shipped.pt", progress=main_progress_printer, hyp=hyp,
    )  # fmt: skip
    print(json.dumps({"onnx": str(res.onnx), "seconds": res.seconds, "metrics": res.metrics}, indent=1))


def _hits(model: object, img: np.ndarray) -> np.ndarray:
    det: np.ndarray = model.detect(img)  # type: ignore[attr-defined]
    return np.asarray(det[det[:, 4] >= THRESHOLD])


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return float(inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter + 1e-9))


def evaluate(models: list[Path]) -> None:
    from detectors.backends.onnx_yolo import OnnxYolo, OnnxYoloOptions
    from detectors.train import _is_val

    real = default_real_data()
    cut_from = {e.name for e in REAL_CATALOGUE}
    street = [p for p in sorted((real / "vending" / "neg").iterdir()) if not p.name.startswith("bogota")]
    bins = [p for p in sorted((real / "bins").rglob("*.jpg")) if p.name not in cut_from]
    negatives: dict[str, list[Any]] = {
        "street photos + CCTV frame (vending/neg)": [cv2.imread(str(p)) for p in street],
        "bin photos no cut-out came from": [cv2.imread(str(p)) for p in bins],
        "vtest frames not used as backgrounds": vtest_frames(EVAL_FRAMES),
    }
    held = [Background(f, "vtest", ZONES) for f in vtest_frames(EVAL_FRAMES)]
    held_out = list(compose(held, 60, seed=999, real_data=real))
    pos = [
        s for s in collect_samples([real / "vending" / "pos"], [real / "labels" / "vending_yolo"])
        if _is_val(s.image.name, 0.25, SEED)
    ]  # fmt: skip
    report: dict[str, dict[str, object]] = {}
    for path in models:
        m = OnnxYolo(OnnxYoloOptions(model=path.resolve(), conf=0.25, threads=2))
        r: dict[str, object] = {}
        for name, imgs in negatives.items():
            flagged = sum(len(_hits(m, im)) > 0 for im in imgs)
            boxes = sum(len(_hits(m, im)) for im in imgs)
            r[name] = f"{flagged}/{len(imgs)} pictures with a vending box ≥ {THRESHOLD} ({boxes} boxes)"
        found = total = on_neg = negs = 0
        by_kind: dict[str, list[int]] = {}
        for c in held_out:
            hits = _hits(m, c.image)
            for o in c.objects:
                b = np.array(o.box, float)
                hit = any(_iou(b, h[:4]) >= 0.5 for h in hits)
                if o.vending:
                    total += 1
                    found += hit
                else:
                    negs += 1
                    boxed = any(_iou(b, h[:4]) >= 0.3 for h in hits)
                    on_neg += boxed
                    k = by_kind.setdefault(o.kind, [0, 0])
                    k[0] += boxed
                    k[1] += 1
        r["held-out composites: stall recall (IoU 0.5)"] = f"{found}/{total}"
        r["held-out composites: pasted bins/bags/signs boxed as vending"] = f"{on_neg}/{negs}"
        r["… by kind"] = {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())}
        tp = gt = 0
        for s in pos:
            img = cv2.imread(str(s.image))
            assert img is not None, s.image
            g = read_yolo_labels(s.label, img.shape[1], img.shape[0])
            hits = _hits(m, img)
            gt += len(g)
            tp += sum(any(_iou(gb[:4], h[:4]) >= 0.5 for h in hits) for gb in g)
        r["real aerial val split: vendor recall (IoU 0.5)"] = f"{tp}/{gt}"
        report[str(path)] = r
    print(json.dumps(report, indent=1, ensure_ascii=False))
    (WORK / "eval.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["prepare", "finetune", "eval"])
    ap.add_argument("-n", type=int, default=240)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--aerial", type=int, default=0, help="prepare: add aerial umbrella composites")
    ap.add_argument(
        "--variant",
        default="composites",
        choices=["composites", "control", "aerial"],
        help="finetune: which set",
    )
    ap.add_argument(
        "--models", type=Path, nargs="+", default=[ROOT / "resources" / "models" / "vending_yolo.onnx"]
    )
    args = ap.parse_args()
    if args.step == "prepare":
        prepare(args.n, args.aerial)
    elif args.step == "finetune":
        finetune(args.epochs, args.variant)
    else:
        evaluate(args.models)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
