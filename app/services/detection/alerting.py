"""The worker's alerts: a rule's hit becomes an :class:`AlertEvent` with a stable id, and the alerts
raised and not yet cleared are kept per view (a clear takes the id of its raise; zones that change
close theirs; a restarted worker takes them over from the checkpoints, so it neither raises them
again nor forgets to clear them)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Literal

from app.services.detection.protocol import AlertEvent, OverlayBox
from detectors.types import Hit, HitState

log = logging.getLogger(__name__)

AlertKey = tuple[str, str | None, str, str, str]  # camera, preset, zone, rule, event code


def alert_id(
    camera_id: str, preset: str | None, zone_id: str, rule: str, event: str, raised_wall: float
) -> str:
    """Stable id of one alert: the same (camera, preset, zone, rule, event, raise time) gives the same."""
    key = f"{camera_id}\x1f{preset or ''}\x1f{zone_id}\x1f{rule}\x1f{event}\x1f{round(raised_wall * 1000)}"
    return f"{camera_id}-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def rule_name(name: str) -> Literal["vending", "bin_overflow"]:
    return "bin_overflow" if name == "bin_overflow" else "vending"


def _key(event: AlertEvent) -> AlertKey:
    return (event.camera_id, event.preset, event.zone_id, event.rule, event.event_code)


class OpenAlerts:
    """Alerts raised and not cleared, by (camera, preset, zone, rule, event): each as it was raised."""

    def __init__(self) -> None:
        self._open: dict[AlertKey, AlertEvent] = {}

    def __len__(self) -> int:
        return len(self._open)

    def take_over(self, raised: Iterable[AlertEvent]) -> int:
        """Alerts a previous worker raised (from its checkpoints); returns how many."""
        n = 0
        for event in raised:
            self._open[_key(event)] = event
            n += 1
        return n

    def on_hit(
        self, hit: Hit, wall: float, zone_name: str, boxes: tuple[OverlayBox, ...]
    ) -> AlertEvent | None:
        """The event of a rule's raise or clear (None for a rule the alerts do not know)."""
        if hit.rule not in ("vending", "bin_overflow"):
            log.warning("hit of unknown rule %r ignored", hit.rule)
            return None
        key: AlertKey = (hit.camera_id, hit.preset, hit.zone_id, hit.rule, hit.event)
        raised = hit.state is HitState.RAISED
        known = None if raised else self._open.pop(key, None)
        event = AlertEvent(
            alert_id=known.alert_id if known is not None else alert_id(*key, wall),
            camera_id=hit.camera_id,
            preset=hit.preset,
            zone_id=hit.zone_id,
            zone_name=zone_name,
            rule=rule_name(hit.rule),
            event_code=hit.event,
            state="raised" if raised else "cleared",
            at_wall=wall,
            score=float(hit.score),
            evidence_path=None,
            boxes=boxes,
        )
        if raised:
            self._open[key] = event
        return event

    def close_view(self, camera_id: str, preset: str | None, wall: float) -> list[AlertEvent]:
        """Clear every alert of one view (its zones changed): the cleared events."""
        out = []
        for key, raised in list(self._open.items()):
            if key[:2] == (camera_id, preset):
                del self._open[key]
                out.append(
                    AlertEvent(
                        raised.alert_id, raised.camera_id, raised.preset, raised.zone_id,
                        raised.zone_name, raised.rule, raised.event_code, "cleared", wall, 0.0, None,
                    )
                )  # fmt: skip
        return out

    def of_view(self, camera_id: str, preset: str | None) -> tuple[AlertEvent, ...]:
        return tuple(e for key, e in self._open.items() if key[:2] == (camera_id, preset))

    def active(self, camera_id: str) -> bool:
        return any(key[0] == camera_id for key in self._open)
