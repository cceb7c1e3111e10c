"""Who may steer a PTZ camera: priorities, a waiting queue, take-over and operator locks.

Pure and clock-injected (every operation takes ``now``, seconds on a monotonic clock).

* Priorities: OPERATOR > VERIFICATION (核查 revisit) > DETECTION (follow-up) > PATROL (巡航).
* A higher priority takes over at once; the holder it displaces is told (:class:`Preempted`) and,
  unless it is an operator, waits in the queue to get the camera back (a patrol resumes).
* An equal or lower priority waits: the queue is served highest priority first, first come first
  served within a priority. Two operators: the second waits, unless they ask to take over.
* An operator lock reserves a camera for one operator for N minutes: while it lasts automation
  waits, however urgent, and other operators are refused with the holder's name and the time left.
  Only the lock holder, or a supervisor override, ends it early. When the lock ends (expiry,
  unlock or override), the lock holder's control ends with it and the queue is served.
* A holder may hold on a lease (``lease_s``): not renewed in time, the camera is released.
  Operators' controllers use it so that a forgotten camera goes back to automation.

The decision for one request is :func:`rule`, read from the explicit tables below; everything
else is bookkeeping. Every operation returns what happened as notices (granted, preempted, lock
ended, ...) so that a service can tell each party; nothing here calls anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum


class Priority(IntEnum):
    """Who wants the camera; a larger value wins."""

    PATROL = 1
    DETECTION = 2
    VERIFICATION = 3
    OPERATOR = 4


class Rule(StrEnum):
    """What a request gets."""

    GRANT = "grant"  # nobody holds the camera: take it
    PREEMPT = "preempt"  # take it from the holder (who is told, and waits again unless an operator)
    WAIT = "wait"  # queue behind the holder or the lock
    REFUSE = "refuse"  # another operator's lock: refused, with their name and the time left


P, R = Priority, Rule

# (holder, requester) -> rule, for a camera without another operator's lock. Higher takes over,
# equal or lower waits.
PAIR_RULES: dict[tuple[Priority, Priority], Rule] = {
    (P.PATROL, P.PATROL): R.WAIT,
    (P.PATROL, P.DETECTION): R.PREEMPT,
    (P.PATROL, P.VERIFICATION): R.PREEMPT,
    (P.PATROL, P.OPERATOR): R.PREEMPT,
    (P.DETECTION, P.PATROL): R.WAIT,
    (P.DETECTION, P.DETECTION): R.WAIT,
    (P.DETECTION, P.VERIFICATION): R.PREEMPT,
    (P.DETECTION, P.OPERATOR): R.PREEMPT,
    (P.VERIFICATION, P.PATROL): R.WAIT,
    (P.VERIFICATION, P.DETECTION): R.WAIT,
    (P.VERIFICATION, P.VERIFICATION): R.WAIT,
    (P.VERIFICATION, P.OPERATOR): R.PREEMPT,
    (P.OPERATOR, P.PATROL): R.WAIT,
    (P.OPERATOR, P.DETECTION): R.WAIT,
    (P.OPERATOR, P.VERIFICATION): R.WAIT,
    (P.OPERATOR, P.OPERATOR): R.WAIT,
}

# The take-over flag changes only these pairs (an operator taking a camera from another operator).
TAKE_OVER_RULES: dict[tuple[Priority, Priority], Rule] = {(P.OPERATOR, P.OPERATOR): R.PREEMPT}

# While another operator's lock lasts, whoever holds the camera (the lock holder or nobody).
LOCKED_RULES: dict[Priority, Rule] = {
    P.PATROL: R.WAIT,
    P.DETECTION: R.WAIT,
    P.VERIFICATION: R.WAIT,
    P.OPERATOR: R.REFUSE,
}

# A displaced holder of this priority waits in the queue to get the camera back.
REQUEUE_ON_PREEMPT: dict[Priority, bool] = {
    P.PATROL: True,
    P.DETECTION: True,
    P.VERIFICATION: True,
    P.OPERATOR: False,  # an operator whose camera was taken over decides again themselves
}


def rule(
    holder: Priority | None, requester: Priority, *, take_over: bool = False, locked_by_other: bool = False
) -> Rule:
    """The rule for a request of ``requester`` priority on a camera ``holder`` holds (None: nobody).

    ``locked_by_other``: an operator lock of someone else lasts. ``take_over``: an operator asks to
    take the camera from another operator (ignored for any other pair).
    """
    if locked_by_other:
        return LOCKED_RULES[requester]
    if holder is None:
        return R.GRANT
    if take_over and (holder, requester) in TAKE_OVER_RULES:
        return TAKE_OVER_RULES[(holder, requester)]
    return PAIR_RULES[(holder, requester)]


# -- who ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Requester:
    """A party that wants cameras: ``id`` identifies it, ``name`` is shown to others."""

    id: str  # e.g. "operator:zhangsan", "patrol:cam001", "verify:case-20240501-0012"
    name: str  # e.g. "张三", "巡航", "核查 #12"

    def same(self, other: Requester | None) -> bool:
        return other is not None and other.id == self.id


@dataclass(frozen=True)
class Holder:
    requester: Requester
    priority: Priority
    since: float
    seq: int  # order of the original request (a displaced holder keeps its place in the queue)
    lease_s: float | None = None
    lease_until: float | None = None


@dataclass(frozen=True)
class Waiter:
    requester: Requester
    priority: Priority
    since: float  # when it first asked
    seq: int
    lease_s: float | None = None

    @property
    def order(self) -> tuple[int, int]:
        return (-self.priority, self.seq)


@dataclass(frozen=True)
class Lock:
    holder: Requester
    since: float
    until: float

    def remaining_s(self, now: float) -> float:
        return max(0.0, self.until - now)

    def active(self, now: float) -> bool:
        return now < self.until


@dataclass(frozen=True)
class CameraControl:
    """Who controls one camera, for display: holder, queue (in service order), lock."""

    camera: str
    holder: Holder | None = None
    waiting: tuple[Waiter, ...] = ()
    lock: Lock | None = None
    operator_left_at: float | None = None  # when an operator last gave the camera up

    def locked(self, now: float) -> bool:
        return self.lock is not None and self.lock.active(now)

    def held_by(self, requester: Requester) -> bool:
        return self.holder is not None and self.holder.requester.same(requester)


# -- what happened -----------------------------------------------------------------------------------
class RefuseReason(StrEnum):
    LOCKED = "locked"  # another operator's lock
    HELD = "held"  # another operator holds the camera (lock: ask to take over)
    NOT_LOCK_HOLDER = "not_lock_holder"  # unlock by someone else without override
    NOT_LOCKED = "not_locked"


class ReleaseReason(StrEnum):
    RELEASED = "released"
    LEASE_EXPIRED = "lease_expired"
    LOCK_ENDED = "lock_ended"


class LockEndReason(StrEnum):
    EXPIRED = "expired"
    UNLOCKED = "unlocked"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class Granted:
    """``requester`` holds ``camera`` from ``since``; as an outcome, ``notices`` tells the rest."""

    camera: str
    requester: Requester
    priority: Priority
    since: float
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Queued:
    """``requester`` waits: ``blocked_by`` holds the camera or its lock, ``until`` when known."""

    camera: str
    requester: Requester
    priority: Priority
    blocked_by: Requester
    blocked_priority: Priority  # the holder's priority, OPERATOR for a lock
    locked: bool  # blocked by an operator lock
    until: float | None  # the lock's end or the holder's lease end; None when unknown
    position: int  # 0: next in line
    enqueued: bool  # False: asked with wait=False, so not left in the queue
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Refused:
    camera: str
    requester: Requester
    reason: RefuseReason
    by: Requester | None = None  # the lock holder, or the operator who holds the camera
    remaining_s: float | None = None  # of the lock
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Preempted:
    """``requester`` lost ``camera`` to ``by``; ``requeued``: it waits to get it back."""

    camera: str
    requester: Requester
    priority: Priority
    by: Requester
    by_priority: Priority
    requeued: bool


@dataclass(frozen=True)
class Released:
    """``requester`` no longer holds (or waits for) ``camera``; ``next`` got it, if anyone."""

    camera: str
    requester: Requester
    reason: ReleaseReason
    was_holder: bool
    next: Granted | None = None
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Locked:
    camera: str
    holder: Requester
    until: float
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class LockEnded:
    camera: str
    holder: Requester
    reason: LockEndReason
    by: Requester | None = None  # who unlocked (the holder, or a supervisor)
    notices: tuple[Notice, ...] = ()


Notice = Granted | Queued | Refused | Preempted | Released | Locked | LockEnded
Outcome = Granted | Queued | Refused


@dataclass
class _Camera:
    holder: Holder | None = None
    waiting: list[Waiter] = field(default_factory=list)
    lock: Lock | None = None
    operator_left_at: float | None = None


class Arbiter:
    """Control of any number of cameras (by id). Not thread-safe: its owner serialises calls."""

    def __init__(self) -> None:
        self._cameras: dict[str, _Camera] = {}
        self._seq = 0

    # -- reading ------------------------------------------------------------------------------------
    def snapshot(self, camera: str) -> CameraControl:
        c = self._cameras.get(camera)
        if c is None:
            return CameraControl(camera)
        return CameraControl(
            camera, c.holder, tuple(sorted(c.waiting, key=lambda w: w.order)), c.lock, c.operator_left_at
        )

    def next_deadline(self, camera: str | None = None) -> float | None:
        """The earliest lock end or lease end (of ``camera``, or of any camera): call expire then."""
        times = []
        for cid, c in self._cameras.items():
            if camera is not None and cid != camera:
                continue
            if c.lock is not None:
                times.append(c.lock.until)
            if c.holder is not None and c.holder.lease_until is not None:
                times.append(c.holder.lease_until)
        return min(times) if times else None

    # -- asking -------------------------------------------------------------------------------------
    def request(
        self,
        camera: str,
        requester: Requester,
        priority: Priority,
        now: float,
        *,
        take_over: bool = False,
        wait: bool = True,
        lease_s: float | None = None,
    ) -> Outcome:
        """Ask for control. A holder asking again renews its lease (same priority only).

        ``wait`` False: a request that would wait is answered Queued but not left in the queue
        (an operator's click says "held by 张三", it does not queue behind them).
        """
        if lease_s is not None and lease_s <= 0:
            raise ValueError("lease_s must be positive")
        notices = self._expire(camera, now)
        c = self._camera(camera)
        holder = c.holder
        if holder is not None and holder.requester.same(requester):
            if holder.priority != priority:
                raise ValueError(
                    f"{requester.id} holds {camera} at {holder.priority.name}; release before asking "
                    f"at {priority.name}"
                )
            locked_by_self = c.lock is not None and c.lock.holder.same(requester)
            c.holder = replace(
                holder,
                lease_s=lease_s,
                lease_until=None if lease_s is None or locked_by_self else now + lease_s,
            )
            return Granted(camera, requester, priority, holder.since, tuple(notices))
        lock = c.lock
        locked_by_other = lock is not None and not lock.holder.same(requester)
        verdict = rule(
            None if holder is None else holder.priority,
            priority,
            take_over=take_over,
            locked_by_other=locked_by_other,
        )
        if verdict is R.REFUSE:
            assert lock is not None
            return Refused(
                camera, requester, RefuseReason.LOCKED, lock.holder, lock.remaining_s(now), tuple(notices)
            )
        if verdict is R.WAIT:
            return self._queue(camera, c, requester, priority, now, wait, lease_s, notices)
        waiting = self._take_waiter(c, requester)
        seq = waiting.seq if waiting is not None else self._next_seq()
        if verdict is R.PREEMPT:
            assert holder is not None
            notices.append(self._displace(camera, c, holder, requester, priority, now))
        c.holder = Holder(requester, priority, now, seq, lease_s, None if lease_s is None else now + lease_s)
        return Granted(camera, requester, priority, now, tuple(notices))

    def release(
        self, camera: str, requester: Requester, now: float, *, reason: ReleaseReason = ReleaseReason.RELEASED
    ) -> Released:
        """Give up control (or stop waiting); the queue is served. Releasing nothing is harmless."""
        notices = self._expire(camera, now)
        c = self._camera(camera)
        if c.holder is not None and c.holder.requester.same(requester):
            if c.holder.priority is P.OPERATOR:
                c.operator_left_at = now
            c.holder = None
            granted = self._grant_next(camera, c, now)
            if granted is not None:
                notices.append(granted)
            return Released(camera, requester, reason, True, granted, tuple(notices))
        self._take_waiter(c, requester)
        return Released(camera, requester, reason, False, None, tuple(notices))

    # -- locks ----------------------------------------------------------------------------------------
    def lock(
        self, camera: str, operator: Requester, minutes: float, now: float, *, take_over: bool = False
    ) -> Locked | Refused:
        """Reserve ``camera`` for ``operator`` for ``minutes`` (again: extend from now).

        The operator takes control as with :meth:`request` at OPERATOR priority, but never queues:
        when another operator holds the camera (and ``take_over`` is not given) or locks it, the
        answer is Refused with their name. Other operators waiting in the queue are dropped
        (each told with a Refused notice): nobody else gets the camera until the lock ends.
        """
        if minutes <= 0:
            raise ValueError("a lock lasts a positive number of minutes")
        notices = self._expire(camera, now)
        c = self._camera(camera)
        lock = c.lock
        if lock is not None and not lock.holder.same(operator):
            return Refused(
                camera, operator, RefuseReason.LOCKED, lock.holder, lock.remaining_s(now), tuple(notices)
            )
        holder = c.holder
        if holder is None or not holder.requester.same(operator):
            verdict = rule(None if holder is None else holder.priority, P.OPERATOR, take_over=take_over)
            if verdict is R.WAIT:
                assert holder is not None
                return Refused(camera, operator, RefuseReason.HELD, holder.requester, None, tuple(notices))
            granted = self.request(camera, operator, P.OPERATOR, now, take_over=take_over)
            assert isinstance(granted, Granted)
            notices.extend(granted.notices)
        assert c.holder is not None
        c.holder = replace(c.holder, priority=P.OPERATOR, lease_until=None)
        c.lock = Lock(operator, lock.since if lock is not None else now, now + minutes * 60.0)
        for waiter in [w for w in c.waiting if w.priority is P.OPERATOR]:
            c.waiting.remove(waiter)
            notices.append(Refused(camera, waiter.requester, RefuseReason.LOCKED, operator, minutes * 60.0))
        return Locked(camera, operator, c.lock.until, tuple(notices))

    def unlock(
        self, camera: str, operator: Requester, now: float, *, override: bool = False
    ) -> LockEnded | Refused:
        """End the lock: by its holder, or by anyone with ``override`` (a supervisor)."""
        notices = self._expire(camera, now)
        c = self._camera(camera)
        lock = c.lock
        if lock is None:
            return Refused(camera, operator, RefuseReason.NOT_LOCKED, notices=tuple(notices))
        if not lock.holder.same(operator) and not override:
            return Refused(
                camera,
                operator,
                RefuseReason.NOT_LOCK_HOLDER,
                lock.holder,
                lock.remaining_s(now),
                tuple(notices),
            )
        reason = LockEndReason.UNLOCKED if lock.holder.same(operator) else LockEndReason.OVERRIDDEN
        ended = self._end_lock(camera, c, now, reason, operator)
        return replace(ended, notices=(*notices, *ended.notices))

    # -- time -------------------------------------------------------------------------------------------
    def expire(self, now: float, camera: str | None = None) -> tuple[Notice, ...]:
        """End locks and leases that ran out (of ``camera``, or of every camera), serving queues."""
        cameras = [camera] if camera is not None else list(self._cameras)
        notices: list[Notice] = []
        for cid in cameras:
            notices.extend(self._expire(cid, now))
        return tuple(notices)

    # -- internals ------------------------------------------------------------------------------------
    def _camera(self, camera: str) -> _Camera:
        c = self._cameras.get(camera)
        if c is None:
            c = self._cameras[camera] = _Camera()
        return c

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _expire(self, camera: str, now: float) -> list[Notice]:
        c = self._cameras.get(camera)
        if c is None:
            return []
        notices: list[Notice] = []
        if c.lock is not None and not c.lock.active(now):
            ended = self._end_lock(camera, c, now, LockEndReason.EXPIRED, None)
            notices.append(replace(ended, notices=()))
            notices.extend(ended.notices)
        holder = c.holder
        if holder is not None and holder.lease_until is not None and now >= holder.lease_until:
            if holder.priority is P.OPERATOR:
                c.operator_left_at = now
            c.holder = None
            granted = self._grant_next(camera, c, now)
            notices.append(Released(camera, holder.requester, ReleaseReason.LEASE_EXPIRED, True, granted))
            if granted is not None:
                notices.append(granted)
        return notices

    def _end_lock(
        self, camera: str, c: _Camera, now: float, reason: LockEndReason, by: Requester | None
    ) -> LockEnded:
        lock = c.lock
        assert lock is not None
        c.lock = None
        notices: list[Notice] = []
        if c.holder is not None and c.holder.requester.same(lock.holder):
            c.operator_left_at = now
            c.holder = None
            granted = self._grant_next(camera, c, now)
            notices.append(Released(camera, lock.holder, ReleaseReason.LOCK_ENDED, True, granted))
            if granted is not None:
                notices.append(granted)
        elif c.holder is None:
            granted = self._grant_next(camera, c, now)
            if granted is not None:
                notices.append(granted)
        return LockEnded(camera, lock.holder, reason, by, tuple(notices))

    def _queue(
        self,
        camera: str,
        c: _Camera,
        requester: Requester,
        priority: Priority,
        now: float,
        wait: bool,
        lease_s: float | None,
        notices: list[Notice],
    ) -> Queued:
        known = next((w for w in c.waiting if w.requester.same(requester)), None)
        if known is not None:
            entry = replace(known, priority=priority, lease_s=lease_s)
            c.waiting[c.waiting.index(known)] = entry
        else:
            entry = Waiter(requester, priority, now, self._next_seq(), lease_s)
            if wait:
                c.waiting.append(entry)
        ahead = sum(1 for w in c.waiting if w.order < entry.order)
        lock = c.lock
        until: float | None
        if lock is not None and not lock.holder.same(requester):
            blocked_by, blocked_priority, until, locked = lock.holder, P.OPERATOR, lock.until, True
        else:
            assert c.holder is not None
            holder = c.holder
            blocked_by, blocked_priority, until, locked = (
                holder.requester,
                holder.priority,
                holder.lease_until,
                False,
            )
        return Queued(
            camera,
            requester,
            priority,
            blocked_by,
            blocked_priority,
            locked,
            until,
            ahead,
            wait or known is not None,
            tuple(notices),
        )

    def _take_waiter(self, c: _Camera, requester: Requester) -> Waiter | None:
        for waiter in c.waiting:
            if waiter.requester.same(requester):
                c.waiting.remove(waiter)
                return waiter
        return None

    def _displace(
        self, camera: str, c: _Camera, holder: Holder, by: Requester, by_priority: Priority, now: float
    ) -> Preempted:
        requeue = REQUEUE_ON_PREEMPT[holder.priority]
        if requeue:
            c.waiting.append(
                Waiter(holder.requester, holder.priority, holder.since, holder.seq, holder.lease_s)
            )
        if holder.priority is P.OPERATOR:
            c.operator_left_at = now
        return Preempted(camera, holder.requester, holder.priority, by, by_priority, requeue)

    def _grant_next(self, camera: str, c: _Camera, now: float) -> Granted | None:
        if c.holder is not None:
            return None
        lock = c.lock if c.lock is not None and c.lock.active(now) else None
        eligible = [w for w in c.waiting if lock is None or lock.holder.same(w.requester)]
        if not eligible:
            return None
        nxt = min(eligible, key=lambda w: w.order)
        c.waiting.remove(nxt)
        lease_until = None if nxt.lease_s is None or lock is not None else now + nxt.lease_s
        c.holder = Holder(nxt.requester, nxt.priority, now, nxt.seq, nxt.lease_s, lease_until)
        return Granted(camera, nxt.requester, nxt.priority, now)
