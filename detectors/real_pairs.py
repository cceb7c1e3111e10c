"""Bin pairs from real footage: real backgrounds, real rubbish cut from real street photos.

No public set has before/after pictures of one bin (the Amsterdam photos in ``../shared/data/real``
are phone reports of different places, never the same bin twice), so the pairs are built:

* **backgrounds**: two real fixed-camera clips — OpenCV's ``vtest.avi`` (a campus street, people
  walking; 768x576) and the Intel overhead parking-lot clip (cars driving through; 768x432). A
  "bin" region is placed on a real object (a stone, a bollard, a tripod) or a spot of path, grass
  or asphalt; the reference is a frame of the clip where the spot is in plain view (as an operator
  takes "clean now"), the later picture another frame of the same clip at least 3 s away, earlier
  or later (passers-by, cars, shadows and the camera's noise differ);
* **overflow**: the later frame with 1 to 3 rubbish cut-outs pasted on the bin's lid and around its
  foot — bags, boxes and bulky waste cut (GrabCut inside a hand-drawn rectangle) from the
  Amsterdam ``bins/overflow`` photos, scaled to the bin, with a soft contact shadow;
* **normal**: the later frame as it is (random time), the frame where the bin's surroundings
  differ most from the reference among those sampled (a passer-by or a car at the bin; never the
  same frame twice for one spot), and a
  real frame with its brightness scaled by 0.7 or 1.3 (a simulated light change).

Spots and cut-outs are split in three, sharing neither a spot nor a source photo: the ``dev`` pairs
(tune on these), the ``test`` pairs (the first held-out set; one bug seen in its mistakes was fixed,
so it is no longer quite unseen) and the ``fresh`` pairs (held out from the start: other places in
the clips, rubbish from the 7 overflow photos the other splits do not use; built into a folder of
their own, :data:`FRESH_GROUPS`). Deterministic (seeded).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from detectors.bin_pairs import MANIFEST

Image = np.ndarray[Any, Any]
Progress = Callable[[int, int], None]

OVERFLOW = Path("bins") / "overflow"
PARKING_CLIP = Path("video") / "parkinglot_overhead_intel.mp4"


def find_real_data(repo: Path) -> Path | None:
    """``../shared/data/real`` beside the checkout (or beside its folder, for a git worktree)."""
    for base in (repo.parent, repo.parent.parent):
        if (base / "shared" / "data" / "real" / "bins").is_dir():
            return base / "shared" / "data" / "real"
    return None


@dataclass(frozen=True)
class Cutout:
    group: str  # dev or test
    photo: str  # key of PHOTOS (files in bins/overflow)
    crop: tuple[float, float, float, float]  # x1, y1, x2, y2 as fractions of the photo
    what: str


# Rectangles drawn by eye around one pile each (see the photos); GrabCut takes the object out.
PHOTOS = {
    "012": "ams_mdc_photo_cdv_photo_012_1464463139152.jpg",
    "776a50": "ams_mdc_photo_mdc_776a50_cdv_photo_001_1470938736245.jpg",
    "503980": "ams_mdc_photo_mdc_503980_cdv_photo_004_1495646892754.jpg",
    "005": "ams_mdc_photo_cdv_photo_005_1506112838833.jpg",
    "6e8d20": "ams_mdc_photo_mdc_6e8d20_cdv_photo_001_1488394473814.jpg",
    "89c940": "ams_mdc_photo_mdc_89c940_cdv_photo_001_1463514928714.jpg",
    "4186ba": "ams_mdc_photo_mdc_4186ba_cdv_photo_468_1503853767762.jpg",
    "084": "ams_mdc_photo_cdv_photo_084_1469560128313.jpg",
    "010": "ams_mdc_photo_cdv_photo_010_1472929852743.jpg",
    "158": "ams_mdc_photo_cdv_photo_158_1463528949521.jpg",
    "0e995a": "ams_mdc_photo_mdc_0e995a_cdv_photo_001_1495902895486.jpg",
    "7cccca": "ams_mdc_photo_mdc_7cccca_cdv_photo_002_1501174186679.jpg",
    "7fa91a": "ams_mdc_photo_mdc_7fa91a_cdv_photo_003_1473354896646.jpg",
    "901bf0": "ams_mdc_photo_mdc_901bf0_cdv_photo_001_1493574945835.jpg",
    "9d6d80": "ams_mdc_photo_mdc_9d6d80_cdv_photo_130_1503769976848.jpg",
}
CUTOUTS: tuple[Cutout, ...] = (
    Cutout("dev", "012", (0.25, 0.50, 0.50, 0.67), "black bags"),
    Cutout("dev", "012", (0.60, 0.54, 0.75, 0.67), "white bag"),
    Cutout("dev", "776a50", (0.30, 0.28, 0.56, 0.80), "black bag"),
    Cutout("dev", "776a50", (0.44, 0.18, 0.60, 0.38), "blue bag"),
    Cutout("dev", "503980", (0.36, 0.40, 0.47, 0.49), "black bag"),
    Cutout("dev", "005", (0.02, 0.60, 0.45, 0.97), "cardboard box"),
    Cutout("test", "6e8d20", (0.10, 0.58, 0.56, 0.88), "clear bag"),
    Cutout("test", "6e8d20", (0.70, 0.40, 0.93, 0.51), "blue bag"),
    Cutout("test", "89c940", (0.17, 0.33, 0.41, 0.47), "blue bags"),
    Cutout("test", "89c940", (0.72, 0.36, 0.97, 0.66), "box and bags"),
    Cutout("test", "4186ba", (0.38, 0.21, 0.68, 0.56), "boxes"),
    Cutout("test", "4186ba", (0.32, 0.53, 0.52, 0.70), "crate"),
    Cutout("test", "084", (0.22, 0.29, 0.82, 0.50), "bulky waste"),
    # fresh: the photos no other split uses; some items small or flat (planks, a tray, a block)
    Cutout("fresh", "010", (0.30, 0.30, 0.98, 0.62), "flattened boxes"),
    Cutout("fresh", "010", (0.58, 0.37, 0.86, 0.52), "cardboard box"),
    Cutout("fresh", "158", (0.32, 0.30, 0.78, 0.72), "black sofa"),
    Cutout("fresh", "158", (0.00, 0.28, 0.35, 0.62), "pile of junk"),
    Cutout("fresh", "0e995a", (0.17, 0.53, 0.73, 0.80), "boxes"),
    Cutout("fresh", "0e995a", (0.74, 0.50, 0.94, 0.66), "white cabinet"),
    Cutout("fresh", "7cccca", (0.27, 0.40, 0.47, 0.50), "planks"),
    Cutout("fresh", "7cccca", (0.57, 0.46, 0.97, 0.55), "planks"),
    Cutout("fresh", "7fa91a", (0.29, 0.29, 0.40, 0.44), "small wooden cabinet"),
    Cutout("fresh", "7fa91a", (0.64, 0.27, 0.77, 0.38), "pile of tiles"),
    Cutout("fresh", "901bf0", (0.20, 0.33, 0.95, 0.72), "heap of cardboard and bags"),
    Cutout("fresh", "901bf0", (0.23, 0.52, 0.40, 0.70), "cardboard box"),
    Cutout("fresh", "9d6d80", (0.40, 0.60, 0.65, 0.98), "white carton"),
    Cutout("fresh", "9d6d80", (0.10, 0.70, 0.32, 0.88), "black tray"),
)


@dataclass(frozen=True)
class Spot:
    group: str
    clip: str  # vtest or parking
    id: str
    box: tuple[int, int, int, int]  # the bin's body in pixels of the clip's frame
    what: str


# A box is about as tall as a bin at that depth would be (a little over half a passer-by's height),
# except where it frames a real low object (the stone, the bollards).
SPOTS: tuple[Spot, ...] = (
    Spot("dev", "vtest", "v-stone", (162, 248, 194, 277), "a stone beside the path"),
    Spot("dev", "vtest", "v-path", (560, 250, 600, 305), "a spot of the path people walk on"),
    Spot("dev", "vtest", "v-tripod", (470, 425, 510, 480), "the foot of the tripod on the grass"),
    Spot("dev", "parking", "p-left", (60, 300, 100, 345), "asphalt, lower left"),
    Spot("test", "vtest", "v-bollard", (744, 250, 766, 288), "the bollard on the right"),
    Spot("test", "vtest", "v-grass", (60, 330, 100, 385), "a spot of grass"),
    Spot("test", "vtest", "v-bollard2", (694, 182, 714, 208), "the far bollard"),
    Spot("test", "parking", "p-top", (600, 80, 640, 125), "asphalt near the parking lines"),
    Spot("test", "parking", "p-bottom", (400, 330, 440, 375), "asphalt where cars drive"),
    # fresh: chosen before anything was measured on them, away from the spots above
    Spot("fresh", "vtest", "v-cone", (288, 184, 308, 210), "the orange cone by the gravel"),
    Spot("fresh", "vtest", "v-lamp", (412, 348, 452, 393), "the lamp post's foot at the grass edge"),
    Spot("fresh", "vtest", "v-crossing", (250, 230, 290, 280), "the road where people cross"),
    Spot("fresh", "vtest", "v-lawn", (230, 115, 256, 145), "the far lawn before the building"),
    Spot("fresh", "vtest", "v-grass2", (180, 430, 220, 485), "grass, lower left"),
    Spot("fresh", "parking", "p-mid", (200, 180, 240, 225), "asphalt, middle left"),
    Spot("fresh", "parking", "p-right", (560, 250, 600, 295), "asphalt, right"),
    Spot("fresh", "parking", "p-topleft", (300, 30, 340, 75), "asphalt, top, where cars park"),
)
TUNING_GROUPS = ("dev", "test")  # the folder scripts/make_bin_pairs.py writes by default
FRESH_GROUPS = ("fresh",)
FRESH_SEED = 2026

REFS_PER_SPOT = 6
EVERY = 6  # frames kept from the clips (every 6th)


def cutout(photo: Path, crop: tuple[float, float, float, float], max_side: int = 240) -> tuple[Image, Image]:
    """(BGR, alpha 0..1) of the object inside ``crop`` of ``photo``, by GrabCut."""
    img = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f"cannot read {photo}")
    h, w = img.shape[:2]
    x1, y1, x2, y2 = crop
    # a margin of background around the rectangle, for GrabCut to learn what is not the object
    mx, my = 0.15 * (x2 - x1), 0.15 * (y2 - y1)
    ox1, oy1 = max(0.0, x1 - mx), max(0.0, y1 - my)
    ox2, oy2 = min(1.0, x2 + mx), min(1.0, y2 + my)
    patch = img[int(oy1 * h) : int(oy2 * h), int(ox1 * w) : int(ox2 * w)]
    s = max_side / max(patch.shape[:2])
    patch = cv2.resize(
        patch,
        (max(8, int(patch.shape[1] * s)), max(8, int(patch.shape[0] * s))),
        interpolation=cv2.INTER_AREA,
    )
    ph, pw = patch.shape[:2]
    rect = (
        int((x1 - ox1) / (ox2 - ox1) * pw),
        int((y1 - oy1) / (oy2 - oy1) * ph),
        max(2, int((x2 - x1) / (ox2 - ox1) * pw)),
        max(2, int((y2 - y1) / (oy2 - oy1) * ph)),
    )
    mask = np.zeros((ph, pw), np.uint8)
    bg, fg = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    cv2.grabCut(patch, mask, rect, bg, fg, 5, cv2.GC_INIT_WITH_RECT)
    obj = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    obj = cv2.morphologyEx(obj, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    ys, xs = np.nonzero(obj)
    if len(xs) < 20:
        raise ValueError(f"{photo.name}: nothing cut out of {crop}")
    sub = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    alpha = cv2.GaussianBlur(obj.astype(np.float32), (5, 5), 0)
    return np.ascontiguousarray(patch[sub]), np.ascontiguousarray(alpha[sub])


def paste(img: Image, obj: Image, alpha: Image, cx: float, bottom: float, width: int) -> Image:
    """``obj`` scaled to ``width`` with its bottom centre at (cx, bottom), with a contact shadow."""
    h0, w0 = obj.shape[:2]
    width = max(4, width)
    height = max(4, round(width * h0 / w0))
    o = cv2.resize(obj, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    a = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_AREA)
    out = img.astype(np.float32)
    x0, y0 = round(cx - width / 2), round(bottom - height)
    # soft shadow on the ground under the object
    shadow = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(
        shadow, (round(cx), round(bottom)), (max(2, width // 2), max(1, height // 8)), 0, 0, 360, 0.35, -1
    )
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.0, width / 12))
    out *= (1.0 - shadow)[..., None]
    ih, iw = img.shape[:2]
    ix1, iy1, ix2, iy2 = max(0, x0), max(0, y0), min(iw, x0 + width), min(ih, y0 + height)
    if ix2 > ix1 and iy2 > iy1:
        oa = a[iy1 - y0 : iy2 - y0, ix1 - x0 : ix2 - x0, None]
        oo = o[iy1 - y0 : iy2 - y0, ix1 - x0 : ix2 - x0]
        # the photo's light matched to the scene around the bin (a phone photo is brighter than CCTV)
        region = out[iy1:iy2, ix1:ix2]
        out[iy1:iy2, ix1:ix2] = oa * oo + (1 - oa) * region
    return np.clip(out, 0, 255).astype(np.uint8)


def match_light(obj: Image, scene: Image) -> Image:
    """Scale the cut-out's brightness towards the scene's (a phone photo vs a street camera)."""
    m_obj = float(cv2.cvtColor(obj, cv2.COLOR_BGR2GRAY).mean()) + 1.0
    m_scene = float(cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY).mean()) + 1.0
    gain = float(np.clip((m_scene / m_obj) ** 0.5, 0.6, 1.6))
    out: Image = np.clip(obj.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return out


def read_frames(path: Path, every: int = EVERY) -> tuple[list[Image], float]:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise OSError(f"cannot open {path}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    frames: list[Image] = []
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % every == 0:
            frames.append(frame)
        i += 1
    cap.release()
    if len(frames) < 4:
        raise OSError(f"{path}: too few frames")
    return frames, fps / every


def _around(frame: Image, box: tuple[int, int, int, int]) -> Image:
    x1, y1, x2, y2 = box
    bw, bh = x2 - x1, y2 - y1
    h, w = frame.shape[:2]
    return frame[max(0, y1 - bh) : min(h, y2 + bh // 2), max(0, x1 - bw) : min(w, x2 + bw)]


def _change(a: Image, b: Image) -> float:
    return float(
        np.abs(
            cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(np.int16) - cv2.cvtColor(b, cv2.COLOR_BGR2GRAY)
        ).mean()
    )


def clean_frames(frames: Sequence[Image], box: tuple[int, int, int, int], n: int) -> list[int]:
    """``n`` frames spread over the clip in which the bin is in plain view, as an operator would
    take "clean now": in each of ``n`` stretches, the frame closest to the clip's median there."""
    background = np.median(np.stack([_around(f, box) for f in frames[:: max(1, len(frames) // 25)]]), axis=0)
    background = background.astype(np.uint8)
    edges = np.linspace(0, len(frames), n + 1).round().astype(int)
    out = []
    for a, b in itertools.pairwise(edges):
        out.append(min(range(a, max(a + 1, b)), key=lambda i: _change(_around(frames[i], box), background)))
    return out


@dataclass
class _Writer:
    """Writes the later pictures and the manifest's rows of one pairs folder."""

    out: Path
    rows: list[dict[str, str]]
    counts: dict[str, int]

    def reference(self, spot: Spot, r: int, frame: Image) -> str:
        name = f"ref/{spot.id}_f{r * EVERY:04d}.jpg"
        cv2.imwrite(str(self.out / name), frame, JPEG)
        return name

    def add(self, spot: Spot, r: int, later: Image, label: str, what: str, tag: str, j: int) -> None:
        h, w = later.shape[:2]
        x1, y1, x2, y2 = spot.box
        name = f"later/{spot.id}_f{r * EVERY:04d}_{tag}_f{j * EVERY:04d}.jpg"
        cv2.imwrite(str(self.out / name), later, JPEG)
        self.rows.append(
            {
                "id": f"{spot.id}-{r * EVERY:04d}-{tag}",
                "reference": f"ref/{spot.id}_f{r * EVERY:04d}.jpg",
                "later": name,
                "x1": f"{x1 / w:.4f}",
                "y1": f"{y1 / h:.4f}",
                "x2": f"{x2 / w:.4f}",
                "y2": f"{y2 / h:.4f}",
                "line": f"{y1 / h:.4f}",
                "label": label,
                "split": spot.group,
                "note": f"{spot.clip} {spot.what}; {what}",
            }
        )
        self.counts[label] += 1


JPEG = [cv2.IMWRITE_JPEG_QUALITY, 90]


def dump_rubbish(
    frame: Image, spot: Spot, pool: Sequence[tuple[Image, Image, str]], on_lid: bool, rng: np.random.Generator
) -> tuple[Image, str]:
    """``frame`` with 1 to 3 cut-outs on the bin's lid (the first, if ``on_lid``) and around its foot."""
    x1, y1, x2, y2 = spot.box
    bw, bh = x2 - x1, y2 - y1
    later = frame.copy()
    n_items = int(rng.integers(1, 4))
    names = []
    for m in range(n_items):
        obj, alpha, what = pool[int(rng.integers(len(pool)))]
        obj = match_light(obj, _around(later, spot.box))
        size = int(bw * rng.uniform(0.7, 1.3))
        place = "lid" if (m == 0 and on_lid) else str(rng.choice(["left", "right", "front"]))
        if place == "lid":  # on top, showing above the overflow line
            cx, bottom = x1 + bw * rng.uniform(0.35, 0.65), y1 + 0.25 * bh
        elif place == "left":
            cx, bottom = x1 - 0.35 * size, y2 + rng.uniform(0.0, 0.1) * bh
        elif place == "right":
            cx, bottom = x2 + 0.35 * size, y2 + rng.uniform(0.0, 0.1) * bh
        else:
            cx, bottom = x1 + bw * rng.uniform(0.2, 0.8), y2 + rng.uniform(0.1, 0.2) * bh
        later = paste(later, obj, alpha, cx, bottom, size)
        names.append(f"{what} {place}")
    return later, f"{n_items} real cut-out(s) pasted: " + "; ".join(names)


def make_real_pairs(
    data: Path,
    clips: dict[str, Path],
    out: Path,
    progress: Progress | None = None,
    seed: int = 20,
    groups: Sequence[str] = TUNING_GROUPS,
) -> dict[str, int]:
    """Write the pairs folder (``pairs.csv``, ``ref/``, ``later/``, ``README.txt``) of the spots and
    cut-outs of ``groups`` → counts."""
    out = Path(out)
    (out / "ref").mkdir(parents=True, exist_ok=True)
    (out / "later").mkdir(parents=True, exist_ok=True)
    cuts: dict[str, list[tuple[Image, Image, str]]] = {g: [] for g in groups}
    for c in CUTOUTS:
        if c.group in cuts:
            obj, alpha = cutout(Path(data) / OVERFLOW / PHOTOS[c.photo], c.crop)
            cuts[c.group].append((obj, alpha, f"{c.what} (photo {c.photo})"))
    writer = _Writer(out, [], {"overflow": 0, "normal": 0})
    spots = [s for s in SPOTS if s.clip in clips and s.group in cuts]
    rng = np.random.default_rng(seed)
    loaded: dict[str, tuple[list[Image], float]] = {}
    for k, spot in enumerate(spots):
        if spot.clip not in loaded:
            loaded[spot.clip] = read_frames(clips[spot.clip])
        frames, rate = loaded[spot.clip]
        min_gap = max(1, int(3 * rate))  # later pictures at least 3 s away from the reference
        used_busy: set[int] = set()
        for r in clean_frames(frames, spot.box, REFS_PER_SPOT):
            ref = frames[r]
            writer.reference(spot, r, ref)
            far = [i for i in range(len(frames)) if abs(i - r) >= min_gap]
            j = int(rng.choice(far))
            writer.add(
                spot, r, frames[j], "normal", f"frame {(j - r) / rate:+.0f} s later, as it is", "same", j
            )
            # the frame most different around the bin, a different one for each reference
            diffs = [(_change(_around(frames[i], spot.box), _around(ref, spot.box)), i) for i in far]
            j = max(d for d in diffs if d[1] not in used_busy)[1]
            used_busy.add(j)
            busy = "the most different frame around the bin (passer-by or car)"
            writer.add(spot, r, frames[j], "normal", busy, "busy", j)
            j = int(rng.choice(far))
            gain = float(rng.choice([0.7, 1.3]))
            lit = np.clip(frames[j].astype(np.float32) * gain, 0, 255).astype(np.uint8)
            writer.add(spot, r, lit, "normal", f"brightness x{gain} (simulated light change)", "light", j)
            for t in range(2):
                j = int(rng.choice(far))
                later, what = dump_rubbish(frames[j], spot, cuts[spot.group], t == 0, rng)
                writer.add(spot, r, later, "overflow", what, f"bags{t}", j)
        if progress:
            progress(k + 1, len(spots))
    with (out / MANIFEST).open("w", encoding="utf-8", newline="") as f:
        csv_writer = csv.DictWriter(f, list(FIELDS))
        csv_writer.writeheader()
        csv_writer.writerows(writer.rows)
    (out / "README.txt").write_text(describe(writer.rows, clips), encoding="utf-8")
    return {**writer.counts, "pairs": len(writer.rows), "spots": len(spots)}


FIELDS = ("id", "reference", "later", "x1", "y1", "x2", "y2", "line", "label", "split", "note")


def make_fresh_pairs(
    data: Path, clips: dict[str, Path], out: Path, progress: Progress | None = None
) -> dict[str, int]:
    """The fresh held-out folder: spots and cut-outs of :data:`FRESH_GROUPS` only."""
    return make_real_pairs(data, clips, out, progress, seed=FRESH_SEED, groups=FRESH_GROUPS)


def default_real_pairs(
    repo: Path, out: Path, progress: Progress | None = None, fresh: bool = False
) -> Path | None:
    """The real pairs folder at ``out`` (``fresh``: the fresh held-out one), built first if it is not
    there yet (about 30 s); None when the footage or ``../shared/data/real`` is missing."""
    out = Path(out)
    if (out / MANIFEST).is_file():
        return out
    real = find_real_data(Path(repo))
    vtest = Path(repo) / "resources" / "demo" / "vtest.avi"
    if real is None or not vtest.is_file() or not (real / PARKING_CLIP).is_file():
        return None
    clips = {"vtest": vtest, "parking": real / PARKING_CLIP}
    if fresh:
        make_fresh_pairs(real, clips, out, progress)
    else:
        make_real_pairs(real, clips, out, progress)
    return out


def describe(rows: Sequence[dict[str, str]], clips: dict[str, Path]) -> str:
    by = {(r["split"], r["label"]) for r in rows}
    lines = [
        "Bin pairs built by scripts/make_bin_pairs.py (detectors/real_pairs.py); see its docstring.",
        f"clips: {', '.join(f'{k}={v.name}' for k, v in clips.items())}",
        f"pairs: {len(rows)}",
    ]
    for split, label in sorted(by):
        n = sum(1 for r in rows if r["split"] == split and r["label"] == label)
        lines.append(f"  {split} {label}: {n}")
    lines.append("Pictures derived from ../shared/data/real (MIT, City of Amsterdam): do not commit.")
    return "\n".join(lines) + "\n"
