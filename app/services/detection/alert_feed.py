"""Detection and the alert service, joined: what the worker raises and clears goes into the
:class:`~app.services.alerts.AlertService`, and the cameras whose alerts still need handling (open,
not snoozed, as the service says after every change) are checked more often by the worker. A
dismissed or snoozed alert's camera loses that priority at once; a snooze that ends gives it back.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from app.core.alerts import AlertChange, InvalidAlertTransition
from app.services.alerts import AlertService
from app.services.detection.protocol import AlertCleared, AlertRaised

log = logging.getLogger(__name__)


class Booster(Protocol):
    def boost(self, camera_id: str, on: bool) -> None: ...


class DetectionAlerts:
    def __init__(self, alerts: AlertService, detection: Booster) -> None:
        self._alerts = alerts
        self._detection = detection
        self._lock = threading.Lock()
        self._boosted: set[str] = set()
        self._unsubscribe = alerts.subscribe(lambda _change: self.sync())
        self.sync()

    def take(self, message: object) -> AlertChange | None:
        """A worker's message: a raise or clear goes into the alert service (anything else: None)."""
        try:
            if isinstance(message, AlertRaised):
                return self._alerts.detector_raised(message.alert)
            if isinstance(message, AlertCleared):
                return self._alerts.detector_cleared(message.alert_id, message.at, message.evidence)
        except InvalidAlertTransition as exc:  # the same raise twice (a worker that restarted)
            log.info("alert message not applied: %s", exc)
        return None

    @property
    def boosted(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._boosted)

    def sync(self) -> None:
        """Tell the worker which cameras have alerts that need handling now."""
        wanted = self._alerts.cameras_with_open_alerts()
        with self._lock:
            on, off = wanted - self._boosted, self._boosted - wanted
            self._boosted = set(wanted)
        for camera_id in sorted(on):
            self._detection.boost(camera_id, True)
        for camera_id in sorted(off):
            self._detection.boost(camera_id, False)

    def close(self) -> None:
        self._unsubscribe()
