"""A site's verdicts simulated on real footage, then ``citywall train --from-verdicts`` on them.

The "site camera" is a real clip (default: the shared overhead parking-lot clip, which the shipped
model never saw). Frames are taken evenly; on every other one a vendor (an umbrella seen from above,
or an oblique stall for a street clip) is pasted. The shipped model (the site's current one) runs at
the vending rule's threshold, as the wall would: a box on a pasted vendor raises an alert the
operator confirms (a positive, with the detector's box); a box on an untouched frame is a false
alarm the operator dismisses as 误检 (a hard negative). Only alerts the model raised get verdicts,
as on a real wall. Then the fine-tune runs with the shipped real data, and its before/after figures
on the held-out verdicts are reported.

    .venv/bin/python bench/finetune_verdicts.py [--clip FILE] [--frames 120] [--epochs 10] [--seconds N]

Last line: ``RESULT verdicts=… held_out=… old_found=… old_false=… new_found=… new_false=…
swapped=… seconds=… device=…``. ``--seconds`` bounds the frames used (a quick run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.synth import aerial_umbrella, paste, street_stall  # noqa: E402
from detectors.verdict_data import VerdictSample, keep_sample, safe_name, split_of  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
THRESHOLD = 0.3
Boxes = list[tuple[float, float, float, float]]


def frames_of(clip: Path, n: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(clip))
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) or n
    out = []
    for i in np.linspace(0, total - 1, n).astype(int):
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
        ok, frame = cap.read()
        if ok:
            out.append(np.asarray(frame))
    cap.release()
    if not out:
        raise OSError(f"{clip}: no frames")
    return out


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def with_vendor(
    frame: np.ndarray, rng: np.random.Generator, overhead: bool
) -> tuple[np.ndarray, tuple[float, ...]]:
    h, w = frame.shape[:2]
    if overhead:
        obj, alpha = aerial_umbrella(rng, int(rng.integers(max(24, w // 24), max(25, w // 10))))
    else:
        obj, alpha = street_stall(rng, int(rng.integers(max(40, w // 10), max(41, w // 5))))
    x = int(rng.integers(0, max(1, w - obj.shape[1])))
    y = int(rng.integers(int(h * 0.2), max(int(h * 0.2) + 1, h - obj.shape[0])))
    out = paste(frame, obj, alpha, x, y, rng, noise=2.0)
    return out, (x / w, y / h, (x + obj.shape[1]) / w, (y + obj.shape[0]) / h)


def simulate_site(
    data: Path,
    frames: list[np.ndarray],
    detect: Callable[[np.ndarray], np.ndarray],
    camera: str,
    overhead: bool,
    seed: int = 7,
) -> dict[str, int]:
    """Verdicts as operators would give them on what the model raised; returns counts."""
    from app.services.verdict_samples import verdict_folder

    folder = verdict_folder(data)
    rng = np.random.default_rng(seed)
    made = {"positive": 0, "negative": 0, "missed_vendor": 0, "quiet_frame": 0}
    for i, frame in enumerate(frames):
        h, w = frame.shape[:2]
        truth = None
        if i % 2 == 0:
            frame, truth = with_vendor(frame, rng, overhead)
        det = detect(frame)
        boxes: Boxes = [(float(b[0]) / w, float(b[1]) / h, float(b[2]) / w, float(b[3]) / h)
                        for b in det if b[4] >= THRESHOLD]  # fmt: skip
        if truth is not None:
            on_vendor = [b for b in boxes if iou(b, truth) >= 0.3]
            if not on_vendor:
                made["missed_vendor"] += 1  # no alert: no verdict (the wall never asked)
                continue
            verdict, reason, kept = "positive", "confirmed", on_vendor[:1]
        else:
            if not boxes:
                made["quiet_frame"] += 1
                continue
            verdict, reason, kept = "negative", "false_detection", boxes
        alert_id = f"{camera}-{i:04d}"
        ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        assert ok
        name = safe_name(alert_id)
        sample = VerdictSample(
            alert_id=alert_id, camera_id=camera, preset=None, zone_id="z1", verdict=verdict,  # type: ignore[arg-type]
            reason=reason, by="bench", at=time.time(), boxes=tuple(kept), image=f"images/{name}.jpg",
            label=f"labels/{name}.txt", split=split_of(alert_id), width=w, height=h,
        )  # fmt: skip
        keep_sample(folder, sample, jpeg.tobytes())
        made[verdict] += 1
    return made


def install_site_model(pt: Path, data: Path) -> Path:
    """``pt`` and its ONNX export as the site's current model (``<data>/models/vending_yolo.*``)."""
    import shutil

    from app.services.site_models import site_models_dir
    from detectors.train import run_worker

    target = site_models_dir(data) / "vending_yolo.onnx"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pt, target.with_suffix(".pt"))
    events = run_worker("export", {"weights": str(target.with_suffix(".pt").resolve()), "imgsz": 320})
    exported = Path(next(e for e in events if e.get("event") == "done")["onnx"])
    if exported.resolve() != target.resolve():
        shutil.copyfile(exported, target)
    return target


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--real", type=Path, default=REAL, help="the shared real data (default ../shared/data/real)"
    )
    ap.add_argument("--clip", type=Path, help="the site camera's clip (default: REAL/video/parkinglot…)")
    ap.add_argument("--street", action="store_true", help="paste oblique stalls (a street clip)")
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--weights", type=Path, help="starting weights (default: the shipped .pt)")
    ap.add_argument("--seconds", type=float, default=0, help="a quick run: fewer frames (0: as given)")
    ap.add_argument("--keep", type=Path, help="keep the site folder here")
    ap.add_argument(
        "--site-model", type=Path, help="a .pt to install as the site's current model (exported to ONNX)"
    )
    args = ap.parse_args()
    from detectors import registry

    clip = args.clip or args.real / "video" / "parkinglot_overhead_intel.mp4"
    frames_n = args.frames if not args.seconds else max(40, min(args.frames, int(args.seconds)))
    data = args.keep or Path(tempfile.mkdtemp(prefix="citywall-verdicts-"))
    model = "vending_yolo.onnx"
    if args.site_model:
        model = str(install_site_model(args.site_model, data))
    det = registry.load("onnx_yolo", {"model": model, "conf": THRESHOLD})
    made = simulate_site(data, frames_of(clip, frames_n), det.detect, clip.stem[:12], not args.street)
    print(f"site {data}: {json.dumps(made)}", file=sys.stderr)
    cmd = [sys.executable, "-m", "app", "train", "--from-verdicts", "--data", str(data),
           "--epochs", str(args.epochs), "--shipped-data", str(args.real)]  # fmt: skip
    if args.weights:
        cmd += ["--weights", str(args.weights)]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True, check=False)
    seconds = time.monotonic() - t0
    sys.stderr.write(proc.stderr)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        print(f"RESULT failed=1 rc={proc.returncode}")
        return 1
    report_line = next(line for line in proc.stdout.splitlines() if line.startswith("report: "))
    report = json.loads(Path(report_line[len("report: ") :]).read_text(encoding="utf-8"))
    old, new = report["old"], report["new"]
    print(
        f"RESULT verdicts={made['positive'] + made['negative']} held_out={len(old['samples'])} "
        f"old_found={old['found']}/{old['positives']} old_false={old['false_alarms']}/{old['negatives']} "
        f"new_found={new['found']}/{new['positives']} new_false={new['false_alarms']}/{new['negatives']} "
        f"swapped={int(report['swapped'])} seconds={seconds:.0f} train_seconds={report['seconds']} "
        f"device={report['device']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
