"""An alert service over fakes (a clock, a writer that seals at once) for UI and wiring tests."""

from __future__ import annotations

from concurrent.futures import Future

from app.core.alerts import Alert, Box, Rule
from app.core.audit import GENESIS, AuditDraft, AuditEvent, seal
from app.services.alerts import AlertService


class FakeClock:
    def __init__(self, t: float = 1_780_000_000.0) -> None:
        self.t = t

    def now(self) -> float:
        return self.t


class FakeWriter:
    """Seals and keeps what it is given, at once; ``failing`` makes every write fail (a full disk)."""

    def __init__(self) -> None:
        self.rows: dict[str, Alert] = {}
        self.events: list[AuditEvent] = []
        self.failing = False

    def submit(self, alert: Alert | None, draft: AuditDraft) -> Future[AuditEvent]:
        future: Future[AuditEvent] = Future()
        if self.failing:
            future.set_exception(OSError(28, "No space left on device"))
            return future
        event = seal(draft, len(self.events) + 1, self.events[-1].hash if self.events else GENESIS)
        self.events.append(event)
        if alert is not None:
            self.rows[alert.id] = alert
        future.set_result(event)
        return future

    def close(self) -> None:
        pass


def alert_service(t: float = 1_780_000_000.0) -> tuple[AlertService, FakeWriter, FakeClock]:
    writer, clock = FakeWriter(), FakeClock(t)
    return AlertService(writer, clock), writer, clock


def detected(
    alert_id: str,
    camera_id: str = "cam1",
    at: float = 1_780_000_000.0,
    *,
    zone_id: str = "z1",
    rule: Rule = Rule.VENDING,
    code: str = "0501",
    preset: str | None = None,
) -> Alert:
    """An alert as the detection worker raises it."""
    return Alert(
        id=alert_id, camera_id=camera_id, preset=preset, zone_id=zone_id, rule=rule, event_code=code,
        raised_at=at, score=0.82, zone_name="北门禁摆区",
        boxes=(Box(0.5, 0.5, 0.7, 0.9, code, 0.9),),
    )  # fmt: skip
