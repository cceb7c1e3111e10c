"""What keeps the case workflow moving while nobody clicks (no Qt).

:class:`CaseTicker` is a thread that, every few seconds, reads again the case settings files that
changed and lets the case service do its timed work (alerts open too long become cases, refused
writes are retried, overdue cases are told, other workstations' changes are picked up).

:class:`OutboxAlarm` turns the outbox pump's status into system events: the operator sees when
the city platform stops taking cases (they wait, never dropped) and when it takes them again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from app.core.alerts import Alert
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.services.case_outbox import OutboxStatus
from app.services.case_rules import CaseRules
from app.services.cases import CaseService

log = logging.getLogger(__name__)
TICK_S = 5.0
PLATFORM = "city_platform"  # the subject of the export's system events


class CaseTicker:
    def __init__(
        self,
        service: CaseService,
        rules: CaseRules | None,
        open_alerts: Callable[[], list[Alert]],
        interval_s: float = TICK_S,
    ) -> None:
        self._service, self._rules, self._open_alerts = service, rules, open_alerts
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="case-ticker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def tick(self) -> None:
        try:
            if self._rules is not None:
                self._rules.refresh()
                self._rules.check_years(time.time())
            self._service.tick(self._open_alerts())
        except Exception:  # a bad tick must not end the ticking
            log.exception("case tick failed")

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.tick()


class OutboxAlarm:
    """An OutboxPump ``on_status`` listener: one event when deliveries start failing, one when a
    delivery succeeds again (the status bar shows the condition in between)."""

    def __init__(self, events: EventSink) -> None:
        self._events = events
        self._failing = False

    def __call__(self, status: OutboxStatus) -> None:
        failing = bool(status.last_error or status.store_error)
        if failing and not self._failing:
            self._events(SystemEvent.of(
                SystemEventKind.CASE_EXPORT_FAILING, subject=PLATFORM,
                detail=status.store_error or status.last_error, value=float(status.waiting),
            ))  # fmt: skip
        elif self._failing and not failing:
            self._events(SystemEvent.of(SystemEventKind.CASE_EXPORT_OK, subject=PLATFORM))
        self._failing = failing
