"""Composite training scenes on a site's own clean pictures: stalls to find, bins, bags and signs not to.

Given a camera's clean reference pictures (BGR) and, optionally, its no-vending zones (normalised
polygons), :func:`compose` pastes objects standing on the ground and returns each picture with the
boxes of what it holds. Vending objects (stall, umbrella, cart: class 0 ``street_vendor``) stand
inside a zone (the bottom-centre of the box inside the polygon, the rule the zones use); hard
negatives (bags, boxes, bulky waste, containers, wheelie bins, sign boards) stand the same way and
get no label. :func:`write_yolo` writes a YOLO folder with a manifest. Where the objects come from is
:mod:`detectors.cutouts` (real Amsterdam cut-outs where they exist, generated drawings otherwise).

Scale — a ground-plane prior. For a camera above a flat street, an object of height H metres whose
foot is at image row y is ``k * H * (y - y_h)`` pixels tall, y_h the horizon row. :class:`Ground`
holds y_h and k as "a 1.7 m person's height at the bottom row". The defaults are measured on
vtest.avi (a pole camera ~5 m up, tilted down: walkers 58 px tall at row 200 and 108 px at row 408
of 576 → horizon 0.07 of the height above the frame, a person 26 % of the frame tall at the bottom).
A zone whose left and right sides converge upwards (a trapezoid drawn along the pavement) gives its
own horizon: where its sides would meet. Per-picture values can be given instead.

Blending: a soft elliptic contact shadow under the foot; the object's brightness scaled towards the
scene's (square root of the ratio of median brightness, clipped) and its colour cast moved halfway to
the scene's; alpha eroded one pixel and feathered; a slight blur and the scene's own noise level on
the pasted pixels. Everything is drawn from one ``numpy`` generator: the same seed, the same pictures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from detectors.cutouts import VENDING_KINDS, Cutout, generated_cutout, real_cutouts
from detectors.synth import U8

Polygon = tuple[tuple[float, float], ...]  # normalised (x, y) vertices
NAMES = ("street_vendor",)
DEFAULT_ZONE: Polygon = ((0.0, 0.45), (1.0, 0.45), (1.0, 0.98), (0.0, 0.98))  # the lower half: the ground


class CompositeError(ValueError):
    pass


@dataclass(frozen=True)
class Ground:
    """The ground-plane prior: horizon row and a 1.7 m person's height at the bottom row (both normalised)."""

    horizon: float = -0.07
    person_at_bottom: float = 0.26

    def height_px(self, y_foot: float, metres: float, frame_h: int) -> float:
        """Pixel height of an object ``metres`` tall whose foot is at normalised row ``y_foot``."""
        per_metre = self.person_at_bottom / 1.7 / (1.0 - self.horizon)
        return max(0.0, frame_h * per_metre * metres * (y_foot - self.horizon))


@dataclass(frozen=True)
class Background:
    image: U8
    name: str = "background"
    zones: tuple[Polygon, ...] = ()
    ground: Ground | None = None  # None: from the zones' shape where they say, else the default prior


@dataclass(frozen=True)
class Placed:
    kind: str
    vending: bool
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 pixels: where alpha > 0.5 (exclusive x2, y2)
    foot: tuple[float, float]  # normalised bottom-centre the object stands on
    source: str


@dataclass(frozen=True)
class Composite:
    image: U8
    objects: tuple[Placed, ...]
    background: str
    ground: Ground
    masks: tuple[np.ndarray, ...] = field(default=(), repr=False)  # per object: alpha > 0.5, frame-sized

    def yolo_lines(self) -> list[str]:
        h, w = self.image.shape[:2]
        return [
            f"0 {(x1 + x2) / 2 / w:.6f} {(y1 + y2) / 2 / h:.6f} {(x2 - x1) / w:.6f} {(y2 - y1) / h:.6f}"
            for o in self.objects
            if o.vending
            for x1, y1, x2, y2 in [o.box]
        ]


@dataclass(frozen=True)
class Options:
    negative_share: float = 0.5  # pictures holding only hard negatives (empty label files)
    max_positives: int = 2
    max_negatives: int = 3
    shadow: bool = True
    match_colour: bool = True
    degrade: bool = True  # blur + the scene's noise on the pasted pixels
    min_height_px: int = 14


# --- geometry ------------------------------------------------------------------------------------


