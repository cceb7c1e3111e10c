"""One PTZ camera under control: arbitration, commands through the PTZ port, where the camera points.

:class:`PtzController` ties three things together for one camera:

* the :class:`~app.core.ptz_control.Arbiter` decides who may steer it (operator > verification >
  detection > patrol, operator locks);
* a :class:`~app.core.ptz_port.PtzPort` (the ONVIF adapter's ``OnvifService``, or a fake)
  carries the commands; every command returns a ``concurrent.futures.Future``;
* a :class:`~app.core.preset_tracking.PresetTracker` knows whether the camera is settled on a
  preset, moving or off-preset, fed by our own commands and a status poller (GetStatus every
  ``moving_poll_s`` while it moves, every ``idle_poll_s`` while it stands).

Every command names who asks and at which priority. Operators' commands never queue: when someone
else holds the camera the future fails with :class:`ControlDenied`, whose message names them
("locked by 张三 for another 7 min"); ``take_over=True`` takes it from another operator (not from
a lock). An operator holds the camera on a lease of ``operator_idle_s`` that each command renews;
after that, automation gets it back. Automation asks with :meth:`PtzController.request` (it waits
in the queue) or :meth:`PtzController.visit` (go to a preset when allowed, resolve once settled).

Time and threads: the controller runs its timers and tells its listeners through a
:class:`Scheduler`. With :class:`TickScheduler` driven from the GUI's timer, listeners run on the
GUI thread; :class:`ThreadScheduler` runs them on a thread of its own; tests drive a
TickScheduler with a fake clock. Listeners get :data:`PtzEvent` values; no Qt here.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from app.core.preset_tracking import (
    MoveKind,
    Place,
    PlaceSnapshot,
    Position,
    PresetPoint,
    PresetTracker,
    Tolerance,
)
from app.core.ptz_control import (
    Arbiter,
    CameraControl,
    Granted,
    Locked,
    LockEnded,
    Notice,
    Outcome,
    Preempted,
    Priority,
    Queued,
    Refused,
    RefuseReason,
    Released,
    Requester,
)
from app.core.ptz_geometry import HeadRange, clamp, wrap_degrees
from app.core.ptz_port import CameraCommandError, HeldMove, Preset, PtzPort, PtzStatus, PtzVector
from app.services.listeners import add_listener
from camera_config.models import Camera

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]


# -- time ----------------------------------------------------------------------------------------------
class Timer(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Runs callbacks later, all on one thread; ``call_soon``/``call_later`` may be called from any."""

    def call_soon(self, fn: Callable[[], None]) -> None: ...

    def call_later(self, delay_s: float, fn: Callable[[], None]) -> Timer: ...


@dataclass(eq=False)
class _Entry:
    when: float
    seq: int
    fn: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: _Entry) -> bool:
        return (self.when, self.seq) < (other.when, other.seq)


