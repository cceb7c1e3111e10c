"""The training commands' shared words (app/commands/training_env.py): an epoch's line and the
training environment found or explained, the same for ``citywall train`` and ``--from-verdicts``."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.commands.training_env import say_epoch, training_python
from detectors.train import TrainProgress


def test_an_epoch_line_shows_its_number_time_and_validation_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics = {
        "metrics/precision(B)": 0.5,
        "metrics/recall(B)": 0.25,
        "metrics/mAP50(B)": 0.125,
        "lr/pg0": 0.1,
    }
    say_epoch(TrainProgress(epoch=3, epochs=10, metrics=metrics, seconds=42.4))
    assert capsys.readouterr().err == "epoch 3/10     42 s  precision 0.500  recall 0.250  mAP50 0.125\n"
    say_epoch(TrainProgress(epoch=1, epochs=1, metrics={}, seconds=1.0))  # no validation yet
    assert capsys.readouterr().err.startswith("epoch 1/1      1 s")


def test_the_training_python_is_found_or_its_absence_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert training_python(tmp_path / "no-python") is None
    assert capsys.readouterr().err == f"--python {tmp_path / 'no-python'}: no such file\n"
    monkeypatch.delenv("CITYWALL_TRAIN_PYTHON", raising=False)
    monkeypatch.setattr("detectors.train.REPO", tmp_path)  # a checkout without .venv-train
    assert training_python(None) is None
    assert "scripts/setup_train_env.sh" in capsys.readouterr().err
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\n")
    assert training_python(fake) == fake
    assert capsys.readouterr().err == ""
