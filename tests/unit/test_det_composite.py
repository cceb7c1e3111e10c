"""Composite training scenes (detectors.composite): boxes where the objects are, perspective scale,
stalls standing in the zone, negatives unlabelled, seeded, and clear refusals (generated cut-outs
only: the real-photo cut-outs are tested in tests/integration/test_det_composite_real.py)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.cli import main as cli
from detectors.composite import (
    Background,
    Composite,
    CompositeError,
    Ground,
    Options,
    compose,
    ground_for,
    horizon_from_zone,
    inside,
    write_yolo,
)
from detectors.composite_io import load_backgrounds, read_zones
from detectors.synth import pavement
from detectors.train import read_yolo_labels

ZONE = ((0.15, 0.35), (0.85, 0.35), (0.95, 0.97), (0.05, 0.97))
PLAIN = Options(
    shadow=False, match_colour=False, degrade=False, negative_share=0.0, max_positives=1, max_negatives=0
)


def street(seed: int = 1, w: int = 640, h: int = 480) -> np.ndarray:
    return pavement(np.random.default_rng(seed), w, h)


def test_each_box_is_where_the_object_was_pasted() -> None:
    bg = np.zeros((360, 480, 3), np.uint8)
    bg[:] = (0, 255, 0)  # a colour none of the objects has: every changed pixel is the object
    for opts in (
        PLAIN,
        Options(shadow=False, match_colour=False, degrade=False, negative_share=1.0, max_negatives=1),
    ):
        for comp in compose([Background(bg, "green", (ZONE,))], 12, seed=3, options=opts):
            assert len(comp.objects) == 1
            changed = np.abs(comp.image.astype(int) - bg.astype(int)).max(axis=2) > 3
            ys, xs = np.nonzero(changed)
            x1, y1, x2, y2 = comp.objects[0].box
            # the label is the alpha > 0.5 box; the feathered edge may reach a couple of pixels further
            assert abs(xs.min() - x1) <= 3 and abs(ys.min() - y1) <= 3
            assert abs(xs.max() + 1 - x2) <= 3 and abs(ys.max() + 1 - y2) <= 3
            mask = comp.masks[0]
            assert changed[mask].mean() > 0.97  # under the label's mask the picture did change


def test_label_files_hold_the_vending_boxes_exactly(tmp_path: Path) -> None:
    comps = list(compose([Background(street(), "s", (ZONE,))], 10, seed=5))
    write_yolo(comps, tmp_path / "out", seed=5)
    for i, comp in enumerate(comps):
        label = tmp_path / "out" / "labels" / f"composite_{i:05d}.txt"
        boxes = read_yolo_labels(label, comp.image.shape[1], comp.image.shape[0])
        want = sorted(o.box for o in comp.objects if o.vending)
        got = sorted(tuple(round(float(v)) for v in b[:4]) for b in boxes)
        assert got == want
        assert all(int(c) == 0 for c in boxes[:, 5])  # class 0 street_vendor
        written = cv2.imread(str(tmp_path / "out" / "images" / f"composite_{i:05d}.jpg"))
        assert written is not None and written.shape == comp.image.shape


def test_objects_are_taller_lower_in_the_picture() -> None:
    g = Ground(horizon=-0.1, person_at_bottom=0.3)
    assert g.height_px(0.9, 1.7, 1000) / g.height_px(0.45, 1.7, 1000) == pytest.approx(1.0 / 0.55)
    assert g.height_px(1.0, 1.7, 1000) == pytest.approx(300)
    feet, heights = [], []
    opts = Options(negative_share=0.0, max_positives=2, max_negatives=0)
    rectangle = ((0.05, 0.4), (0.95, 0.4), (0.95, 0.97), (0.05, 0.97))  # says nothing: the default prior
    for comp in compose([Background(street(2), "s", (rectangle,))], 40, seed=7, options=opts):
        h = comp.image.shape[0]
        assert comp.ground == Ground()
        for o in comp.objects:
            if o.kind == "stall":  # 2.2 m ± 15 %, as tall as the prior says at its foot
                expected = comp.ground.height_px(o.foot[1], 2.2, h)
                assert 0.8 < (o.box[3] - o.box[1]) / expected < 1.2, (o, expected)
                feet.append(o.foot[1])
                heights.append((o.box[3] - o.box[1]) / h)
    assert len(feet) >= 10
    assert np.corrcoef(feet, heights)[0, 1] > 0.7
    lower = [hh for f, hh in zip(feet, heights, strict=True) if f > 0.8]
    upper = [hh for f, hh in zip(feet, heights, strict=True) if f < 0.55]
    assert lower and upper and np.mean(lower) > 1.2 * np.mean(upper)


def test_a_zone_narrowing_upwards_gives_its_horizon() -> None:
    # width 0.2 at y 0.5, 1.4 at y 0.9: 1.5 per unit of y, so the sides meet at y = 0.5 - 0.2 / 1.5
    trapezoid = ((0.4, 0.5), (0.6, 0.5), (0.9, 0.9), (0.1, 0.9))
    assert horizon_from_zone(trapezoid) == pytest.approx(0.5 - 0.2 / 1.5, abs=1e-6)
    assert horizon_from_zone(ZONE) is not None  # slightly narrower at the top: far above the frame
    rectangle = ((0.1, 0.5), (0.9, 0.5), (0.9, 0.9), (0.1, 0.9))
    assert horizon_from_zone(rectangle) is None  # sides that do not converge say nothing
    assert ground_for(Background(street(), "s", (trapezoid,))).horizon == pytest.approx(0.3667, abs=1e-3)
    assert ground_for(Background(street(), "s", ())) == Ground()
    given = Ground(0.2, 0.5)
    assert ground_for(Background(street(), "s", (trapezoid,), given)) is given


def test_stalls_stand_inside_their_zone() -> None:
    left = ((0.05, 0.5), (0.45, 0.5), (0.45, 0.95), (0.05, 0.95))
    right = ((0.6, 0.55), (0.95, 0.55), (0.95, 0.9), (0.6, 0.9))
    opts = Options(negative_share=0.3)
    count = 0
    for comp in compose([Background(street(4), "s", (left, right))], 30, seed=11, options=opts):
        h, w = comp.image.shape[:2]
        for o in comp.objects:
            fx, fy = (o.box[0] + o.box[2]) / 2 / w, o.box[3] / h
            # the bottom-centre of the box (the zones' rule), within a pixel or two of the placement
            assert inside(left, *o.foot) or inside(right, *o.foot)
            near = [cv2.pointPolygonTest(np.array(z, np.float32), (fx, fy), True) for z in (left, right)]
            assert max(near) > -0.01, (o, fx, fy)
            count += o.vending
    assert count >= 15


def test_hard_negatives_get_no_label(tmp_path: Path) -> None:
    comps = list(
        compose([Background(street(), "s", (ZONE,))], 16, seed=2, options=Options(negative_share=1.0))
    )
    manifest = json.loads(write_yolo(comps, tmp_path, seed=2).read_text())
    assert all(c.objects for c in comps)
    kinds = {o.kind for c in comps for o in c.objects}
    assert kinds <= {"bag", "bin", "sign"} and len(kinds) >= 2  # without the real photos: generated ones
    for entry in manifest["images"]:
        assert (tmp_path / entry["label"]).read_text() == ""
        assert entry["objects"] and not any(o["vending"] for o in entry["objects"])
    # mixed pictures: one label line per vending object, none for the bins and signs beside them
    mixed = list(
        compose([Background(street(), "s", (ZONE,))], 16, seed=9, options=Options(negative_share=0.0))
    )
    assert any(not o.vending for c in mixed for o in c.objects)
    for c in mixed:
        assert len(c.yolo_lines()) == sum(o.vending for o in c.objects) >= 1
    assert manifest["sources"] and all(not s["real"] for s in manifest["sources"].values())


def _same(a: list[Composite], b: list[Composite]) -> bool:
    return all(np.array_equal(x.image, y.image) and x.objects == y.objects for x, y in zip(a, b, strict=True))


def test_same_seed_same_pictures() -> None:
    bgs = [Background(street(1), "a", (ZONE,)), Background(street(2), "b")]
    first = list(compose(bgs, 6, seed=42))
    assert _same(first, list(compose(bgs, 6, seed=42)))
    assert not _same(first, list(compose(bgs, 6, seed=43)))


def test_refuses_no_backgrounds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CompositeError, match="no background pictures"):
        list(compose([], 5))
    empty = tmp_path / "clean"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a picture")
    with pytest.raises(CompositeError, match=f"{empty}: no background pictures found"):
        load_backgrounds([empty])
    with pytest.raises(CompositeError, match="no such file or folder"):
        load_backgrounds([tmp_path / "missing"])
    assert cli(["composite", "--backgrounds", str(empty), "--out", str(tmp_path / "out"), "-n", "3"]) == 2
    err = capsys.readouterr().err
    assert str(empty) in err and "no background pictures found" in err
    assert not (tmp_path / "out" / "labels").exists()


def test_zones_file_errors_name_the_file_and_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "zones.json"
    bad.write_text('{"cam1.jpg": {"zones": [[[0.1, 0.5], [2.0, 0.5], [0.5, 0.9]]]}}')
    with pytest.raises(
        CompositeError, match=r"zones.json: 'cam1.jpg'.zones\[0\]\[1\]: points are normalised"
    ):
        read_zones(bad)
    bad.write_text('{"cam1.jpg": {"zone": []}}')
    with pytest.raises(CompositeError, match="unknown field"):
        read_zones(bad)
    bad.write_text("{oops")
    with pytest.raises(CompositeError, match=r"zones.json: not JSON \(line 1"):
        read_zones(bad)


def test_command_writes_a_yolo_folder_from_pictures_and_zones(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    for i in range(2):
        cv2.imwrite(str(clean / f"cam{i}.png"), street(i))
    zones = tmp_path / "zones.json"
    zones.write_text(json.dumps({"cam0.png": {"zones": [list(map(list, ZONE))]}, "*": {"zones": []}}))
    out = tmp_path / "site_composites"
    args = ["composite", "--backgrounds", str(clean), "--out", str(out), "-n", "8", "--zones", str(zones)]
    sheet = tmp_path / "sheet.png"
    assert cli([*args, "--seed", "4", "--real-data", str(tmp_path / "none"), "--sheet", str(sheet)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["count"] == 8 and len(list((out / "images").glob("*.jpg"))) == 8
    assert (out / "classes.txt").read_text().split() == ["street_vendor"]
    assert {e["background"] for e in manifest["images"]} == {"cam0.png", "cam1.png"}
    for e in manifest["images"]:
        if e["background"] == "cam0.png":
            assert all(inside(ZONE, *o["foot"]) for o in e["objects"])
        lines = (out / e["label"]).read_text().splitlines()
        assert len(lines) == sum(o["vending"] for o in e["objects"])
    assert cv2.imread(str(sheet)) is not None
    # the folder is what citywall train reads: every image has its label file
    from detectors.train import collect_samples

    samples = collect_samples([out / "images"])
    assert len(samples) == 8 and all(s.label is not None for s in samples)
