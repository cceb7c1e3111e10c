"""One writer: a thread that owns the alert store's write connection.

The alert service submits each change (the alert as it is now and its audit draft) and gets a
:class:`~concurrent.futures.Future` at once; nothing on the caller's side (the GUI thread) ever
waits on the database or the disk. Writes happen in submission order, which is the order of the
audit chain. A write that fails (disk full, read-only folder, database locked too long, server
gone) resolves its future with :class:`~app.core.alert_ports.StoreUnavailable` and is reported
through ``on_failure``; the next one that succeeds after a failure is reported through
``on_recovered``. The service keeps its in-memory alerts either way: a failed write loses no
state, it only is not on disk yet (the alert's next change stores it as it is then).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from app.core.alert_ports import AlertRepository, StoreFault, StoreUnavailable
from app.core.alerts import Alert
from app.core.audit import AuditDraft, AuditEvent

log = logging.getLogger(__name__)

LATENCIES_KEPT = 100_000
MAX_BATCH = 200  # writes per transaction at most (a burst's queue)


@dataclass(frozen=True)
class WriteDone:
    """One finished write: its alert, how long from submit to on disk, and whether it failed."""

    alert_id: str
    latency_s: float
    ok: bool


@dataclass(frozen=True)
class _Job:
    alert: Alert | None
    draft: AuditDraft
    future: Future[AuditEvent]
    submitted: float


class AlertWriter:
    """``submit`` from any thread; the writes happen one at a time on this writer's own thread."""

    def __init__(
        self,
        repository: AlertRepository,
        *,
        on_failure: Callable[[StoreUnavailable], object] | None = None,
        on_recovered: Callable[[], object] | None = None,
        on_written: Callable[[WriteDone], object] | None = None,
        name: str = "alert-writer",
    ) -> None:
        self._repository = repository
        self._on_failure, self._on_recovered, self._on_written = on_failure, on_recovered, on_written
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._failing = False
        # Seconds from submit to committed, newest last (bench/alerts.py reads its p99).
        self.latencies_s: deque[float] = deque(maxlen=LATENCIES_KEPT)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, alert: Alert | None, draft: AuditDraft) -> Future[AuditEvent]:
        """Queue the write; never blocks. After :meth:`close` the future fails at once."""
        future: Future[AuditEvent] = Future()
        if self._closed.is_set():
            future.set_exception(StoreUnavailable("(closed)", StoreFault.OTHER, "the alert writer is closed"))
            return future
        self._queue.put(_Job(alert, draft, future, time.perf_counter()))
        return future

    @property
    def pending(self) -> int:
        """Writes submitted and not finished yet (approximate)."""
        return self._queue.qsize()

    def close(self, timeout_s: float = 30.0) -> bool:
        """Finish what was submitted, then stop and close the repository. False when the writes
        did not finish within ``timeout_s`` (the repository is left open for them)."""
        if not self._closed.is_set():
            self._closed.set()
            self._queue.put(None)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.error("alert writer: %d write(s) still pending after %.0f s", self.pending, timeout_s)
            return False
        self._repository.close()
        return True

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch, stop = [job], False
            while len(batch) < MAX_BATCH:  # what queued up meanwhile goes in the same transaction
                try:
                    queued = self._queue.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stop = True
                    break
                batch.append(queued)
            self._write([j for j in batch if j.future.set_running_or_notify_cancel()])
            if stop:
                return

    def _write(self, batch: list[_Job]) -> None:
        """One transaction for the batch (one sync to disk in a burst); if it fails, each write on
        its own, so that one bad write fails alone."""
        if not batch:
            return
        try:
            events = self._repository.append_many([(job.alert, job.draft) for job in batch])
        except Exception as exc:  # any failure is the caller's to know, never the thread's end
            if len(batch) == 1:
                self._failed(batch[0], exc)
                return
            for job in batch:
                self._write([job])
            return
        for job, event in zip(batch, events, strict=True):
            self._done(job, ok=True)
            job.future.set_result(event)
        if self._failing:
            self._failing = False
            log.info("alert store writable again")
            self._call(self._on_recovered)

    def _failed(self, job: _Job, exc: Exception) -> None:
        error = (
            exc if isinstance(exc, StoreUnavailable) else StoreUnavailable("?", StoreFault.OTHER, repr(exc))
        )
        log.error("%s not saved (%s): %s", job.draft.subject, job.draft.action, error)
        self._done(job, ok=False)
        job.future.set_exception(error)
        self._failing = True
        if self._on_failure is not None:
            self._call(lambda: self._on_failure(error) if self._on_failure else None)

    def _done(self, job: _Job, *, ok: bool) -> None:
        latency = time.perf_counter() - job.submitted
        self.latencies_s.append(latency)
        if self._on_written is not None:
            done = WriteDone(job.draft.subject.removeprefix("alert:"), latency, ok)
            self._call(lambda: self._on_written(done) if self._on_written else None)

    @staticmethod
    def _call(callback: Callable[[], object] | None) -> None:
        if callback is None:
            return
        try:
            callback()
        except Exception:
            log.exception("alert writer: a callback failed")
