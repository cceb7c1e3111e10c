"""The alert service: the one owner of the alerts (no Qt, no I/O of its own).

The detection side tells it what the rules decided (:meth:`AlertService.detector_raised`,
:meth:`detector_cleared`, :meth:`attach_evidence`); people send commands (acknowledge, assign,
escalate, confirm, dismiss with a reason, snooze). Each change goes through the core's
:class:`~app.core.alerts.AlertBook` (its table decides what is allowed), is handed to the one
writer (:class:`~app.core.alert_ports.AlertWriter`, which stores it off the caller's thread) and
is told to every subscriber: the wall overlay, the triage list, the detection scheduler's
priority and the status bar follow the same :class:`~app.core.alerts.AlertChange`.

A write that fails keeps the change in memory (nothing the operator did is lost while the app
runs), is reported as a system event and is retried with the next write (in order).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future

from app.core.alert_ports import AlertWriter, Clock
from app.core.alerts import (
    Alert,
    AlertBook,
    AlertChange,
    DismissReason,
    EvidenceRef,
    InvalidAlertTransition,
    UnknownAlert,
)
from app.core.audit import AuditDraft, AuditEvent
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.core.voice import VoicePlay
from app.core.voice_ladder import Ladder
from app.services.listeners import add_listener

log = logging.getLogger(__name__)

Listener = Callable[[AlertChange], None]
STORE = "alerts"  # the subject of the store's system events (one condition: failing, then stored again)


class AlertService:
    def __init__(self, writer: AlertWriter, clock: Clock, events: EventSink | None = None) -> None:
        self._book = AlertBook()
        self._writer = writer
        self._clock = clock
        self._events = events
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._unwritten: list[AlertChange] = []  # refused by the writer: sent again, in order
        self._failing = False
        self.last_write: Future[AuditEvent] | None = None
        # Changes a listener makes while it hears another (the escalation ladder on a clear) wait
        # until that one has reached every listener: each listener hears changes in their order.
        self._telling = threading.local()

    # --- reading --------------------------------------------------------------------------------
    def load(self, alerts: Iterable[Alert]) -> int:
        """The stored alerts that still matter after a restart (open, or never acknowledged)."""
        with self._lock:
            alerts = list(alerts)
            self._book.load(alerts)
            return len(alerts)

    def alerts(self) -> list[Alert]:
        """Every alert this session knows, newest first."""
        with self._lock:
            return sorted(self._book, key=lambda a: a.raised_at, reverse=True)

    def get(self, alert_id: str) -> Alert:
        with self._lock:
            return self._book.get(alert_id)

    def find(self, alert_id: str) -> Alert | None:
        with self._lock:
            return self._book.get(alert_id) if alert_id in self._book else None

    def open_alerts(self) -> list[Alert]:
        with self._lock:
            return self._book.open_alerts()

    def awaiting_acknowledgement(self) -> list[Alert]:
        """Alerts nobody has seen yet, most urgent then oldest first (the sound and the tile marks)."""
        now = self._clock.now()
        with self._lock:
            waiting = [a for a in self._book if a.needs_acknowledgement and not a.snoozed(now)]
        return sorted(waiting, key=lambda a: (a.priority, a.raised_at))

    def cameras_with_open_alerts(self) -> set[str]:
        """Cameras the detection scheduler checks more often (snoozed alerts left out)."""
        with self._lock:
            return self._book.cameras_with_open_alerts(self._clock.now())

    def snoozed_cameras(self) -> set[str]:
        """Cameras with an open alert that is snoozed now (their tiles say so)."""
        now = self._clock.now()
        with self._lock:
            return {a.camera_id for a in self._book if a.is_open and a.snoozed(now)}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every change (on the thread that made it); returns an unsubscribe."""
        return add_listener(self._listeners, self._lock, listener)

    # --- the detector ---------------------------------------------------------------------------
    def detector_raised(self, alert: Alert) -> AlertChange:
        """A rule raised ``alert``; while one of its key is open, that one continues instead."""
        return self._change(lambda book: book.raise_alert(alert))

    def detector_cleared(
        self, alert_id: str, at: float, evidence: tuple[EvidenceRef, ...] = ()
    ) -> AlertChange | None:
        """The condition went away (None: an alert this session does not hold, or already closed
        in a way a clear cannot change — logged, never an error: the worker and the store may be
        a step apart after a restart)."""
        try:
            return self._change(lambda book: book.clear(alert_id, at, evidence=evidence))
        except (UnknownAlert, InvalidAlertTransition) as exc:
            log.info("clear of alert %s not applied: %s", alert_id, exc)
            return None

    def attach_evidence(self, alert_id: str, refs: tuple[EvidenceRef, ...]) -> AlertChange:
        return self._change(lambda book: book.attach_evidence(alert_id, refs, self._clock.now()))

    # --- people -----------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, by: str) -> AlertChange:
        return self._change(lambda book: book.acknowledge(alert_id, by, self._clock.now()))

    def assign(self, alert_id: str, by: str, to: str) -> AlertChange:
        return self._change(lambda book: book.assign(alert_id, by, to, self._clock.now()))

    def escalate(self, alert_id: str, by: str, note: str = "") -> AlertChange:
        return self._change(lambda book: book.escalate(alert_id, by, self._clock.now(), note))

    def confirm(self, alert_id: str, by: str, note: str = "") -> AlertChange:
        return self._change(lambda book: book.confirm(alert_id, by, self._clock.now(), note))

    def dismiss(self, alert_id: str, by: str, reason: DismissReason, note: str = "") -> AlertChange:
        return self._change(lambda book: book.dismiss(alert_id, by, self._clock.now(), reason, note))

    def snooze(self, alert_id: str, by: str, minutes: float) -> AlertChange:
        return self._change(lambda book: book.snooze(alert_id, by, self._clock.now(), minutes))

    def record_play(
        self, alert_id: str, play: VoicePlay, evidence: tuple[EvidenceRef, ...] = ()
    ) -> AlertChange:
        """A voice prompt played for the alert: in its record and its audit chain, audio kept."""
        return self._change(lambda book: book.record_play(alert_id, play, evidence))

    def set_ladder(self, alert_id: str, ladder: Ladder, by: str = "system") -> AlertChange:
        return self._change(lambda book: book.set_ladder(alert_id, ladder, by, self._clock.now()))

    def record_event(self, draft: AuditDraft) -> Future[AuditEvent]:
        """An event of its own in the audit chain (a prompt played where no alert was open)."""
        try:
            future = self._writer.submit(None, draft)
        except Exception as exc:  # the writer itself is gone
            future = Future()
            future.set_exception(exc)
        future.add_done_callback(self._event_written)
        return future

    def _event_written(self, future: Future[AuditEvent]) -> None:
        exc = future.exception()
        if exc is None:
            return
        log.error("audit event not stored: %s", exc)
        if self._events is not None:
            self._events(SystemEvent.of(SystemEventKind.ALERT_NOT_STORED, subject=STORE, detail=str(exc)))

    def tick(self) -> list[AlertChange]:
        """Snoozes whose time is up end, and writes the store refused are tried again (call about
        once a second); returns the changes made."""
        now = self._clock.now()
        out = []
        with self._lock:
            for alert in list(self._book):
                change = self._book.end_snooze(alert.id, now) if alert.snoozed_until is not None else None
                if change is not None:
                    out.append(change)
            if out or self._unwritten:
                self._write(out)
            listeners = list(self._listeners)
        for change in out:
            self._tell(listeners, change)
        return out

    # --- the one path every change takes ----------------------------------------------------------
    def _change(self, make: Callable[[AlertBook], AlertChange]) -> AlertChange:
        with self._lock:
            change = make(self._book)  # raises (refused transition): nothing changed, nothing sent
            self._write([change])
            listeners = list(self._listeners)
        self._tell(listeners, change)
        return change

    def _tell(self, listeners: list[Listener], change: AlertChange) -> None:
        pending: deque[tuple[list[Listener], AlertChange]] | None = getattr(self._telling, "pending", None)
        if pending is not None:  # made by a listener of an earlier change: told after that one
            pending.append((listeners, change))
            return
        self._telling.pending = pending = deque([(listeners, change)])
        try:
            while pending:
                told, next_change = pending.popleft()
                for listener in told:
                    try:
                        listener(next_change)
                    except Exception:  # one view's bug must not stop the others or the store
                        log.exception("alert listener failed")
        finally:
            self._telling.pending = None

    def _write(self, changes: list[AlertChange]) -> None:
        """Hand earlier unwritten changes, then ``changes``, to the writer (under the lock). The row
        written is always the alert as it is now (a retried old change never rolls it back); the
        audit record is the change as it happened."""
        queue, self._unwritten = [*self._unwritten, *changes], []
        for change in queue:
            try:
                future = self._writer.submit(self._book.get(change.after.id), change.draft)
            except Exception as exc:  # the writer itself is gone (closed, crashed)
                self._write_failed(change, exc)
                continue
            self.last_write = future
            future.add_done_callback(lambda f, c=change: self._written(c, f))  # type: ignore[misc]

    def _written(self, change: AlertChange, future: Future[AuditEvent]) -> None:
        exc = future.exception()
        with self._lock:
            if exc is not None:
                self._write_failed(change, exc)
                return
            recovered = self._failing and not self._unwritten
            if recovered:
                self._failing = False
        if recovered and self._events is not None:
            self._events(SystemEvent.of(SystemEventKind.ALERTS_STORED, subject=STORE))

    def _write_failed(self, change: AlertChange, exc: BaseException) -> None:
        if change not in self._unwritten:
            self._unwritten.append(change)
        log.error("alert %s (%s) not stored: %s", change.after.id, change.draft.action, exc)
        if not self._failing and self._events is not None:
            detail = f"{change.after.id}: {exc}"
            self._events(SystemEvent.of(SystemEventKind.ALERT_NOT_STORED, subject=STORE, detail=detail))
        self._failing = True

    @property
    def unwritten(self) -> int:
        """Changes kept in memory only, because the store refused them."""
        with self._lock:
            return len(self._unwritten)

    def close(self) -> None:
        self._writer.close()
