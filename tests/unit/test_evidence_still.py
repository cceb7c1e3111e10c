"""The evidence still: boxes on the camera's pixels, the caption in a band below, in Chinese, in the
site's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.core.alerts import Alert, Box, Rule
from app.media.evidence.fonts import cjk_font_path
from app.media.evidence.still import BAND_COLOUR, BOX_COLOUR, caption_for, compose_still
from app.media.evidence.words import rule_text, site_time_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = 1796641573.0  # 2026-12-07 11:06:13 UTC = 19:06:13 in Shanghai


def alert(**kw: object) -> Alert:
    values: dict[str, object] = dict(
        id="a1", camera_id="cam012", preset="1", zone_id="z1", rule=Rule.VENDING, event_code="0501",
        raised_at=AT, score=0.9, zone_name="北门人行道", grid_code="110101001001001",
        boxes=(Box(0.30, 0.40, 0.60, 0.90, "stall"),),
    )  # fmt: skip
    values.update(kw)
    return Alert(**values)  # type: ignore[arg-type]


def scene(h: int = 288, w: int = 352) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_time_is_the_sites_with_its_zone() -> None:
    assert site_time_text(AT, SHANGHAI) == "2026-12-07 19:06:13 (UTC+08:00)"
    assert site_time_text(AT, ZoneInfo("UTC")) == "2026-12-07 11:06:13 (UTC+00:00)"
    assert site_time_text(AT, ZoneInfo("America/St_Johns")).endswith("(UTC-03:30)")


def test_caption_speaks_the_operators_language() -> None:
    cap = caption_for(alert(), camera_name="北门 01", captured_at=AT, tz=SHANGHAI, stream="main")
    assert cap.lines() == [
        "北门 01    北门人行道  预置位 1  网格 110101001001001",
        "占道经营（0501 无照经营游商）",
        "2026-12-07 19:06:13 (UTC+08:00)    主码流",
    ]
    assert "hit_ratio" not in " ".join(cap.lines())
    bins = rule_text(Rule.BIN_OVERFLOW, "0102")
    assert bins == "垃圾满溢（0102 暴露垃圾）"
    assert rule_text(Rule.VENDING, "0501", "en") == "Street vending (0501 Unlicensed street vendor)"
    sub = caption_for(alert(), camera_name="", captured_at=AT, tz=SHANGHAI, stream="sub")
    assert sub.camera == "cam012" and "子码流" in sub.stream and sub.fallback


def test_the_box_is_on_the_cameras_pixels_and_the_caption_below() -> None:
    picture = scene()
    cap = caption_for(alert(), camera_name="北门 01", captured_at=AT, tz=SHANGHAI, stream="main")
    still = compose_still(picture, alert().boxes, cap)
    h, w = picture.shape[:2]
    assert still.shape[1] == w and still.shape[0] > h + 40  # a band of its own, below
    # Inside the box (its outline aside) every pixel is the camera's.
    x1, y1, x2, y2 = (
        round(0.30 * (w - 1)),
        round(0.40 * (h - 1)),
        round(0.60 * (w - 1)),
        round(0.90 * (h - 1)),
    )
    inset = 5
    assert np.array_equal(still[y1 + inset : y2 - inset, x1 + inset : x2 - inset],
                          picture[y1 + inset : y2 - inset, x1 + inset : x2 - inset])  # fmt: skip
    # The outline is drawn in the alert colour on all four sides.
    for edge in (still[y1, x1 + 10 : x2 - 10], still[y2, x1 + 10 : x2 - 10],
                 still[y1 + 10 : y2 - 10, x1], still[y1 + 10 : y2 - 10, x2]):  # fmt: skip
        assert np.all(np.abs(edge.astype(int) - BOX_COLOUR).max(axis=-1) < 60)
    # The whole picture is untouched outside the box: nothing is written over it.
    outside = np.ones((h, w), bool)
    outside[max(0, y1 - 4) : y2 + 5, max(0, x1 - 4) : x2 + 5] = False
    assert np.array_equal(still[:h][outside], picture[outside])
    # The band holds the text: mostly the band colour, with light glyph pixels.
    band = still[h:]
    is_band = np.all(band == BAND_COLOUR, axis=-1)
    assert 0.6 < is_band.mean() < 0.99
    assert (band.max(axis=-1) > 180).sum() > 500


def test_the_font_writes_chinese_not_boxes() -> None:
    """A font without CJK draws every character as the same empty box (tofu)."""
    font = ImageFont.truetype(str(cjk_font_path()), 32)

    def glyph(ch: str) -> np.ndarray:
        img = Image.new("L", (40, 40))
        ImageDraw.Draw(img).text((2, 2), ch, font=font, fill=255)
        return np.asarray(img) > 128

    shapes = [glyph(c) for c in "占道经营垃圾满溢"]
    assert all(s.sum() > 40 for s in shapes)
    assert len({s.tobytes() for s in shapes}) == len(shapes)
