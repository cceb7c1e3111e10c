"""`citywall train` / `citywall eval` on tiny generated labelled sets (no network, no training venv)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.commands import detect_cmds
from detectors import registry
from detectors.bins import DEFAULT_CLASSIFIER, BinClassifier
from detectors.boxes import box_iou
from detectors.synth import aerial_umbrella, bin_scene, paste, pavement, street_stall

MODEL = Path(__file__).resolve().parents[2] / "resources" / "models" / "vending_yolo.onnx"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="citywall")
    sub = parser.add_subparsers(dest="command", required=True)
    detect_cmds.register(sub)
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def read(path: Path) -> np.ndarray:
    img = cv2.imread(str(path))
    assert img is not None, path
    return np.asarray(img)


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


def test_eval_the_bin_classifier_on_class_folders(
    bin_folders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert run(["eval", "bin_classifier", str(bin_folders), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    # What the folders imply, from the shipped classifier's own verdict on each picture (≥ 0.5: full).
    clf = BinClassifier.load(DEFAULT_CLASSIFIER)
    said = {
        truth: [
            float(clf.predict_proba(read(p))[0]) >= 0.5 for p in sorted((bin_folders / truth).glob("*.png"))
        ]
        for truth in ("overflow", "normal")
    }
    full_full, full_clean = sum(said["overflow"]), said["overflow"].count(False)
    clean_full, clean_clean = sum(said["normal"]), said["normal"].count(False)
    accuracy = (full_full + clean_clean) / 12
    assert f"images 12, accuracy {accuracy:.3f}" in captured.out
    assert (
        f"overflow: precision {full_full / max(1, full_full + clean_full):.3f}  "
        f"recall {full_full / 6:.3f}" in captured.out
    )
    assert (
        f"normal: precision {clean_clean / max(1, clean_clean + full_clean):.3f}  "
        f"recall {clean_clean / 6:.3f}" in captured.out
    )
    rows = captured.out.split("confusion (rows true, columns predicted): overflow, normal\n")[1].splitlines()
    assert [r.split() for r in rows[:2]] == [
        [str(full_full), str(full_clean)],
        [str(clean_full), str(clean_clean)],
    ]
    assert "bin classifier 12/12" in captured.err  # progress
    for name in ("bin_classifier_confusion.png", "bin_classifier_pr_curve.png", "bin_classifier.json"):
        assert (out / name).is_file(), name
    picture = cv2.imread(str(out / "bin_classifier_pr_curve.png"))
    assert picture is not None and picture.shape == (560, 720, 3)
    report = json.loads((out / "bin_classifier.json").read_text(encoding="utf-8"))
    assert report["n"] == 12 and report["files"]["pr_curve"].endswith("pr_curve.png")
    assert report["accuracy"] == pytest.approx(accuracy)


# A labelled folder whose right answer is known: stalls the shipped model finds, most labelled, one
# not (a vendor the labeller missed: a false alarm by the labels), and labels on bare pavement
# (vendors the model cannot see: misses). At conf 0.25: 4 right of 5 boxes, 4 of 6 vendors found.
VENDOR_PLAN = [("stall", True)] * 4 + [("stall", False)] + [("bare", True)] * 2 + [("bare", False)]
W, H = 480, 360


@pytest.fixture(scope="module")
def vendor_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[np.ndarray | None]]:
    """The folder (images/ and labels/) and, per image, the box of the stall in it (None: bare)."""
    root = tmp_path_factory.mktemp("vendors")
    (root / "images").mkdir()
    (root / "labels").mkdir()
    rng = np.random.default_rng(11)
    stalls: list[np.ndarray | None] = []
    for i, (what, labelled) in enumerate(VENDOR_PLAN):
        img = pavement(rng, W, H)
        box = np.array([200, 120, 320, 260], np.float32)  # where a label on bare pavement goes
        stalls.append(None)
        if what == "stall":
            obj, alpha = street_stall(rng, 120)
            x, y = 40 + 50 * i, 30 + 25 * (i % 3)
            img = paste(img, obj, alpha, x, y, rng)
            ys, xs = np.nonzero(alpha > 0.5)
            box = np.array([x + xs.min(), y + ys.min(), x + xs.max() + 1, y + ys.max() + 1], np.float32)
            stalls[-1] = box
        cv2.imwrite(str(root / "images" / f"scene_{i}.png"), img)
        x1, y1, x2, y2 = box.tolist()
        label = f"0 {(x1 + x2) / 2 / W:.5f} {(y1 + y2) / 2 / H:.5f} {(x2 - x1) / W:.5f} {(y2 - y1) / H:.5f}\n"
        (root / "labels" / f"scene_{i}.txt").write_text(label if labelled else "")
    return root, stalls


def test_eval_an_onnx_model_prints_the_precision_and_recall_its_data_implies(
    vendor_folder: tuple[Path, list[np.ndarray | None]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, stalls = vendor_folder
    # The premise: at conf 0.25 the shipped model gives one box on each stall and none elsewhere.
    model = registry.load("onnx_yolo", {"model": str(MODEL), "conf": 0.25})
    for i, stall in enumerate(stalls):
        found = model.detect(read(root / "images" / f"scene_{i}.png"))
        if stall is None:
            assert len(found) == 0, f"scene_{i}: a vendor on bare pavement {found}"
        else:
            assert len(found) == 1 and box_iou(stall[None], found[:, :4])[0, 0] >= 0.5, (i, found, stall)
    out = tmp_path / "report"
    assert run(["eval", str(MODEL), str(root / "images"), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "images 8, instances 6, IoU 0.5, conf 0.25" in captured.out  # the labels in labels/ were found
    assert "precision 0.800  recall 0.667  mAP50 " in captured.out  # 4 of 5 boxes right, 4 of 6 found
    rows = captured.out.split("confusion (rows predicted, columns true): street_vendor, background\n")[1]
    assert [r.split() for r in rows.splitlines()[:2]] == [["4", "1"], ["2", "0"]]
    assert "vending_yolo.onnx 8/8" in captured.err
    assert (out / "vending_yolo_pr_curve.png").is_file() and (out / "vending_yolo_confusion.png").is_file()
    report = json.loads((out / "vending_yolo.json").read_text(encoding="utf-8"))
    assert report["precision"] == pytest.approx(0.8) and report["recall"] == pytest.approx(4 / 6)


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


def test_eval_refuses_a_folder_whose_labels_it_cannot_find_and_says_where_it_looked(
    vendor_folder: tuple[Path, list[np.ndarray | None]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Images in DIR/images, labels elsewhere: no longer precision 0, recall 0, mAP50 0 and exit 0."""
    root, _ = vendor_folder
    moved = tmp_path / "data"
    (moved / "images").mkdir(parents=True)
    (moved / "elsewhere").mkdir()
    for p in (root / "images").iterdir():
        (moved / "images" / p.name).write_bytes(p.read_bytes())
    for p in (root / "labels").iterdir():
        (moved / "elsewhere" / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "report"
    assert run(["eval", str(MODEL), str(moved / "images"), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "none of the 8 images has a label file" in captured.err
    assert f"  - {moved / 'images'}/ and its subfolders, beside each image (NAME.txt)" in captured.err
    assert f"  - {moved / 'labels'}/ (the labels/ tree beside images/)" in captured.err
    assert "--labels DIR" in captured.err and "precision" not in captured.out
    assert not out.exists()  # nothing measured, nothing written
    # A wrong --labels folder is one more place named; the right one measures.
    assert run(["eval", str(MODEL), str(moved / "images"), "--labels", str(tmp_path), "--out", str(out)]) == 2
    assert f"  - {tmp_path}/ (given with --labels)" in capsys.readouterr().err
    assert run(["eval", str(MODEL), str(moved / "images"), "--labels", str(moved / "elsewhere")]) == 0
    assert "precision 0.800  recall 0.667" in capsys.readouterr().out


def test_eval_prints_the_figures_at_the_rules_threshold_and_marks_it_on_the_pr_curve(
    vendor_folder: tuple[Path, list[np.ndarray | None]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, stalls = vendor_folder
    # What the rule counts at its default min_score: the shipped model's boxes at or above 0.30.
    model = registry.load("onnx_yolo", {"model": str(MODEL), "conf": 0.30})
    right = wrong = 0
    for i, stall in enumerate(stalls):
        found = model.detect(read(root / "images" / f"scene_{i}.png"))
        labelled = VENDOR_PLAN[i][1]
        for box in found:
            hit = stall is not None and labelled and box_iou(stall[None], box[None, :4])[0, 0] >= 0.5
            right, wrong = right + hit, wrong + (not hit)
    out = tmp_path / "report"
    assert run(["eval", str(MODEL), str(root / "images"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "at the rule's threshold (detection.rules.vending.min_score 0.30, its default): "
        f"precision {right / (right + wrong):.3f}  recall {right / 6:.3f}"
    ) in printed
    curve = cv2.imread(str(out / "vending_yolo_pr_curve.png"))
    assert curve is not None
    red = (curve[..., 2] > 180) & (curve[..., 1] < 60) & (curve[..., 0] < 60)
    assert red.sum() > 30  # the operating point and its label
    report = json.loads((out / "vending_yolo.json").read_text(encoding="utf-8"))
    assert report["operating"]["threshold"] == 0.3 and report["operating"]["source"] == "default"
    # The site's min_score: nothing of this model scores 0.99.
    site = tmp_path / "site.yaml"
    site.write_text(
        "site: {name: 示范区}\ndetection:\n  rules:\n    vending: {min_score: 0.99}\n"
        "    bins: {threshold: 0.8}\ncameras: []\n",
        encoding="utf-8",
    )
    assert run(["eval", str(MODEL), str(root / "images"), "--site", str(site)]) == 0
    assert (
        f"at the rule's threshold (detection.rules.vending.min_score 0.99, {site}): "
        "precision 0.000  recall 0.000"
    ) in capsys.readouterr().out


def test_the_bin_classifier_is_measured_at_the_bin_rules_threshold(
    bin_folders: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("site: {name: 示范区}\ndetection:\n  rules:\n    bins: {threshold: 0.8}\ncameras: []\n")
    assert run(["eval", "bin_classifier", str(bin_folders), "--site", str(site)]) == 0
    printed = capsys.readouterr().out
    clf = BinClassifier.load(DEFAULT_CLASSIFIER)
    full = [
        float(clf.predict_proba(read(p))[0]) >= 0.8 for p in sorted((bin_folders / "overflow").glob("*.png"))
    ]
    clean = [
        float(clf.predict_proba(read(p))[0]) < 0.8 for p in sorted((bin_folders / "normal").glob("*.png"))
    ]
    accuracy = (sum(full) + sum(clean)) / 12
    assert (
        f"at the rule's threshold (detection.rules.bins.threshold 0.80, {site}): accuracy {accuracy:.3f}"
        in printed
    )
    empty = tmp_path / "empty"
    (empty / "overflow").mkdir(parents=True)
    (empty / "normal").mkdir()
    assert run(["eval", "bin_classifier", str(empty)]) == 2
    assert "no images found" in capsys.readouterr().err
