"""Delivering the outbox to the city platform, in the background (no Qt).

:class:`OutboxPump` is one thread. Every ``interval_s`` (or at once when :meth:`wake` is called
after a case change) it asks the store for due entries and sends them, one at a time:

* per case in version order: a later version never overtakes an earlier one still pending (the
  platform would see the case go back in time), even when the earlier one waits out a backoff;
* delivered → ``mark_delivered``; a retryable failure → ``mark_failed`` with the retry policy's
  next time, and the round ends (a platform that is down gets one request per interval, not a
  burst of 50 timeouts); refused for good → ``mark_rejected`` (kept and shown);
* nothing kills the thread: a store that cannot be read or written (StoreUnavailable) or a
  delivery that raises something unexpected is logged, shown in the status and tried again.

Nothing is lost across a crash: an entry stays pending until ``mark_delivered`` returned. An item
sent but not yet marked when the process died is sent again on restart with the same
Idempotency-Key, and the platform answers 409 (counted as delivered).

The status callback runs on the pump's thread; the UI hops to its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum, auto

from app.core.alert_ports import Clock, StoreUnavailable
from app.core.case_export import DEFAULT_RETRY, DeliveryProblem, PlatformFailure, RetryPolicy
from app.core.case_ports import CaseDelivery, DeliveryFailed, DeliveryState, OutboxEntry, OutboxStore

log = logging.getLogger(__name__)

PENDING_SCAN = 10_000  # pending entries read to know each case's oldest (a day-long outage fits)


class WallClock:
    def now(self) -> float:
        return time.time()


@dataclass(frozen=True)
class OutboxStatus:
    """What the status bar says: "3 waiting, last error: connection refused at 14:02"."""

    running: bool = False
    waiting: int = 0  # pending (first try or retry)
    delivered: int = 0
    rejected: int = 0
    last_error: str = ""  # the latest failed try ("" once a later one succeeded)
    last_problem: DeliveryProblem | None = None
    last_error_at: float | None = None
    last_delivered_at: float | None = None
    store_error: str = ""  # the outbox itself cannot be read or written ("" when it can)


StatusListener = Callable[[OutboxStatus], None]


class _Outcome(Enum):
    DELIVERED = auto()
    RETRY = auto()
    REJECTED = auto()
    STORE_FAILED = auto()


def _case_order(due: list[OutboxEntry]) -> list[OutboxEntry]:
    """Cases in the order their oldest due entry came, each case's versions ascending."""
    first: dict[str, int] = {}
    for entry in due:
        first.setdefault(entry.item.case_id, len(first))
    return sorted(due, key=lambda e: (first[e.item.case_id], e.item.version))