class TickScheduler:
    """A scheduler whose callbacks run when someone calls :meth:`run_due`: a GUI timer (every
    50 ms or so), a loop, or a test that moves a fake clock. Thread-safe to schedule from."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._heap: list[_Entry] = []
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._wake: Callable[[], None] | None = None

    def call_soon(self, fn: Callable[[], None]) -> None:
        self.call_later(0.0, fn)

    def call_later(self, delay_s: float, fn: Callable[[], None]) -> Timer:
        entry = _Entry(self.clock() + max(0.0, delay_s), next(self._seq), fn)
        with self._lock:
            heapq.heappush(self._heap, entry)
            wake = self._wake
        if wake is not None:
            wake()
        return entry

    def next_due(self) -> float | None:
        with self._lock:
            while self._heap and self._heap[0].cancelled:
                heapq.heappop(self._heap)
            return self._heap[0].when if self._heap else None

    def run_due(self) -> int:
        """Run every callback due by now (including ones they schedule for now); how many ran."""
        ran = 0
        while True:
            now = self.clock()
            with self._lock:
                while self._heap and self._heap[0].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap or self._heap[0].when > now:
                    return ran
                entry = heapq.heappop(self._heap)
            ran += 1
            try:
                entry.fn()
            except Exception:  # one listener's bug must not stop the others, nor the timers
                log.exception("PTZ scheduler callback failed")


class ThreadScheduler(TickScheduler):
    """A :class:`TickScheduler` that runs its callbacks on a daemon thread of its own."""

    def __init__(self, clock: Clock = time.monotonic, name: str = "ptz-scheduler") -> None:
        super().__init__(clock)
        self._cond = threading.Condition()
        self._stopped = False
        self._wake = self._notify
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if threading.current_thread() is not self._thread:
            self._thread.join(2.0)

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                due = self.next_due()
                delay = 1.0 if due is None else due - self.clock()
                if delay > 0:
                    self._cond.wait(min(delay, 1.0))
                    continue
            self.run_due()


# -- the picture's geometry (pure) --------------------------------------------------------------------
@dataclass(frozen=True)
class PtzOptics:
    """How generic positions map to angles, and how wide the lens sees.

    ``head`` maps generic pan/tilt/zoom to degrees and magnification (zoom assumed linear in
    magnification over the generic zoom range); ``hfov_wide_deg`` is the horizontal field of view
    at the widest zoom; ``aspect`` the picture's width / height. Defaults: a typical 20x dome, as
    the demo simulator is.
    """

    head: HeadRange = field(default_factory=HeadRange)
    hfov_wide_deg: float = 60.0
    aspect: float = 16 / 9

    def __post_init__(self) -> None:
        if not (0 < self.hfov_wide_deg < 180 and self.aspect > 0):
            raise ValueError("hfov_wide_deg must be in (0, 180) and aspect positive")

    def magnification(self, zoom: float | None) -> float:
        return self.head.zoom_min if zoom is None else self.head.zoom_from_generic(zoom)

    def half_tangents(self, magnification: float) -> tuple[float, float]:
        """tan(hfov/2), tan(vfov/2) at ``magnification`` (a rectilinear lens: tangents scale as 1/m)."""
        scale = self.head.zoom_min / magnification
        tx = math.tan(math.radians(self.hfov_wide_deg) / 2.0) * scale
        return tx, tx / self.aspect


def _aim(
    pan_deg: float, tilt_deg: float, x: float, y: float, optics: PtzOptics, m: float
) -> tuple[float, float]:
    """(pan, tilt) degrees of the ray through picture point (x, y) (0..1, from the top left)."""
    tx, ty = optics.half_tangents(m)
    a = (2.0 * x - 1.0) * tx  # right of the centre, in units of the focal length
    b = (2.0 * y - 1.0) * ty  # below the centre
    th, ph = math.radians(pan_deg), math.radians(tilt_deg)  # tilt: degrees below the horizon
    forward = (math.cos(ph) * math.sin(th), math.cos(ph) * math.cos(th), -math.sin(ph))
    right = (math.cos(th), -math.sin(th), 0.0)
    up = (math.sin(ph) * math.sin(th), math.sin(ph) * math.cos(th), math.cos(ph))
    ray = [forward[i] + a * right[i] - b * up[i] for i in range(3)]
    pan = math.degrees(math.atan2(ray[0], ray[1]))
    tilt = math.degrees(math.atan2(-ray[2], math.hypot(ray[0], ray[1])))
    return pan, tilt


def _check_point(x: float, y: float) -> None:
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0) or math.isnan(x) or math.isnan(y):
        raise ValueError("picture coordinates are fractions 0..1 of the width and height")


def center_translation(x: float, y: float, position: Position | None, optics: PtzOptics) -> PtzVector:
    """The RelativeMove (generic translation) that brings picture point (x, y) to the centre.

    ``x``, ``y``: fractions of the picture's width and height from its top-left corner.
    ``position``: where the camera is (generic); unknown tilt is taken as level, unknown zoom as
    widest. The ray through the point is followed on the sphere, so a click near the edge of a
    view looking steeply down turns the right amount of pan.
    """
    _check_point(x, y)
    head = optics.head
    pos = position or Position()
    pan_deg = head.pan_from_generic(pos.pan) if pos.pan is not None else 0.0
    tilt_deg = head.tilt_from_generic(pos.tilt) if pos.tilt is not None else 0.0
    m = optics.magnification(pos.zoom)
    pan, tilt = _aim(pan_deg, tilt_deg, x, y, optics, m)
    d_pan = wrap_degrees(pan - pan_deg)
    d_tilt = tilt - tilt_deg  # degrees further below the horizon
    return PtzVector(
        pan=d_pan / (head.pan_max - head.pan_min),
        tilt=-d_tilt / (head.tilt_max - head.tilt_min),  # generic + is up
        zoom=0.0,
    )


def box_translation(
    x0: float, y0: float, x1: float, y1: float, position: Position | None, optics: PtzOptics
) -> PtzVector:
    """The RelativeMove for a box dragged from (x0, y0) to (x1, y1): centre it and zoom so that it
    fills the picture (dragged right-to-left: zoom out by the same ratio), within the zoom range."""
    for x, y in ((x0, y0), (x1, y1)):
        _check_point(x, y)
    w, h = abs(x1 - x0), abs(y1 - y0)
    if w <= 0.0 or h <= 0.0:
        raise ValueError("the box has no area")
    centre = center_translation((x0 + x1) / 2.0, (y0 + y1) / 2.0, position, optics)
    head = optics.head
    m = optics.magnification(None if position is None else position.zoom)
    ratio = min(1.0 / w, 1.0 / h)  # the whole box stays in view
    target = m / ratio if x1 < x0 else m * ratio
    target = clamp(target, head.zoom_min, head.zoom_max)
    return PtzVector(pan=centre.pan, tilt=centre.tilt, zoom=(target - m) / (head.zoom_max - head.zoom_min))


# -- events -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ControlChanged:
    """Holder, queue or lock changed: show ``control`` (who holds the camera, who locked it)."""

    camera: str
    control: CameraControl


@dataclass(frozen=True)
class PlaceChanged:
    """The camera started moving, settled on a preset, stopped off-preset, or went unknown."""

    camera: str
    place: PlaceSnapshot


@dataclass(frozen=True)
class ControlNotice:
    """One party's news from the arbiter (granted after waiting, preempted, lease ended, ...)."""

    camera: str
    notice: Notice


