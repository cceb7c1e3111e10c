"""The demo scenes' generated objects (a litter bin, rubbish bags, boxes, a real pile of bags cut
from a photo) and the capture clock cameras burn into their pictures (numpy + OpenCV, seeded)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from app.demo.variants import Image, as_image

# A pile of black rubbish bags on a pavement (Amsterdam, MIT; see ../shared/data/real/README.md).
REAL_BAGS = ("bins", "overflow", "ams_mdc_photo_cdv_photo_012_1464463139152.jpg")
REAL_BAGS_CROP = (0.26, 0.50, 0.50, 0.67)  # x1, y1, x2, y2 of the photo (portrait, 2448x3264)
CLOCK_START = datetime(2025, 6, 1, 9, 30, 0)  # the burned-in clock of a clip's first frame

Sprite = tuple[Image, np.ndarray]  # (BGR uint8, alpha float32 0..1)


def bin_sprite(width: int, height: int) -> Sprite:
    """A green street litter bin with a lid and a shadow, ``width`` x ``height`` pixels of body."""
    pad = max(2, width // 5)
    w, h = width + 2 * pad, height + pad
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    foot = height
    cv2.ellipse(alpha, (w // 2, foot), (int(width * 0.75), max(2, height // 10)), 0, 0, 360, 0.45, -1)
    body = (45, 95, 50)
    x1, x2 = pad, pad + width
    lid = max(3, height // 10)
    cv2.rectangle(img, (x1, lid), (x2 - 1, foot - 1), body, -1)
    cv2.rectangle(alpha, (x1, lid), (x2 - 1, foot - 1), 1.0, -1)
    cv2.rectangle(img, (x1 - 2, 0), (x2 + 1, lid), (35, 70, 38), -1)  # lid, a little wider
    cv2.rectangle(alpha, (x1 - 2, 0), (x2 + 1, lid), 1.0, -1)
    cv2.rectangle(
        img, (x1 + width // 5, lid + height // 6), (x2 - width // 5, lid + height // 3), (70, 140, 80), -1
    )
    shade = np.linspace(1.15, 0.75, w, dtype=np.float32)[None, :, None]  # lit from the left
    img = img * shade
    rng = np.random.default_rng(305)
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


BAG_COLOURS = ((28, 28, 30), (40, 40, 46), (215, 215, 210), (40, 80, 170), (30, 30, 30), (60, 150, 70))


def bag_sprite(size: int, colour: tuple[int, int, int], rng: np.random.Generator) -> Sprite:
    """A tied rubbish bag about ``size`` pixels wide."""
    w, h = int(size * 1.2), int(size * 1.35)
    img = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    cx, cy = w // 2, int(h * 0.6)
    axes = (int(size * 0.5), int(size * 0.42))
    cv2.ellipse(alpha, (cx, h - 2), (int(size * 0.55), max(2, size // 8)), 0, 0, 360, 0.4, -1)  # shadow
    cv2.ellipse(img, (cx, cy), axes, float(rng.uniform(-15, 15)), 0, 360, colour, -1)
    cv2.ellipse(alpha, (cx, cy), axes, 0, 0, 360, 1.0, -1)
    knot = (cx + int(rng.integers(-2, 3)), cy - axes[1] - max(2, size // 6))
    cv2.line(img, (cx, cy - axes[1] + 2), knot, colour, max(2, size // 8))
    cv2.line(alpha, (cx, cy - axes[1] + 2), knot, 1.0, max(2, size // 8))
    highlight = tuple(min(255, c + 60) for c in colour)
    cv2.ellipse(
        img,
        (cx - axes[0] // 3, cy - axes[1] // 3),
        (max(1, axes[0] // 4), max(1, axes[1] // 5)),
        30,
        0,
        360,
        highlight,
        -1,
    )
    img = img * np.linspace(1.1, 0.8, h, dtype=np.float32)[:, None, None]
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


def box_sprite(size: int, rng: np.random.Generator) -> Sprite:
    """A flattened cardboard box about ``size`` pixels wide."""
    w, h = size, int(size * rng.uniform(0.55, 0.75))
    img = np.zeros((h + 3, w, 3), np.float32)
    alpha = np.zeros((h + 3, w), np.float32)
    card = np.array((70, 125, 175), np.float32) * rng.uniform(0.85, 1.1)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), card.tolist(), -1)
    cv2.rectangle(alpha, (0, 0), (w - 1, h - 1), 1.0, -1)
    cv2.rectangle(img, (0, 0), (w - 1, max(2, h // 4)), (card * 1.2).tolist(), -1)
    cv2.line(img, (w // 2, 0), (w // 2, h - 1), (card * 0.7).tolist(), 1)
    alpha[h:, :] = 0.35  # a thin shadow under it
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (3, 3), 0)


def real_bags(photos: Path, width: int) -> Sprite | None:
    """Real pixels: the pile of bags of one street photo, feathered at the edges; None if absent."""
    path = photos.joinpath(*REAL_BAGS)
    img = cv2.imread(str(path)) if path.is_file() else None
    if img is None:
        return None
    h, w = img.shape[:2]
    x1, y1, x2, y2 = REAL_BAGS_CROP
    crop = img[int(y1 * h) : int(y2 * h), int(x1 * w) : int(x2 * w)]
    height = max(8, round(width * crop.shape[0] / crop.shape[1]))
    patch = as_image(cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA))
    # the bags are black plastic on light paving: keep the dark pixels (and what they enclose)
    grey = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    k = max(3, width // 12) | 1
    closed = cv2.morphologyEx((grey < 70).astype(np.uint8) * 255, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    dark = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    alpha = cv2.GaussianBlur(np.asarray(dark, np.float32) / 255.0, (3, 3), 0)
    return patch, alpha


def burn_clock(img: Image, t: float) -> None:
    """The camera's burned-in capture time (white with a dark edge, top-left), as real cameras do."""
    text = (CLOCK_START + timedelta(seconds=int(t))).strftime("%Y-%m-%d %H:%M:%S")
    h = img.shape[0]
    scale = h / 576 * 0.75
    org = (max(4, round(h / 576 * 10)), max(12, round(h / 576 * 30)))
    thick = max(1, round(h / 576 * 2))
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (235, 235, 235), thick, cv2.LINE_AA)
