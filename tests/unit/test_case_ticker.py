"""The case ticker drives the service's timed work; the outbox alarm tells the operator once when the
city platform stops taking cases and once when it takes them again."""

from __future__ import annotations

from app.core.system_events import SystemEvent, SystemEventKind
from app.services.case_outbox import OutboxStatus
from app.services.case_ticker import CaseTicker, OutboxAlarm
from app.services.cases import AutoCreate, CaseService
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.case_store_fakes import ClockCalendar, FakeCatalogue, FakeRouting, MemoryCaseRepository
from tests.waiting import wait_until

T0 = 1_780_000_000.0


def test_the_ticker_makes_a_case_of_an_alert_left_open() -> None:
    clock = FakeClock(T0 + 600)
    repo = MemoryCaseRepository()
    svc = CaseService(
        repo, clock, catalogue=FakeCatalogue, routing=FakeRouting, calendar=ClockCalendar,
        auto=AutoCreate(after_open_minutes=5),
    )  # fmt: skip
    alerts = alert_service(T0)[0]
    alerts.detector_raised(detected("a1"))
    ticker = CaseTicker(svc, None, alerts.open_alerts, interval_s=0.01)
    ticker.start()  # the thread ticks on its own
    try:
        wait_until(lambda: bool(repo.cases), 10, "a case made by the ticker")
    finally:
        ticker.stop()
    assert [c.alert_ids for c in repo.cases.values()] == [("a1",)]


def test_the_outbox_alarm_says_failing_once_and_recovered_once() -> None:
    events: list[SystemEvent] = []
    alarm = OutboxAlarm(events.append)
    alarm(OutboxStatus(running=True, waiting=0))
    alarm(OutboxStatus(running=True, waiting=3, last_error="connection refused"))
    alarm(OutboxStatus(running=True, waiting=4, last_error="server error 503"))
    alarm(OutboxStatus(running=True, waiting=0, delivered=4))
    assert [e.kind for e in events] == [SystemEventKind.CASE_EXPORT_FAILING, SystemEventKind.CASE_EXPORT_OK]
    assert events[0].detail == "connection refused" and events[0].value == 3
    assert events[1].resolves(events[0])
