"""`citywall train` / `citywall eval` on tiny generated labelled sets (no network, no training venv)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.commands import detect_cmds
from detectors.bins import DEFAULT_CLASSIFIER
from detectors.synth import aerial_umbrella, bin_scene, paste, pavement

MODEL = Path(__file__).resolve().parents[2] / "resources" / "models" / "vending_yolo.onnx"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="citywall")
    sub = parser.add_subparsers(dest="command", required=True)
    detect_cmds.register(sub)
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


@pytest.fixture(scope="module")
def bin_folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bins")
    rng = np.random.default_rng(7)
    for label, overflowing in (("overflow", True), ("normal", False)):
        (root / label).mkdir()
        for i in range(6):
            scene = bin_scene(rng, 160, 160, overflowing=overflowing)
            cv2.imwrite(str(root / label / f"{label}_{i}.png"), scene.image)
    (root / "ambiguous").mkdir()  # not scored
    return root


@pytest.fixture(scope="module")
def yolo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Aerial-looking chips with generated vendor umbrellas and their YOLO boxes (class 0)."""
    root = tmp_path_factory.mktemp("yolo")
    (root / "images").mkdir()
    (root / "labels").mkdir()
    rng = np.random.default_rng(3)
    for i in range(4):
        img = pavement(rng, 320, 320)
        lines = []
        for _ in range(i % 3):
            obj, alpha = aerial_umbrella(rng, 60)
            x, y = int(rng.integers(0, 240)), int(rng.integers(0, 240))
            img = paste(img, obj, alpha, x, y, rng)
            h, w = obj.shape[:2]
            lines.append(f"0 {(x + w / 2) / 320:.4f} {(y + h / 2) / 320:.4f} {w / 320:.4f} {h / 320:.4f}")
        cv2.imwrite(str(root / "images" / f"chip_{i}.jpg"), img)
        (root / "labels" / f"chip_{i}.txt").write_text("\n".join(lines) + ("\n" if lines else ""))
    return root


@pytest.mark.skipif(not DEFAULT_CLASSIFIER.is_file(), reason="the shipped bin classifier is missing")
def test_eval_the_bin_classifier_on_class_folders(
    bin_folders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert run(["eval", "bin_classifier", str(bin_folders), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "images 12, accuracy" in captured.out and "confusion (rows true" in captured.out
    assert "bin classifier 12/12" in captured.err  # progress
    for name in ("bin_classifier_confusion.png", "bin_classifier_pr_curve.png", "bin_classifier.json"):
        assert (out / name).is_file(), name
    picture = cv2.imread(str(out / "bin_classifier_pr_curve.png"))
    assert picture is not None and picture.shape == (560, 720, 3)
    report = json.loads((out / "bin_classifier.json").read_text(encoding="utf-8"))
    assert report["n"] == 12 and report["files"]["pr_curve"].endswith("pr_curve.png")


@pytest.mark.skipif(not MODEL.is_file(), reason="the shipped vending model is missing")
def test_eval_an_onnx_model_on_yolo_folders(
    yolo_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert run(["eval", str(MODEL), str(yolo_folder / "images"), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "precision" in captured.out and "recall" in captured.out and "mAP50" in captured.out
    assert "images 4, instances 3" in captured.out  # the labels in labels/ were found
    assert "confusion (rows predicted, columns true)" in captured.out
    assert "vending_yolo.onnx 4/4" in captured.err
    assert (out / "vending_yolo_pr_curve.png").is_file() and (out / "vending_yolo_confusion.png").is_file()


def test_eval_says_what_it_needs(
    bin_folders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["eval", "stationary", str(bin_folders), "--out", str(tmp_path)]) == 2
    assert "not a model or rule this command evaluates" in capsys.readouterr().err
    assert run(["eval", "bin_classifier", str(bin_folders / "overflow"), "--out", str(tmp_path)]) == 2
    assert "class folders" in capsys.readouterr().err
    assert run(["eval", "missing.onnx", str(bin_folders), "--out", str(tmp_path)]) == 2
    assert "no such model file" in capsys.readouterr().err
    assert run(["eval", "bin_classifier", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2


def test_train_without_the_training_venv_says_how_to_make_it(
    yolo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CITYWALL_TRAIN_PYTHON", raising=False)
    monkeypatch.setattr("detectors.train.REPO", tmp_path)  # a checkout without .venv-train
    code = run(["train", str(yolo_folder), "--out", str(tmp_path / "model"), "--epochs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "needs the training environment .venv-train" in err and "scripts/setup_train_env.sh" in err
    assert "CITYWALL_TRAIN_PYTHON" in err
    assert not (tmp_path / "model").exists()  # nothing was prepared before the check
    assert run(["train", str(yolo_folder), "--out", str(tmp_path), "--python", "/no/python"]) == 2
    assert "--python /no/python: no such file" in capsys.readouterr().err


def test_train_checks_the_data_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 1\n")
    monkeypatch.setenv("CITYWALL_TRAIN_PYTHON", str(fake))
    monkeypatch.setattr("detectors.train.REPO", tmp_path)
    assert run(["train", str(tmp_path / "absent"), "--out", str(tmp_path / "m")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["train", str(empty), "--out", str(tmp_path / "m")]) == 2
    assert "no images found" in capsys.readouterr().err
    cv2.imwrite(str(empty / "a.jpg"), np.zeros((32, 32, 3), np.uint8))
    assert run(["train", str(empty), "--out", str(tmp_path / "m")]) == 2
    assert "none of the 1 images has a label file" in capsys.readouterr().err


def test_class_names_from_the_folder_or_guessed(yolo_folder: Path, tmp_path: Path) -> None:
    from detectors.train import collect_samples

    samples = collect_samples([yolo_folder])
    assert detect_cmds._class_names(yolo_folder, "stall, cart", samples) == (["stall", "cart"], False)
    assert detect_cmds._class_names(yolo_folder, None, samples) == (["0"], True)
    (tmp_path / "classes.txt").write_text("stall\ngoods\n")
    assert detect_cmds._class_names(tmp_path, None, []) == (["stall", "goods"], False)
