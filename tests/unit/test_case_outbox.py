"""The outbox pump against fakes: order per case, backoff, refusals kept, and faults it survives."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.case_export import DeliveryProblem, PlatformFailure, RetryPolicy
from app.core.case_ports import DeliveryFailed, DeliveryState, OutboxEntry, OutboxItem
from app.services.case_outbox import OutboxPump, OutboxStatus
from tests.alert_fakes import FakeClock
from tests.case_fakes import MemoryOutbox
from tests.waiting import wait_until

Answer = Callable[[OutboxItem], str]


class ScriptedPlatform:
    """CaseDelivery that answers from a script per key (default: accepted); records every try."""

    def __init__(self) -> None:
        self.tries: list[str] = []
        self.script: dict[str, list[Answer]] = {}

    def deliver(self, item: OutboxItem) -> str:
        self.tries.append(item.key)
        answers = self.script.get(item.key)
        if answers:
            return answers.pop(0)(item)
        return f"ok {item.key}"


def fail(reason: str = "server error 503", retry: bool = True) -> Answer:
    def answer(item: OutboxItem) -> str:
        raise PlatformFailure(reason, retry=retry, problem=DeliveryProblem.SERVER_ERROR)

    return answer


def crash(item: OutboxItem) -> str:
    raise ZeroDivisionError("a bug in the adapter")


def queue(store: MemoryOutbox, clock: FakeClock, *keys: str) -> None:
    for key in keys:
        case_id, version = key.split(":")
        store.add(OutboxItem(key, case_id, int(version), f'{{"k":"{key}"}}', clock.now()))
        clock.t += 1


@pytest.fixture
def rig():
    clock, store, platform = FakeClock(1000.0), MemoryOutbox(), ScriptedPlatform()
    statuses: list[OutboxStatus] = []
    pump = OutboxPump(store, platform, clock=clock, retry=RetryPolicy(5, 600), on_status=statuses.append)
    return clock, store, platform, pump, statuses


def state_of(store: MemoryOutbox, key: str):
    return next(e for e in store.entries() if e.item.key == key)


def test_due_items_are_delivered_once_and_marked(rig):
    clock, store, platform, pump, statuses = rig
    queue(store, clock, "A:1", "B:1", "A:2")
    assert pump.run_once() == 3
    assert platform.tries == ["A:1", "A:2", "B:1"]  # a case's versions together, in order
    assert all(e.state is DeliveryState.DELIVERED for e in store.entries())
    assert pump.run_once() == 0 and len(platform.tries) == 3
    assert statuses[-1].waiting == 0 and statuses[-1].delivered == 3


def test_a_failure_backs_off_and_the_status_says_why(rig):
    clock, store, platform, pump, statuses = rig
    queue(store, clock, "A:1")
    platform.script["A:1"] = [fail(), fail(), fail("timed out after 5 s")]
    now = clock.now()
    pump.run_once()
    entry = state_of(store, "A:1")
    assert (entry.state, entry.attempts, entry.next_attempt_at) == (DeliveryState.PENDING, 1, now + 5)
    assert entry.last_error == "server error 503"
    assert (statuses[-1].waiting, statuses[-1].last_error, statuses[-1].last_error_at) == (
        1,
        "server error 503",
        now,
    )
    assert statuses[-1].last_problem is DeliveryProblem.SERVER_ERROR
    pump.run_once()
    assert platform.tries == ["A:1"]  # not due before its time
    clock.t += 5
    pump.run_once()
    assert state_of(store, "A:1").next_attempt_at == clock.now() + 10  # doubled
    clock.t += 10
    pump.run_once()
    assert state_of(store, "A:1").last_error == "timed out after 5 s"
    clock.t += 20
    assert pump.run_once() == 1
    assert statuses[-1].last_error == "" and statuses[-1].last_delivered_at == clock.now()
    assert platform.tries == ["A:1"] * 4


def test_a_later_version_never_overtakes_an_earlier_one_waiting_out_its_backoff(rig):
    clock, store, platform, pump, _ = rig
    queue(store, clock, "A:1")
    platform.script["A:1"] = [fail()]
    pump.run_once()  # A:1 waits until +5 s
    queue(store, clock, "A:2", "A:3", "B:1")  # A:2 and A:3 are due now, A:1 is not
    pump.run_once()
    assert platform.tries == ["A:1", "B:1"]  # another case goes on
    assert state_of(store, "A:2").state is DeliveryState.PENDING
    clock.t += 5
    pump.run_once()
    assert platform.tries == ["A:1", "B:1", "A:1", "A:2", "A:3"]


def test_a_failure_in_a_round_leaves_the_rest_for_the_next_round(rig):
    clock, store, platform, pump, _ = rig
    queue(store, clock, "A:1", "B:1", "C:1")
    platform.script["A:1"] = [fail("connection refused")]
    pump.run_once()
    assert platform.tries == ["A:1"]  # a dead platform is not hit 50 times per round
    pump.run_once()
    assert platform.tries == ["A:1", "B:1", "C:1"]


def test_a_refused_case_is_kept_and_shown_and_the_next_version_goes(rig):
    clock, store, platform, pump, statuses = rig
    queue(store, clock, "A:1", "A:2", "B:1")
    platform.script["A:1"] = [fail("refused: 422 grid_code unknown", retry=False)]
    assert pump.run_once() == 2
    entry = state_of(store, "A:1")
    assert (entry.state, entry.last_error) == (DeliveryState.REJECTED, "refused: 422 grid_code unknown")
    assert platform.tries == ["A:1", "A:2", "B:1"]
    assert statuses[-1].rejected == 1 and statuses[-1].delivered == 2
    clock.t += 10_000
    pump.run_once()
    assert platform.tries.count("A:1") == 1  # never sent again by itself


def test_a_plain_delivery_failed_without_a_problem_word_counts_as_other(rig):
    clock, store, platform, pump, statuses = rig
    queue(store, clock, "A:1")

    def plain(item: OutboxItem) -> str:
        raise DeliveryFailed("odd", retry=True)

    platform.script["A:1"] = [plain]
    pump.run_once()
    assert statuses[-1].last_problem is DeliveryProblem.OTHER


def test_a_bug_in_the_delivery_is_a_retry_not_a_dead_pump(rig, caplog):
    clock, store, platform, pump, _ = rig
    queue(store, clock, "A:1")
    platform.script["A:1"] = [crash]
    pump.run_once()
    entry = state_of(store, "A:1")
    assert (entry.state, entry.last_error) == (DeliveryState.PENDING, "failed: ZeroDivisionError")
    assert "a bug in the adapter" in caplog.text  # the traceback is in the log
    clock.t += 5
    assert pump.run_once() == 1


def test_a_lost_store_is_shown_and_survived(rig):
    clock, store, _, pump, statuses = rig
    queue(store, clock, "A:1")
    store.broken = True
    assert pump.run_once() == 0
    assert statuses[-1].store_error == "unreachable: memory"
    store.broken = False
    assert pump.run_once() == 1
    assert statuses[-1].store_error == ""


class ForgetfulStore(MemoryOutbox):
    """Delivers, then cannot record it (the database went away between the two)."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_marks = 1

    def mark_delivered(self, key: str, at: float, note: str = "") -> None:
        if self.fail_marks:
            self.fail_marks -= 1
            raise StoreUnavailable("memory", StoreFault.LOCKED, "busy")
        super().mark_delivered(key, at, note)