def _widths_at(poly: Polygon, y: float) -> float:
    xs = []
    n = len(poly)
    for i in range(n):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
        if (y1 <= y < y2) or (y2 <= y < y1):
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return max(xs) - min(xs) if len(xs) >= 2 else 0.0


def horizon_from_zone(poly: Polygon) -> float | None:
    """The row where the zone's sides would meet, if it narrows upwards by a fifth or more; else None."""
    ys = [p[1] for p in poly]
    top, bottom = min(ys), max(ys)
    if bottom - top < 0.05:
        return None
    yt, yb = top + 0.1 * (bottom - top), bottom - 0.1 * (bottom - top)
    wt, wb = _widths_at(poly, yt), _widths_at(poly, yb)
    if wt <= 0 or wb < 1.2 * wt:
        return None
    yh = yt - wt * (yb - yt) / (wb - wt)
    return float(np.clip(yh, -1.0, top - 0.05))


def ground_for(bg: Background) -> Ground:
    if bg.ground is not None:
        return bg.ground
    found = [h for h in (horizon_from_zone(z) for z in bg.zones) if h is not None]
    return Ground(horizon=float(np.median(found))) if found else Ground()


def inside(poly: Polygon, x: float, y: float) -> bool:
    contour = np.array(poly, np.float32).reshape(-1, 1, 2)
    return bool(cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0)


def _sample_in(poly: Polygon, rng: np.random.Generator) -> tuple[float, float]:
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    for _ in range(200):
        x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        if inside(poly, x, y):
            return float(x), float(y)
    raise CompositeError(f"zone {poly}: no point found inside it (is it degenerate?)")


# --- blending ------------------------------------------------------------------------------------


def _noise_sigma(img: U8) -> float:
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    hp = grey - cv2.GaussianBlur(grey, (3, 3), 0)
    return float(np.clip(1.4826 * np.median(np.abs(hp)) * 1.5, 0.5, 8.0))


@dataclass(frozen=True)
class _Scene:
    light: float  # median brightness
    cast: np.ndarray  # the light's colour, per channel, relative to grey
    noise: float


def _scene(img: U8) -> _Scene:
    # the light's colour from the scene's greyish pixels (pavement, walls): grass and sky would tint it
    px = img.reshape(-1, 3).astype(np.float32)
    sat = cv2.cvtColor(img, cv2.COLOR_BGR2HSV).reshape(-1, 3)[:, 1]
    grey = px[sat < 50] if int((sat < 50).sum()) > px.shape[0] // 20 else px
    cast = grey.mean(0) / max(1.0, float(grey.mean()))
    light = float(np.median(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)))
    return _Scene(light, cast, _noise_sigma(img))


def _match(obj: U8, cut: Cutout, scene: _Scene) -> np.ndarray:
    """Brightness towards the scene's (sqrt of the ratio of medians), colour cast halfway to the scene's."""
    gain = float(np.clip((scene.light + 1) / (cut.light + 1), 0.3, 3.0) ** 0.5)
    matched: np.ndarray = obj.astype(np.float32) * gain * (1 + 0.5 * (scene.cast - 1))[None, None, :]
    return matched


