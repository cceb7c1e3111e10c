"""The worker's alerts: a rule's hit becomes the core's :class:`~app.core.alerts.Alert` (raise) or an
:class:`AlertCleared` (clear) with a stable id, and the alerts raised and not yet cleared are kept
per view (a clear takes the id of its raise; zones that change close theirs; a restarted worker
takes them over from the checkpoints, and a restarted app gives the worker the alerts it had
stored, so it neither raises them again nor forgets to clear them)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from app.core.alerts import DEFAULT_PRIORITY, Alert, AlertKey, Box, Rule
from app.services.detection.protocol import AlertCleared, AlertMessage, AlertRaised
from detectors.types import Hit, HitState

log = logging.getLogger(__name__)

RULES = frozenset(r.value for r in Rule)


def alert_id(
    camera_id: str, preset: str | None, zone_id: str, rule: str, event: str, raised_wall: float
) -> str:
    """Stable id of one alert: the same (camera, preset, zone, rule, event, raise time) gives the same."""
    key = f"{camera_id}\x1f{preset or ''}\x1f{zone_id}\x1f{rule}\x1f{event}\x1f{round(raised_wall * 1000)}"
    return f"{camera_id}-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


class OpenAlerts:
    """Alerts raised and not cleared, by (camera, preset, zone, rule, event): each as it was raised."""

    def __init__(self) -> None:
        self._open: dict[AlertKey, Alert] = {}

    def __len__(self) -> int:
        return len(self._open)

    def __contains__(self, key: object) -> bool:
        return key in self._open

    def take_over(self, raised: Iterable[Alert]) -> int:
        """Alerts a previous worker raised (from its checkpoints) or the app had stored; returns how many."""
        n = 0
        for alert in raised:
            self._open[alert.key] = alert
            n += 1
        return n

    def on_hit(
        self, hit: Hit, wall: float, zone_name: str, boxes: tuple[Box, ...], grid_code: str | None = None
    ) -> AlertMessage | None:
        """The message of a rule's raise or clear (None for a rule the alerts do not know, or a
        clear of an alert this worker never held)."""
        if hit.rule not in RULES:
            log.warning("hit of unknown rule %r ignored", hit.rule)
            return None
        rule = Rule(hit.rule)
        key: AlertKey = (hit.camera_id, hit.preset, hit.zone_id, rule.value, hit.event)
        if hit.state is not HitState.RAISED:
            known = self._open.pop(key, None)
            if known is None:
                log.info("clear of %s without an open alert ignored", key)
                return None
            return AlertCleared(known.id, known.camera_id, wall)
        alert = Alert(
            id=alert_id(*key, wall),
            camera_id=hit.camera_id,
            preset=hit.preset,
            zone_id=hit.zone_id,
            rule=rule,
            event_code=hit.event,
            raised_at=wall,
            score=float(hit.score),
            zone_name=zone_name,
            grid_code=grid_code,
            priority=DEFAULT_PRIORITY[rule],
            boxes=boxes,
        )
        self._open[key] = alert
        return AlertRaised(alert)

    def close_view(self, camera_id: str, preset: str | None, wall: float) -> list[AlertCleared]:
        """Clear every alert of one view (its zones changed): the clear messages."""
        out = []
        for key, raised in list(self._open.items()):
            if key[:2] == (camera_id, preset):
                del self._open[key]
                out.append(AlertCleared(raised.id, raised.camera_id, wall))
        return out

    def close(self, key: AlertKey, wall: float) -> AlertCleared | None:
        raised = self._open.pop(key, None)
        return AlertCleared(raised.id, raised.camera_id, wall) if raised is not None else None

    def of_view(self, camera_id: str, preset: str | None) -> tuple[Alert, ...]:
        return tuple(a for key, a in self._open.items() if key[:2] == (camera_id, preset))

    def active(self, camera_id: str) -> bool:
        return any(key[0] == camera_id for key in self._open)
