"""Generated objects and scenes for tests, demos and training data (numpy/OpenCV only, seeded).

* :func:`street_stall` — an oblique-view vendor stall (striped umbrella, table with goods, shadow);
* :func:`aerial_umbrella` — a vendor umbrella seen from above (as in orthophoto chips);
* :func:`bin_scene` — a litter bin on pavement, clean or overflowing (bags, boxes above the rim and
  around the base), with the bin's box and rim line so that ROIs can be drawn on it;
* :func:`paste` — alpha-blend an object into a frame (with the frame's own noise on top).

Everything takes a ``numpy.random.Generator`` so that every picture is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[Any]  # uint8 images (typed loosely: OpenCV returns generic arrays)
F32 = npt.NDArray[Any]  # float32 images and alpha masks

STRIPE_COLOURS = [
    (40, 40, 200),  # red (BGR)
    (200, 120, 30),  # blue
    (40, 160, 40),  # green
    (30, 180, 230),  # yellow/orange
    (150, 60, 150),  # purple
    (235, 235, 235),  # white
]
GOODS_COLOURS = [(30, 90, 220), (40, 200, 240), (60, 180, 60), (20, 60, 160), (200, 200, 200), (30, 30, 30)]


def _noise(rng: np.random.Generator, shape: tuple[int, ...], sigma: float) -> F32:
    return rng.normal(0.0, sigma, shape).astype(np.float32)


def _shade(img: F32, rng: np.random.Generator, sigma: float = 6.0) -> F32:
    """Texture: smooth low-frequency shading plus pixel noise."""
    h, w = img.shape[:2]
    low = cv2.resize(
        _noise(rng, (max(2, h // 12), max(2, w // 12)), 1.0), (w, h), interpolation=cv2.INTER_CUBIC
    )
    out: F32 = img * (1.0 + 0.08 * low[..., None]) + _noise(rng, img.shape, sigma)
    return out


def street_stall(rng: np.random.Generator, width: int = 120) -> tuple[U8, F32]:
    """An oblique-view stall about ``width`` pixels wide → (BGR image, alpha 0..1), same size."""
    w = int(width)
    h = int(w * rng.uniform(1.0, 1.25))
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    # umbrella canopy: a flattened ellipse top half, striped
    cx, cy = w // 2, int(h * 0.28)
    rx, ry = int(w * 0.5) - 1, int(h * 0.2)
    canopy = np.zeros((h, w), np.uint8)
    cv2.ellipse(canopy, (cx, cy), (rx, ry), 0, 180, 360, 255, -1)
    cv2.rectangle(canopy, (cx - rx, cy), (cx + rx, cy + max(2, h // 30)), 255, -1)
    n_stripes = int(rng.integers(6, 11))
    c1 = STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS) - 1))]
    c2 = (
        STRIPE_COLOURS[-1]
        if rng.random() < 0.6
        else STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))]
    )
    xs = np.arange(w)[None, :].repeat(h, 0)
    ys = np.arange(h)[:, None].repeat(w, 1)
    angle = np.arctan2(ys - (cy + ry), xs - cx)  # stripes fan out from below the canopy
    stripe = (np.floor((angle + np.pi) / np.pi * n_stripes).astype(int) % 2).astype(bool)
    cm = canopy > 0
    img[cm & stripe] = c1
    img[cm & ~stripe] = c2
    light = np.clip(1.05 - 0.35 * (ys - (cy - ry)) / max(1, 2 * ry), 0.6, 1.1)[..., None]
    img = np.where(cm[..., None], img * light, img)
    alpha[cm] = 1.0
    # pole
    pole_w = max(2, w // 40)
    cv2.rectangle(img, (cx - pole_w // 2, cy), (cx + pole_w // 2, int(h * 0.7)), (70, 70, 70), -1)
    cv2.rectangle(alpha, (cx - pole_w // 2, cy), (cx + pole_w // 2, int(h * 0.7)), 1.0, -1)
    # table: top (goods) and front cloth
    tx1, tx2 = int(w * rng.uniform(0.08, 0.15)), int(w * rng.uniform(0.85, 0.92))
    ty1, ty2, ty3 = int(h * 0.58), int(h * 0.68), int(h * 0.97)
    cloth = np.array(STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))], np.float32) * 0.8
    img[ty2:ty3, tx1:tx2] = cloth
    alpha[ty2:ty3, tx1:tx2] = 1.0
    img[ty1:ty2, tx1:tx2] = (110, 120, 130)
    alpha[ty1:ty2, tx1:tx2] = 1.0
    for _ in range(int(rng.integers(10, 25))):  # goods: fruit, boxes, bottles
        gx = int(rng.uniform(tx1 + 2, tx2 - 2))
        gy = int(rng.uniform(ty1 - h * 0.05, ty2))
        r = max(2, int(w * rng.uniform(0.025, 0.06)))
        col = np.array(GOODS_COLOURS[int(rng.integers(0, len(GOODS_COLOURS)))], np.float32) * rng.uniform(
            0.7, 1.1
        )
        if rng.random() < 0.5:
            cv2.circle(img, (gx, gy), r, col.tolist(), -1)
            cv2.circle(alpha, (gx, gy), r, 1.0, -1)
        else:
            cv2.rectangle(img, (gx - r, gy - r), (gx + r, gy + r // 2), col.tolist(), -1)
            cv2.rectangle(alpha, (gx - r, gy - r), (gx + r, gy + r // 2), 1.0, -1)
    # legs
    for lx in (tx1 + 2, tx2 - 4):
        cv2.rectangle(img, (lx, ty3 - 2), (lx + 2, h - 1), (40, 40, 40), -1)
        cv2.rectangle(alpha, (lx, ty3 - 2), (lx + 2, h - 1), 1.0, -1)
    img = _shade(img, rng, 5.0)
    alpha_out: F32 = cv2.GaussianBlur(alpha, (3, 3), 0)
    return np.clip(img, 0, 255).astype(np.uint8), alpha_out


def aerial_umbrella(rng: np.random.Generator, diameter: int = 40) -> tuple[U8, F32]:
    """A vendor umbrella seen from above → (BGR image, alpha), ``diameter`` + shadow wide."""
    d = int(diameter)
    size = int(d * 1.4)
    img = np.zeros((size, size, 3), np.float32)
    alpha = np.zeros((size, size), np.float32)
    c = size // 2
    off = int(d * rng.uniform(0.1, 0.3))
    cv2.circle(alpha, (c + off // 2, c + off // 2), d // 2, 0.45, -1)  # shadow: darkens the ground
    yy, xx = np.mgrid[0:size, 0:size]
    ang = np.arctan2(yy - c, xx - c)
    seg = (np.floor((ang + np.pi) / (2 * np.pi) * int(rng.integers(6, 10)) * 2).astype(int) % 2).astype(bool)
    disk = (yy - c) ** 2 + (xx - c) ** 2 <= (d // 2) ** 2
    c1 = np.array(STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))], np.float32)
    c2 = np.array(STRIPE_COLOURS[int(rng.integers(0, len(STRIPE_COLOURS)))], np.float32)
    img[disk & seg] = c1
    img[disk & ~seg] = c2 if rng.random() < 0.5 else c1 * 0.8
    r = np.sqrt((yy - c) ** 2 + (xx - c) ** 2) / max(1, d / 2)
    img *= np.clip(1.1 - 0.3 * r, 0.6, 1.1)[..., None]
    alpha[disk] = 1.0
    img = _shade(img, rng, 4.0)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


def paste(
    frame: U8, obj: U8, alpha: F32, x: int, y: int, rng: np.random.Generator | None = None, noise: float = 2.0
) -> U8:
    """Alpha-blend ``obj`` with its top-left at (x, y) into a copy of ``frame``; clipped at the borders.

    Alpha below 1 on a black object pixel darkens the ground (shadows). A little fresh noise is added
    to the pasted pixels so that they are not the only noise-free pixels of a video frame.
    """
    out = frame.copy()
    h, w = obj.shape[:2]
    fh, fw = frame.shape[:2]
    x1, y1, x2, y2 = max(0, x), max(0, y), min(fw, x + w), min(fh, y + h)
    if x1 >= x2 or y1 >= y2:
        return out
    o = obj[y1 - y : y2 - y, x1 - x : x2 - x].astype(np.float32)
    a = alpha[y1 - y : y2 - y, x1 - x : x2 - x, None]
    bg = out[y1:y2, x1:x2].astype(np.float32)
    blended = bg * (1 - a) + o * a
    if rng is not None and noise > 0:
        blended += rng.normal(0, noise, blended.shape).astype(np.float32) * (a > 0.05)
    out[y1:y2, x1:x2] = np.clip(blended, 0, 255).astype(np.uint8)
    return out


def pavement(rng: np.random.Generator, w: int, h: int) -> U8:
    """Brick or slab pavement texture, grey or red, with light falloff."""
    base = np.array(
        [(120, 120, 125), (95, 100, 140), (140, 140, 140), (80, 85, 90)][int(rng.integers(0, 4))], np.float32
    ) * rng.uniform(0.6, 1.2)
    img = np.ones((h, w, 3), np.float32) * base
    bw, bh = int(rng.integers(12, 30)), int(rng.integers(6, 14))
    for row, yy in enumerate(range(0, h, bh)):
        cv2.line(img, (0, yy), (w, yy), (base * 0.7).tolist(), 1)
        for xx in range((row % 2) * bw // 2, w, bw):
            cv2.line(img, (xx, yy), (xx, yy + bh), (base * 0.7).tolist(), 1)
    grad = np.linspace(rng.uniform(0.7, 1.0), rng.uniform(1.0, 1.2), h, dtype=np.float32)[:, None, None]
    return np.clip(_shade(img * grad, rng, 6.0), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class BinScene:
    image: U8
    box: tuple[float, float, float, float]  # bin body, normalised
    rim: float  # normalised y of the rim
    overflowing: bool


def _bag(img: F32, rng: np.random.Generator, cx: int, cy: int, r: int) -> None:
    col = np.array(
        [(25, 25, 25), (35, 35, 40), (220, 220, 220), (180, 110, 40), (60, 150, 60), (40, 80, 170)][
            int(rng.integers(0, 6))
        ],
        np.float32,
    )
    axes = (int(r * rng.uniform(0.8, 1.3)), int(r * rng.uniform(0.7, 1.1)))
    cv2.ellipse(img, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, col.tolist(), -1)
    cv2.ellipse(
        img, (cx - r // 3, cy - r // 3), (max(1, r // 4), max(1, r // 6)), 30, 0, 360, (col + 70).tolist(), -1
    )
    cv2.line(img, (cx, cy - axes[1]), (cx + int(rng.integers(-3, 4)), cy - axes[1] - r // 2), col.tolist(), 2)


def _box(img: F32, rng: np.random.Generator, cx: int, cy: int, s: int) -> None:
    col = np.array((60, 120, 170), np.float32) * rng.uniform(0.75, 1.15)
    w, h = int(s * rng.uniform(0.8, 1.6)), int(s * rng.uniform(0.6, 1.0))
    cv2.rectangle(img, (cx - w // 2, cy - h // 2), (cx + w // 2, cy + h // 2), col.tolist(), -1)
    cv2.rectangle(
        img, (cx - w // 2, cy - h // 2), (cx + w // 2, cy - h // 2 + max(2, h // 4)), (col * 1.2).tolist(), -1
    )
    cv2.line(img, (cx, cy - h // 2), (cx, cy + h // 2), (col * 0.7).tolist(), 1)


def bin_scene(
    rng: np.random.Generator, w: int = 160, h: int = 160, overflowing: bool = False, amount: float = 1.0
) -> BinScene:
    """A bin on pavement, clean or overflowing (``amount`` scales the litter), with its geometry."""
    img = pavement(rng, w, h).astype(np.float32)
    bw = int(w * rng.uniform(0.3, 0.45))
    bh = int(h * rng.uniform(0.35, 0.5))
    x1 = int(rng.uniform(0.25, 0.75) * w - bw / 2)
    y2 = int(h * rng.uniform(0.75, 0.9))
    y1 = y2 - bh
    body = np.array(
        [(60, 60, 60), (40, 90, 40), (110, 70, 30), (140, 140, 140), (30, 30, 30)][int(rng.integers(0, 5))],
        np.float32,
    ) * rng.uniform(0.8, 1.2)
    cv2.ellipse(
        img,
        (x1 + bw // 2, y2),
        (int(bw * 0.7), max(3, bh // 8)),
        0,
        0,
        360,
        (img[y2 - 1, x1] * 0.6).tolist(),
        -1,
    )
    cv2.rectangle(img, (x1, y1), (x1 + bw, y2), body.tolist(), -1)
    cv2.rectangle(img, (x1 - 2, y1 - max(3, bh // 12)), (x1 + bw + 2, y1), (body * 0.8).tolist(), -1)  # lid
    cv2.rectangle(
        img, (x1 + bw // 5, y1 + bh // 5), (x1 + bw * 4 // 5, y1 + bh // 3), (body * 1.3).tolist(), -1
    )
    if overflowing:
        n_top = int(rng.integers(2, 6) * amount)
        for _ in range(n_top):  # heaped above the rim
            cx = int(rng.uniform(x1, x1 + bw))
            cy = int(y1 - rng.uniform(0.0, 0.35) * bh)
            (_bag if rng.random() < 0.7 else _box)(img, rng, cx, cy, int(bw * rng.uniform(0.2, 0.35)))
        n_base = int(rng.integers(1, 6) * amount)
        for _ in range(n_base):  # dumped around the base
            side = rng.choice([-1, 1])
            cx = int(x1 + bw / 2 + side * rng.uniform(0.45, 1.0) * bw)
            cy = int(y2 - rng.uniform(0.0, 0.3) * bh)
            (_bag if rng.random() < 0.6 else _box)(img, rng, cx, cy, int(bw * rng.uniform(0.2, 0.4)))
    img = _shade(img, rng, rng.uniform(2.0, 8.0))
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        out = np.asarray(cv2.GaussianBlur(out, (3, 3), 0), np.uint8)
    return BinScene(out, (x1 / w, y1 / h, (x1 + bw) / w, y2 / h), y1 / h, overflowing)
