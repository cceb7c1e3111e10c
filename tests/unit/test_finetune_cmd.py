"""`citywall train --from-verdicts`: its refusals (too few verdicts, no training environment), how
models are judged on held-out verdicts and swapped in, and the wall picking the site's own model."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.cli import main
from app.services.site_models import site_models_dir, site_with_models
from app.services.verdict_samples import verdict_folder
from camera_config.models import SiteConfig
from detectors.backends.onnx_yolo import MODELS_DIR, resolve_model_path
from detectors.finetune import SampleJudgement, VerdictScore, better, previous_of, swap_in
from detectors.verdict_data import VerdictSample, keep_sample, safe_name, split_of

SHIPPED = MODELS_DIR / "vending_yolo.onnx"


def sample(alert_id: str, verdict: str = "positive") -> VerdictSample:
    name = safe_name(alert_id)
    return VerdictSample(
        alert_id=alert_id, camera_id="cam1", preset=None, zone_id="z1", verdict=verdict,  # type: ignore[arg-type]
        reason="confirmed" if verdict == "positive" else "false_detection", by="王芳", at=1.0,
        boxes=((0.2, 0.2, 0.5, 0.6),), image=f"images/{name}.jpg", label=f"labels/{name}.txt",
        split=split_of(alert_id), width=64, height=48,
    )  # fmt: skip


def fill(folder: Path, n: int) -> list[VerdictSample]:
    ok, jpeg = cv2.imencode(".jpg", np.full((48, 64, 3), 128, np.uint8))
    assert ok
    made = [sample(f"alert-{i:03d}", "positive" if i % 3 else "negative") for i in range(n)]
    for s in made:
        keep_sample(folder, s, jpeg.tobytes())
    return made


def test_too_few_verdicts_says_how_many_there_are_and_how_many_are_needed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = fill(verdict_folder(tmp_path), 5)
    assert main(["train", "--from-verdicts", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    positives = sum(s.verdict == "positive" for s in made)
    assert f"too few verdicts to fine-tune: 5 in {verdict_folder(tmp_path)}" in err
    assert f"({positives} confirmed, {5 - positives} dismissed" in err
    assert "at least 12 verdicts" in err


def test_without_a_site_or_the_training_environment_it_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["train", "--from-verdicts"]) == 2
    assert "--site SITE.yaml or --data DATA_DIR" in capsys.readouterr().err
    fill(verdict_folder(tmp_path), 40)
    monkeypatch.setenv("CITYWALL_TRAIN_PYTHON", str(tmp_path / "nowhere"))
    monkeypatch.setattr("detectors.train.REPO", tmp_path)  # no .venv-train beside the code either
    assert main(["train", "--from-verdicts", "--data", str(tmp_path)]) == 2
    assert "scripts/setup_train_env.sh" in capsys.readouterr().err
    assert main(["train"]) == 2  # the plain form still needs its data and --out
    assert "DATA_DIR_OR_YAML and --out" in capsys.readouterr().err


def judged(model: str, rights: list[tuple[str, bool]]) -> VerdictScore:
    return VerdictScore(
        Path(model), 0.3, tuple(SampleJudgement(f"a{i}", v, r, 0.5) for i, (v, r) in enumerate(rights))
    )


def test_the_new_model_must_find_more_minus_alarm_less_than_the_old_one() -> None:
    old = judged("old", [("positive", True), ("positive", False), ("negative", False)])  # 1 - 1
    assert (old.found, old.false_alarms, old.net) == (1, 1, 0)
    fewer_alarms = judged("new", [("positive", True), ("positive", False), ("negative", True)])
    assert better(fewer_alarms, old)[0]
    same = judged("new", [("positive", True), ("positive", True), ("negative", False)])
    assert better(same, old)[0]
    tie = judged("new", [("positive", False), ("positive", False), ("negative", True)])  # 0 - 0
    took, why = better(tie, old)
    assert not took and "no better" in why
    worse = judged("new", [("positive", False), ("positive", False), ("negative", False)])
    took, why = better(worse, old)
    assert not took and "worse" in why and "0 → -1" in why


def test_swap_in_keeps_the_old_model_as_previous_and_refuses_a_model_that_does_not_load(
    tmp_path: Path,
) -> None:
    target = site_models_dir(tmp_path) / "vending_yolo.onnx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"the old model")
    target.with_suffix(".pt").write_bytes(b"old weights")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not onnx")
    with pytest.raises(Exception):  # noqa: B017 - onnxruntime's own error
        swap_in(broken, None, target)
    assert target.read_bytes() == b"the old model" and not previous_of(target).exists()
    pt = tmp_path / "new.pt"
    pt.write_bytes(b"new weights")
    swap_in(SHIPPED, pt, target, {"swapped": True})
    assert (
        target.read_bytes() == SHIPPED.read_bytes()
        and target.with_suffix(".pt").read_bytes() == b"new weights"
    )
    assert previous_of(target).read_bytes() == b"the old model"
    assert previous_of(target.with_suffix(".pt")).read_bytes() == b"old weights"
    assert (target.parent / "vending_yolo.finetune.json").is_file()
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def test_detection_uses_the_sites_own_model_when_there_is_one(tmp_path: Path) -> None:
    site = SiteConfig.model_validate(
        {
            "site": {"name": "测试"},
            "cameras": [],
            "detection": {"detectors": {"onnx_yolo": {"model": "vending_yolo.onnx", "conf": 0.2}}},
        }
    )
    shipped = site_with_models(site, tmp_path)
    assert shipped.detection.detectors["onnx_yolo"] == {"model": str(SHIPPED), "conf": 0.2}
    own = site_models_dir(tmp_path) / "vending_yolo.onnx"
    own.parent.mkdir(parents=True)
    own.write_bytes(SHIPPED.read_bytes())
    assert site_with_models(site, tmp_path).detection.detectors["onnx_yolo"]["model"] == str(own)
    assert resolve_model_path(Path("vending_yolo.onnx"), own.parent) == own
    assert resolve_model_path(Path("vending_yolo.onnx")) == SHIPPED  # no site: the shipped one
    absolute = site.model_copy(
        update={
            "detection": site.detection.model_copy(
                update={"detectors": {"onnx_yolo": {"model": "/m/x.onnx"}}}
            )
        }
    )
    assert site_with_models(absolute, tmp_path).detection.detectors["onnx_yolo"]["model"] == "/m/x.onnx"


def test_training_takes_a_gpu_where_torch_sees_one_and_the_cpu_otherwise() -> None:
    from types import SimpleNamespace

    from detectors.yolo_worker import pick_device

    def torch_with(gpu: bool) -> object:
        return SimpleNamespace(cuda=SimpleNamespace(is_available=lambda: gpu))

    assert pick_device("auto", torch_with(True)) == "0"
    assert pick_device("auto", torch_with(False)) == "cpu"
    assert pick_device("cpu", torch_with(True)) == "cpu"  # asked for: the plain `citywall train` default


def test_the_fine_tune_data_is_the_training_verdicts_plus_shipped_and_extra_folders(tmp_path: Path) -> None:
    from detectors.finetune import finetune_dataset

    folder = verdict_folder(tmp_path / "site")
    made = fill(folder, 16)
    train = [s for s in made if s.split == "train"]
    extra = tmp_path / "composite"  # what composite scene generation writes: YOLO folders
    (extra / "images").mkdir(parents=True)
    (extra / "labels").mkdir()
    for i in range(3):
        cv2.imwrite(str(extra / "images" / f"scene_{i}.jpg"), np.full((32, 32, 3), 90, np.uint8))
        (extra / "labels" / f"scene_{i}.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    prepared = finetune_dataset(folder, train, None, [extra], tmp_path / "dataset")
    assert (prepared.verdicts, prepared.shipped, prepared.extra) == (len(train), 0, 3)
    listed = sorted(p.name for p in (tmp_path / "dataset" / "images" / "train").iterdir())
    assert len(listed) == len(train) + 3 and sum("scene_" in n for n in listed) == 3
    held_out = {s.alert_id for s in made if s.split == "test"}
    assert not any(any(h in n for h in held_out) for n in listed)  # never trained on a held-out verdict
    labels = tmp_path / "dataset" / "labels" / "train"
    assert all((labels / (Path(n).stem + ".txt")).is_file() for n in listed)
