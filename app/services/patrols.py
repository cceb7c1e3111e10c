"""Patrols (巡航): a PTZ camera visits its presets in order, round and round, at PATROL priority.

A :class:`PatrolRunner` drives one camera's patrol through its
:class:`~app.services.ptz_controller.PtzController`:

* started and stopped by an operator (:meth:`PatrolRunner.start` / :meth:`PatrolRunner.stop`) or
  by the patrol's schedule: time-of-day windows per weekday in the site's timezone. The schedule
  acts when a window opens (start) and when it closes (stop, if the schedule started it): an
  operator who stops a patrol inside its window is not overruled until the next window;
* each step goes to its preset and dwells there ``dwell_s``, counted only while the camera is
  SETTLED on that preset (a camera still swinging, or pushed away, does not count);
* anyone with a higher priority takes the camera at once (the arbiter's rules): the patrol pauses
  and, when control comes back, resumes at the step it was on with the dwell time left. After an
  operator (released, lease lapsed, lock expired or unlocked) it first waits until the camera has
  been left alone for ``resume_after_s``;
* a camera moved by something outside CityWall (its own keyboard, another client) counts as an
  operator too: the patrol waits ``resume_after_s`` and goes back to the step's preset.

Everything runs on the controller's scheduler thread; listeners get :class:`PatrolStatus`.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from app.core.preset_tracking import PlaceSnapshot
from app.core.ptz_control import Granted, Preempted, Priority, Queued, Requester
from app.services.ptz_controller import (
    ControlChanged,
    ControlDenied,
    ControlNotice,
    PlaceChanged,
    PtzController,
    PtzEvent,
    Scheduler,
    Timer,
)
from camera_config.models import WEEKDAYS, Patrol, PatrolWindow

log = logging.getLogger(__name__)

StartedBy = Literal["user", "schedule"]
MAX_SCHEDULE_SLEEP_S = 300.0  # look at the wall clock at least this often (it may be set)


# -- schedules (pure) ---------------------------------------------------------------------------------
def window_contains(window: PatrolWindow, local: datetime) -> bool:
    """Whether ``local`` (a time in the site's timezone) falls in ``window`` (start in, end out)."""
    t = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    start, end = window.start_minute * 60, window.end_minute * 60
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    if not window.overnight:
        return today in window.days and start <= t < end
    return (today in window.days and t >= start) or (yesterday in window.days and t < end)


def in_schedule(windows: Iterable[PatrolWindow], local: datetime) -> bool:
    return any(window_contains(w, local) for w in windows)


def _at(day: date, minute: int, tz: tzinfo | None) -> datetime:
    extra, minute = divmod(minute, 1440)
    return datetime.combine(day + timedelta(days=extra), clock_time(minute // 60, minute % 60), tzinfo=tz)


def next_schedule_change(windows: Iterable[PatrolWindow], local: datetime) -> datetime | None:
    """The next window start or end after ``local`` (same timezone), None without windows."""
    best: datetime | None = None
    for window in windows:
        for offset in range(-1, 8):
            day = local.date() + timedelta(days=offset)
            if WEEKDAYS[day.weekday()] not in window.days:
                continue
            end = window.end_minute + (1440 if window.overnight else 0)
            for edge in (_at(day, window.start_minute, local.tzinfo), _at(day, end, local.tzinfo)):
                if edge > local and (best is None or edge < best):
                    best = edge
    return best


# -- the runner ----------------------------------------------------------------------------------------
class PatrolState(StrEnum):
    STOPPED = "stopped"
    WAITING = "waiting"  # wants the camera; someone with a higher priority (or a lock) has it
    RESUMING = "resuming"  # has the camera back; waits resume_after_s after an operator
    MOVING = "moving"  # on its way to the step's preset
    DWELLING = "dwelling"  # settled on the step's preset, dwell time running


@dataclass(frozen=True)
class PatrolStatus:
    camera: str
    state: PatrolState
    step: int  # index into the patrol's steps
    preset: str  # as configured (token or name)
    dwell_s: float
    dwelled_s: float  # settled time already counted on this step
    started_by: StartedBy | None = None
    blocked_by: str | None = None  # WAITING: the name of who has the camera
    resume_at: float | None = None  # RESUMING: when it moves again (controller clock)
    problem: str | None = None  # the last thing that went wrong (unknown preset, camera error)


PatrolListener = Callable[[PatrolStatus], None]


class PatrolRunner:
    """The patrol of one camera. Listens to its controller; :meth:`close` when done."""

    def __init__(
        self,
        controller: PtzController,
        patrol: Patrol,
        scheduler: Scheduler,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        timezone: str | tzinfo = "Asia/Shanghai",
        name: str = "巡航",
        arrive_timeout_s: float = 60.0,
        retry_s: float = 10.0,
    ) -> None:
        self.controller = controller
        self.patrol = patrol
        self.requester = Requester(f"patrol:{controller.id}", name)
        self.arrive_timeout_s = arrive_timeout_s
        self.retry_s = retry_s
        self._scheduler = scheduler
        self._clock = clock
        self._wall = wall_clock
        self._tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self._listeners: list[PatrolListener] = []
        self._running = False
        self._started_by: StartedBy | None = None
        self._state = PatrolState.STOPPED
        self._index = 0
        self._dwelled = 0.0
        self._dwell_since: float | None = None
        self._target: str | None = None
        self._goto_at: float | None = None
        self._granted_since: float | None = None
        self._fresh = False  # started by hand: no resume wait before the first move
        self._blocked_by: str | None = None
        self._resume_at: float | None = None
        self._problem: str | None = None
        self._timer: Timer | None = None
        self._window_open = False
        self._schedule_timer: Timer | None = None
        self._closed = False
        self._unsubscribe = controller.subscribe(self._on_event)
        if patrol.schedule:
            self._schedule_timer = scheduler.call_later(0.0, self._check_schedule)

    @classmethod
    def for_camera(
        cls, controller: PtzController, scheduler: Scheduler, **kwargs: object
    ) -> PatrolRunner | None:
        """The runner of the controller's camera's configured patrol (None without one)."""
        ptz = controller.camera.ptz
        if ptz is None or ptz.patrol is None:
            return None
        return cls(controller, ptz.patrol, scheduler, **kwargs)  # type: ignore[arg-type]

    # -- reading ------------------------------------------------------------------------------------
    @property
    def status(self) -> PatrolStatus:
        step = self.patrol.steps[self._index]
        dwelled = self._dwelled
        if self._state is PatrolState.DWELLING and self._dwell_since is not None:
            dwelled += max(0.0, self._clock() - self._dwell_since)
        return PatrolStatus(
            self.controller.id,
            self._state,
            self._index,
            step.preset,
            step.dwell_s,
            min(dwelled, step.dwell_s),
            self._started_by,
            self._blocked_by if self._state is PatrolState.WAITING else None,
            self._resume_at if self._state is PatrolState.RESUMING else None,
            self._problem,
        )

    @property
    def running(self) -> bool:
        return self._running

    def subscribe(self, listener: PatrolListener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # -- commands -----------------------------------------------------------------------------------
    def start(self, by: StartedBy = "user") -> None:
        """Start from the first step (no-op when running)."""
        if self._running or self._closed:
            return
        self._running, self._started_by, self._fresh = True, by, by == "user"
        self._index, self._dwelled, self._problem = 0, 0.0, None
        self._granted_since = None
        outcome = self.controller.request(self.requester, Priority.PATROL)
        if isinstance(outcome, Granted):
            self._granted()
        elif isinstance(outcome, Queued):
            self._wait(outcome.blocked_by.name)
        self._emit()

    def stop(self, by: StartedBy = "user") -> None:
        """Stop and give the camera up (no-op when stopped)."""
        if not self._running:
            return
        log.info("patrol of %s stopped by %s", self.controller.id, by)
        self._running = False
        self._started_by = None
        self._cancel_timer()
        self._state = PatrolState.STOPPED
        self._target = self._goto_at = self._dwell_since = self._granted_since = None
        self.controller.release(self.requester)
        self._emit()

    def close(self) -> None:
        """Stop, and stop listening and following the schedule."""
        self.stop()
        self._closed = True
        self._unsubscribe()
        if self._schedule_timer is not None:
            self._schedule_timer.cancel()
            self._schedule_timer = None

    # -- schedule -----------------------------------------------------------------------------------
    def local_now(self) -> datetime:
        return self._wall().astimezone(self._tz)

    def _check_schedule(self) -> None:
        self._schedule_timer = None
        if self._closed:
            return
        local = self.local_now()
        open_now = in_schedule(self.patrol.schedule, local)
        if open_now != self._window_open:
            self._window_open = open_now
            if open_now:
                self.start("schedule")
            elif self._started_by == "schedule":
                self.stop("schedule")
        change = next_schedule_change(self.patrol.schedule, local)
        delay = MAX_SCHEDULE_SLEEP_S
        if change is not None:
            delay = min(delay, max(0.05, (change - local).total_seconds()))
        self._schedule_timer = self._scheduler.call_later(delay, self._check_schedule)

    # -- control --------------------------------------------------------------------------------------
    def _on_event(self, event: PtzEvent) -> None:
        if not self._running:
            return
        if isinstance(event, ControlNotice):
            notice = event.notice
            if isinstance(notice, Granted) and notice.requester.same(self.requester):
                self._granted()
            elif isinstance(notice, Preempted) and notice.requester.same(self.requester):
                self._preempted(notice)
        elif isinstance(event, PlaceChanged):
            self._place(event.place)
        elif isinstance(event, ControlChanged) and self._state is PatrolState.WAITING:
            control = event.control
            who = control.lock.holder if control.locked(self._clock()) and control.lock else None
            if who is None and control.holder is not None and not control.held_by(self.requester):
                who = control.holder.requester
            if who is not None and who.name != self._blocked_by:
                self._blocked_by = who.name
                self._emit()

    def _granted(self) -> None:
        control = self.controller.control
        if not control.held_by(self.requester) or control.holder is None:
            return  # a stale notice: taken again meanwhile
        if self._granted_since == control.holder.since:
            return  # already acting on this grant
        self._granted_since = control.holder.since
        now = self._clock()
        left = control.operator_left_at
        resume_at = None if left is None or self._fresh else left + self.patrol.resume_after_s
        if resume_at is not None and resume_at > now:
            self._hold_off(resume_at)
        else:
            self._go()

    def _preempted(self, notice: Preempted) -> None:
        self._count_dwell()
        self._cancel_timer()
        self._granted_since = None
        self._wait(notice.by.name)
        self._emit()

    def _wait(self, blocked_by: str) -> None:
        self._state = PatrolState.WAITING
        self._blocked_by = blocked_by

    def _hold_off(self, resume_at: float) -> None:
        self._cancel_timer()
        self._state = PatrolState.RESUMING
        self._resume_at = resume_at
        self._timer = self._scheduler.call_later(resume_at - self._clock(), self._go)
        self._emit()

    def _go(self) -> None:
        self._timer = None
        if not self._running or not self.controller.control.held_by(self.requester):
            return
        self._cancel_timer()
        self._fresh = False
        step = self.patrol.steps[self._index]
        found = self.controller.find_preset(step.preset)
        self._target = found.token if found is not None else step.preset
        goto_at = self._goto_at = self._clock()
        self._dwell_since = None
        self._state = PatrolState.MOVING
        future = self.controller.goto_preset(self.requester, step.preset, priority=Priority.PATROL)
        future.add_done_callback(
            lambda f: self._scheduler.call_soon(functools.partial(self._goto_done, f, goto_at))
        )
        self._timer = self._scheduler.call_later(self.arrive_timeout_s, self._arrive_timeout)
        self._emit()

    def _goto_done(self, future: Future[None], goto_at: float) -> None:
        if goto_at != self._goto_at or not self._running:
            return  # superseded
        error = future.exception()
        if error is None or isinstance(error, ControlDenied):
            return  # sent; or taken meanwhile, and the Preempted notice follows
        self._problem = str(error)
        log.warning("patrol of %s: %s", self.controller.id, error)
        self._cancel_timer()
        self._goto_at = None
        self._timer = self._scheduler.call_later(self.retry_s, self._after_failure)
        self._emit()

    def _after_failure(self) -> None:
        """Unknown presets are skipped; a camera error retries the same step."""
        self._timer = None
        step = self.patrol.steps[self._index]
        if self.controller.presets and self.controller.find_preset(step.preset) is None:
            self._next_index()
        self._go()

    def _arrive_timeout(self) -> None:
        self._timer = None
        if self._state is not PatrolState.MOVING:
            return
        step = self.patrol.steps[self._index]
        self._problem = f"did not settle on preset {step.preset} within {self.arrive_timeout_s:g} s"
        log.warning("patrol of %s: %s", self.controller.id, self._problem)
        self._next_index()
        self._go()

    def _place(self, place: PlaceSnapshot) -> None:
        if self._target is None or self._goto_at is None:
            return
        if self._state is PatrolState.MOVING:
            if place.on_preset(self._target) and place.since >= self._goto_at:
                self._cancel_timer()
                self._state = PatrolState.DWELLING
                self._dwell_since = place.since
                left = self.patrol.steps[self._index].dwell_s - self._dwelled
                self._timer = self._scheduler.call_later(left - (self._clock() - place.since), self._dwelt)
                self._emit()
        elif self._state is PatrolState.DWELLING and not place.on_preset(self._target):
            # Moved by something outside CityWall's control: wait as after an operator, then go back.
            self._count_dwell(until=place.since)
            self._hold_off(self._clock() + self.patrol.resume_after_s)

    def _dwelt(self) -> None:
        self._timer = None
        self._next_index()
        self._go()

    def _next_index(self) -> None:
        self._index = (self._index + 1) % len(self.patrol.steps)
        self._dwelled = 0.0
        self._dwell_since = None

    def _count_dwell(self, until: float | None = None) -> None:
        if self._state is PatrolState.DWELLING and self._dwell_since is not None:
            end = self._clock() if until is None else until
            self._dwelled += max(0.0, end - self._dwell_since)
        self._dwell_since = None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _emit(self) -> None:
        status = self.status
        for listener in list(self._listeners):
            self._scheduler.call_soon(functools.partial(listener, status))
