"""Alerts for the store's tests: real ones, made by the core's AlertBook (so every record and
audit draft is what the service will write)."""

from __future__ import annotations

import hashlib

from app.core.alerts import Alert, Box, EvidenceKind, EvidenceRef, Rule


def sample_alert(
    n: int,
    *,
    camera: str = "cam001",
    rule: Rule = Rule.VENDING,
    raised_at: float | None = None,
    zone_name: str = "北门 no-vending",
    evidence: tuple[EvidenceRef, ...] = (),
) -> Alert:
    return Alert(
        id=f"al-{n:05d}", camera_id=camera, preset="1", zone_id=f"z{n}", rule=rule,
        event_code="0501" if rule is Rule.VENDING else "0102",
        raised_at=1_780_000_000.0 + n * 10.25 if raised_at is None else raised_at, score=0.875,
        zone_name=zone_name, grid_code="110101001001001",
        boxes=(Box(0.1, 0.2, 0.35, 0.6, "stall", 0.91), Box(0.5, 0.5, 0.6, 0.7, "cart")),
        evidence=evidence,
    )  # fmt: skip


def evidence_ref(
    content: bytes, *, kind: EvidenceKind = EvidenceKind.STILL, camera: str = "cam001"
) -> EvidenceRef:
    media = "image/jpeg" if kind is not EvidenceKind.CLIP else "video/mp4"
    return EvidenceRef(
        hashlib.sha256(content).hexdigest(), kind, media, len(content), 1_780_000_000.5, camera, "main",
    )  # fmt: skip