@dataclass(frozen=True)
class PresetsChanged:
    camera: str
    presets: tuple[Preset, ...]


@dataclass(frozen=True)
class CommandFailed:
    camera: str
    requester: Requester
    what: str
    error: BaseException


PtzEvent = ControlChanged | PlaceChanged | ControlNotice | PresetsChanged | CommandFailed
Listener = Callable[[PtzEvent], None]


class ControlDenied(Exception):
    """A command was not sent: someone else holds or locked the camera. ``str()`` says who."""

    def __init__(self, outcome: Queued | Refused, now: float) -> None:
        self.outcome = outcome
        super().__init__(describe_denial(outcome, now))


class UnknownPreset(LookupError):
    def __init__(self, camera: str, preset: str) -> None:
        super().__init__(f"camera {camera} has no preset {preset!r}")
        self.camera, self.preset = camera, preset


_PRIORITY_WORDS = {
    Priority.OPERATOR: "operator",
    Priority.VERIFICATION: "verification",
    Priority.DETECTION: "detection follow-up",
    Priority.PATROL: "patrol",
}


def describe_denial(outcome: Queued | Refused, now: float) -> str:
    """The operator's sentence for a denial (English; the UI translates by the outcome's fields)."""
    if isinstance(outcome, Queued):
        who = outcome.blocked_by.name
        if outcome.locked:
            return f"locked by {who} for another {_minutes(outcome.until, now)}"
        return f"held by {who} ({_PRIORITY_WORDS[outcome.blocked_priority]})"
    by = outcome.by.name if outcome.by is not None else "someone"
    if outcome.reason is RefuseReason.LOCKED:
        return f"locked by {by} for another {_minutes_left(outcome.remaining_s)}"
    if outcome.reason is RefuseReason.HELD:
        return f"held by {by} (operator); take over to control it"
    if outcome.reason is RefuseReason.NOT_LOCK_HOLDER:
        return f"only {by} or a supervisor can unlock it"
    return "the camera is not locked"


def _minutes(until: float | None, now: float) -> str:
    return _minutes_left(None if until is None else until - now)


def _minutes_left(seconds: float | None) -> str:
    if seconds is None:
        return "a while"
    return f"{max(1, math.ceil(seconds / 60.0))} min"


def position_of(vector: PtzVector | None) -> Position | None:
    if vector is None:
        return None
    return Position(vector.pan, vector.tilt, vector.zoom)


def preset_point(preset: Preset) -> PresetPoint:
    return PresetPoint(preset.token, preset.name, position_of(preset.position))


@dataclass(frozen=True)
class ControllerSettings:
    moving_poll_s: float = 0.5  # GetStatus period while the camera moves (~2 Hz)
    idle_poll_s: float = 5.0  # ... while it stands (catches drift)
    operator_idle_s: float = 10.0  # an operator's control lapses this long after their last action
    lock_minutes_default: float = 10.0
    command_grace_s: float = 1.0  # an IDLE report this soon after a command, in place, is stale
    tolerance: Tolerance = field(default_factory=Tolerance)
    optics: PtzOptics = field(default_factory=PtzOptics)

    @classmethod
    def for_camera(cls, camera: Camera, **overrides: object) -> ControllerSettings:
        values: dict[str, object] = {}
        if camera.ptz is not None:
            values["lock_minutes_default"] = float(camera.ptz.lock_minutes_default)
            o = camera.ptz.optics
            values["optics"] = PtzOptics(
                HeadRange(*o.pan_range_deg, *o.tilt_range_deg, zoom_min=1.0, zoom_max=o.zoom_max),
                hfov_wide_deg=o.hfov_wide_deg,
                aspect=o.aspect,
            )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


