"""Real cut-outs (GrabCut on the Amsterdam street photos) pasted on real footage (vtest.avi).

Needs the team's real photos (../shared/data/real, or $CITYWALL_REAL_DATA), which never enter the
repository; CI has only a clean clone, so this skips there (tests/allowed_skips.py). The generated
path is covered on CI by tests/unit/test_det_composite.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detectors.composite import Background, compose
from detectors.composite_io import load_backgrounds
from detectors.cutouts import REAL_CATALOGUE, _read_small, default_real_data, grabcut, real_cutouts

REPO = Path(__file__).resolve().parents[2]
VTEST = REPO / "resources" / "demo" / "vtest.avi"
ZONE = ((0.30, 0.30), (0.62, 0.30), (0.95, 0.75), (0.35, 0.75))  # the pavement of vtest.avi


def real_data() -> Path:
    path = default_real_data()
    if not path.is_dir():
        pytest.skip(f"{path} absent (../shared/data/real not available)")
    return path


@pytest.mark.slow
def test_real_objects_are_cut_out_of_the_photos() -> None:
    cuts = real_cutouts(real_data())
    assert len(cuts) >= 0.9 * len(REAL_CATALOGUE)  # GrabCut kept (almost) every hand-boxed object
    assert {c.kind for c in cuts} == {"bag", "box", "bulky", "container"}
    for c in cuts:
        fill = float((c.alpha > 0.5).mean())
        assert 0.3 < fill < 0.99, (c.source, fill)  # a shape, neither a speck nor the whole box
        assert c.real and c.source.startswith("real: bins/") and "MIT" in c.licence
    entry = REAL_CATALOGUE[0]
    img = _read_small(real_data() / entry.folder / entry.name)
    assert img is not None
    a, b = grabcut(img, entry.box), grabcut(img, entry.box)
    assert a is not None and b is not None and np.array_equal(a[1], b[1])  # seeded: the same cut


@pytest.mark.slow
def test_composites_on_real_footage_use_the_real_cut_outs_as_negatives() -> None:
    data = real_data()
    frames = load_backgrounds([VTEST], frames_per_video=3)
    bgs = [Background(f.image, f.name, (ZONE,)) for f in frames]
    comps = list(compose(bgs, 24, seed=1, real_data=data))
    negatives = [o for c in comps for o in c.objects if not o.vending]
    real = [o for o in negatives if o.source.startswith("real:")]
    assert len(real) >= 0.5 * len(negatives) > 0
    assert all(not o.source.startswith("real:") for c in comps for o in c.objects if o.vending)
    for c in comps:
        assert len(c.yolo_lines()) == sum(o.vending for o in c.objects)
