"""A vending alert that went up the escalation ladder and became a case, made by the real services
over fakes: the alert service (its writer and the case store share one audit chain, as the real
database does), the voice service with a speaker port that answers at once, the ladder driver and
the case service. The first prompt reaches both speakers; the second reaches one (the north
speaker is down); the vendor stays; the case is made and an operator files it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time as clock_time

from PySide6.QtGui import QColor

from app.core.alerts import EvidenceKind
from app.core.audit import AuditEvent
from app.core.cases import Case
from app.core.voice import VoicePolicy
from app.core.voice_ladder import LadderConfig
from app.services.cases import CaseService
from app.services.voice import VoiceService
from app.services.voice_ladder import LadderDriver
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.ui.case_fakes import OP, T0, make_service, picture
from tests.voice_fakes import FakePort, FakePrompts, MemoryEvidence, speakers

AFTERNOON = T0 + 10 * 3600  # 2026-05-29 14:26:40 in Shanghai
SPEAKERS = {s.id: s.name for s in speakers()}


@dataclass
class LadderedCase:
    service: CaseService
    case: Case
    timeline: list[AuditEvent]
    evidence: MemoryEvidence
    clock: FakeClock


def laddered_case() -> LadderedCase:
    alerts, writer, clock = alert_service(AFTERNOON)
    service, repo = make_service(clock)
    writer.events = repo.chain  # one audit chain for alerts and cases, as in the database
    port, evidence = FakePort(), MemoryEvidence()
    voice = VoiceService(
        port, speakers, FakePrompts(), alerts, clock, evidence=evidence,
        policy=lambda rule, zone: VoicePolicy(), local_time=lambda t: clock_time(14, 0),
    )  # fmt: skip
    made = []
    config = LadderConfig(enabled=True, prompts=2, wait_s=120.0, recheck_s=60.0)
    driver = LadderDriver(
        alerts, voice, lambda rule, zone: config, clock,
        create_case=lambda alert: made.append(service.case_from_alert(alert)),
    )  # fmt: skip
    try:
        alerts.detector_raised(detected("al-0601", at=clock.t))
        still = evidence.put(
            picture("cam1 北门 2026-05-29 14:26:40", QColor(90, 60, 40)), kind=EvidenceKind.STILL,
            media_type="image/jpeg", captured_at=clock.t, camera_id="cam1", stream="main",
        )  # fmt: skip
        alerts.attach_evidence("al-0601", (still,))
        clock.t += 120
        driver.tick()  # the wait is over: recheck
        port.dead = {"spk-north"}
        clock.t += 61
        driver.tick()  # no fresh check within the recheck's time, the alert still open: prompt 2
        clock.t += 120
        driver.tick()
        clock.t += 61
        driver.tick()  # still there after two prompts: the case
        (future,) = made
        case = future.result(timeout=5)
        assert case is not None
        clock.t += 90
        case = service.file(case.id, OP, case.version, note="核实：摊贩仍在").result(timeout=5)
        return LadderedCase(service, case, service.timeline(case.id), evidence, clock)
    finally:
        driver.close()
