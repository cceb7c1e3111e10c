"""The ingest supervisor tells the operator about outages, not attempts: one CAMERA_DOWN when a
camera's pictures stop, one CAMERA_UP when they return, one DECODER_WORKER_RESTARTED for a worker.

The supervisor is fed the health messages its workers send (no processes here); tests/faults
plays the same faults against real peers.
"""

from __future__ import annotations

import logging

import pytest

from app.core.stream_failure import StreamFailure
from app.core.stream_health import HealthSnapshot, StreamState
from app.core.system_events import SystemEvent, SystemEventKind
from app.media.protocol import CameraSpec, HealthChanged, SecretUrl, ViewMode
from app.media.supervisor import IngestSupervisor

K, S, F = SystemEventKind, StreamState, StreamFailure


def supervisor(events: list[SystemEvent], n: int = 2) -> IngestSupervisor:
    specs = [CameraSpec(f"c{i}", SecretUrl(f"rtsp://127.0.0.1:9/c{i}"), None) for i in range(1, n + 1)]
    sup = IngestSupervisor(specs, workers=1, events=events.append)
    sup.set_demands("wall", {s.camera_id: (ViewMode.LIVE, (192, 108)) for s in specs})
    return sup


def feed(
    sup: IngestSupervisor, camera: str, *states: tuple[StreamState, StreamFailure | None], stream: str = "sub"
) -> None:
    for i, (state, reason) in enumerate(states):
        detail = None if reason is None else f"{reason.value} detail"
        snapshot = HealthSnapshot(state=state, since=float(i), reason=reason, last_error=detail, attempts=i)
        sup._handle(HealthChanged(camera, stream, snapshot))  # type: ignore[arg-type]


def test_one_down_per_outage_however_many_attempts_and_one_up_when_pictures_return() -> None:
    events: list[SystemEvent] = []
    sup = supervisor(events)
    feed(
        sup,
        "c1",
        (S.CONNECTING, None),
        (S.LIVE, None),
        (S.STALLED, F.STALLED),
        (S.RECONNECTING, F.TIMED_OUT),
        (S.RECONNECTING, F.BAD_DATA),
        (S.RECONNECTING, F.REFUSED),
        (S.OFFLINE, F.REFUSED),
        (S.OFFLINE, F.REFUSED),
        (S.LIVE, None),
        (S.LIVE, None),
    )
    assert [(e.kind, e.camera_id, e.reason) for e in events] == [
        (K.CAMERA_DOWN, "c1", F.STALLED),
        (K.CAMERA_UP, "c1", None),
    ]
    assert events[0].detail == "stalled detail"
    assert sup.health("c1").state == S.LIVE and sup.health("c2").state != S.LIVE


def test_a_camera_that_never_came_up_is_down_once_with_its_first_reason() -> None:
    events: list[SystemEvent] = []
    sup = supervisor(events)
    feed(sup, "c2", (S.CONNECTING, None), (S.RECONNECTING, F.AUTH_FAILED), (S.RECONNECTING, F.AUTH_FAILED))
    assert [(e.kind, e.reason) for e in events] == [(K.CAMERA_DOWN, F.AUTH_FAILED)]
    health = sup.health("c2")
    assert health.reason is F.AUTH_FAILED and health.last_error == "auth_failed detail"


def test_a_failing_main_stream_is_logged_but_the_tile_keeps_its_picture(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[SystemEvent] = []
    sup = supervisor(events)
    feed(sup, "c1", (S.CONNECTING, None), (S.LIVE, None))
    with caplog.at_level(logging.INFO, logger="app.media.supervisor"):
        feed(sup, "c1", (S.CONNECTING, None), (S.RECONNECTING, F.NOT_FOUND), stream="main")
    assert events == []
    assert sup.health("c1").main_reason is F.NOT_FOUND
    assert "camera c1/main: connecting → reconnecting (not_found: not_found detail)" in caplog.text


def test_every_state_change_is_one_log_line_with_the_camera_and_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sup = supervisor([])
    with caplog.at_level(logging.INFO, logger="app.media.supervisor"):
        feed(
            sup,
            "c1",
            (S.CONNECTING, None),
            (S.RECONNECTING, F.BAD_DATA),
            (S.RECONNECTING, F.BAD_DATA),  # another attempt: no line
            (S.RECONNECTING, F.REFUSED),  # a new reason: a line
            (S.LIVE, None),
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "app.media.supervisor"]
    assert lines == [
        "camera c1/sub: stopped → connecting",
        "camera c1/sub: connecting → reconnecting (bad_data: bad_data detail)",
        "camera c1/sub: still reconnecting (refused: refused detail)",
        "camera c1/sub: reconnecting → live",
    ]


def test_a_dead_worker_is_one_event_and_its_cameras_say_why_they_wait() -> None:
    events: list[SystemEvent] = []
    sup = supervisor(events, n=3)
    for camera in ("c1", "c2", "c3"):
        feed(sup, camera, (S.CONNECTING, None), (S.LIVE, None))
    sup._worker_died(sup._workers[0], "decoder process stopped unexpectedly (exit code -9)")
    [event] = events
    assert event.kind is K.DECODER_WORKER_RESTARTED and event.subject == "0"
    assert event.detail == "decoder process stopped unexpectedly (exit code -9); 3 cameras wait for it"
    for camera in ("c1", "c2", "c3"):
        health = sup.health(camera)
        assert health.state == S.RECONNECTING and health.reason is F.DECODER_RESTARTING
    # Back on the new worker: no CAMERA_UP (there was no CAMERA_DOWN); a camera that then fails is down.
    feed(sup, "c1", (S.CONNECTING, None), (S.LIVE, None))
    feed(sup, "c2", (S.CONNECTING, None), (S.RECONNECTING, F.REFUSED))
    assert [(e.kind, e.camera_id) for e in events[1:]] == [(K.CAMERA_DOWN, "c2")]


def test_a_failing_event_sink_never_stops_the_supervision(caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: SystemEvent) -> None:
        raise RuntimeError("the event list is broken")

    specs = [CameraSpec("c1", SecretUrl("rtsp://127.0.0.1:9/c1"), None)]
    sup = IngestSupervisor(specs, workers=1, events=broken)
    feed(sup, "c1", (S.CONNECTING, None), (S.RECONNECTING, F.REFUSED), (S.LIVE, None))
    assert sup.health("c1").state == S.LIVE
    assert "could not publish camera_down camera=c1" in caplog.text
