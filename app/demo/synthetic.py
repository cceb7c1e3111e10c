"""A synthetic street seen by an elevated fixed camera: the fallback when vtest.avi is missing.

Deterministic (same frames on every machine), drawn with OpenCV at vtest's 768x576 so the same
variants apply. Plain shapes, but framed, lit and noisy like a camera, not like a cartoon.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from app.demo.variants import Image

WIDTH, HEIGHT = 768, 576
SCENE_VERSION = 1
_HORIZON = 150  # y of the far end of the road
_VANISH_X = 430


@dataclass(frozen=True)
class _Walker:
    lane: float  # -1.35..1.35 across the road; beyond +-1 is the pavement
    speed: float  # depth units per second, sign = direction
    phase: float
    shirt: tuple[int, int, int]
    trousers: tuple[int, int, int]


def _road_x(lane: float, depth: float) -> float:
    half = 40 + 430 * depth  # half road width grows towards the camera
    return _VANISH_X + (lane * half) - (1 - depth) * 60


def _road_y(depth: float) -> float:
    return _HORIZON + (HEIGHT + 40 - _HORIZON) * depth


def _background(rng: random.Random) -> Image:
    img = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    img[:] = (70, 118, 96)  # grass
    cv2.rectangle(img, (0, 0), (WIDTH, _HORIZON + 10), (92, 104, 128), -1)  # far buildings
    for i in range(9):  # building blocks with window rows
        x = i * 90 - 20 + rng.randint(-10, 10)
        top = rng.randint(10, 60)
        shade = rng.randint(80, 130)
        cv2.rectangle(img, (x, top), (x + 80, _HORIZON + 10), (shade - 20, shade, shade + 30), -1)
        for wy in range(top + 12, _HORIZON, 22):
            cv2.rectangle(img, (x + 8, wy), (x + 72, wy + 9), (60, 56, 48), -1)
    for lane, colour in ((1.35, (150, 152, 150)), (1.0, (96, 98, 100))):  # pavement, then asphalt
        poly = [(_road_x(-lane, d), _road_y(d)) for d in (0.0, 1.0)]
        poly += [(_road_x(lane, d), _road_y(d)) for d in (1.0, 0.0)]
        cv2.fillPoly(img, [np.array(poly, np.int32)], colour)
    for k in range(14):  # centre-line dashes, closer together far away
        d0, d1 = (k / 14) ** 1.6, ((k + 0.5) / 14) ** 1.6
        pts = [(_road_x(-0.02, d0), _road_y(d0)), (_road_x(-0.02, d1), _road_y(d1))]
        pts += [(_road_x(0.02, d1), _road_y(d1)), (_road_x(0.02, d0), _road_y(d0))]
        cv2.fillPoly(img, [np.array(pts, np.int32)], (200, 204, 206))
    texture = np.random.default_rng(7).normal(0, 6, img.shape)
    return np.clip(img + texture, 0, 255).astype(np.uint8)


def _lamp(img: Image, depth: float, side: float) -> None:
    x, y = int(_road_x(side, depth)), int(_road_y(depth))
    h = int(30 + 260 * depth)
    thick = max(1, int(5 * depth))
    cv2.line(img, (x, y), (x, y - h), (64, 66, 70), thick)
    arm = int(-side * 30 * depth)
    cv2.line(img, (x, y - h), (x + arm, y - h), (64, 66, 70), thick)
    cv2.ellipse(
        img,
        (x + arm, y - h + thick),
        (max(2, int(12 * depth)), max(1, int(4 * depth))),
        0,
        0,
        360,
        (210, 230, 236),
        -1,
    )


def _walker(img: Image, w: _Walker, t: float) -> None:
    depth = (w.phase + w.speed * t) % 1.0 * 0.95 + 0.05
    x, y = _road_x(w.lane, depth), _road_y(depth)
    s = 95 * depth  # body height in pixels
    if y - s > HEIGHT:
        return
    stride = math.sin(t * 7.0 + w.phase * 20) * s * 0.12
    cv2.ellipse(
        img, (int(x + s * 0.15), int(y)), (int(s * 0.22), int(s * 0.06) + 1), 0, 0, 360, (60, 70, 66), -1
    )  # shadow
    legw = max(1, int(s * 0.08))
    for sign in (-1, 1):
        cv2.line(img, (int(x), int(y - s * 0.45)), (int(x + sign * stride), int(y)), w.trousers, legw)
    cv2.ellipse(
        img,
        (int(x), int(y - s * 0.65)),
        (max(2, int(s * 0.13)), max(2, int(s * 0.22))),
        0,
        0,
        360,
        w.shirt,
        -1,
    )
    cv2.circle(img, (int(x), int(y - s * 0.93)), max(2, int(s * 0.08)), (120, 150, 190), -1)


def frames(fps: int, count: int, seed: int = 2024) -> Iterator[Image]:
    """``count`` frames of the scene at ``fps`` (BGR, 768x576)."""
    rng = random.Random(seed)
    base = _background(rng)
    for depth in (0.25, 0.5, 0.85):
        for side in (-1.12, 1.12):
            _lamp(base, depth, side)
    walkers = [
        _Walker(
            lane=rng.uniform(-1.3, 1.3),
            speed=rng.choice((-1, 1)) * rng.uniform(0.02, 0.05),
            phase=rng.random(),
            shirt=(rng.randint(20, 200), rng.randint(20, 200), rng.randint(20, 200)),
            trousers=(rng.randint(20, 90), rng.randint(20, 70), rng.randint(20, 60)),
        )
        for _ in range(14)
    ]
    noise = [np.random.default_rng(i).normal(0, 2.5, base.shape).astype(np.int16) for i in range(4)]
    for n in range(count):
        t = n / fps
        img = base.copy()
        for w in sorted(walkers, key=lambda w: (w.phase + w.speed * t) % 1.0):
            _walker(img, w, t)
        yield np.clip(img.astype(np.int16) + noise[n % 4], 0, 255).astype(np.uint8)