class OutboxPump:
    def __init__(
        self,
        store: OutboxStore,
        delivery: CaseDelivery,
        *,
        clock: Clock | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        interval_s: float = 5.0,
        batch: int = 50,
        on_status: StatusListener | None = None,
    ) -> None:
        self._store, self._delivery = store, delivery
        self._clock = clock or WallClock()
        self._retry, self._interval_s, self._batch = retry, interval_s, batch
        self._on_status = on_status
        self._status = OutboxStatus()
        self._status_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._control = threading.Lock()  # start/stop from several threads

    # --- control ---------------------------------------------------------------------------------
    def start(self) -> None:
        with self._control:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="case-outbox", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop after the delivery in flight (at most the HTTP timeout); True when it stopped."""
        with self._control:
            thread = self._thread
            if thread is None:
                return True
            self._stopping.set()
            self._wake.set()
            thread.join(timeout_s)
            if thread.is_alive():
                log.error(
                    "case outbox: still delivering after %.0f s; left to finish as the app exits", timeout_s
                )
                return False
            self._thread = None
        self._publish(running=False)
        return True

    def wake(self) -> None:
        """Look at the outbox now (a case was just queued)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def status(self) -> OutboxStatus:
        with self._status_lock:
            return self._status

    # --- the loop --------------------------------------------------------------------------------
    def _run(self) -> None:
        self._publish(running=True)
        while not self._stopping.is_set():
            self._wake.clear()
            delivered = 0
            try:
                delivered = self.run_once()
            except Exception:  # a bug must not end deliveries for the rest of the shift
                log.exception("case outbox: unexpected failure; trying again in %.0f s", self._interval_s)
            if delivered:
                # A case's next version is due only once this one is delivered (the store holds it
                # back): look again at once, or a burst of versions would go one per interval.
                continue
            self._wake.wait(self._interval_s)

    def run_once(self) -> int:
        """One round: send what is due; returns how many were delivered (tests call it directly)."""
        try:
            due = self._store.due(self._clock.now(), self._batch)
            waiting = self._pending_versions() if due else {}
        except StoreUnavailable as exc:
            self._store_failed(exc)
            return 0
        delivered = 0
        for entry in _case_order(due):
            case_id, version = entry.item.case_id, entry.item.version
            if self._stopping.is_set():
                break
            if version > min(waiting.get(case_id, [version])):
                continue  # an older version of this case waits (backoff): it goes first
            outcome = self._send(entry)
            if outcome is _Outcome.STORE_FAILED:
                break  # try again later
            if outcome is _Outcome.RETRY:
                break  # the platform gets a rest until the next round
            waiting[case_id] = [v for v in waiting.get(case_id, []) if v != version]
            delivered += outcome is _Outcome.DELIVERED
        self._refresh_counts()
        return delivered

    def _pending_versions(self) -> dict[str, list[int]]:
        waiting: dict[str, list[int]] = {}
        for entry in self._store.entries([DeliveryState.PENDING], PENDING_SCAN):
            waiting.setdefault(entry.item.case_id, []).append(entry.item.version)
        return waiting

    def _send(self, entry: OutboxEntry) -> _Outcome:
        item = entry.item
        try:
            receipt = self._delivery.deliver(item)
        except DeliveryFailed as exc:
            problem = exc.problem if isinstance(exc, PlatformFailure) else DeliveryProblem.OTHER
            return self._failed(entry, exc.reason, exc.retry, problem)
        except Exception as exc:
            log.exception("case outbox: delivering %s failed unexpectedly", item.key)
            return self._failed(entry, f"failed: {type(exc).__name__}", True, DeliveryProblem.OTHER)
        now = self._clock.now()
        try:
            self._store.mark_delivered(item.key, now, receipt)
        except StoreUnavailable as exc:
            # Sent but not recorded: it goes again later and the platform answers "duplicate".
            self._store_failed(exc)
            return _Outcome.STORE_FAILED
        log.info("case outbox: %s delivered (%s)", item.key, receipt)
        self._publish(last_delivered_at=now, last_error="", last_problem=None, store_error="")
        return _Outcome.DELIVERED

    def _failed(self, entry: OutboxEntry, reason: str, retry: bool, problem: DeliveryProblem) -> _Outcome:
        key, now = entry.item.key, self._clock.now()
        try:
            if retry:
                after = self._retry.next_attempt(entry.attempts + 1, now)
                self._store.mark_failed(key, now, reason, after)
                log.warning(
                    "case outbox: %s not delivered (%s); next try in %.0f s", key, reason, after - now
                )
            else:
                self._store.mark_rejected(key, now, reason)
                log.error("case outbox: the city platform refused %s: %s", key, reason)
        except StoreUnavailable as exc:
            self._store_failed(exc)
            return _Outcome.STORE_FAILED
        self._publish(last_error=reason, last_problem=problem, last_error_at=now, store_error="")
        return _Outcome.RETRY if retry else _Outcome.REJECTED

    def _store_failed(self, exc: StoreUnavailable) -> None:
        log.error("case outbox: %s", exc)
        self._publish(store_error=f"{exc.fault.value}: {exc.where}")

    def _refresh_counts(self) -> None:
        try:
            counts = self._store.counts()
        except StoreUnavailable as exc:
            self._store_failed(exc)
            return
        self._publish(
            waiting=counts.get(DeliveryState.PENDING, 0),
            delivered=counts.get(DeliveryState.DELIVERED, 0),
            rejected=counts.get(DeliveryState.REJECTED, 0),
        )

    def _publish(self, **changes: object) -> None:
        with self._status_lock:
            before = self._status
            self._status = replace(before, **changes)  # type: ignore[arg-type]
            after = self._status
        if after != before and self._on_status is not None:
            try:
                self._on_status(after)
            except Exception:
                log.exception("case outbox: the status listener failed")
