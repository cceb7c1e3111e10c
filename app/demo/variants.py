"""Looks of the demo clips: crops, mirroring and lighting, so 100 tiles don't show one picture.

All variants keep the real footage; they only frame and grade it the way different cameras would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Look = Literal["day", "night", "dusk"]


@dataclass(frozen=True)
class Variant:
    name: str
    crop: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the source frame
    mirror: bool = False
    look: Look = "day"


VARIANTS: tuple[Variant, ...] = (
    Variant("full", (0.0, 0.0, 1.0, 1.0)),
    Variant("mirror", (0.0, 0.0, 1.0, 1.0), mirror=True),
    # vtest.avi: the left road with the lamp post, and the far right corner with the van.
    Variant("road", (0.0, 0.17, 0.625, 0.80)),
    Variant("corner", (0.48, 0.07, 1.0, 0.59)),
    Variant("night", (0.0, 0.0, 1.0, 1.0), look="night"),
    Variant("dusk", (0.0, 0.0, 0.6, 0.6), mirror=True, look="dusk"),
)


def variant(name: str) -> Variant:
    for v in VARIANTS:
        if v.name == name:
            return v
    raise KeyError(f"unknown demo clip variant {name!r}; known: {', '.join(v.name for v in VARIANTS)}")


def as_image(a: NDArray[Any]) -> Image:
    """``a`` typed as 8-bit (OpenCV's stubs return unspecific arrays; no copy when already uint8)."""
    return np.asarray(a, dtype=np.uint8)


def _luts(gamma: float, gains: tuple[float, float, float]) -> Image:
    x = np.arange(256, dtype=np.float32) / 255.0
    curves = [np.clip(255.0 * np.power(x, gamma) * g, 0, 255) for g in gains]  # B, G, R
    return np.stack(curves, axis=1).reshape(256, 1, 3).astype(np.uint8)


# Night: darker (gamma > 1) with a cool cast; dusk: lifted blacks avoided, warm cast.
_NIGHT_LUT = _luts(2.1, (0.80, 0.62, 0.55))
_DUSK_LUT = _luts(1.25, (0.72, 0.85, 1.0))


def _desaturate(img: Image, keep: float) -> Image:
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    return as_image(cv2.addWeighted(img, keep, gray, 1.0 - keep, 0.0))


def render(v: Variant, frame: Image, size: tuple[int, int]) -> Image:
    """Frame the source ``frame`` (BGR) as camera ``v`` sees it, at ``size`` (width, height)."""
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = v.crop
    img = frame[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)]
    # INTER_AREA only where it matters (strong downscaling): it is 4x slower than linear.
    strong = size[0] * 2 <= img.shape[1]
    img = as_image(cv2.resize(img, size, interpolation=cv2.INTER_AREA if strong else cv2.INTER_LINEAR))
    if v.mirror:
        img = as_image(cv2.flip(img, 1))
    if v.look == "night":
        # Low-light cameras lose colour and sharpness before they lose the picture.
        img = as_image(cv2.GaussianBlur(cv2.LUT(_desaturate(img, 0.35), _NIGHT_LUT), (3, 3), 0))
    elif v.look == "dusk":
        img = as_image(cv2.LUT(_desaturate(img, 0.7), _DUSK_LUT))
    return np.ascontiguousarray(img)


def shrink(img: Image, size: tuple[int, int]) -> Image:
    """``img`` at ``size``; D1 -> CIF is an exact halving, so INTER_AREA is cheap and sharp here."""
    if (img.shape[1], img.shape[0]) == size:
        return img
    return as_image(cv2.resize(img, size, interpolation=cv2.INTER_AREA))
