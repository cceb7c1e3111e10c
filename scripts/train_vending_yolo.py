#!/usr/bin/env python3
"""Train the default vending detector (resources/models/vending_yolo.onnx) from scratch, on the CPU.

No pretrained weights exist here, so the model is built from ultralytics' yolo11 architecture YAML
at our "p" (pico) width (see detectors.yolo_worker.SCALES) and trained on:

* the real aerial vendor chips in ../shared/data/real/vending (pos with YOLO boxes, neg empty);
* generated composites: vendor umbrellas seen from above pasted on the aerial negatives, and
  oblique street stalls (detectors.synth.street_stall) pasted on street photos and vtest.avi frames.

The validation split holds real images only (stable hash of the file name). ultralytics runs in
.venv-train (scripts/setup_train_env.sh) with YOLO_OFFLINE=1, YOLO_AUTOINSTALL=0 and our own
YOLO_CONFIG_DIR; the export (ONNX, with names/imgsz/stride metadata) is copied to resources/models
if it is under 5 MB, with the stripped PyTorch weights of the same run (``vending_yolo.pt``, what
``citywall train --from-verdicts`` fine-tunes) and a JSON report beside them.

Usage: .venv/bin/python scripts/train_vending_yolo.py [--epochs 60] [--imgsz 320] [--out resources/models]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.synth import aerial_umbrella, paste, street_stall  # noqa: E402
from detectors.train import (  # noqa: E402
    YoloSample,
    collect_samples,
    main_progress_printer,
    prepare_yolo_dataset,
    train_yolo,
)

SEED = 20261126
NAMES = ["street_vendor"]
MAX_BYTES = 5 * 1024 * 1024


def _read(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f"cannot read {path}")
    return np.asarray(img, np.uint8)


def _fit(img: np.ndarray, longest: int = 640) -> np.ndarray:
    s = longest / max(img.shape[:2])
    return (
        cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
        if s < 1
        else img
    )


def _label(x1: float, y1: float, x2: float, y2: float, w: int, h: int) -> str:
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(w, x2), min(h, y2)
    return f"0 {(x1 + x2) / 2 / w:.6f} {(y1 + y2) / 2 / h:.6f} {(x2 - x1) / w:.6f} {(y2 - y1) / h:.6f}"


def vtest_frames(n: int) -> list[np.ndarray]:
    path = ROOT / "resources" / "demo" / "vtest.avi"
    if not path.is_file():
        return []
    cap = cv2.VideoCapture(str(path))
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) or 795
    out = []
    for i in np.linspace(0, total - 1, n).astype(int):
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
        ok, f = cap.read()
        if ok:
            out.append(f)
    cap.release()
    return out


def composites(
    real: Path, out: Path, n_aerial: int, n_oblique: int, rng: np.random.Generator
) -> list[YoloSample]:
    out.mkdir(parents=True, exist_ok=True)
    neg = sorted((real / "vending" / "neg").glob("*"))
    aerial_bg = [_read(p) for p in neg if p.name.startswith("bogota")]
    street_bg = [_fit(_read(p)) for p in neg if not p.name.startswith("bogota")] + [
        _fit(f) for f in vtest_frames(12)
    ]
    samples: list[YoloSample] = []

    def save(img: np.ndarray, lines: list[str], stem: str) -> None:
        ip, lp = out / f"{stem}.jpg", out / f"{stem}.txt"
        cv2.imwrite(str(ip), img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 95))])
        lp.write_text("\n".join(lines) + ("\n" if lines else ""))
        samples.append(YoloSample(ip, lp))

    for i in range(n_aerial if aerial_bg else 0):
        bg = aerial_bg[i % len(aerial_bg)]
        bg = np.rot90(bg, int(rng.integers(0, 4))).copy()
        h, w = bg.shape[:2]
        lines: list[str] = []
        for _ in range(int(rng.integers(1, 7))):
            obj, alpha = aerial_umbrella(rng, int(rng.integers(40, 95)))
            x, y = (
                int(rng.integers(-10, w - obj.shape[1] + 10)),
                int(rng.integers(-10, h - obj.shape[0] + 10)),
            )
            bg = paste(bg, obj, alpha, x, y, rng, noise=3.0)
            ys, xs = np.nonzero(alpha > 0.6)
            if len(xs):
                lines.append(_label(x + xs.min(), y + ys.min(), x + xs.max() + 1, y + ys.max() + 1, w, h))
        save(bg, lines, f"aerial_{i:04d}")
    for i in range(n_oblique if street_bg else 0):
        bg = street_bg[i % len(street_bg)].copy()
        if rng.random() < 0.5:
            bg = bg[:, ::-1].copy()
        h, w = bg.shape[:2]
        lines = []
        for _ in range(int(rng.integers(1, 4))):
            obj, alpha = street_stall(rng, int(rng.integers(50, 200)))
            x, y = (
                int(rng.integers(0, max(1, w - obj.shape[1]))),
                int(rng.integers(int(h * 0.2), max(int(h * 0.2) + 1, h - obj.shape[0]))),
            )
            bg = paste(bg, obj, alpha, x, y, rng, noise=3.0)
            lines.append(_label(x, y, x + obj.shape[1], y + obj.shape[0], w, h))
        save(bg, lines, f"oblique_{i:04d}")
    return samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "vending")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--imgsz", type=int, default=320)
    ap.add_argument("--scale", default="p", choices=["p", "n", "s"])
    ap.add_argument("--aerial", type=int, default=160, help="generated aerial composites")
    ap.add_argument("--oblique", type=int, default=160, help="generated street-stall composites")
    args = ap.parse_args()
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    real_pos = collect_samples([args.data / "vending" / "pos"], [args.data / "labels" / "vending_yolo"])
    real_neg = collect_samples([args.data / "vending" / "neg"], [args.data / "labels" / "vending_yolo"])
    if not real_pos:
        print(f"no real vendor images under {args.data}: generated data only", file=sys.stderr)
    gen = composites(args.data, args.work / "generated", args.aerial, args.oblique, rng)
    real = real_pos + real_neg
    from detectors.train import _is_val

    val = [s for s in real if _is_val(s.image.name, 0.25, SEED)]
    train = [s for s in real if s not in val] + gen
    data = prepare_yolo_dataset(train, NAMES, args.work / "dataset", val_samples=val or gen[:10])
    print(
        f"dataset: {len(train)} train ({len(gen)} generated), {len(val)} val (real) → {data}", file=sys.stderr
    )
    hyp = {"mosaic": 1.0, "fliplr": 0.5, "flipud": 0.5, "degrees": 0.0, "scale": 0.5, "close_mosaic": 5}
    result = train_yolo(
        data, args.work, epochs=args.epochs, imgsz=args.imgsz, batch=16, scale=args.scale, seed=SEED,
        name="vending_yolo", progress=main_progress_printer, hyp=hyp,
    )  # fmt: skip
    assert result.onnx is not None
    size = result.onnx.stat().st_size
    pt_size = result.pt.stat().st_size  # ultralytics strips best.pt (fp16, no optimizer) at the end
    report = {
        "seed": SEED, "epochs": args.epochs, "imgsz": args.imgsz, "scale": args.scale, "names": NAMES,
        "train_images": len(train), "generated": len(gen), "val_images_real": len(val),
        "final_val_metrics": result.metrics, "onnx_bytes": size, "pt_bytes": pt_size,
        "train_seconds": result.seconds,
        "total_seconds": round(time.time() - t0, 1),
        "epochs_log": [e for e in result.events if e.get("event") == "epoch"],
    }  # fmt: skip
    if size < MAX_BYTES and pt_size < MAX_BYTES:
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.onnx, args.out / "vending_yolo.onnx")
        shutil.copyfile(result.pt, args.out / "vending_yolo.pt")
        print(f"wrote {args.out / 'vending_yolo.onnx'} ({size / 1e6:.2f} MB)", file=sys.stderr)
        print(f"wrote {args.out / 'vending_yolo.pt'} ({pt_size / 1e6:.2f} MB)", file=sys.stderr)
    else:
        print(
            f"{result.onnx} is {size / 1e6:.1f} MB, {result.pt} {pt_size / 1e6:.1f} MB: "
            "not copied (limit 5 MB)",
            file=sys.stderr,
        )
    (args.out / "vending_yolo.report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "epochs_log"}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
