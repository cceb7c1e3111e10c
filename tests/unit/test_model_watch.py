"""The watch on the site's vending model file (GUI process, no worker): what it tells the worker,
and when, as ``citywall train --from-verdicts`` or an operator changes the file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.services.detection.model_watch import ModelWatch, file_sha256
from app.services.site_models import site_models_dir
from camera_config.models import DetectionSettings, SiteConfig, SiteInfo
from detectors.backends.onnx_yolo import MODELS_DIR
from detectors.finetune import previous_of, swap_in

SHIPPED = MODELS_DIR / "vending_yolo.onnx"


def polls(watch: ModelWatch, start: float, n: int) -> list[list[tuple[str, str]]]:
    """``n`` looks, one poll interval apart: what each told (plugin, path)."""
    return [[(c.plugin, Path(c.path).name) for c in watch.poll(start + i * watch.poll_s)] for i in range(n)]


def test_a_first_fine_tuned_model_then_a_rollback_to_the_previous_then_removal_are_each_told_once(
    tmp_path: Path,
) -> None:
    models = site_models_dir(tmp_path)
    watch = ModelWatch({"onnx_yolo": "vending_yolo.onnx"}, models, poll_s=1.0)
    assert watch.paths() == {"onnx_yolo": SHIPPED}  # no site copy: the shipped model
    assert polls(watch, 0, 3) == [[], [], []]

    first = tmp_path / "first.onnx"
    first.write_bytes(SHIPPED.read_bytes() + b"1")  # (ONNX Runtime is not asked here)
    models.mkdir(parents=True)
    shutil.copyfile(first, models / "vending_yolo.onnx")
    # seen at the first look, told at the next (the file stayed the same: fully written), once
    assert polls(watch, 10, 4) == [[], [("onnx_yolo", "vending_yolo.onnx")], [], []]
    assert watch.paths() == {"onnx_yolo": models / "vending_yolo.onnx"}

    second = tmp_path / "second.onnx"
    second.write_bytes(SHIPPED.read_bytes() + b"2")
    (models / "vending_yolo.onnx").unlink()  # (swap_in checks that it loads: not these bytes)
    shutil.copyfile(first, previous_of(models / "vending_yolo.onnx"))
    shutil.copyfile(second, models / "vending_yolo.onnx")
    assert polls(watch, 20, 3) == [[], [("onnx_yolo", "vending_yolo.onnx")], []]

    # Rolled back by hand: the kept .previous copied over the current one.
    shutil.copyfile(previous_of(models / "vending_yolo.onnx"), models / "vending_yolo.onnx")
    (change,) = [c for batch in [watch.poll(30 + i) for i in range(3)] for c in batch]
    assert change.sha256 == file_sha256(first) and change.path == str(models / "vending_yolo.onnx")

    (models / "vending_yolo.onnx").unlink()  # the site's copy removed: back to the shipped model
    assert polls(watch, 40, 3) == [[], [("onnx_yolo", "vending_yolo.onnx")], []]
    assert watch.paths() == {"onnx_yolo": SHIPPED}


def test_a_file_still_being_written_or_only_touched_is_not_told(tmp_path: Path) -> None:
    target = tmp_path / "m.onnx"
    target.write_bytes(b"a" * 100)
    watch = ModelWatch({"onnx_yolo": str(target)}, None, poll_s=1.0)  # an absolute name: that file
    assert watch.poll(0) == []
    with target.open("ab") as growing:
        for i in range(1, 4):  # it grows between every two looks: never settled
            growing.write(b"b" * 100)
            growing.flush()
            assert watch.poll(float(i)) == []
    (told,) = watch.poll(4.0)
    assert told.sha256 == file_sha256(target)
    assert watch.poll(4.5) == []  # not due yet (one look a second)
    os.utime(target, ns=(1, 1))  # touched, same bytes
    assert watch.poll(5) == [] and watch.poll(6) == [] and watch.poll(7) == []


def test_the_watch_follows_the_model_names_as_the_site_file_writes_them(tmp_path: Path) -> None:
    def site(detectors: dict[str, dict[str, object]]) -> SiteConfig:
        return SiteConfig(site=SiteInfo(name="t"), detection=DetectionSettings(detectors=detectors))

    assert ModelWatch.for_site(site({"stationary": {}}), tmp_path) is None  # no model file to watch
    watch = ModelWatch.for_site(site({"onnx_yolo": {"model": "vending_yolo.onnx", "conf": 0.3}}), tmp_path)
    assert watch is not None and watch.paths() == {"onnx_yolo": SHIPPED}
    swap_in(SHIPPED, None, site_models_dir(tmp_path) / "vending_yolo.onnx")  # as train does it
    assert [watch.poll(float(i)) for i in range(2)][1] == []  # same bytes as the shipped one …
    assert watch.paths() == {"onnx_yolo": site_models_dir(tmp_path) / "vending_yolo.onnx"}  # (a restart)
