"""Objects to paste into a site's pictures: real cut-outs where real pictures exist, generated ones otherwise.

Real (cut at generation time, never stored in the repository): rubbish bags, cardboard boxes, bulky
waste and waste containers from the Amsterdam street photos of ``../shared/data/real/bins`` (MIT,
City of Amsterdam). Each entry of :data:`REAL_CATALOGUE` is a box drawn by hand around one object;
GrabCut is seeded with that box (outside = certain background, inside = probable foreground) on a
crop of the photo with a margin of a fifth around the box, and the mask is cleaned (largest parts,
holes closed). A cut that keeps under 15 % of its box is dropped.

Generated (numpy/OpenCV drawings, seeded): every vending object — street stalls
(:func:`detectors.synth.street_stall`), standing market umbrellas and push carts — because no usable
real picture of a stall seen from a street camera exists in the team's data (the real vendor pictures
are aerial chips); sign boards (red/blue standing boards: the issue's false alarm) and wheelie bins
(the real photos show only one type of container); and bags when the real photos are absent.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from detectors.synth import F32, STRIPE_COLOURS, U8, _shade, street_stall

REPO = Path(__file__).resolve().parents[1]
AMSTERDAM = (
    "MIT; City of Amsterdam data, repo dfayzur/garbage-object-detection (see ../shared/data/real/README.md)"
)
VENDING_KINDS = ("stall", "umbrella", "cart")
NEGATIVE_KINDS = ("bag", "box", "bulky", "container", "bin", "sign")


@dataclass(frozen=True)
class Cutout:
    """One object: BGR pixels and alpha (0..1) cropped tight, and what it stands for."""

    kind: str  # one of VENDING_KINDS or NEGATIVE_KINDS
    image: U8
    alpha: F32
    height_m: float  # how tall it stands in the world: sets its size in the picture
    source: str  # where the pixels came from: "real: <file>" or "generated: <function>"
    licence: str
    light: float  # median brightness (0..255) of the picture it came from, to match the scene's

    @property
    def vending(self) -> bool:
        return self.kind in VENDING_KINDS

    @property
    def real(self) -> bool:
        return self.source.startswith("real:")


@dataclass(frozen=True)
class RealEntry:
    folder: str  # under the real-data folder
    name: str
    kind: str
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 of the photo as cv2.imread turns it
    height_m: float


def _over(name: str, kind: str, box: tuple[float, float, float, float], height_m: float) -> RealEntry:
    return RealEntry("bins/overflow", "ams_mdc_photo_" + name, kind, box, height_m)


def _amb(name: str, kind: str, box: tuple[float, float, float, float], height_m: float) -> RealEntry:
    return RealEntry("bins/ambiguous", "ams_mdc_photo_" + name, kind, box, height_m)


REAL_CATALOGUE: tuple[RealEntry, ...] = (
    _over("cdv_photo_005_1506112838833.jpg", "container", (0.61, 0.16, 0.88, 0.44), 1.3),
    _over("cdv_photo_005_1506112838833.jpg", "box", (0.0, 0.59, 0.45, 0.96), 0.5),
    _over("cdv_photo_005_1506112838833.jpg", "box", (0.29, 0.36, 0.51, 0.53), 0.4),
    _over("cdv_photo_010_1472929852743.jpg", "container", (0.10, 0.17, 0.46, 0.47), 1.2),
    _over("cdv_photo_010_1472929852743.jpg", "box", (0.17, 0.27, 1.0, 0.67), 0.6),
    _over("cdv_photo_012_1464463139152.jpg", "bag", (0.25, 0.49, 0.53, 0.71), 0.6),
    _over("cdv_photo_012_1464463139152.jpg", "bag", (0.58, 0.59, 0.76, 0.71), 0.5),
    _over("cdv_photo_084_1469560128313.jpg", "bulky", (0.24, 0.41, 0.82, 0.67), 1.1),
    _over("cdv_photo_158_1463528949521.jpg", "bulky", (0.30, 0.30, 0.80, 0.70), 0.9),
    _over("mdc_0e995a_cdv_photo_001_1495902895486.jpg", "container", (0.30, 0.32, 0.57, 0.57), 1.2),
    _over("mdc_0e995a_cdv_photo_001_1495902895486.jpg", "box", (0.16, 0.60, 0.68, 0.81), 0.5),
    _over("mdc_0e995a_cdv_photo_001_1495902895486.jpg", "box", (0.72, 0.51, 0.95, 0.67), 0.5),
    _over("mdc_776a50_cdv_photo_001_1470938736245.jpg", "bag", (0.30, 0.30, 0.57, 0.82), 0.7),
    _over("mdc_776a50_cdv_photo_001_1470938736245.jpg", "bag", (0.43, 0.17, 0.62, 0.45), 0.5),
    _over("mdc_901bf0_cdv_photo_001_1493574945835.jpg", "box", (0.09, 0.34, 0.96, 0.91), 0.8),
    _over("mdc_901bf0_cdv_photo_001_1493574945835.jpg", "box", (0.23, 0.50, 0.39, 0.72), 0.4),
    _over("mdc_901bf0_cdv_photo_001_1493574945835.jpg", "container", (0.44, 0.18, 0.66, 0.42), 1.2),
    _over("mdc_9d6d80_cdv_photo_130_1503769976848.jpg", "container", (0.43, 0.28, 0.71, 0.68), 1.3),
    _over("mdc_9d6d80_cdv_photo_130_1503769976848.jpg", "box", (0.39, 0.59, 0.67, 0.97), 0.6),
    _over("mdc_6e8d20_cdv_photo_001_1488394473814.jpg", "bulky", (0.02, 0.28, 0.98, 0.88), 0.9),
    _amb("cdv_photo_006_1468168008532.jpg", "container", (0.45, 0.15, 0.92, 0.63), 1.3),
    _amb("cdv_photo_006_1468168008532.jpg", "box", (0.32, 0.49, 0.68, 0.69), 0.4),
    _amb("mdc_669500_cdv_photo_002_1500918440454.jpg", "container", (0.20, 0.18, 0.48, 0.57), 1.3),
    _amb("mdc_669500_cdv_photo_002_1500918440454.jpg", "container", (0.52, 0.18, 0.70, 0.52), 1.3),
    _amb("mdc_a33710_cdv_photo_001_1471973946025.jpg", "container", (0.61, 0.23, 0.88, 0.65), 1.3),
    _amb("mdc_a33710_cdv_photo_001_1471973946025.jpg", "container", (0.29, 0.18, 0.48, 0.46), 1.3),
)  # fmt: skip


def default_real_data() -> Path:
    """``$CITYWALL_REAL_DATA``, else ``../shared/data/real`` beside the repository."""
    env = os.environ.get("CITYWALL_REAL_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data" / "real"


def _median_light(img: U8) -> float:
    return float(np.median(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)))


@lru_cache(maxsize=8)
def _read_small(path: Path) -> U8 | None:
    if not path.is_file():
        return None
    # decoded at half size when the photo is large (phone photos are 8 MP); EXIF orientation applied
    flag = cv2.IMREAD_REDUCED_COLOR_2 if path.stat().st_size > 600_000 else cv2.IMREAD_COLOR
    img = cv2.imread(str(path), flag)
    if img is None:
        return None
    s = 1200 / max(img.shape[:2])
    if s < 1:
        img = cv2.resize(
            img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA
        )
    return np.asarray(img, np.uint8)


def grabcut(img: U8, box: tuple[float, float, float, float], iterations: int = 5) -> tuple[U8, F32] | None:
    """Cut the object inside ``box`` (normalised) out of ``img`` → (BGR, alpha) cropped tight, or None."""
    h, w = img.shape[:2]
    x1, y1, x2, y2 = int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)
    mx, my = (x2 - x1) // 5, (y2 - y1) // 5
    cx1, cy1, cx2, cy2 = max(0, x1 - mx), max(0, y1 - my), min(w, x2 + mx), min(h, y2 + my)
    crop = np.ascontiguousarray(img[cy1:cy2, cx1:cx2])
    s = min(1.0, 320 / max(crop.shape[:2]))  # GrabCut's cost grows with pixels: cut at ~320 px
    small = cv2.resize(crop, (max(1, round(crop.shape[1] * s)), max(1, round(crop.shape[0] * s))))
    rect = (
        max(1, round((x1 - cx1) * s)),
        max(1, round((y1 - cy1) * s)),
        max(2, round((x2 - x1) * s) - 2),
        max(2, round((y2 - y1) * s) - 2),
    )
    mask = np.zeros(small.shape[:2], np.uint8)
    cv2.setRNGSeed(0)  # GrabCut's GMM initialisation draws from OpenCV's RNG: same cut every run
    cv2.grabCut(small, mask, rect, np.zeros((1, 65)), np.zeros((1, 65)), iterations, cv2.GC_INIT_WITH_RECT)
    fg: np.ndarray = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = 1 + np.nonzero(areas >= 0.15 * areas.max())[0]  # the object, not specks of the pavement
    fg = np.isin(labels, keep).astype(np.uint8)
    k = max(3, round(min(small.shape[:2]) / 40)) | 1
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    if fg.sum() < 0.15 * rect[2] * rect[3]:
        return None
    ys, xs = np.nonzero(fg)
    y0, y1b, x0, x1b = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    return np.ascontiguousarray(small[y0:y1b, x0:x1b]), fg[y0:y1b, x0:x1b].astype(np.float32)


@lru_cache(maxsize=4)
def real_cutouts(folder: Path) -> tuple[Cutout, ...]:
    """Every catalogue object cut from the photos under ``folder`` (absent photos are skipped)."""
    out: list[Cutout] = []
    for e in REAL_CATALOGUE:
        img = _read_small(folder / e.folder / e.name)
        if img is None:
            continue
        cut = grabcut(img, e.box)
        if cut is None:
            continue
        out.append(
            Cutout(
                e.kind,
                cut[0],
                cut[1],
                e.height_m,
                f"real: {e.folder}/{e.name}",
                AMSTERDAM,
                _median_light(img),
            )
        )
    return tuple(out)


# --- generated objects ----------------------------------------------------------------------------

GENERATED = "generated by detectors.cutouts (the project's own)"


def _finish(img: np.ndarray, alpha: np.ndarray, rng: np.random.Generator) -> tuple[U8, F32]:
    img = _shade(img.astype(np.float32), rng, 4.0)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha.astype(np.float32), (3, 3), 0)


def standing_umbrella(rng: np.random.Generator, width: int = 120) -> tuple[U8, F32]:
    """A market umbrella on a pole with a weighted base and a stool or crate of goods under it."""
    w = int(width)
    h = int(w * rng.uniform(1.0, 1.3))
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    cx, rim = w // 2, int(h * 0.3)
    c1 = STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))]
    c2 = STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))]
    pts = [(cx, int(h * 0.04))]
    n = int(rng.integers(3, 6))
    xs = np.linspace(1, w - 2, 2 * n + 1).astype(int)
    for i, x in enumerate(xs):  # scalloped rim: panels alternate colour
        pts.append((int(x), rim + (4 if i % 2 else 0)))
    for i in range(len(xs) - 1):
        tri = np.array([pts[0], (xs[i], rim), (xs[i + 1], rim)], np.int32)
        cv2.fillPoly(img, [tri], c1 if i % 2 else c2)
        cv2.fillPoly(alpha, [tri], 1.0)
    cv2.rectangle(img, (0, rim - 2), (w - 1, rim + max(2, h // 40)), c1, -1)
    cv2.rectangle(alpha, (0, rim - 2), (w - 1, rim + max(2, h // 40)), 1.0, -1)
    img *= np.clip(np.linspace(1.1, 0.8, h, dtype=np.float32), 0, 2)[:, None, None]
    pw = max(2, w // 45)
    cv2.rectangle(img, (cx - pw // 2, rim), (cx + pw // 2, h - 4), (60, 60, 60), -1)
    cv2.rectangle(alpha, (cx - pw // 2, rim), (cx + pw // 2, h - 4), 1.0, -1)
    cv2.rectangle(img, (cx - w // 8, h - 6), (cx + w // 8, h - 1), (50, 50, 55), -1)  # base
    cv2.rectangle(alpha, (cx - w // 8, h - 6), (cx + w // 8, h - 1), 1.0, -1)
    gx = int(rng.uniform(0.05, 0.45) * w)  # a crate of goods beside the pole
    gw, gh = int(w * rng.uniform(0.25, 0.4)), int(h * rng.uniform(0.12, 0.2))
    crate = np.array((40, 90, 150), np.float32) * rng.uniform(0.7, 1.2)
    cv2.rectangle(img, (gx, h - gh), (gx + gw, h - 1), crate.tolist(), -1)
    cv2.rectangle(alpha, (gx, h - gh), (gx + gw, h - 1), 1.0, -1)
    for _ in range(int(rng.integers(4, 10))):
        r = max(2, w // 30)
        px = int(rng.uniform(gx + r, gx + gw - r))
        col = (int(rng.integers(20, 80)), int(rng.integers(80, 220)), int(rng.integers(120, 250)))
        cv2.circle(img, (px, h - gh), r, col, -1)
        cv2.circle(alpha, (px, h - gh), r, 1.0, -1)
    return _finish(img, alpha, rng)


def push_cart(rng: np.random.Generator, width: int = 120) -> tuple[U8, F32]:
    """A vendor's push cart / tricycle cart: a box body, a glass case on top, wheels, often an awning."""
    w = int(width)
    h = int(w * rng.uniform(0.85, 1.1))
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    body = np.array(STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))], np.float32) * rng.uniform(
        0.7, 1.0
    )
    r = max(3, w // 9)
    by1, by2 = int(h * 0.5), h - r
    cv2.rectangle(img, (2, by1), (w - 3, by2), body.tolist(), -1)
    cv2.rectangle(alpha, (2, by1), (w - 3, by2), 1.0, -1)
    cv2.rectangle(img, (6, by1 + 4), (w - 7, by1 + max(5, h // 14)), (body * 1.3).tolist(), -1)  # trim
    cv2.rectangle(img, (6, int(h * 0.3)), (w - 7, by1), (175, 185, 180), -1)  # glass case
    cv2.rectangle(alpha, (6, int(h * 0.3)), (w - 7, by1), 0.95, -1)
    for _ in range(int(rng.integers(5, 12))):  # what is on sale behind the glass
        gx, gy = int(rng.uniform(10, w - 10)), int(rng.uniform(h * 0.36, by1 - 4))
        col = (int(rng.integers(20, 120)), int(rng.integers(60, 200)), int(rng.integers(120, 250)))
        cv2.circle(img, (gx, gy), max(2, w // 22), col, -1)
    if rng.random() < 0.7:  # awning on two poles
        aw = np.array(STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))], np.float32)
        cv2.rectangle(img, (0, 0), (w - 1, int(h * 0.1)), aw.tolist(), -1)
        cv2.rectangle(alpha, (0, 0), (w - 1, int(h * 0.1)), 1.0, -1)
        for px in (4, w - 6):
            cv2.rectangle(img, (px, int(h * 0.1)), (px + 2, int(h * 0.3)), (60, 60, 60), -1)
            cv2.rectangle(alpha, (px, int(h * 0.1)), (px + 2, int(h * 0.3)), 1.0, -1)
    for wx in (w // 5, w - w // 5):  # wheels
        cv2.circle(img, (wx, h - r - 1), r, (30, 30, 30), -1)
        cv2.circle(alpha, (wx, h - r - 1), r, 1.0, -1)
        cv2.circle(img, (wx, h - r - 1), max(1, r // 3), (140, 140, 140), -1)
    return _finish(img, alpha, rng)


def sign_board(rng: np.random.Generator, width: int = 60) -> tuple[U8, F32]:
    """A standing shop sign (mostly red, else blue/white/yellow) with lines of lettering, on legs."""
    w = int(width)
    h = int(w * rng.uniform(1.3, 2.2))
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    colours = [(30, 30, 200), (30, 30, 200), (170, 90, 20), (235, 235, 235), (30, 190, 230)]
    face = np.array(colours[int(rng.integers(0, len(colours)))], np.float32) * rng.uniform(0.75, 1.05)
    top, bottom = 0, int(h * rng.uniform(0.72, 0.85))
    cv2.rectangle(img, (0, top), (w - 1, bottom), face.tolist(), -1)
    cv2.rectangle(alpha, (0, top), (w - 1, bottom), 1.0, -1)
    ink = (240, 240, 240) if face.mean() < 150 else (30, 30, 30)
    y = top + max(3, h // 14)
    while y < bottom - max(4, h // 12):  # blocks of lettering
        lh = max(2, int(h * rng.uniform(0.04, 0.08)))
        x = int(w * rng.uniform(0.08, 0.2))
        while x < w * 0.85:
            cw = max(2, int(w * rng.uniform(0.08, 0.16)))
            cv2.rectangle(img, (x, y), (min(w - 3, x + cw), y + lh), ink, -1)
            x += cw + max(1, w // 25)
        y += lh + max(3, int(h * rng.uniform(0.04, 0.08)))
    for lx in (w // 6, w - w // 6 - 2):
        cv2.rectangle(img, (lx, bottom), (lx + max(2, w // 20), h - 1), (50, 50, 50), -1)
        cv2.rectangle(alpha, (lx, bottom), (lx + max(2, w // 20), h - 1), 1.0, -1)
    return _finish(img, alpha, rng)


def wheelie_bin(rng: np.random.Generator, width: int = 50) -> tuple[U8, F32]:
    """A two-wheeled kerbside bin (blue, green, grey, brown, orange) with its lid, sometimes bags on top."""
    w = int(width)
    h = int(w * rng.uniform(1.4, 1.7))
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    colours = [(150, 80, 20), (40, 110, 40), (90, 90, 90), (30, 60, 110), (20, 110, 220)]
    body = np.array(colours[int(rng.integers(0, len(colours)))], np.float32) * rng.uniform(0.8, 1.15)
    lid = int(h * 0.12)
    pts = np.array([(2, lid), (w - 3, lid), (w - 6, h - 3), (5, h - 3)], np.int32)  # tapers to the foot
    cv2.fillPoly(img, [pts], body.tolist())
    cv2.fillPoly(alpha, [pts], 1.0)
    cv2.rectangle(img, (0, lid - max(3, h // 20)), (w - 1, lid + 1), (body * 0.8).tolist(), -1)
    cv2.rectangle(alpha, (0, lid - max(3, h // 20)), (w - 1, lid + 1), 1.0, -1)
    if rng.random() < 0.4:  # overflowing: a black bag pushing the lid up
        cv2.ellipse(img, (w // 2, lid - max(3, h // 20)), (w // 3, lid), 0, 180, 360, (30, 30, 32), -1)
        cv2.ellipse(alpha, (w // 2, lid - max(3, h // 20)), (w // 3, lid), 0, 180, 360, 1.0, -1)
    img *= np.linspace(1.15, 0.8, w, dtype=np.float32)[None, :, None]  # lit from one side
    cv2.circle(img, (6, h - 6), max(3, w // 10), (25, 25, 25), -1)
    cv2.circle(alpha, (6, h - 6), max(3, w // 10), 1.0, -1)
    return _finish(img, alpha, rng)


def bag(rng: np.random.Generator, width: int = 40) -> tuple[U8, F32]:
    """A tied rubbish bag (only used when the real photos are absent)."""
    w = int(width)
    h = int(w * 1.2)
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    col = [(28, 28, 30), (40, 40, 46), (215, 215, 210), (40, 80, 170), (60, 150, 70)][int(rng.integers(0, 5))]
    axes = (w // 2 - 1, int(h * 0.38))
    cv2.ellipse(img, (w // 2, h - axes[1] - 1), axes, 0, 0, 360, col, -1)
    cv2.ellipse(alpha, (w // 2, h - axes[1] - 1), axes, 0, 0, 360, 1.0, -1)
    cv2.line(img, (w // 2, h - 2 * axes[1]), (w // 2, 1), col, max(2, w // 8))
    cv2.line(alpha, (w // 2, h - 2 * axes[1]), (w // 2, 1), 1.0, max(2, w // 8))
    return _finish(img, alpha, rng)


# kind → (drawing, typical world height in metres, pixels to draw it at)
_DRAWN = {
    "stall": (street_stall, 2.2, 160),
    "umbrella": (standing_umbrella, 2.3, 160),
    "cart": (push_cart, 1.5, 140),
    "sign": (sign_board, 1.2, 70),
    "bin": (wheelie_bin, 1.05, 60),
    "bag": (bag, 0.55, 50),
}


def generated_cutout(kind: str, rng: np.random.Generator) -> Cutout:
    draw, height_m, px = _DRAWN[kind]
    img, alpha = draw(rng, px)
    ys, xs = np.nonzero(alpha > 0.05)
    img, alpha = (
        img[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1],
        alpha[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1],
    )
    return Cutout(
        kind, img, alpha, height_m, f"generated: {draw.__module__}.{draw.__name__}", GENERATED, 150.0
    )


def library_kinds(real: Sequence[Cutout]) -> dict[str, str]:
    """kind → 'real' or 'generated', as :func:`detectors.composite` will draw them."""
    have = {c.kind for c in real}
    return {k: ("real" if k in have else "generated") for k in (*VENDING_KINDS, *NEGATIVE_KINDS)}
