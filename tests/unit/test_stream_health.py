import random

import pytest

from app.core.stream_failure import StreamFailure
from app.core.stream_health import (
    TRANSITIONS,
    HealthPolicy,
    InvalidTransition,
    StreamEvent,
    StreamHealth,
    StreamState,
    backoff_delay,
    next_state,
)

EXPECTED = {
    # state: {event: next state}; anything missing must raise
    StreamState.STOPPED: {StreamEvent.START: StreamState.CONNECTING, StreamEvent.STOP: StreamState.STOPPED},
    StreamState.CONNECTING: {
        StreamEvent.START: StreamState.CONNECTING,
        StreamEvent.FRAME: StreamState.LIVE,
        StreamEvent.STALL: StreamState.CONNECTING,
        StreamEvent.ERROR: StreamState.RECONNECTING,
        StreamEvent.GIVE_UP: StreamState.OFFLINE,
        StreamEvent.STOP: StreamState.STOPPED,
    },
    StreamState.LIVE: {
        StreamEvent.START: StreamState.LIVE,
        StreamEvent.FRAME: StreamState.LIVE,
        StreamEvent.STALL: StreamState.STALLED,
        StreamEvent.ERROR: StreamState.RECONNECTING,
        StreamEvent.STOP: StreamState.STOPPED,
    },
    StreamState.STALLED: {
        StreamEvent.START: StreamState.STALLED,
        StreamEvent.FRAME: StreamState.LIVE,
        StreamEvent.STALL: StreamState.STALLED,
        StreamEvent.ERROR: StreamState.RECONNECTING,
        StreamEvent.STOP: StreamState.STOPPED,
    },
    StreamState.RECONNECTING: {
        StreamEvent.START: StreamState.RECONNECTING,
        StreamEvent.FRAME: StreamState.LIVE,
        StreamEvent.STALL: StreamState.RECONNECTING,
        StreamEvent.ERROR: StreamState.RECONNECTING,
        StreamEvent.GIVE_UP: StreamState.OFFLINE,
        StreamEvent.STOP: StreamState.STOPPED,
    },
    StreamState.OFFLINE: {
        StreamEvent.START: StreamState.OFFLINE,
        StreamEvent.FRAME: StreamState.LIVE,
        StreamEvent.STALL: StreamState.OFFLINE,
        StreamEvent.ERROR: StreamState.OFFLINE,
        StreamEvent.GIVE_UP: StreamState.OFFLINE,
        StreamEvent.STOP: StreamState.STOPPED,
    },
}


@pytest.mark.parametrize("state", list(StreamState))
@pytest.mark.parametrize("event", list(StreamEvent))
def test_every_state_event_pair_transitions_or_raises(state: StreamState, event: StreamEvent) -> None:
    expected = EXPECTED[state].get(event)
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_state(state, event)
    else:
        assert next_state(state, event) == expected


def test_table_has_no_pairs_beyond_the_specification() -> None:
    specified = {(s, e) for s, events in EXPECTED.items() for e in events}
    assert set(TRANSITIONS) == specified


def test_failures_go_offline_only_after_offline_after_s() -> None:
    health = StreamHealth(HealthPolicy(offline_after_s=20, stable_after_s=10))
    health.start(now=0)
    health.frame(now=1)
    assert health.state == StreamState.LIVE
    health.error(now=5, message="connection refused")
    assert health.state == StreamState.RECONNECTING
    assert health.snapshot.since == 5
    health.error(now=15, message="connection refused")
    assert health.state == StreamState.RECONNECTING
    assert health.snapshot.attempts == 2
    health.error(now=25.5, message="no answer")
    assert health.state == StreamState.OFFLINE
    assert health.snapshot.last_error == "no answer"
    assert health.snapshot.since == 25.5
    health.frame(now=30)
    assert health.state == StreamState.LIVE


def test_a_flapping_stream_keeps_its_failure_streak_and_goes_offline() -> None:
    health = StreamHealth(HealthPolicy(offline_after_s=20, stable_after_s=10))
    health.start(0)
    health.error(1, "refused")
    for t in (4, 12, 20):  # comes up for two seconds, fails again
        health.frame(t)
        assert health.state == StreamState.LIVE
        health.error(t + 2, "the server ended the stream")
        assert health.state == StreamState.RECONNECTING
    assert health.snapshot.attempts == 4 and health.snapshot.failing_since == 1
    health.error(23, "the server ended the stream")
    assert health.state == StreamState.OFFLINE


def test_a_stream_that_was_stable_starts_a_fresh_streak() -> None:
    health = StreamHealth(HealthPolicy(offline_after_s=20, stable_after_s=10))
    health.start(0)
    health.error(1, "refused")
    health.frame(4)
    health.stall(30)  # a stall does not restart the stability clock
    health.error(31, "timed out")
    assert health.state == StreamState.RECONNECTING
    assert health.snapshot.attempts == 1 and health.snapshot.failing_since == 31
    health.error(45, "timed out")
    assert health.state == StreamState.RECONNECTING  # 14 s into the new streak, not 44


def test_stall_then_frame_returns_to_live() -> None:
    health = StreamHealth(HealthPolicy())
    health.start(0)
    health.frame(0.1)
    assert health.stall(3)
    assert health.state == StreamState.STALLED
    assert health.frame(3.5)
    assert health.state == StreamState.LIVE


def test_backoff_grows_exponentially_with_bounded_jitter_and_cap() -> None:
    policy = HealthPolicy(backoff_initial_s=0.5, backoff_max_s=5, backoff_jitter=0.2)
    rng = random.Random(7)
    for attempt, base in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (12, 5.0)]:
        delays = [backoff_delay(attempt, policy, rng) for _ in range(200)]
        assert min(delays) >= base * 0.8 - 1e-9
        assert max(delays) <= base * 1.2 + 1e-9
        assert max(delays) - min(delays) > base * 0.2  # jitter actually spreads retries


def test_a_failure_carries_its_reason_for_the_operator_and_its_detail_for_the_log() -> None:
    health = StreamHealth(HealthPolicy(stall_after_s=2.0))
    health.start(0)
    health.error(1, "Connection refused (FFmpeg ConnectionRefusedError, errno 111)")
    assert health.snapshot.reason is StreamFailure.REFUSED  # read from the text
    health.error(2, "decoder of cam1/sub stuck for 8 s", StreamFailure.DECODER_HUNG)  # or given
    assert health.snapshot.reason is StreamFailure.DECODER_HUNG
    assert health.snapshot.last_error == "decoder of cam1/sub stuck for 8 s"
    health.frame(3)
    health.stall(6)
    assert health.snapshot.state == StreamState.STALLED
    assert health.snapshot.reason is StreamFailure.STALLED and health.snapshot.last_error == "no data for 2 s"
