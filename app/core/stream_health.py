"""Per-camera stream health: an explicit state machine, pure and clock-injected.

connecting → live → stalled → reconnecting (backoff) → offline. Offline cameras keep being
retried at the capped backoff so they come back by themselves when the network does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum

from app.core.stream_failure import StreamFailure, classify_failure


class StreamState(StrEnum):
    STOPPED = "stopped"  # not wanted by anyone (mode off)
    CONNECTING = "connecting"  # first attempt after start
    LIVE = "live"
    STALLED = "stalled"  # connected, but no data for stall_after_s
    RECONNECTING = "reconnecting"  # failed; waiting for / making another attempt
    OFFLINE = "offline"  # failing for longer than offline_after_s; still retried


class StreamEvent(StrEnum):
    START = "start"
    FRAME = "frame"  # a picture was decoded
    STALL = "stall"
    ERROR = "error"
    GIVE_UP = "give_up"
    STOP = "stop"


S, E = StreamState, StreamEvent
_ACTIVE = (S.CONNECTING, S.LIVE, S.STALLED, S.RECONNECTING, S.OFFLINE)

# Every (state, event) pair not listed here is a programming error and raises.
TRANSITIONS: dict[tuple[StreamState, StreamEvent], StreamState] = {
    (S.STOPPED, E.START): S.CONNECTING,
    (S.STOPPED, E.STOP): S.STOPPED,
    (S.CONNECTING, E.FRAME): S.LIVE,
    (S.CONNECTING, E.STALL): S.CONNECTING,
    (S.CONNECTING, E.ERROR): S.RECONNECTING,
    (S.CONNECTING, E.GIVE_UP): S.OFFLINE,
    (S.LIVE, E.FRAME): S.LIVE,
    (S.LIVE, E.STALL): S.STALLED,
    (S.LIVE, E.ERROR): S.RECONNECTING,
    (S.STALLED, E.FRAME): S.LIVE,
    (S.STALLED, E.STALL): S.STALLED,
    (S.STALLED, E.ERROR): S.RECONNECTING,
    (S.RECONNECTING, E.FRAME): S.LIVE,
    (S.RECONNECTING, E.STALL): S.RECONNECTING,
    (S.RECONNECTING, E.ERROR): S.RECONNECTING,
    (S.RECONNECTING, E.GIVE_UP): S.OFFLINE,
    (S.OFFLINE, E.FRAME): S.LIVE,
    (S.OFFLINE, E.STALL): S.OFFLINE,
    (S.OFFLINE, E.ERROR): S.OFFLINE,
    (S.OFFLINE, E.GIVE_UP): S.OFFLINE,
    **{(state, E.STOP): S.STOPPED for state in _ACTIVE},
    **{(state, E.START): state for state in _ACTIVE},
}


class InvalidTransition(RuntimeError):
    def __init__(self, state: StreamState, event: StreamEvent) -> None:
        super().__init__(f"stream event {event.value!r} is not allowed in state {state.value!r}")
        self.state, self.event = state, event


def next_state(state: StreamState, event: StreamEvent) -> StreamState:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(state, event) from None


@dataclass(frozen=True)
class HealthPolicy:
    stall_after_s: float = 2.0
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 5.0
    backoff_jitter: float = 0.2
    offline_after_s: float = 20.0
    picture_timeout_s: float = 10.0  # data flows but nothing decodes for this long: reconnect
    stable_after_s: float = 10.0  # live this long before a failure counts as a new streak


def backoff_delay(attempt: int, policy: HealthPolicy, rng: random.Random) -> float:
    """Exponential backoff with ±jitter, capped; attempt counts from 1.

    Jitter spreads 100 cameras' retries so a restarted server is not hit by all at once.
    """
    base = min(policy.backoff_max_s, policy.backoff_initial_s * 2.0 ** max(0, attempt - 1))
    spread = base * policy.backoff_jitter
    return max(
        0.05, min(policy.backoff_max_s * (1 + policy.backoff_jitter), base + rng.uniform(-spread, spread))
    )


@dataclass(frozen=True)
class HealthSnapshot:
    """What the wall shows about one camera's stream."""

    state: StreamState = S.STOPPED
    since: float = 0.0  # wall-clock seconds when the state was entered
    last_error: str | None = None  # technical detail (log, tooltip), credentials masked
    reason: StreamFailure | None = None  # why, for the operator (translated by the UI)
    attempts: int = 0  # consecutive failed attempts
    failing_since: float | None = None  # wall-clock start of the current failure streak
    up_since: float | None = None  # when pictures last started flowing after a failure


class StreamHealth:
    """Mutable wrapper that applies events and decides between retrying and going offline."""

    def __init__(self, policy: HealthPolicy) -> None:
        self.policy = policy
        self.snapshot = HealthSnapshot()

    @property
    def state(self) -> StreamState:
        return self.snapshot.state

    def _apply(self, event: StreamEvent, now: float, **changes: object) -> bool:
        old = self.snapshot
        new_state = next_state(old.state, event)
        since = old.since if new_state == old.state else now
        self.snapshot = replace(old, state=new_state, since=since, **changes)  # type: ignore[arg-type]
        return new_state != old.state

    def start(self, now: float) -> bool:
        return self._apply(E.START, now)

    def stop(self, now: float) -> bool:
        return self._apply(E.STOP, now, attempts=0, failing_since=None, up_since=None)

    def frame(self, now: float) -> bool:
        """A picture arrived. The failure streak is kept until the stream has proven stable."""
        state = self.snapshot.state
        if state == S.LIVE:
            return False  # hot path: nothing changes
        if state == S.STALLED:
            return self._apply(E.FRAME, now)
        return self._apply(E.FRAME, now, up_since=now)

    def stall(self, now: float) -> bool:
        if self.snapshot.state != S.LIVE:
            return self._apply(E.STALL, now)
        detail = f"no data for {self.policy.stall_after_s:g} s"
        return self._apply(E.STALL, now, reason=StreamFailure.STALLED, last_error=detail)

    def error(self, now: float, message: str, reason: StreamFailure | None = None) -> bool:
        """Record a failed attempt or a lost connection; returns True if the state changed.

        ``message`` is the technical detail; ``reason`` what the operator is told (by default
        what :func:`classify_failure` reads in ``message``).

        A stream that fails again soon after coming back (a flapping camera, a truncated file)
        continues its failure streak, so its backoff grows and it can end up offline.
        """
        snap = self.snapshot
        was_up = snap.state in (S.LIVE, S.STALLED)
        stable = was_up and snap.up_since is not None and now - snap.up_since >= self.policy.stable_after_s
        fresh = snap.failing_since is None or stable
        failing_since = now if fresh or snap.failing_since is None else snap.failing_since
        attempts = 1 if fresh else snap.attempts + 1
        give_up = not was_up and now - failing_since >= self.policy.offline_after_s
        return self._apply(
            E.GIVE_UP if give_up else E.ERROR,
            now,
            last_error=message,
            reason=reason or classify_failure(message),
            attempts=attempts,
            failing_since=failing_since,
            up_since=None,
        )
