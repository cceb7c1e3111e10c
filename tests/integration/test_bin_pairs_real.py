"""The bin judgement on real pairs: real street and parking-lot frames, real rubbish cut from the
Amsterdam photos (detectors/real_pairs.py says exactly what they are). The held-out pairs (the old
``test`` split and the ``fresh`` one, held out from the start) share no spot and no source photo with
the pairs the judgement was tuned on."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import cv2
import pytest

from detectors.bin_pairs import MANIFEST, evaluate_pairs
from detectors.bins import BinOptions
from detectors.real_pairs import (
    CUTOUTS,
    PARKING_CLIP,
    SPOTS,
    find_real_data,
    make_fresh_pairs,
    make_real_pairs,
)

REPO = Path(__file__).resolve().parents[2]
VTEST = REPO / "resources" / "demo" / "vtest.avi"


def _made(make: Callable[[Path, dict[str, Path], Path], dict[str, int]], out: Path) -> dict[str, int]:
    """The pairs ``make`` makes in ``out`` from the real data and the footage; the counts it made."""
    real = find_real_data(REPO)
    if real is None:
        pytest.skip("the Amsterdam photos are absent (../shared/data/real not available)")
    if not VTEST.is_file():
        pytest.skip(f"{VTEST} absent: scripts/setup.sh fetches it (Debian's opencv-doc)")
    return make(real, {"vtest": VTEST, "parking": real / PARKING_CLIP}, out)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bin_pairs_fresh")
    assert _made(make_fresh_pairs, out) == {"overflow": 96, "normal": 144, "pairs": 240, "spots": 8}
    return out


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bin_pairs")
    assert _made(make_real_pairs, out) == {"overflow": 108, "normal": 162, "pairs": 270, "spots": 9}
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
    tuning_spots = [s for s in SPOTS if s.group in ("dev", "test")]
    assert spots["dev"].isdisjoint(spots["test"]) and len(spots["dev"]) + len(spots["test"]) == len(
        tuning_spots
    )
    photos = {g: {c.photo for c in CUTOUTS if c.group == g} for g in ("dev", "test")}
    assert photos["dev"].isdisjoint(photos["test"])
    tags = {r["id"].rsplit("-", 1)[1] for r in rows if r["label"] == "normal"}
    assert tags == {"same", "busy", "light"}  # as it is, a passer-by or car at the bin, another light


@pytest.mark.slow
def test_the_bin_judgement_on_held_out_real_pairs(pairs: Path) -> None:
    """Measured 0.913 on the old held-out pairs, precision 1.000, recall 0.783 (0.942 on the tuning
    ones); 0.887 (0.917) before piles joined to a passer-by were kept, 0.780 (0.792) before
    passers-by were told apart."""
    held_out = evaluate_pairs(pairs, split="test")
    before = evaluate_pairs(pairs, split="test", options=BinOptions(ignore_passers_by=False))
    assert held_out.n == 150
    assert held_out.accuracy >= 0.9
    assert held_out.accuracy >= before.accuracy + 0.05
    assert held_out.precision >= 0.95  # a false alarm on a clean bin is the costly mistake
    tuned = evaluate_pairs(pairs, split="dev")
    assert tuned.accuracy >= 0.93


@pytest.mark.slow
def test_the_fresh_split_shares_no_spot_and_no_photo_with_the_others(pairs: Path, fresh: Path) -> None:
    def spots(folder: Path) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in csv.DictReader((folder / MANIFEST).read_text(encoding="utf-8").splitlines()):
            out.setdefault(r["split"], set()).add(r["id"].rsplit("-", 2)[0])
        return out

    old, new = spots(pairs), spots(fresh)
    assert set(old) == {"dev", "test"} and set(new) == {"fresh"}
    assert new["fresh"].isdisjoint(old["dev"] | old["test"]) and len(new["fresh"]) == 8
    boxes = {g: {s.box for s in SPOTS if s.group == g} for g in ("dev", "test", "fresh")}
    assert boxes["fresh"].isdisjoint(boxes["dev"] | boxes["test"])
    photos = {g: {c.photo for c in CUTOUTS if c.group == g} for g in ("dev", "test", "fresh")}
    assert photos["fresh"].isdisjoint(photos["dev"] | photos["test"]) and len(photos["fresh"]) == 7
    notes = (fresh / MANIFEST).read_text(encoding="utf-8")
    assert all(f"(photo {p})" not in notes for p in photos["dev"] | photos["test"])


@pytest.mark.slow
def test_the_bin_judgement_on_the_fresh_held_out_pairs(fresh: Path) -> None:
    """Measured once before the last change of the judgement (0.879: precision 0.885, recall 0.802)
    and once after: 0.900, precision 0.919, recall 0.823 (216 of 240). Nothing was tuned on them."""
    ev = evaluate_pairs(fresh, split="fresh")
    assert ev.n == 240
    assert ev.accuracy >= 0.89 and ev.precision >= 0.9
