"""Every new alert gets its main-stream still attached (the detector's sub-stream picture stays as
the fallback and the record says which is which); a camera whose main stream cannot be had keeps
only the detector's picture, quietly; a store that refuses is a visible system event."""

from __future__ import annotations

import dataclasses
import time
from zoneinfo import ZoneInfo

import pytest

from app.core.alerts import Alert, Box, EvidenceKind, EvidenceRef, Rule
from app.core.system_events import SystemEvent, SystemEventKind
from app.demo.clips import ClipSet
from app.demo.rtsp_server import free_port
from app.media.protocol import CameraSpec, SecretUrl
from app.services.alert_evidence import AlertEvidence
from app.services.evidence_capture import EvidenceCamera, EvidenceCapture
from tests.alert_fakes import alert_service
from tests.evidence_fakes import FullEvidenceStore, MemoryEvidenceStore
from tests.integration.conftest import StartServer

pytestmark = [pytest.mark.peer, pytest.mark.slow]

SUB = EvidenceRef("5" * 64, EvidenceKind.STILL, "image/jpeg", 10, 0.0, "cam001", "sub", "检测所用画面")


def raised(alert_id: str) -> Alert:
    return Alert(
        id=alert_id, camera_id="cam001", preset=None, zone_id=f"z-{alert_id}", rule=Rule.VENDING,
        event_code="0501", raised_at=time.time(), score=0.9, zone_name="北门人行道",
        boxes=(Box(0.25, 0.3, 0.55, 0.85, "stall", 0.9),), evidence=(SUB,),
    )  # fmt: skip


def wait_for(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)
    assert check(), "timed out"  # type: ignore[operator]


def test_a_new_alert_gets_its_main_stream_still_and_the_detectors_picture_stays_as_fallback(
    rtsp_server: StartServer, demo_clips: ClipSet
) -> None:
    main_clip = demo_clips.clip(demo_clips.variants[0], "main")
    server = rtsp_server(1, extra_mounts=[{"path": "main001", "file": str(main_clip), "mode": "loop"}])
    spec = CameraSpec("cam001", SecretUrl(server.url("cam001")), SecretUrl(server.url("main001")),
                      connect_timeout_s=3.0)  # fmt: skip
    service, writer, _ = alert_service()
    store = MemoryEvidenceStore()
    evidence = AlertEvidence(
        service,
        EvidenceCapture(store, tz=ZoneInfo("Asia/Shanghai")),
        lambda c: EvidenceCamera(spec, "北门 01"),
    )
    try:
        service.detector_raised(raised("a1"))
        wait_for(lambda: len(service.get("a1").evidence) == 2)
        service.detector_raised(dataclasses.replace(raised("a2"), zone_id="z-a1"))  # continues a1: no capture
        time.sleep(0.5)
        assert not evidence.pending
    finally:
        evidence.close()
    alert = service.get("a1")
    still = alert.evidence_of(EvidenceKind.STILL)
    assert still is not None and still.stream == "main" and store.read(still)
    assert SUB in alert.evidence  # the detector's picture is kept, shown only when no main still exists
    assert [e.action for e in writer.events] == ["raise", "evidence", "continue"]


def test_no_main_stream_leaves_the_detectors_picture_and_a_full_store_is_said(
    rtsp_server: StartServer,
) -> None:
    server = rtsp_server(1)
    dead_main = SecretUrl(f"rtsp://127.0.0.1:{free_port()}/nothing")
    spec = CameraSpec("cam001", SecretUrl(server.url("cam001")), dead_main, connect_timeout_s=1.0)
    service, _, _ = alert_service()
    events: list[SystemEvent] = []
    quiet = AlertEvidence(service, EvidenceCapture(MemoryEvidenceStore(), tz=ZoneInfo("Asia/Shanghai"),
                                                   key_wait_s=1.0),
                          lambda c: EvidenceCamera(spec, "北门 01"), events=events.append)  # fmt: skip
    try:
        service.detector_raised(raised("a1"))
        wait_for(lambda: not quiet.pending, timeout=20)
    finally:
        quiet.close()
    assert service.get("a1").evidence == (SUB,) and events == []  # the fallback stands, no alarm

    good = CameraSpec("cam001", SecretUrl(server.url("cam001")), None, connect_timeout_s=3.0)
    full = AlertEvidence(service, EvidenceCapture(FullEvidenceStore(), tz=ZoneInfo("Asia/Shanghai")),
                         lambda c: EvidenceCamera(good, "北门 01"), events=events.append)  # fmt: skip
    try:
        service.detector_raised(dataclasses.replace(raised("b1"), zone_id="z-b1"))
        wait_for(lambda: bool(events), timeout=20)
    finally:
        full.close()
    assert [e.kind for e in events] == [SystemEventKind.EVIDENCE_NOT_SAVED]
    assert events[0].camera_id == "cam001" and service.get("b1").evidence == (SUB,)
