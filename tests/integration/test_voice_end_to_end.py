"""The voice side as the app composes it (app.main_voice over the real alert store, the case store and
RTP to a loudspeaker that records what it hears): a vendor who stays gets two prompts and a case
carrying both; a vendor who leaves after the first prompt is counted "resolved by prompt"; a
speaker that is down is said and the ladder still ends in a case."""

from __future__ import annotations

import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from app.core.alerts import AlertState, EvidenceKind
from app.core.cases import Case, CaseState
from app.core.system_events import SystemEventKind
from app.core.voice_ladder import LadderStep
from app.demo.rtp_speaker import RtpSpeaker
from app.main import Alerts, WallClock, open_alerts_store
from app.main_cases import Cases, open_cases
from app.main_voice import Voice, open_voice
from app.services.system_events import SystemEventLog
from camera_config.loader import parse_site_text
from tests.alert_fakes import detected

pytestmark = pytest.mark.peer

SITE = """\
site: {{name: 喊话测试中心, timezone: Asia/Shanghai}}
cameras:
  - id: cam1
    name: 北门
    grid_code: "330105001001001"
    source: {{kind: rtsp, main: "rtsp://127.0.0.1:9/cam1"}}
    detection:
      zones:
        - {{id: z1, name: 北门禁摆区, kind: no_vending, polygon: [[0, 0], [1, 0], [1, 1]]}}
speakers:
  - {{id: spk1, name: 北门喇叭, kind: rtp, address: "rtp://127.0.0.1:{port}", codec: pcmu, cameras: [cam1]}}
  - {{id: spk2, name: 北门二号喇叭, kind: rtp, address: "rtp://127.0.0.1:{dead}", codec: pcma,
     cameras: [cam1]}}
voice:
  rules:
    vending:
      ladder: {{enabled: true, prompts: 2, wait_s: 1.0, recheck_s: 0.5}}
"""


def wait_for(
    what: Callable[[], bool], timeout: float = 20.0, tick: Callable[[], object] = lambda: None
) -> None:
    end = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < end, "timed out"
        tick()
        time.sleep(0.05)


@dataclass
class Run:
    speaker: RtpSpeaker
    alerts: Alerts
    cases: Cases
    voice: Voice
    events: SystemEventLog


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    speaker = RtpSpeaker("spk1", tmp_path / "heard").start()
    dead = RtpSpeaker("spk2", tmp_path / "heard2")  # bound, never started, closed: nobody listens
    dead_port = dead.port
    dead.stop()
    site, _ = parse_site_text(SITE.format(port=speaker.port, dead=dead_port), tmp_path / "site.yaml", {})
    events = SystemEventLog()
    data = tmp_path / "data"
    data.mkdir()
    alerts = open_alerts_store(site, data, events)
    clock = WallClock()
    cases = open_cases(site, data, events, alerts.service, alerts.repository, clock)
    voice = open_voice(
        site, data, events, alerts.service, alerts.evidence, clock, create_case=cases.service.case_from_alert
    )
    try:
        yield Run(speaker, alerts, cases, voice, events)
    finally:
        voice.close()
        cases.close()
        alerts.close()
        speaker.stop()


def test_a_vendor_who_stays_hears_two_prompts_and_becomes_a_case_with_both(run: Run) -> None:
    speaker, service, case_service, ladder = (
        run.speaker,
        run.alerts.service,
        run.cases.service,
        run.voice.ladder,
    )
    service.detector_raised(detected("a1", at=time.time()))  # the stall stays: no clear ever comes
    made: list[Case] = []

    def case_made() -> bool:
        found = case_service.case_for_alert("a1")
        if found is not None:
            made.append(found)
        return bool(made)

    wait_for(case_made, tick=ladder.tick)
    alert = service.get("a1")
    assert alert.ladder is not None and alert.ladder.step is LadderStep.ESCALATED
    assert [p.ladder_attempt for p in alert.plays] == [1, 2]
    assert all(p.delivered == ("spk1",) for p in alert.plays)
    assert all(p.failures and p.failures[0][0] == "spk2" for p in alert.plays)  # nobody listens there
    wait_for(lambda: len(speaker.announcements()) == 2)
    sent = run.voice.library.clip("no_vending").pcm
    for heard in speaker.announcements():
        with wave.open(str(heard.path)) as wav:
            got = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(float)
        want = np.frombuffer(sent, "<i2").astype(float)
        n = min(len(got), len(want))
        corr = float(np.dot(got[:n], want[:n]) / (np.linalg.norm(got[:n]) * np.linalg.norm(want[:n])))
        assert corr > 0.98 and abs(len(got) - len(want)) <= 320  # within 40 ms
    (case,) = made
    assert case.state is CaseState.REPORTED and case.alert_ids == ("a1",)
    audio = [e.ref for e in case.evidence if e.ref.kind is EvidenceKind.AUDIO]
    assert len(audio) == 1 and run.alerts.evidence.read(audio[0])[:4] == b"RIFF"
    actions = [e.action for e in case_service.timeline(case.id)]
    assert actions.count("voice_prompt") == 2 and actions[-1] == "report"
    assert any(e.kind is SystemEventKind.SPEAKER_DOWN for e in run.events.recent())


def test_a_vendor_who_leaves_after_the_first_prompt_is_resolved_by_prompt(run: Run) -> None:
    service, case_service = run.alerts.service, run.cases.service
    service.detector_raised(detected("a2", at=time.time()))
    wait_for(lambda: bool(service.get("a2").plays))  # the first prompt was played
    service.detector_cleared("a2", time.time())  # the detector sees the stall gone
    alert = service.get("a2")
    assert alert.state is AlertState.CLEARED and alert.resolved_by_prompt
    assert alert.ladder is not None and alert.ladder.step is LadderStep.RESOLVED
    time.sleep(1.6)  # past the wait and the recheck: nothing more plays, no case
    run.voice.ladder.tick()
    assert len(service.get("a2").plays) == 1 and case_service.case_for_alert("a2") is None
    assert len(run.speaker.announcements()) <= 1
