"""Which camera the detection worker checks next: deficit round-robin under a CPU budget.

Pure: the clock is injected, nothing here does I/O. The detection worker asks :meth:`next_check`
for the next camera to sample, and reports back with :meth:`checked` (what the check cost, whether
the picture moved) or :meth:`failed` (no sample came).

* **Eligible** cameras only: detection on, zones for where the camera points now, settled on that
  place for at least ``warmup_s`` (a PTZ camera that moves or is off every preset pauses), and a
  picture. Everything else is reported with the reason it is not checked.
* **Budget**: checks may use ``cpu_share`` cores on average. The measured CPU of every check is
  charged to a token bucket that refills at ``cpu_share`` CPU-seconds per second, so the number
  of checks per second follows what checks actually cost (``cpu_share / mean cost``).
* **Fairness**: deficit round-robin over a ring of the cameras. Each round adds every eligible
  camera's quantum (its weight times the mean cost of a check) to its deficit; walking the ring, a
  camera is checked when its deficit covers its own cost. Cameras that cost more are checked less
  often, in proportion; a camera whose sample is still on its way keeps its credit and catches up.
* **Weights**: a camera with an active alert, or one an operator looks at (``AlertBoost``), weighs
  ``boost_weight``: it gets that many places spread around the ring. A camera whose last
  ``still_after`` checks saw no motion weighs ``still_weight``.
* **Bounded revisit**: whatever the weights, a camera whose last check is ``revisit_s - guard_s``
  old goes first (oldest first). Only a budget too small for all cameras makes intervals longer;
  :meth:`shortfall` then says by how much.
* ``min_interval_s``: no camera is checked more often than that (a dwell of minutes gains nothing
  from ten samples a second).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.core.detection_pause import Pause, PauseReason
from app.services.detection.protocol import CameraRevisit

Clock = Callable[[], float]

ALWAYS_SETTLED = float("-inf")  # settled_since of a fixed camera: settled forever, no warm-up left
MAX_ROUNDS = 64  # ring walks before giving up on the deficits (only with extreme cost spreads)
COST_ALPHA = 0.2  # weight of the newest check in the running mean of costs
IDLE_RETRY_S = 0.05  # nothing to check now: how soon asking again may find something


@dataclass(frozen=True)
class SchedulerConfig:
    revisit_s: float = 10.0  # every watched camera at least this often (the goal)
    warmup_s: float = 8.0  # after a PTZ camera settles, wait this long before checking it
    cpu_share: float = 0.5  # cores the checks may use on average
    min_interval_s: float = 1.0  # never check one camera more often than this
    boost_weight: float = 4.0  # cameras with an active alert or an operator's boost
    still_weight: float = 0.34  # cameras whose last checks saw no motion
    still_after: int = 2  # that many checks in a row without motion make a camera "still"
    guard_s: float = 3.0  # a camera this close to revisit_s goes first (a sample can take a GOP)
    initial_cost_s: float = 0.03  # assumed CPU per check until checks have been measured
    burst_s: float = 0.25  # unused budget that may be saved up (CPU seconds, at least a slot's worth)
    max_in_flight: int = 8  # samples asked for and not yet checked (the board's detect slots)
    history: int = 6  # intervals averaged for the effective revisit interval

    def __post_init__(self) -> None:
        if self.revisit_s <= 0 or self.cpu_share <= 0 or self.max_in_flight < 1:
            raise ValueError("revisit_s and cpu_share must be > 0, max_in_flight >= 1")
        if not 0 < self.still_weight <= 1 <= self.boost_weight:
            raise ValueError("still_weight must be in (0, 1] and boost_weight >= 1")
        if self.warmup_s < 0 or self.min_interval_s < 0 or self.guard_s < 0 or self.initial_cost_s <= 0:
            raise ValueError("warmup_s, min_interval_s and guard_s must be >= 0, initial_cost_s > 0")


@dataclass(frozen=True)
class Ticket:
    """A check handed out by :meth:`DetectionScheduler.next_check`; hand it back when done."""

    camera_id: str
    preset: str | None
    epoch: int  # the camera's place/zones generation when the check was planned
    issued_at: float


@dataclass
class _Camera:
    camera_id: str
    enabled: bool = True
    off_reason: PauseReason = PauseReason.CAMERA_DETECTION_OFF
    preset: str | None = None
    settled_since: float | None = None
    watched: bool = False
    picture: bool = True
    alert: bool = False
    boost: bool = False
    soon: bool = False  # asked to go first once (a recheck)
    epoch: int = 0
    in_flight: Ticket | None = None
    last_checked: float | None = None  # for the UI
    interval_ref: float | None = None  # last check while continuously eligible (None: reset)
    waiting_since: float | None = None  # first seen eligible without a check since
    retry_at: float = -math.inf  # after a failed sample
    intervals: deque[float] = field(default_factory=deque)
    still: int = 0  # consecutive checks without motion
    cost: float | None = None
    deficit: float = 0.0
    checks: int = 0


class DetectionScheduler:
    def __init__(self, config: SchedulerConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or SchedulerConfig()
        if clock is None:
            import time

            clock = time.monotonic
        self._clock = clock
        self._cams: dict[str, _Camera] = {}
        self._ring: list[tuple[str, int]] | None = None  # (camera, which of its places); None: rebuild
        self._ptr = 0
        self._mean_cost = self.config.initial_cost_s
        self._credit = self.config.burst_s
        self._refilled = clock()
        self._done: deque[float] = deque()  # completion times of checks, for samples_per_s
        self._flying: dict[str, _Camera] = {}  # cameras with a check in flight
        self._soon = 0  # cameras asked to go first (check_soon)
        self.wake_at = -math.inf  # after next_check() gave None: when asking again is worth it
        self._eligible: list[_Camera] | None = None  # cache of who may be checked; None: stale
        self._eligible_until = math.inf  # … and when a warm-up ends (the cache goes stale then)

    # --- cameras and what is known about them --------------------------------------------------
    def add(
        self,
        camera_id: str,
        *,
        enabled: bool = True,
        off_reason: PauseReason = PauseReason.CAMERA_DETECTION_OFF,
    ) -> None:
        """A camera to schedule. ``enabled`` False: never checked, ``off_reason`` says why."""
        cam = self._cams.get(camera_id)
        if cam is None:
            cam = self._cams[camera_id] = _Camera(camera_id, intervals=deque(maxlen=self.config.history))
            self._ring = None
        if cam.enabled != enabled:
            self._pause(cam)
        cam.enabled, cam.off_reason = enabled, off_reason
        self._eligible = None

    def remove(self, camera_id: str) -> None:
        self._flying.pop(camera_id, None)
        self._eligible = None
        if self._cams.pop(camera_id, None) is not None:
            self._ring = None

    def cameras(self) -> list[str]:
        return list(self._cams)

    def set_place(self, camera_id: str, preset: str | None, settled_since: float | None) -> None:
        """Where the camera points: ``settled_since`` None while it moves or is off every preset."""
        cam = self._cams[camera_id]
        if (preset, settled_since) == (cam.preset, cam.settled_since):
            return
        cam.preset, cam.settled_since = preset, settled_since
        self._pause(cam)  # (also makes the eligibility cache stale)

    def place(self, camera_id: str) -> tuple[str | None, float | None]:
        cam = self._cams[camera_id]
        return cam.preset, cam.settled_since

    def set_watched(self, camera_id: str, watched: bool) -> None:
        """Whether the camera has zones (or bins) for where it points now; new zones restart it."""
        cam = self._cams[camera_id]
        if watched != cam.watched or watched:
            self._pause(cam)
        cam.watched = watched
        self._eligible = None

    def set_picture(self, camera_id: str, available: bool) -> None:
        cam = self._cams[camera_id]
        if available != cam.picture:
            cam.picture = available
            self._eligible = None
            if not available:
                self._pause(cam)

    def set_alert(self, camera_id: str, active: bool) -> None:
        """The camera has a raised alert (checked more often until it clears)."""
        cam = self._cams[camera_id]
        if cam.alert != active:
            cam.alert = active
            self._ring = None

    def set_boost(self, camera_id: str, on: bool) -> None:
        """An operator looks at an alert of this camera (AlertBoost)."""
        cam = self._cams[camera_id]
        if cam.boost != on:
            cam.boost = on
            self._ring = None

    def check_soon(self, camera_id: str) -> None:
        """Check the camera before every other as soon as it may be checked (once)."""
        cam = self._cams[camera_id]
        if not cam.soon:
            cam.soon, self._soon = True, self._soon + 1

    def _pause(self, cam: _Camera) -> None:
        """The view changed: a planned check is void and the revisit interval starts again."""
        cam.epoch += 1
        cam.in_flight = None
        self._flying.pop(cam.camera_id, None)
        cam.interval_ref = None
        cam.waiting_since = None
        cam.still = 0
        cam.deficit = 0.0
        self._ring = None
        self._eligible = None

    # --- state ---------------------------------------------------------------------------------
    def reason(self, camera_id: str, now: float | None = None) -> Pause | None:
        """Why the camera is not being checked now (None: it is)."""
        return self._reason(self._cams[camera_id], self._clock() if now is None else now)

    def _reason(self, cam: _Camera, now: float) -> Pause | None:
        if not cam.enabled:
            return Pause(cam.off_reason)
        if cam.settled_since is None:
            return Pause(PauseReason.MOVING)
        if not cam.watched:
            return Pause(PauseReason.NO_ZONES, preset=cam.preset)
        left = cam.settled_since + self.config.warmup_s - now
        if left > 0:
            return Pause(PauseReason.WARMING_UP, seconds_left=math.ceil(left))
        if not cam.picture:
            return Pause(PauseReason.NO_PICTURE)
        return None

    def eligible(self, camera_id: str, now: float | None = None) -> bool:
        return self.reason(camera_id, now) is None

    def valid(self, ticket: Ticket) -> bool:
        """Is this planned check still wanted (the camera has not moved, zones not changed)?"""
        cam = self._cams.get(ticket.camera_id)
        return cam is not None and cam.in_flight is ticket and cam.epoch == ticket.epoch

    @property
    def in_flight(self) -> int:
        return len(self._flying)

    @property
    def mean_cost_s(self) -> float:
        return self._mean_cost

    @property
    def checks_per_s_budget(self) -> float:
        """Checks per second the budget allows at the measured mean cost."""
        return self.config.cpu_share / self._mean_cost

    def weight(self, camera_id: str) -> float:
        return self._weight(self._cams[camera_id])

    def _weight(self, cam: _Camera) -> float:
        if cam.alert or cam.boost:
            return self.config.boost_weight
        if cam.still >= self.config.still_after:
            return self.config.still_weight
        return 1.0

    # --- planning ------------------------------------------------------------------------------
    def _refill(self, now: float) -> None:
        cfg = self.config
        # Enough saved up to plan every sample slot ahead (samples of key-frame-only cameras take
        # up to a GOP to come), but never more than burst_s beyond that.
        cap = max(cfg.burst_s, (cfg.max_in_flight + 1) * self._mean_cost)
        self._credit = min(cap, self._credit + cfg.cpu_share * max(0.0, now - self._refilled))
        self._refilled = now

    def next_check(self) -> Ticket | None:
        """The next camera to sample, or None (no budget, all busy, nobody due).

        After None, :attr:`wake_at` says when asking again can be worth it (the budget refills),
        so a caller need not ask in a tight loop."""
        now = self._clock()
        self._refill(now)
        cfg = self.config
        self.wake_at = now + IDLE_RETRY_S
        if len(self._flying) >= cfg.max_in_flight:
            return None
        committed = sum(c.cost or self._mean_cost for c in self._flying.values())
        if self._credit - committed <= 0:
            missing = committed - self._credit + 0.25 * self._mean_cost
            self.wake_at = now + min(IDLE_RETRY_S * 4, missing / cfg.cpu_share)
            return None
        eligible = self._eligible_now(now)
        candidates: dict[str, _Camera] = {}
        oldest: _Camera | None = None
        oldest_age = -math.inf
        for cam in eligible:  # called many times a second with 100+ cameras: kept plain
            if cam.interval_ref is not None:
                ref = cam.interval_ref
            else:
                if cam.waiting_since is None:
                    cam.waiting_since = now
                ref = cam.waiting_since
            if cam.in_flight is not None or now < cam.retry_at:
                continue
            if cam.last_checked is not None and now - cam.last_checked < cfg.min_interval_s:
                continue
            candidates[cam.camera_id] = cam
            if now - ref > oldest_age:
                oldest, oldest_age = cam, now - ref
        if oldest is None:
            return None
        soon = next((c for c in candidates.values() if c.soon), None) if self._soon else None
        if soon is not None:  # a recheck asked for: it goes first, and pays for it
            oldest, oldest_age = soon, math.inf
        if oldest_age >= cfg.revisit_s - cfg.guard_s:  # overdue: it goes first, and pays for it
            cam = oldest
            cost = cam.cost or self._mean_cost
            cam.deficit = max(-cost, cam.deficit - cost)
        else:
            cam = self._round_robin(candidates, eligible)
        ticket = Ticket(cam.camera_id, cam.preset, cam.epoch, now)
        if cam.soon:
            cam.soon, self._soon = False, max(0, self._soon - 1)
        cam.in_flight = ticket
        self._flying[cam.camera_id] = cam
        return ticket

    def _eligible_now(self, now: float) -> list[_Camera]:
        """The cameras that may be checked (cached until something changes or a warm-up ends)."""
        if self._eligible is None or now >= self._eligible_until:
            eligible, until = [], math.inf
            for cam in self._cams.values():
                if self._reason(cam, now) is None:
                    eligible.append(cam)
                elif cam.enabled and cam.watched and cam.settled_since is not None:
                    until = min(until, cam.settled_since + self.config.warmup_s)  # warming up
            self._eligible, self._eligible_until = eligible, until if until > now else math.inf
        return self._eligible

    def _age(self, cam: _Camera, now: float) -> float:
        ref = cam.interval_ref if cam.interval_ref is not None else cam.waiting_since
        return 0.0 if ref is None else now - ref

    def _build_ring(self) -> list[tuple[str, int]]:
        ids = list(self._cams)
        n = len(ids)
        entries: list[tuple[float, int, str]] = []
        for i, camera_id in enumerate(ids):
            weight = self._weight(self._cams[camera_id])
            places = max(1, round(weight)) if weight > 1 else 1
            for k in range(places):  # a boosted camera's places spread evenly round the ring
                entries.append(((i + k * n / places) % n, k, camera_id))
        entries.sort()
        return [(camera_id, k) for _, k, camera_id in entries]

    def _round_robin(self, candidates: dict[str, _Camera], eligible: list[_Camera]) -> _Camera:
        """Deficit round-robin. A round gives every eligible camera its quantum (weight x mean cost);
        the ring is walked and a camera whose deficit covers its own cost is checked. When a whole
        walk finds nobody, the next round begins. A camera that was busy (its sample on the way)
        keeps what it was given, up to one check's worth more than a round, so it catches up."""
        if self._ring is None:
            self._ring = self._build_ring()
            self._ptr %= max(1, len(self._ring))
        ring, quantum = self._ring, self._mean_cost
        for _ in range(MAX_ROUNDS):
            for _ in range(len(ring)):
                camera_id = ring[self._ptr][0]
                self._ptr = (self._ptr + 1) % len(ring)
                cam = candidates.get(camera_id)
                if cam is None:
                    continue
                cost = cam.cost or quantum
                if cam.deficit >= cost - 1e-12:
                    cam.deficit -= cost
                    return cam
            for cam in eligible:  # nobody could go: a new round
                given = self._weight(cam) * quantum
                cam.deficit = min(cam.deficit + given, given + (cam.cost or quantum))
        best = max(candidates.values(), key=lambda c: c.deficit)  # unreachable with sane weights
        best.deficit = 0.0
        return best

    # --- results -------------------------------------------------------------------------------
    def checked(self, ticket: Ticket, cost_s: float, moving: bool = True, *, first: bool = False) -> bool:
        """The check of ``ticket`` ran and used ``cost_s`` CPU seconds; ``moving``: the picture
        changed since the camera's previous sample; ``first``: the view's first check (it built
        its pipeline: charged to the budget, but no measure of what checks cost). False if the
        ticket was void (nothing counted but the cost)."""
        now = self._clock()
        self._refill(now)
        cost_s = max(0.0, float(cost_s))
        self._credit -= cost_s
        if not first:
            self._mean_cost = (1 - COST_ALPHA) * self._mean_cost + COST_ALPHA * max(cost_s, 1e-4)
        cam = self._cams.get(ticket.camera_id)
        if cam is None or not self.valid(ticket):
            return False
        cam.in_flight = None
        self._flying.pop(cam.camera_id, None)
        if not first:
            # One slow check (a pause of the machine) must not make a camera look expensive for
            # long: its own mean takes at most 4x the overall mean.
            sample = min(cost_s, 4 * self._mean_cost)
            cam.cost = sample if cam.cost is None else (1 - COST_ALPHA) * cam.cost + COST_ALPHA * sample
        was_still = cam.still >= self.config.still_after
        cam.still = 0 if moving else cam.still + 1
        if was_still != (cam.still >= self.config.still_after):
            self._ring = None
        if cam.interval_ref is not None:
            cam.intervals.append(now - cam.interval_ref)
        cam.interval_ref = now
        cam.waiting_since = None
        cam.last_checked = now
        cam.checks += 1
        self._done.append(now)
        return True

    def failed(self, ticket: Ticket) -> None:
        """No sample came for ``ticket`` (timed out, withdrawn): try that camera again later."""
        cam = self._cams.get(ticket.camera_id)
        if cam is None or cam.in_flight is not ticket:
            return
        cam.in_flight = None
        self._flying.pop(cam.camera_id, None)
        cam.retry_at = self._clock() + max(self.config.min_interval_s, 1.0)

    # --- what the UI shows ---------------------------------------------------------------------
    def interval(self, camera_id: str, now: float | None = None) -> float | None:
        """The effective revisit interval lately: the mean of the last intervals, or the time since
        the last check when that is longer (an overdue camera shows how overdue it is)."""
        cam = self._cams[camera_id]
        now = self._clock() if now is None else now
        age = self._age(cam, now) if (cam.interval_ref is not None or cam.waiting_since is not None) else None
        mean = sum(cam.intervals) / len(cam.intervals) if cam.intervals else None
        if mean is None:
            return age if age is not None and age > self.config.revisit_s else None
        return max(mean, age) if age is not None else mean

    def checks(self, camera_id: str) -> int:
        return self._cams[camera_id].checks

    def samples_per_s(self, window_s: float = 10.0) -> float:
        now = self._clock()
        while self._done and self._done[0] < now - window_s:
            self._done.popleft()
        return len(self._done) / window_s

    def revisits(self, camera_ids: Iterable[str] | None = None) -> tuple[CameraRevisit, ...]:
        now = self._clock()
        out = []
        for camera_id in self._cams if camera_ids is None else camera_ids:
            cam = self._cams[camera_id]
            reason = self._reason(cam, now)
            out.append(
                CameraRevisit(
                    camera_id=camera_id,
                    watched=cam.enabled and cam.watched,
                    pause=reason,
                    last_checked=cam.last_checked,
                    interval_s=self.interval(camera_id, now) if reason is None else None,
                )
            )
        return tuple(out)

    def shortfall(self) -> str | None:
        """Says so when the budget cannot check every eligible camera within revisit_s."""
        now = self._clock()
        n = sum(1 for c in self._cams.values() if self._reason(c, now) is None)
        needed = n / self.config.revisit_s
        allowed = self.checks_per_s_budget
        if n == 0 or needed <= allowed:
            return None
        return (
            f"{n} cameras every {self.config.revisit_s:g} s need {needed:.1f} checks/s; the detection "
            f"budget ({self.config.cpu_share:g} core at {1000 * self._mean_cost:.0f} ms a check) allows "
            f"{allowed:.1f}: cameras are checked every {n / allowed:.0f} s or so"
        )