def test_sent_but_not_recorded_is_sent_again_with_the_same_key():
    clock, store, platform = FakeClock(1000.0), ForgetfulStore(), ScriptedPlatform()
    pump = OutboxPump(store, platform, clock=clock)
    queue(store, clock, "A:1", "A:2")
    assert pump.run_once() == 0
    assert state_of(store, "A:1").state is DeliveryState.PENDING  # not lost
    assert pump.status().store_error == "locked: memory"
    assert pump.run_once() == 2
    assert platform.tries == ["A:1", "A:1", "A:2"]  # the platform answers the repeat "duplicate"


def test_the_thread_delivers_when_woken_and_stops_cleanly():
    store, platform = MemoryOutbox(), ScriptedPlatform()
    clock = FakeClock(1000.0)
    seen: list[OutboxStatus] = []
    pump = OutboxPump(store, platform, clock=clock, interval_s=60, on_status=seen.append)
    pump.start()
    pump.start()  # idempotent: one thread
    assert [t.name for t in threading.enumerate()].count("case-outbox") == 1
    wait_until(lambda: pump.status().running, 5, "the pump to run")
    queue(store, clock, "A:1")
    pump.wake()
    wait_until(lambda: platform.tries == ["A:1"], 5, "the woken pump to deliver")
    assert pump.stop() and pump.stop()
    assert not pump.running and not pump.status().running
    assert "case-outbox" not in [t.name for t in threading.enumerate()]
    pump.start()  # and again after a stop
    queue(store, clock, "B:1")
    pump.wake()
    wait_until(lambda: "B:1" in platform.tries, 5, "the restarted pump to deliver")
    assert pump.stop()


class OneVersionAtATime(MemoryOutbox):
    """As the SQLite outbox: a version is not due while an older one of its case is pending."""

    def due(self, now: float, limit: int = 50) -> list[OutboxEntry]:
        due = super().due(now, len(self.entries()))
        pending = [e for e in self.entries() if e.state is DeliveryState.PENDING]
        first = {e.item.case_id: min(p.item.version for p in pending if p.item.case_id == e.item.case_id)
                 for e in pending}  # fmt: skip
        return [e for e in due if e.item.version == first[e.item.case_id]][:limit]


def test_a_burst_of_versions_goes_at_once_not_one_per_interval():
    """Dispatch, feedback, close in a second: one wake-up, and every version reaches the platform
    (not the first alone, the others a pump interval apart each)."""
    store, platform, clock = OneVersionAtATime(), ScriptedPlatform(), FakeClock(1000.0)
    pump = OutboxPump(store, platform, clock=clock, interval_s=60)
    pump.start()
    try:
        queue(store, clock, "A:2", "A:3", "A:4", "B:2")
        pump.wake()
        wait_until(lambda: len(platform.tries) == 4, 10, "every version delivered")
        assert [key for key in platform.tries if key.startswith("A:")] == ["A:2", "A:3", "A:4"]  # in order
    finally:
        assert pump.stop()


class ExplodingStore(MemoryOutbox):
    def due(self, now: float, limit: int = 50) -> list:  # type: ignore[type-arg]
        raise RuntimeError("not a StoreUnavailable: a bug")


def test_the_thread_survives_an_unexpected_error_and_a_failing_listener(caplog):
    def bad_listener(status: OutboxStatus) -> None:
        raise ValueError("the UI is gone")

    pump = OutboxPump(ExplodingStore(), ScriptedPlatform(), interval_s=0.01, on_status=bad_listener)
    pump.start()
    wait_until(lambda: caplog.text.count("not a StoreUnavailable") >= 3, 5, "several failed rounds")
    assert pump.running
    assert "the status listener failed" in caplog.text
    assert pump.stop()