# -- the controller -------------------------------------------------------------------------------
class OperatorMove:
    """A continuous move an operator holds: ``keep_alive`` every ~300 ms, ``release`` on let-go.

    ``started`` fails with :class:`ControlDenied` when the operator may not steer the camera;
    then ``keep_alive`` and ``release`` do nothing. Taken over by someone else, it stops itself.
    """

    def __init__(self, controller: PtzController, operator: Requester, started: Future[None]) -> None:
        self._controller = controller
        self.operator = operator
        self.started = started
        self._hold: HeldMove | None = None

    @property
    def active(self) -> bool:
        return self._hold is not None and self._hold.active

    def keep_alive(self, velocity: PtzVector | None = None) -> None:
        hold = self._hold
        if hold is None or not hold.active:
            return
        self._controller._touch(self.operator)
        hold.keep_alive(velocity)

    def release(self) -> Future[None]:
        hold, self._hold = self._hold, None
        if hold is None:
            return _done(None)
        return self._controller._end_hold(self, hold)


class PtzController:
    """Control of one PTZ camera. Start it (presets, status polling); stop it when done."""

    def __init__(
        self,
        camera: Camera,
        port: PtzPort[Camera],
        scheduler: Scheduler,
        *,
        clock: Clock = time.monotonic,
        settings: ControllerSettings | None = None,
        arbiter: Arbiter | None = None,
    ) -> None:
        self.camera = camera
        self.settings = settings or ControllerSettings.for_camera(camera)
        self._port = port
        self._scheduler = scheduler
        self._clock = clock
        self._arbiter = arbiter or Arbiter()
        self._lock = threading.RLock()
        s = self.settings
        self._tracker = PresetTracker(s.tolerance, command_grace_s=s.command_grace_s, now=clock())
        self._presets: tuple[Preset, ...] = ()
        self._listeners: list[Listener] = []
        self._running = False
        self._poll_timer: Timer | None = None
        self._poll_inflight = False
        self._expiry_timer: Timer | None = None
        self._expiry_at: float | None = None
        self._move: OperatorMove | None = None
        self._visits: list[_Visit] = []

    @property
    def id(self) -> str:
        return self.camera.id

    # -- life cycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Read the presets and start polling the camera's status."""
        with self._lock:
            if self._running:
                return
            self._running = True
        self.refresh_presets()
        self._schedule_poll(0.0)

    def stop(self) -> None:
        """Stop polling and timers; a held move is released, pending visits fail (and withdraw).
        Who holds the camera is left as it is."""
        with self._lock:
            self._running = False
            for timer in (self._poll_timer, self._expiry_timer):
                if timer is not None:
                    timer.cancel()
            self._poll_timer = self._expiry_timer = None
            self._expiry_at = None
            move = self._move
            visits, self._visits = self._visits, []
        if move is not None:
            move.release()
        for visit in visits:
            visit.fail(RuntimeError("PTZ controller stopped"))

    # -- reading ---------------------------------------------------------------------------------------
    def now(self) -> float:
        """The controller's clock (for ``control.lock.remaining_s(now)``, ``place.ready(now, ...)``)."""
        return self._clock()

    @property
    def control(self) -> CameraControl:
        with self._lock:
            return self._arbiter.snapshot(self.id)

    @property
    def place(self) -> PlaceSnapshot:
        with self._lock:
            return self._tracker.snapshot

    @property
    def presets(self) -> tuple[Preset, ...]:
        with self._lock:
            return self._presets

    def find_preset(self, preset: str) -> Preset | None:
        """A known preset by token, else by name (as the camera's client does)."""
        presets = self.presets
        return next((p for p in presets if p.token == preset), None) or next(
            (p for p in presets if p.name == preset), None
        )

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every :data:`PtzEvent` (on the scheduler's thread); returns the
        function that unsubscribes."""
        return add_listener(self._listeners, self._lock, listener)

    # -- arbitration ----------------------------------------------------------------------------------
    def request(
        self,
        requester: Requester,
        priority: Priority,
        *,
        take_over: bool = False,
        wait: bool = True,
        lease_s: float | None = None,
    ) -> Outcome:
        """Ask for control (automation: it waits in the queue and hears ``Granted`` later)."""
        with self._lock:
            outcome = self._arbiter.request(
                self.id, requester, priority, self._clock(), take_over=take_over, wait=wait, lease_s=lease_s
            )
            self._after_arbitration(outcome.notices, changed=True)
        return outcome

    def release(self, requester: Requester) -> Released:
        """Give the camera up, or stop waiting for it (a held move of theirs is stopped)."""
        with self._lock:
            move = self._move if self._move is not None and self._move.operator.same(requester) else None
            result = self._arbiter.release(self.id, requester, self._clock())
            self._after_arbitration((*result.notices,), changed=True)
        if move is not None:
            move.release()
        return result

    def lock(
        self, operator: Requester, minutes: float | None = None, *, take_over: bool = False
    ) -> Locked | Refused:
        """Reserve the camera for ``operator`` for ``minutes`` (default: the camera's setting)."""
        with self._lock:
            result = self._arbiter.lock(
                self.id,
                operator,
                self.settings.lock_minutes_default if minutes is None else minutes,
                self._clock(),
                take_over=take_over,
            )
            self._after_arbitration(result.notices, changed=isinstance(result, Locked))
        return result

    def unlock(self, operator: Requester, *, override: bool = False) -> LockEnded | Refused:
        """End the lock (its holder, or a supervisor with ``override``); automation resumes."""
        with self._lock:
            result = self._arbiter.unlock(self.id, operator, self._clock(), override=override)
            self._after_arbitration(result.notices, changed=isinstance(result, LockEnded))
        return result

    # -- operator actions ---------------------------------------------------------------------------
    def hold_move(
        self,
        operator: Requester,
        velocity: PtzVector,
        *,
        priority: Priority = Priority.OPERATOR,
        take_over: bool = False,
    ) -> OperatorMove:
        """Start a continuous move (joystick, arrow key, mouse held on the picture's edge)."""
        with self._lock:
            denied = self._acquire(operator, priority, take_over)
            if denied is not None:
                return OperatorMove(self, operator, denied)
            old = self._move
            move = OperatorMove(self, operator, _done(None))
            self._move = move
            self._tracker.move_commanded(MoveKind.CONTINUOUS, self._clock())
        if old is not None:
            old._hold = None  # superseded by the new hold (the service drops its dead-man too)
        try:
            hold = self._port.hold_move(self.camera, velocity, on_expired=self._hold_expired)
        except Exception as exc:  # a shut-down service
            move.started = _failed(exc)
            return move
        move._hold = hold
        move.started = hold.first
        self._watch(hold.first, operator, "continuous move")
        self._emit_place()
        self._schedule_poll(self.settings.moving_poll_s)
        return move

    def relative_move(
        self,
        operator: Requester,
        translation: PtzVector,
        speed: float | None = None,
        *,
        priority: Priority = Priority.OPERATOR,
        take_over: bool = False,
    ) -> Future[None]:
        return self._move_command(
            operator,
            priority,
            take_over,
            MoveKind.RELATIVE,
            None,
            "relative move",
            lambda: self._port.relative_move(self.camera, translation, speed),
        )

    def absolute_move(
        self,
        operator: Requester,
        position: PtzVector,
        speed: float | None = None,
        *,
        priority: Priority = Priority.OPERATOR,
        take_over: bool = False,
    ) -> Future[None]:
        return self._move_command(
            operator,
            priority,
            take_over,
            MoveKind.ABSOLUTE,
            None,
            "absolute move",
            lambda: self._port.absolute_move(self.camera, position, speed),
        )

    def center_on(self, operator: Requester, x: float, y: float, *, take_over: bool = False) -> Future[None]:
        """Click-to-centre: bring picture point (x, y) (fractions from the top left) to the centre."""
        translation = center_translation(x, y, self.place.position, self.settings.optics)
        return self.relative_move(operator, translation, take_over=take_over)

    def zoom_to_box(
        self, operator: Requester, x0: float, y0: float, x1: float, y1: float, *, take_over: bool = False
    ) -> Future[None]:
        """Box zoom: the box dragged from (x0, y0) to (x1, y1) fills the picture (reverse: zoom out)."""
        translation = box_translation(x0, y0, x1, y1, self.place.position, self.settings.optics)
        return self.relative_move(operator, translation, take_over=take_over)

    def goto_preset(
        self,
        requester: Requester,
        preset: str,
        speed: float | None = None,
        *,
        priority: Priority = Priority.OPERATOR,
        take_over: bool = False,
    ) -> Future[None]:
        """Go to a preset (token or name; a name unknown to the controller fails UnknownPreset)."""
        found = self.find_preset(preset)
        token = found.token if found is not None else preset if not self._presets else None
        if token is None:
            return _failed(UnknownPreset(self.id, preset))
        return self._move_command(
            requester,
            priority,
            take_over,
            MoveKind.PRESET,
            token,
            "go to preset",
            lambda: self._port.goto_preset(self.camera, token, speed),
        )

    def goto_home(
        self,
        operator: Requester,
        speed: float | None = None,
        *,
        priority: Priority = Priority.OPERATOR,
        take_over: bool = False,
    ) -> Future[None]:
        return self._move_command(
            operator,
            priority,
            take_over,
            MoveKind.HOME,
            None,
            "go home",
            lambda: self._port.goto_home(self.camera, speed),
        )

    def stop_moving(self, operator: Requester, *, take_over: bool = False) -> Future[None]:
        return self._move_command(
            operator,
            Priority.OPERATOR,
            take_over,
            MoveKind.STOP,
            None,
            "stop",
            lambda: self._port.stop(self.camera),
        )

    def set_preset(
        self,
        operator: Requester,
        name: str | None = None,
        token: str | None = None,
        *,
        take_over: bool = False,
    ) -> Future[str]:
        """Store the current view as a preset (new, or over ``token``); its token. Presets re-read."""
        with self._lock:
            denied = self._acquire(operator, Priority.OPERATOR, take_over)
        if denied is not None:
            return _chain_failure(denied)
        future = self._send(operator, "save preset", lambda: self._port.set_preset(self.camera, name, token))
        future.add_done_callback(lambda _f: self.refresh_presets())
        return future

    def remove_preset(self, operator: Requester, token: str, *, take_over: bool = False) -> Future[None]:
        with self._lock:
            denied = self._acquire(operator, Priority.OPERATOR, take_over)
        if denied is not None:
            return _chain_failure(denied)
        future = self._send(operator, "remove preset", lambda: self._port.remove_preset(self.camera, token))
        future.add_done_callback(lambda _f: self.refresh_presets())
        return future

    def refresh_presets(self) -> Future[list[Preset]]:
        """Read the camera's presets again (the tracker re-judges where the camera stands)."""
        try:
            future = self._port.presets(self.camera)
        except Exception as exc:
            return _failed(exc)
        future.add_done_callback(lambda f: self._scheduler.call_soon(lambda: self._presets_read(f)))
        return future

    # -- automation ---------------------------------------------------------------------------------
    def visit(
        self,
        requester: Requester,
        priority: Priority,
        preset: str,
        *,
        timeout_s: float = 60.0,
        speed: float | None = None,
    ) -> Future[PlaceSnapshot]:
        """Go to ``preset`` as soon as ``priority`` allows, and resolve once settled on it.

        Waits in the queue behind higher priorities and locks; preempted on the way, it waits and
        goes again. Fails with TimeoutError after ``timeout_s`` (and withdraws), UnknownPreset, or
        the camera's CameraCommandError. The requester keeps the camera when it resolves: release it when
        done (a patrol resumes then). Cancelling the future withdraws the request.
        """
        found = self.find_preset(preset)
        if found is None and self._presets:
            return _failed(UnknownPreset(self.id, preset))
        token = found.token if found is not None else preset
        visit = _Visit(requester, priority, token, speed, Future())
        with self._lock:
            self._visits.append(visit)
            visit.timer = self._scheduler.call_later(timeout_s, lambda: self._visit_timeout(visit))
        visit.future.add_done_callback(lambda f: self._visit_done(visit))
        outcome = self.request(requester, priority)
        if isinstance(outcome, Granted):
            self._visit_go(visit)
        elif isinstance(outcome, Refused):
            visit.fail(ControlDenied(outcome, self._clock()))
        return visit.future

    # -- internals: commands ----------------------------------------------------------------------------
    def _acquire(self, requester: Requester, priority: Priority, take_over: bool) -> Future[None] | None:
        """With the lock held: None when ``requester`` may command now, else a failed future."""
        now = self._clock()
        lease = self.settings.operator_idle_s if priority is Priority.OPERATOR else None
        was = self._arbiter.snapshot(self.id)
        outcome = self._arbiter.request(
            self.id, requester, priority, now, take_over=take_over, wait=False, lease_s=lease
        )
        self._after_arbitration(outcome.notices, changed=self._arbiter.snapshot(self.id) != was)
        if isinstance(outcome, Granted):
            return None
        return _failed(ControlDenied(outcome, now))

    def _touch(self, requester: Requester) -> None:
        """Renew an operator's lease (a held move is being kept alive)."""
        with self._lock:
            control = self._arbiter.snapshot(self.id)
            if control.held_by(requester) and control.holder is not None:
                outcome = self._arbiter.request(
                    self.id,
                    requester,
                    control.holder.priority,
                    self._clock(),
                    lease_s=control.holder.lease_s,
                )
                self._after_arbitration(outcome.notices, changed=False)

    def _move_command(
        self,
        requester: Requester,
        priority: Priority,
        take_over: bool,
        kind: MoveKind,
        target: str | None,
        what: str,
        send: Callable[[], Future[None]],
    ) -> Future[None]:
        with self._lock:
            denied = self._acquire(requester, priority, take_over)
            if denied is not None:
                return denied
            move, self._move = self._move, None
            self._tracker.move_commanded(kind, self._clock(), target=target)
        if move is not None:
            move._hold = None  # the service drops the hold's dead-man: this command supersedes it
        future = self._send(requester, what, send)
        self._emit_place()
        self._schedule_poll(self.settings.moving_poll_s)
        return future

    def _send(self, requester: Requester, what: str, send: Callable[[], Future[T]]) -> Future[T]:
        try:
            future = send()
        except Exception as exc:  # the service is shut down
            return _failed(exc)
        self._watch(future, requester, what)
        return future

    def _watch(self, future: Future[T], requester: Requester, what: str) -> None:
        def done(f: Future[T]) -> None:
            error = None if f.cancelled() else f.exception()
            if error is not None:
                if not isinstance(error, CameraCommandError):
                    log.warning("PTZ %s on %s failed: %r", what, self.id, error)
                self._post(CommandFailed(self.id, requester, what, error))

        future.add_done_callback(done)

    def _end_hold(self, move: OperatorMove, hold: HeldMove) -> Future[None]:
        with self._lock:
            if self._move is move:
                self._move = None
            self._tracker.move_commanded(MoveKind.STOP, self._clock())
        future = hold.release()
        self._emit_place()
        self._schedule_poll(self.settings.moving_poll_s)
        return future

    def _hold_expired(self, _hold: HeldMove) -> None:
        """The dead-man stop fired (a release was lost): the camera stops; look soon."""
        self._scheduler.call_soon(lambda: self._schedule_poll(self.settings.moving_poll_s))

    # -- internals: arbitration ------------------------------------------------------------------------
    def _after_arbitration(self, notices: Iterable[Notice], *, changed: bool) -> None:
        """With the lock held: stop a displaced operator's move, tell everyone, re-arm expiry."""
        notices = tuple(notices)
        for notice in notices:
            if (
                isinstance(notice, Preempted)
                and self._move is not None
                and self._move.operator.same(notice.requester)
            ):
                move, self._move = self._move, None
                hold, move._hold = move._hold, None
                if hold is not None:
                    self._tracker.move_commanded(MoveKind.STOP, self._clock())
                    hold.release()
        for notice in notices:
            self._post(ControlNotice(self.id, notice))
            if isinstance(notice, Granted):
                for visit in list(self._visits):
                    if visit.requester.same(notice.requester):
                        self._scheduler.call_soon(functools.partial(self._visit_go, visit))
        if changed or notices:
            self._post(ControlChanged(self.id, self._arbiter.snapshot(self.id)))
        self._schedule_expiry()

    def _schedule_expiry(self) -> None:
        deadline = self._arbiter.next_deadline(self.id)
        if self._expiry_at is not None and (deadline is None or self._expiry_at <= deadline):
            return  # the timer fires first (a renewed lease is re-armed then): no churn per keep-alive
        if self._expiry_timer is not None:
            self._expiry_timer.cancel()
            self._expiry_timer = None
        self._expiry_at = deadline
        if deadline is not None:
            self._expiry_timer = self._scheduler.call_later(deadline - self._clock(), self._expire)

    def _expire(self) -> None:
        with self._lock:
            self._expiry_timer = None
            self._expiry_at = None
            notices = self._arbiter.expire(self._clock(), self.id)
            self._after_arbitration(notices, changed=bool(notices))

    # -- internals: status and presets ------------------------------------------------------------------
    def _schedule_poll(self, delay_s: float) -> None:
        with self._lock:
            if not self._running or self._poll_inflight:
                return  # the answer in flight schedules the next poll
            if self._poll_timer is not None:
                self._poll_timer.cancel()
            self._poll_timer = self._scheduler.call_later(delay_s, self._poll)

    def _poll(self) -> None:
        with self._lock:
            self._poll_timer = None
            if not self._running or self._poll_inflight:
                return
            self._poll_inflight = True
            seq = self._tracker.command_seq
        try:
            future = self._port.status(self.camera)
        except Exception as exc:  # shut down
            with self._lock:
                self._poll_inflight = False
            log.debug("PTZ %s: status not asked (%s)", self.id, exc)
            return
        future.add_done_callback(lambda f: self._scheduler.call_soon(lambda: self._status_read(f, seq)))

    def _status_read(self, future: Future[PtzStatus], seq: int) -> None:
        now = self._clock()
        with self._lock:
            self._poll_inflight = False
            error = future.exception()
            if error is not None:
                changed = self._tracker.lost(now, str(error))
            else:
                status = future.result()
                moving = True if status.moving else False if status.idle else None
                changed = self._tracker.status(position_of(status.position), moving, now, seq=seq)
            place = self._tracker.snapshot
            if changed:
                self._post(PlaceChanged(self.id, place))
                self._settle_visits(place)
            fast = place.place is Place.MOVING or self._tracker.awaiting_report
            delay = self.settings.moving_poll_s if fast else self.settings.idle_poll_s
        self._schedule_poll(delay)

    def _presets_read(self, future: Future[list[Preset]]) -> None:
        error = future.exception()
        if error is not None:
            log.info("PTZ %s: presets not read (%s)", self.id, error)
            return
        presets = tuple(future.result())
        with self._lock:
            self._presets = presets
            changed = self._tracker.presets_changed([preset_point(p) for p in presets], self._clock())
            self._post(PresetsChanged(self.id, presets))
            if changed:
                place = self._tracker.snapshot
                self._post(PlaceChanged(self.id, place))
                self._settle_visits(place)

    def _emit_place(self) -> None:
        with self._lock:
            self._post(PlaceChanged(self.id, self._tracker.snapshot))

    def _post(self, event: PtzEvent) -> None:
        listeners = list(self._listeners)
        for listener in listeners:
            self._scheduler.call_soon(functools.partial(listener, event))

    # -- internals: visits -----------------------------------------------------------------------------
    def _visit_go(self, visit: _Visit) -> None:
        with self._lock:
            if visit.future.done() or not self._arbiter.snapshot(self.id).held_by(visit.requester):
                return
            visit.sent_at = self._clock()
        future = self.goto_preset(visit.requester, visit.token, visit.speed, priority=visit.priority)

        def sent(f: Future[None]) -> None:
            error = None if f.cancelled() else f.exception()
            if error is not None and not isinstance(error, ControlDenied):
                visit.fail(error)

        future.add_done_callback(sent)

    def _settle_visits(self, place: PlaceSnapshot) -> None:
        for visit in list(self._visits):
            arrived = visit.sent_at is not None and place.since >= visit.sent_at
            if arrived and place.on_preset(visit.token) and not visit.future.done():
                with contextlib.suppress(Exception):  # resolved meanwhile on another thread
                    visit.future.set_result(place)

    def _visit_timeout(self, visit: _Visit) -> None:
        visit.fail(TimeoutError(f"camera {self.id} did not settle on preset {visit.token} in time"))

    def _visit_done(self, visit: _Visit) -> None:
        with self._lock:
            if visit in self._visits:
                self._visits.remove(visit)
            if visit.timer is not None:
                visit.timer.cancel()
        if visit.future.cancelled() or visit.future.exception() is not None:
            self.release(visit.requester)


@dataclass(eq=False)
class _Visit:
    requester: Requester
    priority: Priority
    token: str
    speed: float | None
    future: Future[PlaceSnapshot]
    timer: Timer | None = None
    sent_at: float | None = None

    def fail(self, error: BaseException) -> None:
        if not self.future.done():
            with contextlib.suppress(Exception):  # resolved meanwhile on another thread
                self.future.set_exception(error)


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


def _failed(error: BaseException) -> Future[T]:
    future: Future[T] = Future()
    future.set_exception(error)
    return future


def _chain_failure(failed: Future[None]) -> Future[T]:
    error = failed.exception()
    assert error is not None
    return _failed(error)
