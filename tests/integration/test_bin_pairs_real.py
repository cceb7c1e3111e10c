"""The bin judgement on real pairs: real street and parking-lot frames, real rubbish cut from the
Amsterdam photos (detectors/real_pairs.py says exactly what they are). The held-out pairs share no
spot and no source photo with the pairs the judgement was tuned on."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import pytest

from detectors.bin_pairs import MANIFEST, evaluate_pairs
from detectors.bins import BinOptions
from detectors.real_pairs import CUTOUTS, PARKING_CLIP, SPOTS, find_real_data, make_real_pairs

REPO = Path(__file__).resolve().parents[2]
VTEST = REPO / "resources" / "demo" / "vtest.avi"


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    real = find_real_data(REPO)
    if real is None:
        pytest.skip("the Amsterdam photos are absent (../shared/data/real not available)")
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    out = tmp_path_factory.mktemp("bin_pairs")
    counts = make_real_pairs(real, {"vtest": VTEST, "parking": real / PARKING_CLIP}, out)
    assert counts == {"overflow": 108, "normal": 162, "pairs": 270, "spots": 9}
    return out


@pytest.mark.slow
def test_the_pairs_are_what_the_readme_says(pairs: Path) -> None:
    rows = list(csv.DictReader((pairs / MANIFEST).read_text(encoding="utf-8").splitlines()))
    spots: dict[str, set[str]] = {"dev": set(), "test": set()}
    for r in rows:
        spots[r["split"]].add(r["id"].rsplit("-", 2)[0])
        ref, later = cv2.imread(str(pairs / r["reference"])), cv2.imread(str(pairs / r["later"]))
        assert ref is not None and later is not None and ref.shape == later.shape
        assert ("pasted" in r["note"]) == (r["label"] == "overflow")
    assert spots["dev"].isdisjoint(spots["test"]) and len(spots["dev"]) + len(spots["test"]) == len(SPOTS)
    photos = {g: {c.photo for c in CUTOUTS if c.group == g} for g in ("dev", "test")}
    assert photos["dev"].isdisjoint(photos["test"])
    tags = {r["id"].rsplit("-", 1)[1] for r in rows if r["label"] == "normal"}
    assert tags == {"same", "busy", "light"}  # as it is, a passer-by or car at the bin, another light


@pytest.mark.slow
def test_the_bin_judgement_on_held_out_real_pairs(pairs: Path) -> None:
    """Measured 0.887 on the held-out pairs (0.917 on the tuning ones); the judgement before
    passers-by were told apart: 0.780 (0.792)."""
    held_out = evaluate_pairs(pairs, split="test")
    before = evaluate_pairs(pairs, split="test", options=BinOptions(ignore_passers_by=False))
    assert held_out.n == 150
    assert held_out.accuracy >= 0.85
    assert held_out.accuracy >= before.accuracy + 0.05
    assert held_out.precision >= 0.9  # a false alarm on a clean bin is the costly mistake
    tuned = evaluate_pairs(pairs, split="dev")
    assert tuned.accuracy >= 0.9
