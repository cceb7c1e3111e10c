"""Training entry points for ``citywall train`` (YOLO → ONNX) and for the bin classifier.

The YOLO part needs torch + ultralytics, which live only in the training venv (``.venv-train``,
made by ``scripts/setup_train_env.sh``): :func:`train_yolo` runs :mod:`detectors.yolo_worker` there
as a subprocess, streams its progress (one :class:`TrainProgress` per epoch) and returns the ONNX
file, whose metadata (class names, image size, stride) :mod:`detectors.backends.onnx_yolo` reads.

Datasets are YOLO-format folders (images + one ``.txt`` per image: ``class cx cy w h``, normalised);
:func:`prepare_yolo_dataset` accepts the common layouts and writes the ``data.yaml`` ultralytics wants.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detectors.types import Detections, as_detections
from detectors.yolo_worker import PREFIX

REPO = Path(__file__).resolve().parents[1]
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


class TrainError(RuntimeError):
    pass


@dataclass(frozen=True)
class TrainProgress:
    epoch: int
    epochs: int
    metrics: Mapping[str, float]
    seconds: float

    @property
    def fraction(self) -> float:
        return self.epoch / max(1, self.epochs)


@dataclass(frozen=True)
class TrainResult:
    onnx: Path | None
    pt: Path
    metrics: Mapping[str, float]
    seconds: float
    log: Path
    events: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def train_python(explicit: Path | None = None) -> Path:
    """The training venv's interpreter: argument, ``$CITYWALL_TRAIN_PYTHON``, or ``<repo>/.venv-train``."""
    candidates = [explicit, os.environ.get("CITYWALL_TRAIN_PYTHON"), REPO / ".venv-train" / "bin" / "python"]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise TrainError("no training environment: run scripts/setup_train_env.sh (creates .venv-train)")


# --- datasets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YoloSample:
    image: Path
    label: Path | None  # None: no label file = no objects (a negative image)


def find_label(image: Path, label_dirs: Sequence[Path]) -> Path | None:
    """``x.jpg`` → the first ``x.txt`` in ``label_dirs``, else beside the image, else ../labels/."""
    names = [d / (image.stem + ".txt") for d in label_dirs]
    names.append(image.with_suffix(".txt"))
    parts = list(image.parts)
    if "images" in parts:
        i = len(parts) - 1 - parts[::-1].index("images")
        names.append(Path(*parts[:i], "labels", *parts[i + 1 : -1], image.stem + ".txt"))
    for n in names:
        if n.is_file():
            return n
    return None


def collect_samples(image_dirs: Iterable[Path], label_dirs: Sequence[Path] = ()) -> list[YoloSample]:
    out: list[YoloSample] = []
    for d in image_dirs:
        for p in sorted(Path(d).rglob("*")):
            if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file():
                out.append(YoloSample(p, find_label(p, [Path(x) for x in label_dirs])))
    return out


def read_yolo_labels(path: Path | None, width: int, height: int) -> Detections:
    """A YOLO label file → ``(N, 6)`` pixel boxes with score 1 (empty or missing file → no boxes)."""
    rows: list[list[float]] = []
    if path is not None and Path(path).is_file():
        for line in Path(path).read_text().splitlines():
            parts = line.split()
            if len(parts) < 5:
                continue
            c, cx, cy, w, h = (float(v) for v in parts[:5])
            rows.append(
                [
                    (cx - w / 2) * width,
                    (cy - h / 2) * height,
                    (cx + w / 2) * width,
                    (cy + h / 2) * height,
                    1.0,
                    c,
                ]
            )
    return as_detections(rows) if rows else as_detections(np.zeros((0, 6), np.float32))


