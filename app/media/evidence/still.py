"""The evidence still: the camera's picture with the boxes drawn, and a caption band BELOW it.

The band never covers the picture (the old one hid the very box that raised the alert). It says
what an operator or a court needs: camera, place (zone, grid), rule in the operator's language,
capture time in the site's zone, and which stream the picture is from.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.core.alerts import Alert, Box, Rule
from app.media.evidence.fonts import cjk_font_path
from app.media.evidence.grab import BgrImage
from app.media.evidence.words import LABELS, Language, rule_text, site_time_text

JPEG_QUALITY = 90
BOX_COLOUR = (40, 40, 230)  # BGR red: the colour of an alert on the wall
BAND_COLOUR = (24, 20, 16)  # the app's dark window colour
TEXT_COLOUR = (232, 224, 220)
NOTE_COLOUR = (80, 200, 255)  # amber: the picture is a fallback


@dataclass(frozen=True)
class Caption:
    camera: str  # the camera's name (its id when it has none)
    place: str  # zone, preset, grid
    rule: str  # 占道经营（0501 无照经营游商）
    taken: str  # 2026-12-07 19:06:13 (UTC+08:00)
    stream: str  # 主码流, or why it is the sub-stream
    fallback: bool = False

    def lines(self) -> list[str]:
        return [f"{self.camera}    {self.place}", self.rule, f"{self.taken}    {self.stream}"]


def caption_for(
    alert: Alert,
    *,
    camera_name: str,
    captured_at: float,
    tz: tzinfo,
    stream: str,
    language: Language = "zh",
) -> Caption:
    words = LABELS[language]
    place = [alert.zone_name or f"{words['zone']} {alert.zone_id}"]
    if alert.preset:
        place.append(f"{words['preset']} {alert.preset}")
    if alert.grid_code:
        place.append(f"{words['grid']} {alert.grid_code}")
    return Caption(
        camera=camera_name or alert.camera_id,
        place="  ".join(place),
        rule=rule_text(alert.rule, alert.event_code, language),
        taken=site_time_text(captured_at, tz),
        stream=words["main"] if stream == "main" else words["sub"],
        fallback=stream != "main",
    )


def detector_caption(
    *,
    camera_name: str,
    zone_name: str,
    preset: str | None,
    grid_code: str | None,
    rule: Rule | str,
    event_code: str,
    cleared: bool,
    captured_at: float,
    tz: tzinfo,
    language: Language = "zh",
) -> Caption:
    """The caption of the picture the detector raised (or cleared) an alert on: the sub-stream
    frame it judged, said so."""
    words = LABELS[language]
    place = [zone_name]
    if preset:
        place.append(f"{words['preset']} {preset}")
    if grid_code:
        place.append(f"{words['grid']} {grid_code}")
    rule_line = rule_text(rule, event_code, language)
    return Caption(
        camera=camera_name,
        place="  ".join(p for p in place if p),
        rule=f"{rule_line}    {words['cleared']}" if cleared else rule_line,
        taken=site_time_text(captured_at, tz),
        stream=words["detector"],
    )


def band_metrics(width: int) -> tuple[int, int]:
    """(font pixel size, line height) for a picture ``width`` wide: readable at a glance, at any size."""
    size = max(14, min(34, round(width / 38)))
    return size, round(size * 1.45)


def compose_still(image: BgrImage, boxes: Sequence[Box], caption: Caption) -> BgrImage:
    """The picture with ``boxes`` outlined, on top of a caption band of its own (same width)."""
    picture = image.copy()
    h, w = picture.shape[:2]
    thick = max(2, round(w / 320))
    for box in boxes:
        x1, y1 = _px(box.x1, w), _px(box.y1, h)
        x2, y2 = _px(box.x2, w), _px(box.y2, h)
        cv2.rectangle(picture, (x1, y1), (x2, y2), BOX_COLOUR, thick, cv2.LINE_AA)
    size, line_h = band_metrics(w)
    lines = caption.lines()
    pad = max(4, size // 3)
    band = np.empty((line_h * len(lines) + 2 * pad, w, 3), np.uint8)
    band[:] = BAND_COLOUR
    canvas = Image.fromarray(band[:, :, ::-1])  # Pillow draws RGB
    draw = ImageDraw.Draw(canvas)
    font = _font(size)
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        colour = NOTE_COLOUR if last and caption.fallback else TEXT_COLOUR
        draw.text((pad, pad + i * line_h), _fit(draw, line, font, w - 2 * pad), font=font, fill=colour[::-1])
    band = np.asarray(canvas)[:, :, ::-1]
    return np.ascontiguousarray(np.vstack([picture, band]))


def encode_jpeg(image: BgrImage, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the still could not be encoded as JPEG")
    return bytes(data.tobytes())


@functools.lru_cache(maxsize=8)
def _font(size: int) -> Any:
    return ImageFont.truetype(str(cjk_font_path()), size)


def _px(fraction: float, size: int) -> int:
    return round(min(1.0, max(0.0, fraction)) * (size - 1))


def _fit(draw: Any, text: str, font: Any, width: int) -> str:
    """``text`` cut with an ellipsis to ``width`` pixels (a long camera name must not run off)."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"
