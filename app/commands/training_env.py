"""What ``citywall train`` and ``citywall train --from-verdicts`` share: finding the training
environment (its python, with ultralytics) and the line each finished epoch prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # decoder workers re-import the entry script: keep this module light
    from detectors.train import TrainProgress


class Text:
    NO_TRAIN_ENV = (
        "citywall train needs the training environment .venv-train (torch + ultralytics, about 6 GB, "
        "kept apart from the app's .venv so that the wall never loads torch).\n"
        "Create it once with:\n"
        "    scripts/setup_train_env.sh\n"
        "or point CITYWALL_TRAIN_PYTHON (or --python) at a Python that has ultralytics.\n"
        "({detail})"
    )
    NO_PYTHON = "--python {path}: no such file"
    EPOCH = "epoch {epoch}/{epochs}  {seconds:5.0f} s  {metrics}"


# What an epoch line shows of ultralytics' validation figures.
METRICS = (
    ("precision", "metrics/precision(B)"),
    ("recall", "metrics/recall(B)"),
    ("mAP50", "metrics/mAP50(B)"),
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def training_python(given: Path | None) -> Path | None:
    """The training environment's python (``--python``, else the usual places); None when there is
    none, after saying why and how to make one."""
    from detectors.train import TrainError, train_python

    if given is not None and not Path(given).is_file():
        say(Text.NO_PYTHON.format(path=given))
        return None
    try:
        return train_python(given)
    except TrainError as exc:
        say(Text.NO_TRAIN_ENV.format(detail=exc))
        return None


def say_epoch(p: TrainProgress) -> None:
    """One line per finished epoch: its number, the time so far and the validation figures."""
    shown = "  ".join(f"{label} {p.metrics[k]:.3f}" for label, k in METRICS if k in p.metrics)
    say(Text.EPOCH.format(epoch=p.epoch, epochs=p.epochs, seconds=p.seconds, metrics=shown))