def _is_val(name: str, fraction: float, seed: int) -> bool:
    h = int(hashlib.sha1(f"{seed}:{name}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return h < fraction


def prepare_yolo_dataset(
    samples: Sequence[YoloSample],
    names: Sequence[str],
    out_dir: Path,
    val_fraction: float = 0.2,
    seed: int = 0,
    val_samples: Sequence[YoloSample] | None = None,
) -> Path:
    """Lay ``samples`` out as ultralytics wants (images/{train,val}, labels/{train,val}) → data.yaml.

    Images are symlinked (copied where links fail); the split is a stable hash of the file name
    unless ``val_samples`` are given.
    """
    out = Path(out_dir).resolve()
    if out.exists():
        shutil.rmtree(out)
    splits: dict[str, list[YoloSample]] = {"train": [], "val": []}
    if val_samples is not None:
        splits["train"], splits["val"] = list(samples), list(val_samples)
    else:
        for s in samples:
            splits["val" if _is_val(s.image.name, val_fraction, seed) else "train"].append(s)
        if not splits["val"] and splits["train"]:
            splits["val"].append(splits["train"].pop())
    for split, items in splits.items():
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(items):
            stem = f"{i:05d}_{s.image.stem}"
            dst = out / "images" / split / (stem + s.image.suffix.lower())
            try:
                dst.symlink_to(s.image.resolve())
            except OSError:
                shutil.copyfile(s.image, dst)
            text = s.label.read_text() if s.label is not None else ""
            (out / "labels" / split / (stem + ".txt")).write_text(text)
    data = out / "data.yaml"
    lines = [f"path: {out}", "train: images/train", "val: images/val", "names:"]
    lines += [f"  {i}: {json.dumps(n, ensure_ascii=False)}" for i, n in enumerate(names)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


# --- running the worker -------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["YOLO_OFFLINE"] = "1"
    env["YOLO_AUTOINSTALL"] = "0"
    env.setdefault("CITYWALL_NETWORK_GUARD", "loopback")
    return env


def run_worker(
    command: str,
    args: Mapping[str, Any],
    python: Path | None = None,
    on_event: Callable[[Mapping[str, Any]], None] | None = None,
    log: Path | None = None,
    timeout: float | None = None,
    wrapper: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Run ``detectors.yolo_worker <command>`` in the training venv; return its events (raises on failure).

    ``wrapper`` prefixes the command line (e.g. ``strace -f -e trace=connect -o FILE``).
    """
    py = train_python(python)
    cmd = [*wrapper, str(py), "-m", "detectors.yolo_worker", command, json.dumps(dict(args), default=str)]
    events: list[dict[str, Any]] = []
    tail: list[str] = []
    logf = Path(log).open("w", encoding="utf-8") if log else None  # noqa: SIM115 - closed below
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=str(REPO),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout if timeout else None
        for line in proc.stdout:
            if logf:
                logf.write(line)
            if line.startswith(PREFIX):
                ev = json.loads(line[len(PREFIX) :])
                events.append(ev)
                if on_event:
                    on_event(ev)
            else:
                tail = [*tail[-40:], line.rstrip()]
            if deadline and time.monotonic() > deadline:
                proc.kill()
                raise TrainError(f"yolo_worker {command} timed out after {timeout} s")
        rc = proc.wait()
    finally:
        if logf:
            logf.close()
    errors = [e for e in events if e.get("event") == "error"]
    if rc != 0 or errors or not any(e.get("event") == "done" for e in events):
        detail = errors[0]["error"] if errors else "\n".join(tail[-15:])
        raise TrainError(f"yolo_worker {command} failed (exit {rc}): {detail}")
    return events


def train_yolo(
    data: Path,
    out_dir: Path,
    *,
    epochs: int = 30,
    imgsz: int = 320,
    batch: int = 16,
    arch: str = "yolo11",
    scale: str = "p",
    nc: int | None = None,
    weights: Path | None = None,
    seed: int = 0,
    threads: int | None = None,
    name: str = "model",
    progress: Callable[[TrainProgress], None] | None = None,
    python: Path | None = None,
    timeout: float | None = None,
    hyp: Mapping[str, Any] | None = None,
    plots: bool = False,
    wrapper: Sequence[str] = (),
    device: str = "cpu",
    started: Callable[[Mapping[str, Any]], None] | None = None,
) -> TrainResult:
    """Train a YOLO detector from ``data`` (a data.yaml) on the CPU; export ONNX to ``out_dir/<name>.onnx``.

    ``progress`` gets one :class:`TrainProgress` per epoch. ``wrapper`` prefixes the worker's command
    line (the network test runs it under strace); ``device="auto"`` trains on a GPU where torch sees
    one (the ``start`` event says which device it took)."""
    data = Path(data).resolve()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    if nc is None:
        nc = _count_names(data)
    args = {
        "data": str(data),
        "project": str(out_dir / "runs"),
        "name": name,
        "epochs": epochs,
        "imgsz": imgsz,
        "batch": batch,
        "arch": arch,
        "scale": scale,
        "nc": nc,
        "seed": seed,
        "threads": threads or os.cpu_count(),
        "weights": str(Path(weights).resolve()) if weights else None,
        "hyp": dict(hyp or {}),
        "plots": plots,
        "config_dir": str(out_dir / "ultralytics-config"),
        "device": device,
    }

    def on_event(ev: Mapping[str, Any]) -> None:
        if ev.get("event") == "start" and started:
            started(ev)
        if ev.get("event") == "epoch" and progress:
            progress(
                TrainProgress(
                    int(ev["epoch"]), int(ev["epochs"]), dict(ev.get("metrics", {})), float(ev["seconds"])
                )
            )

    log = out_dir / f"{name}.train.log"
    events = run_worker("train", args, python, on_event, log, timeout, wrapper)
    done = next(e for e in events if e.get("event") == "done")
    onnx = None
    if done.get("onnx"):
        onnx = out_dir / f"{name}.onnx"
        shutil.copyfile(done["onnx"], onnx)
    return TrainResult(
        onnx,
        Path(done["pt"]),
        dict(done.get("metrics", {})),
        float(done.get("seconds", 0.0)),
        log,
        tuple(events),
    )


def _count_names(data_yaml: Path) -> int:
    n = 0
    in_names = False
    for line in Path(data_yaml).read_text(encoding="utf-8").splitlines():
        if line.startswith("names:"):
            in_names = True
            rest = line[len("names:") :].strip()
            if rest.startswith("["):
                return len([x for x in rest.strip("[]").split(",") if x.strip()])
            continue
        if in_names:
            if line.startswith(" ") and ":" in line:
                n += 1
            elif line.strip():
                break
    if n == 0:
        raise TrainError(f"{data_yaml}: no class names")
    return n


def predict_ultralytics(
    model: Path,
    images: Sequence[Path],
    *,
    conf: float = 0.25,
    iou: float = 0.7,
    imgsz: int | tuple[int, int] = 320,
    python: Path | None = None,
    config_dir: Path | None = None,
    wrapper: Sequence[str] = (),
) -> dict[str, Detections]:
    """Ultralytics' own predictor (in the training venv) on ``images`` → detections per image path."""
    args = {
        "model": str(Path(model).resolve()),
        "images": [str(Path(p).resolve()) for p in images],
        "conf": conf,
        "iou": iou,
        "imgsz": imgsz,
        "config_dir": str(config_dir) if config_dir else None,
    }
    events = run_worker("predict", args, python, wrapper=wrapper)
    done = next(e for e in events if e.get("event") == "done")
    return {k: as_detections(v) if v else as_detections(np.zeros((0, 6))) for k, v in done["boxes"].items()}


def main_progress_printer(p: TrainProgress) -> None:
    """A progress callback for scripts: one line per epoch."""
    keys = ("metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)")
    shown = "  ".join(f"{k.split('/')[1][:-3]} {p.metrics[k]:.3f}" for k in keys if k in p.metrics)
    print(f"epoch {p.epoch}/{p.epochs}  {p.seconds:6.0f} s  {shown}", file=sys.stderr, flush=True)
