#!/usr/bin/env python3
"""Evaluate the shipped models on the real photos in ../shared/data/real and print honest numbers.

* vending_yolo.onnx on vending/pos (YOLO boxes) + vending/neg (no vendors): precision, recall, mAP50,
  confusion matrix, PR curve PNG (OpenCV-drawn) in build/eval/;
* bin_classifier.npz on bins/overflow vs bins/normal (image level): accuracy, confusion matrix;
  the ambiguous photos' probabilities are listed, not scored;
* the full bin judgement on the real pairs (scripts/make_bin_pairs.py; built into build/bin_pairs
  on the first run): accuracy on the held-out pairs.

Note: the shipped models were trained on these same development photos (the held-out half is
elsewhere); the leave-one-out numbers in resources/models/*.report.json are the honest ones.

Usage: .venv/bin/python scripts/eval_detectors.py [--data ../shared/data/real] [--out build/eval]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.bin_pairs import evaluate_pairs, write_pairs_report  # noqa: E402
from detectors.bins import DEFAULT_CLASSIFIER, BinClassifier  # noqa: E402
from detectors.evaluate import evaluate_bin_classifier, evaluate_yolo_folders  # noqa: E402
from detectors.real_pairs import default_real_pairs  # noqa: E402


def bar(done: int, total: int) -> None:
    print(f"\r  {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "eval")
    ap.add_argument("--model", type=Path, default=ROOT / "resources" / "models" / "vending_yolo.onnx")
    args = ap.parse_args()
    if args.model.is_file():
        print(f"== {args.model.name} on vending/pos + vending/neg")
        ev = evaluate_yolo_folders(
            args.model,
            [args.data / "vending" / "pos", args.data / "vending" / "neg"],
            [args.data / "labels" / "vending_yolo"],
            args.out,
            progress=bar,
        )
        print(ev.text())
        print(f"  files: {ev.files}")
    if DEFAULT_CLASSIFIER.is_file():
        print("== bin_classifier.npz on bins/overflow vs bins/normal")
        cl = evaluate_bin_classifier(args.data / "bins", out_dir=args.out, progress=bar)
        print(cl.text())
        clf = BinClassifier.load(DEFAULT_CLASSIFIER)
        import cv2

        amb = sorted((args.data / "bins" / "ambiguous").glob("*.jpg"))
        probs = []
        for p in amb:
            img = cv2.imread(str(p))
            if img is not None:
                probs.append(round(float(clf.predict_proba(img)[0]), 2))
        print(f"  ambiguous photos, P(overflow): {probs}")
    pairs = default_real_pairs(ROOT, ROOT / "build" / "bin_pairs")
    if pairs is not None:
        print(f"== the bin judgement on the old held-out real pairs of {pairs}")
        held_out = evaluate_pairs(pairs, split="test", progress=bar)
        write_pairs_report(held_out, args.out)
        print(held_out.text())
    fresh = default_real_pairs(ROOT, ROOT / "build" / "bin_pairs_fresh", fresh=True)
    if fresh is not None:
        print(f"== the bin judgement on the fresh held-out real pairs of {fresh}")
        fresh_ev = evaluate_pairs(fresh, split="fresh", progress=bar)
        write_pairs_report(fresh_ev, args.out, "bin_pairs_fresh")
        print(fresh_ev.text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