def _shadow(frame: np.ndarray, foot: tuple[int, int], w: int, rng: np.random.Generator) -> None:
    """Darken an elliptic patch of ground under the foot, in place (float frame)."""
    fh, fw = frame.shape[:2]
    dx = int(rng.uniform(-0.2, 0.2) * w)  # the light's side
    ax = max(2, int(w * rng.uniform(0.5, 0.65)))
    ay = max(1, int(w * rng.uniform(0.08, 0.16)))
    sigma = max(1.0, ay * 0.8)
    pad = ax + ay + int(3 * sigma) + 2
    x0, y0 = max(0, foot[0] + dx - pad), max(0, foot[1] - pad)
    x1, y1 = min(fw, foot[0] + dx + pad), min(fh, foot[1] + pad)
    if x0 >= x1 or y0 >= y1:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.ellipse(mask, (foot[0] + dx - x0, foot[1] - ay // 3 - y0), (ax, ay), 0, 0, 360, 1.0, -1)
    soft = cv2.GaussianBlur(mask, (0, 0), sigma)
    frame[y0:y1, x0:x1] *= (1.0 - rng.uniform(0.3, 0.5) * soft)[..., None]


def _paste_one(
    frame: np.ndarray, cut: Cutout, box: tuple[int, int, int, int], scene: _Scene, opts: Options,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Blend ``cut`` resized to ``box`` into ``frame`` (float, in place) → the alpha used, frame-sized."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    obj = cv2.resize(cut.image, (w, h), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(cut.alpha, (w, h), interpolation=cv2.INTER_AREA)
    if cut.real:  # GrabCut leaves a halo of the source's pavement: shave a pixel
        alpha = cv2.erode(alpha, np.ones((3, 3), np.uint8)) if min(w, h) > 24 else alpha
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.7)
    src = _match(obj, cut, scene) if opts.match_colour else obj.astype(np.float32)
    if opts.degrade:
        src = cv2.GaussianBlur(src, (0, 0), rng.uniform(0.4, 0.9))
        src += rng.normal(0, scene.noise, src.shape).astype(np.float32)
    a = alpha[..., None]
    frame[y1:y2, x1:x2] = frame[y1:y2, x1:x2] * (1 - a) + src * a
    full = np.zeros(frame.shape[:2], np.float32)
    full[y1:y2, x1:x2] = alpha
    return full


# --- composing -----------------------------------------------------------------------------------


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _place(
    cut: Cutout, zone: Polygon, ground: Ground, size: tuple[int, int], taken: list[tuple[int, int, int, int]],
    opts: Options, rng: np.random.Generator,
) -> tuple[tuple[int, int, int, int], tuple[float, float]] | None:  # fmt: skip
    """A box for ``cut`` standing in ``zone`` at its perspective size, clear of ``taken``; or None."""
    fw, fh = size
    aspect = cut.image.shape[1] / cut.image.shape[0]
    for _ in range(40):
        fx, fy = _sample_in(zone, rng)
        h = ground.height_px(fy, cut.height_m * rng.uniform(0.85, 1.15), fh)
        h = min(h, 0.8 * fh)
        w = h * aspect
        if h < opts.min_height_px or w < 6:
            continue
        x2f, y2 = fx * fw + w / 2, min(fh, round(fy * fh))
        box = (round(x2f - w), round(y2 - h), round(x2f), y2)
        if box[0] < 0 or box[1] < 0 or box[2] > fw:
            continue
        if any(_iou(box, t) > 0.05 for t in taken):
            continue
        return box, (fx, fy)
    return None


def _alpha_box(alpha: np.ndarray) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(alpha > 0.5)
    if not len(xs):
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def compose(
    backgrounds: Sequence[Background],
    n: int,
    seed: int = 0,
    *,
    real_data: Path | None = None,
    options: Options | None = None,
) -> Iterator[Composite]:
    """``n`` composites, cycling over ``backgrounds``; seeded and deterministic."""
    if not backgrounds:
        raise CompositeError(
            "no background pictures: give the site's clean reference pictures (at least one)"
        )
    for i, bg in enumerate(backgrounds):
        if bg.image is None or bg.image.ndim != 3 or bg.image.shape[2] != 3 or min(bg.image.shape[:2]) < 32:
            raise CompositeError(f"background {i} ({bg.name}): not a BGR picture of at least 32x32 pixels")
    opts = options or Options()
    rng = np.random.default_rng(seed)
    real = list(real_cutouts(real_data)) if real_data is not None and real_data.is_dir() else []
    by_kind: dict[str, list[Cutout]] = {}
    for c in real:
        by_kind.setdefault(c.kind, []).append(c)
    negative_kinds = ("bag", "box", "bulky", "container", "bin", "sign")
    scenes: list[_Scene] = []  # light, colour and noise of each background, measured once
    for k in range(n):
        bg = backgrounds[k % len(backgrounds)]
        ground = ground_for(bg)
        zones = bg.zones or (DEFAULT_ZONE,)
        fh, fw = bg.image.shape[:2]
        only_negatives = rng.random() < opts.negative_share
        n_pos = 0 if only_negatives else int(rng.integers(1, opts.max_positives + 1))
        n_neg = (
            int(rng.integers(1, opts.max_negatives + 1))
            if only_negatives
            else int(rng.integers(0, opts.max_negatives + 1))
        )
        wanted: list[Cutout] = []
        for _ in range(n_pos):
            wanted.append(generated_cutout(VENDING_KINDS[int(rng.integers(0, len(VENDING_KINDS)))], rng))
        for _ in range(n_neg):
            kind = negative_kinds[int(rng.integers(0, len(negative_kinds)))]
            pool = by_kind.get(kind)
            if pool:
                wanted.append(pool[int(rng.integers(0, len(pool)))])
            elif kind in ("bin", "sign", "bag"):
                wanted.append(generated_cutout(kind, rng))
            else:  # box/bulky/container need the real photos: a generated bin or bag instead
                wanted.append(generated_cutout(("bin", "bag")[int(rng.integers(0, 2))], rng))
        placed: list[tuple[Cutout, tuple[int, int, int, int], tuple[float, float]]] = []
        for cut in wanted:
            zone = zones[int(rng.integers(0, len(zones)))]
            spot = _place(cut, zone, ground, (fw, fh), [p[1] for p in placed], opts, rng)
            if spot is not None:
                placed.append((cut, spot[0], spot[1]))
        placed.sort(key=lambda p: p[1][3])  # far first: nearer objects cover farther ones
        frame = bg.image.astype(np.float32)
        if k < len(backgrounds):
            scenes.append(_scene(bg.image))
        scene = scenes[k % len(backgrounds)]
        alphas: list[np.ndarray] = []
        for cut, box, _foot in placed:
            if opts.shadow:
                _shadow(frame, ((box[0] + box[2]) // 2, box[3]), box[2] - box[0], rng)
            alphas.append(_paste_one(frame, cut, box, scene, opts, rng))
        image = np.clip(frame, 0, 255).astype(np.uint8)
        objects: list[Placed] = []
        masks: list[np.ndarray] = []
        for j, ((cut, _box, foot), alpha) in enumerate(zip(placed, alphas, strict=True)):
            visible = alpha.copy()
            for later in alphas[j + 1 :]:  # what nearer objects left of it
                visible *= 1.0 - later
            vbox = _alpha_box(visible)
            if vbox is None:
                continue
            objects.append(Placed(cut.kind, cut.vending, vbox, foot, cut.source))
            masks.append(visible > 0.5)
        yield Composite(image, tuple(objects), bg.name, ground, tuple(masks))


# --- YOLO folder ---------------------------------------------------------------------------------


def write_yolo(
    composites: Iterator[Composite] | Sequence[Composite],
    out: Path,
    *,
    seed: int = 0,
    jpeg_quality: tuple[int, int] = (60, 92),
    progress: Callable[[int], None] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Path:
    """Write ``images/``, ``labels/``, ``classes.txt`` and ``manifest.json`` under ``out`` → the manifest.

    JPEG quality varies per picture (a CCTV encoder's artefacts); the manifest lists each picture's
    objects (kind, box, vending or not, source of the pixels) and the licences of the real sources.
    """
    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    entries = []
    sources: dict[str, dict[str, object]] = {}
    for i, comp in enumerate(composites):
        stem = f"composite_{i:05d}"
        q = int(rng.integers(jpeg_quality[0], jpeg_quality[1] + 1))
        if not cv2.imwrite(str(out / "images" / f"{stem}.jpg"), comp.image, [cv2.IMWRITE_JPEG_QUALITY, q]):
            raise CompositeError(f"{out / 'images' / (stem + '.jpg')}: cannot write")
        lines = comp.yolo_lines()
        (out / "labels" / f"{stem}.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        entries.append(
            {
                "image": f"images/{stem}.jpg",
                "label": f"labels/{stem}.txt",
                "background": comp.background,
                "ground": asdict(comp.ground),
                "objects": [
                    {
                        "kind": o.kind,
                        "vending": o.vending,
                        "box": list(o.box),
                        "foot": [round(v, 4) for v in o.foot],
                        "source": o.source,
                    }
                    for o in comp.objects
                ],
            }
        )
        for o in comp.objects:
            if o.source not in sources:
                real = o.source.startswith("real:")
                sources[o.source] = {
                    "real": real,
                    "licence": "MIT, City of Amsterdam data (../shared/data/real/README.md)"
                    if real
                    else "the project's own drawing",
                }
        if progress is not None:
            progress(i + 1)
    (out / "classes.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    manifest = {
        "what": "composite training scenes (detectors.composite): vending objects labelled class 0 "
        "street_vendor; bags, boxes, bulky waste, containers, bins and sign boards pasted as unlabelled "
        "hard negatives",
        "names": list(NAMES),
        "seed": seed,
        "count": len(entries),
        **dict(extra or {}),
        "sources": sources,
        "images": entries,
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
