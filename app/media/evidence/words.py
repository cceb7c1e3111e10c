"""The caption's words, in the operator's language (Chinese first; English for an English room).

Burned into pictures outside Qt, so they live here rather than in the Qt translation files; the
terms are the control room's (DOMAIN.md) and match the alert panel's.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from app.core.alerts import Rule

Language = Literal["zh", "en"]

RULE_WORDS: dict[Language, dict[str, str]] = {
    "zh": {Rule.VENDING: "占道经营", Rule.BIN_OVERFLOW: "垃圾满溢"},
    "en": {Rule.VENDING: "Street vending", Rule.BIN_OVERFLOW: "Bin overflowing"},
}
# Event codes of the CJ/T 214 family (verify per city), as the alert panel names them.
EVENT_WORDS: dict[Language, dict[str, str]] = {
    "zh": {
        "0102": "暴露垃圾",
        "0103": "积存垃圾渣土",
        "0501": "无照经营游商",
        "0504": "店外经营",
        "0507": "乱堆物堆料",
    },
    "en": {
        "0102": "Exposed rubbish",
        "0103": "Accumulated rubbish",
        "0501": "Unlicensed street vendor",
        "0504": "Trading outside the shop",
        "0507": "Materials piled up",
    },
}
LABELS: dict[Language, dict[str, str]] = {
    "zh": {
        "grid": "网格",
        "zone": "区域",
        "main": "主码流",
        "sub": "子码流（主码流未取到）",
        "detector": "子码流（检测所用画面）",
        "cleared": "目标已离开（自动解除）",
        "preset": "预置位",
    },
    "en": {
        "grid": "grid",
        "zone": "zone",
        "main": "main stream",
        "sub": "sub-stream (main stream not available)",
        "detector": "sub-stream (the picture detection used)",
        "cleared": "gone (cleared by itself)",
        "preset": "preset",
    },
}


def rule_text(rule: Rule | str, event_code: str, language: Language = "zh") -> str:
    """占道经营（0501 无照经营游商）; Street vending (0501 Unlicensed street vendor)."""
    rule_name = RULE_WORDS[language].get(str(rule), str(rule))
    event = EVENT_WORDS[language].get(event_code, "")
    code = f"{event_code} {event}".strip()
    if not code:
        return rule_name
    return f"{rule_name}（{code}）" if language == "zh" else f"{rule_name} ({code})"


def utc_offset_text(when: datetime) -> str:
    """UTC+08:00 (UTC±hh:mm, as people read it; never the bare +0800)."""
    offset = when.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def site_time_text(at: float, tz: tzinfo) -> str:
    """Wall-clock seconds as the site reads them, with the zone: 2026-12-07 19:06:13 (UTC+08:00)."""
    when = datetime.fromtimestamp(at, tz)
    return f"{when:%Y-%m-%d %H:%M:%S} ({utc_offset_text(when)})"
