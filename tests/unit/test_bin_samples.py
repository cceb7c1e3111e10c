"""A site's own bin pictures: labelled from live frames, then the classifier retrained from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.services.bin_samples import BinSampleStore, NotEnoughSamples, bin_crop
from camera_config.models import ZoneSpec
from detectors.bins import BinClassifier
from detectors.synth import BinScene, bin_scene


def zone_of(scene: BinScene) -> ZoneSpec:
    x1, y1, x2, y2 = scene.box
    return ZoneSpec(
        id="bin1",
        kind="bin",
        polygon=[(x1, y1), (x2, y1), (x2, y2), (x1, y2)],
        overflow_line=max(0.0, scene.rim - 0.03),
    )


def scenes(overflowing: bool, n: int, seed: int) -> list[BinScene]:
    return [bin_scene(np.random.default_rng(seed + i), overflowing=overflowing) for i in range(n)]


def test_two_workstations_labelling_the_same_bin_in_the_same_second_keep_both(tmp_path: Path) -> None:
    """The folder is shared; a name checked free and then written would be overwritten by the other."""
    east, west = BinSampleStore(tmp_path / "bin_samples"), BinSampleStore(tmp_path / "bin_samples")
    scene = scenes(True, 1, 7)[0]
    paths = [store.add(scene.image, zone_of(scene), "overflow", "cam01") for store in (east, west, east)]
    assert len(set(paths)) == 3 and all(p.is_file() for p in paths)
    assert sorted(p.name for p in (tmp_path / "bin_samples" / "overflow").iterdir()) == sorted(
        p.name for p in paths
    )


def test_a_picture_not_written_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.adapters.json_store.os.fsync", disk_full)
    scene = scenes(True, 1, 7)[0]
    with pytest.raises(OSError, match="No space"):
        BinSampleStore(tmp_path / "bin_samples").add(scene.image, zone_of(scene), "overflow", "cam01")
    assert list((tmp_path / "bin_samples" / "overflow").iterdir()) == []


def test_labelled_pictures_are_the_bins_context_crop(tmp_path: Path) -> None:
    store = BinSampleStore(tmp_path / "bin_samples")
    scene = scenes(True, 1, 7)[0]
    path = store.add(scene.image, zone_of(scene), "overflow", "cam/01")
    assert path.parent == tmp_path / "bin_samples" / "overflow" and path.suffix == ".jpg"
    assert path.name.startswith("cam_01_bin1_")  # odd camera ids make safe file names
    saved = path.read_bytes()
    assert saved[:2] == b"\xff\xd8"  # a JPEG
    crop = bin_crop(scene.image, zone_of(scene))
    height, width = scene.image.shape[:2]
    assert 0 < crop.shape[0] < height or 0 < crop.shape[1] < width  # the bin's surroundings, not the frame
    store.add(scene.image, zone_of(scene), "overflow", "cam/01")  # twice in one second: both kept
    assert store.counts() == {"overflow": 2, "normal": 0}


def test_only_bin_zones_can_be_labelled(tmp_path: Path) -> None:
    scene = scenes(False, 1, 3)[0]
    zone = ZoneSpec(id="z", kind="no_vending", polygon=[(0.1, 0.1), (0.9, 0.1), (0.5, 0.9)])
    with pytest.raises(ValueError, match="not a bin"):
        BinSampleStore(tmp_path).add(scene.image, zone, "normal", "cam1")


def test_retraining_needs_pictures_of_both_kinds(tmp_path: Path) -> None:
    store = BinSampleStore(tmp_path / "bin_samples")
    for scene in scenes(True, 4, 100) + scenes(False, 2, 200):
        store.add(scene.image, zone_of(scene), "overflow" if scene.overflowing else "normal", "cam1")
    with pytest.raises(NotEnoughSamples, match="4 overflowing and 2 clean"):
        store.retrain()
    assert not store.classifier_path.exists()


def test_retrained_classifier_is_saved_measured_and_tells_the_bins_apart(tmp_path: Path) -> None:
    store = BinSampleStore(tmp_path / "bin_samples")
    for scene in scenes(True, 12, 100) + scenes(False, 12, 200):
        store.add(scene.image, zone_of(scene), "overflow" if scene.overflowing else "normal", "cam1")
    stages: list[float] = []
    report = store.retrain(progress=lambda _stage, fraction: stages.append(fraction))
    assert report.path == tmp_path / "bin_classifier.npz" and report.path.is_file()
    assert (report.overflow, report.normal, report.held_out_n) == (12, 12, 24)
    assert report.held_out_accuracy is not None and report.held_out_accuracy >= 0.75
    assert stages and stages == sorted(stages) and stages[-1] == pytest.approx(1.0)
    classifier = BinClassifier.load(report.path)
    new_full = [bin_crop(s.image, zone_of(s)) for s in scenes(True, 10, 900)]
    new_clean = [bin_crop(s.image, zone_of(s)) for s in scenes(False, 10, 950)]
    p_full, p_clean = classifier.predict_proba(new_full), classifier.predict_proba(new_clean)
    assert ((p_full >= 0.5).sum() + (p_clean < 0.5).sum()) / 20 >= 0.75


def test_few_pictures_of_one_kind_among_many_still_retrain(tmp_path: Path) -> None:
    store = BinSampleStore(tmp_path / "bin_samples")
    for scene in scenes(True, 3, 300) + scenes(False, 30, 400):
        store.add(scene.image, zone_of(scene), "overflow" if scene.overflowing else "normal", "cam1")
    for seed in range(3):  # every fold holds out some of each kind: no fold trains on one kind only
        report = store.retrain(seed=seed)
        assert report.held_out_n == 33 and report.held_out_accuracy is not None
