"""A YOLO model trained one epoch from nothing, once a session, for the two tests that need one.

Training it (a fresh training interpreter, the epoch, the ONNX export) cost ~20 s each time.
tests/integration/test_det_train.py checks the run itself (progress, no network under strace, the
fonts from our config dir, the export) and matches its boxes against ultralytics';
tests/integration/test_finetune_verdicts.py fine-tunes from its weights, a start that finds nothing.

Needs ``.venv-train`` (scripts/setup_train_env.sh): skipped with that reason where it is absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from detectors.synth import aerial_umbrella, paste, street_stall
from detectors.train import (
    TrainError,
    TrainProgress,
    TrainResult,
    YoloSample,
    prepare_yolo_dataset,
    train_python,
    train_yolo,
)
from tests.integration.test_det_network import strace_prefix

NAMES = ["stall", "umbrella"]
TRAINED_ON = 12  # of the 16 pictures; the other 4 validate


@dataclass(frozen=True)
class ScratchModel:
    python: Path  # the training interpreter
    samples: list[YoloSample]  # its pictures, 128 px: the first TRAINED_ON trained on
    result: TrainResult  # trained at imgsz 64, batch 4, 1 epoch, label plots on
    progress: list[TrainProgress]  # what the run reported, epoch by epoch
    strace_log: Path  # connect/sendto/sendmsg of the training process and its children
    out: Path  # train_yolo's out_dir


def training_python() -> Path:
    # Only the one known absence skips (CI has .venv-train, so there it fails: tests/skip_policy.py);
    # anything else that goes wrong is a failure.
    try:
        return train_python()
    except TrainError as exc:
        pytest.skip(f"{exc}")


def tiny_dataset(root: Path, n: int = 16, size: int = 128) -> list[YoloSample]:
    rng = np.random.default_rng(0)
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        img = np.full((size, size, 3), rng.integers(60, 160), np.uint8)
        img = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
        lines = []
        for cls in (0, 1):
            obj, alpha = street_stall(rng, 40) if cls == 0 else aerial_umbrella(rng, 34)
            x, y = int(rng.integers(0, size - obj.shape[1])), int(rng.integers(0, size - obj.shape[0]))
            img = paste(img, obj, alpha, x, y)
            h, w = obj.shape[:2]
            lines.append(
                f"{cls} {(x + w / 2) / size:.5f} {(y + h / 2) / size:.5f} {w / size:.5f} {h / size:.5f}"
            )
        cv2.imwrite(str(root / f"{i:03d}.png"), img)
        (root / f"{i:03d}.txt").write_text("\n".join(lines) + "\n")
        out.append(YoloSample(root / f"{i:03d}.png", root / f"{i:03d}.txt"))
    return out


@pytest.fixture(scope="session")
def scratch_model(tmp_path_factory: pytest.TempPathFactory) -> ScratchModel:
    python = training_python()
    root = tmp_path_factory.mktemp("scratch-model")
    samples = tiny_dataset(root / "data")
    data = prepare_yolo_dataset(
        samples[:TRAINED_ON], NAMES, root / "dataset", val_samples=samples[TRAINED_ON:]
    )
    strace_log = root / "strace.log"
    seen: list[TrainProgress] = []
    result = train_yolo(
        data,
        root / "out",
        epochs=1,
        imgsz=64,
        batch=4,
        scale="p",
        name="tiny",
        progress=seen.append,
        plots=True,  # label plots need the fonts: they must come from our config dir, not a download
        wrapper=strace_prefix(strace_log),
        python=python,
        timeout=420,
    )
    return ScratchModel(python, samples, result, seen, strace_log, root / "out")
