"""The escalation ladder with a fake clock and scripted detection: resolved by prompt, escalated to
a case, stopped by the operator, speaker down (it says so and goes on to the recheck)."""

from __future__ import annotations

from datetime import time as clock_time

from app.core.alerts import Alert, AlertState, EvidenceKind, Rule
from app.core.system_events import SystemEvent, SystemEventKind
from app.core.voice import VoicePolicy, VoicePriority
from app.core.voice_ladder import LadderConfig, LadderStep
from app.services.voice import VoiceService
from app.services.voice_ladder import LadderDriver
from tests.alert_fakes import alert_service, detected
from tests.voice_fakes import FakePort, FakePrompts, MemoryEvidence, speakers

CONFIG = LadderConfig(enabled=True, prompts=2, wait_s=60.0, recheck_s=30.0)


class Rig:
    def __init__(self, config: LadderConfig = CONFIG, policy: VoicePolicy | None = None) -> None:
        self.alerts, self.writer, self.clock = alert_service()
        self.port, self.evidence = FakePort(), MemoryEvidence()
        self.events: list[SystemEvent] = []
        self.voice = VoiceService(
            self.port, speakers, FakePrompts(), self.alerts, self.clock, evidence=self.evidence,
            policy=lambda rule, zone: policy or VoicePolicy(), local_time=lambda t: clock_time(12, 0),
            events=self.events.append,
        )  # fmt: skip
        self.rechecks: list[str] = []
        self.checked: dict[str, float] = {}
        self.cases: list[Alert] = []
        self.driver = LadderDriver(
            self.alerts, self.voice, lambda rule, zone: config, self.clock,
            recheck=self.rechecks.append, last_checked=self.checked.get, create_case=self.cases.append,
        )  # fmt: skip

    def later(self, seconds: float) -> None:
        self.clock.t += seconds
        self.driver.tick()

    def alert(self, alert_id: str = "a1") -> Alert:
        return self.alerts.get(alert_id)

    def step(self, alert_id: str = "a1") -> LadderStep:
        ladder = self.alert(alert_id).ladder
        assert ladder is not None
        return ladder.step

    def checked_now(self, camera_id: str = "cam1") -> None:
        """The detection worker checked the camera (and still sees the stall: no clear)."""
        self.checked[camera_id] = self.clock.t + 0.5


def test_gone_after_the_first_prompt_counts_as_resolved_by_prompt() -> None:
    rig = Rig()
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    assert rig.port.calls == [(("spk-north", "spk-cam1"), "请勿占道经营", VoicePriority.AUTOMATIC)]
    assert rig.step() is LadderStep.WAITING  # the fake port delivered at once
    ladder = rig.alert().ladder
    assert ladder is not None and ladder.remaining_s(rig.clock.t) == 60.0  # the countdown shown
    rig.later(20)
    rig.alerts.detector_cleared("a1", rig.clock.t)  # the vendor left
    alert = rig.alert()
    assert alert.state is AlertState.CLEARED and alert.resolved_by_prompt
    assert rig.step() is LadderStep.RESOLVED
    assert rig.cases == [] and rig.rechecks == []
    # the play is on the alert, with the audio actually sent kept as evidence
    (play,) = alert.plays
    assert play.reached and play.by == "system" and play.ladder_attempt == 1
    audio = [e for e in alert.evidence if e.kind is EvidenceKind.AUDIO]
    assert len(audio) == 1 and audio[0].sha256 == play.audio_sha256
    assert rig.evidence.files[audio[0].sha256][:4] == b"RIFF"
    actions = [e.action for e in rig.writer.events]
    assert actions[:4] == ["raise", "ladder_prompting", "voice_prompt", "ladder_waiting"]
    assert actions[-2:] == ["clear", "ladder_resolved"]


def test_still_there_after_two_prompts_becomes_a_case_with_both_plays() -> None:
    rig = Rig()
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    rig.later(59)
    assert rig.step() is LadderStep.WAITING and rig.rechecks == []
    rig.later(1)
    assert rig.step() is LadderStep.RECHECKING and rig.rechecks == ["cam1"]  # the scheduler checks it first
    rig.later(2)
    assert rig.step() is LadderStep.RECHECKING  # no fresh check yet: it waits for one
    rig.checked_now()
    rig.later(1)
    assert rig.alert().ladder is not None and rig.alert().ladder.attempt == 2  # type: ignore[union-attr]
    assert rig.step() is LadderStep.WAITING and len(rig.port.calls) == 2
    rig.later(60)
    assert rig.step() is LadderStep.RECHECKING
    rig.later(31)  # no check came within recheck_s: the alert is still open, so it is still there
    assert rig.step() is LadderStep.ESCALATED
    (case_alert,) = rig.cases
    assert [p.ladder_attempt for p in case_alert.plays] == [1, 2]
    assert (
        sum(e.kind is EvidenceKind.AUDIO for e in case_alert.evidence) == 1
    )  # the same clip twice: one file
    assert not rig.alert().resolved_by_prompt
    rig.later(600)
    assert len(rig.port.calls) == 2 and len(rig.cases) == 1  # nothing more


def test_the_operator_stops_the_ladder_and_nothing_more_plays() -> None:
    rig = Rig()
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    rig.driver.stop("a1", "张三")
    ladder = rig.alert().ladder
    assert ladder is not None and ladder.step is LadderStep.STOPPED and ladder.by == "张三"
    rig.later(1000)
    assert len(rig.port.calls) == 1 and rig.cases == [] and rig.rechecks == []
    assert rig.writer.events[-1].actor == "张三"


def test_the_operator_skips_the_wait_to_recheck_now() -> None:
    rig = Rig()
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    rig.driver.skip("a1", "张三")
    assert rig.step() is LadderStep.RECHECKING and rig.rechecks == ["cam1"]
    rig.driver.skip("a1", "张三")  # skip the recheck too: the second prompt plays
    assert len(rig.port.calls) == 2


def test_a_speaker_that_is_down_is_said_and_the_ladder_goes_on_to_the_recheck() -> None:
    rig = Rig()
    rig.port.dead = {"spk-north", "spk-cam1"}
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    ladder = rig.alert().ladder
    assert ladder is not None and ladder.step is LadderStep.WAITING and ladder.delivered == 0
    assert "unreachable" in ladder.note
    assert set(rig.voice.down()) == {"spk-north", "spk-cam1"}
    downs = [e for e in rig.events if e.kind is SystemEventKind.SPEAKER_DOWN]
    assert {e.subject for e in downs} == {"北门音柱", "北门摄像机喇叭"}
    rig.later(60)
    assert rig.step() is LadderStep.RECHECKING
    # it cleared without any prompt heard: not "resolved by prompt"
    rig.alerts.detector_cleared("a1", rig.clock.t)
    assert rig.step() is LadderStep.ENDED and not rig.alert().resolved_by_prompt
    # the speaker comes back: its next play says so
    rig.port.dead = set()
    rig.voice.play("no_vending", camera_id="cam1", by="张三")
    assert [e.kind for e in rig.events].count(SystemEventKind.SPEAKER_UP) == 2
    assert rig.voice.down() == {}


def test_a_person_confirming_the_alert_ends_the_ladder() -> None:
    rig = Rig()
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    rig.alerts.confirm("a1", "李四")
    assert rig.step() is LadderStep.ENDED
    rig.later(1000)
    assert len(rig.port.calls) == 1 and rig.cases == []


def test_no_ladder_when_the_rule_has_none_and_auto_play_off_plays_nothing() -> None:
    rig = Rig(config=LadderConfig(enabled=False))
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    assert rig.alert().ladder is None and rig.port.calls == []


def test_quiet_hours_hold_the_automatic_prompt_and_the_ladder_goes_on() -> None:
    from app.core.voice import QuietHours

    quiet = VoicePolicy(quiet_hours=QuietHours(clock_time(11, 0), clock_time(13, 0)))
    rig = Rig(policy=quiet)
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    ladder = rig.alert().ladder
    assert rig.port.calls == [] and ladder is not None and ladder.step is LadderStep.WAITING
    assert "quiet_hours" in ladder.note


def test_a_play_without_an_alert_is_its_own_audit_event() -> None:
    rig = Rig()
    handle = rig.voice.play("litter", camera_id="cam2", by="张三", repeats=2)
    play = handle.result.result(timeout=1)
    assert play.repeats == 2 and play.delivered == ("spk-market",)
    event = rig.writer.events[-1]
    assert (event.subject, event.action, event.actor) == ("camera:cam2", "voice_prompt", "张三")
    assert event.data["audio"] == play.audio_sha256


def test_evidence_disk_full_keeps_the_play_record_without_audio() -> None:
    rig = Rig()
    rig.evidence.full = True
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    (play,) = rig.alert().plays
    assert play.reached and play.audio_sha256 is None
    assert any(e.kind is SystemEventKind.EVIDENCE_NOT_SAVED for e in rig.events)


def test_a_ladder_playing_when_the_app_stopped_goes_on_to_its_wait_after_a_restart() -> None:
    rig = Rig()
    rig.port.hold = True  # the prompt is still playing when the app stops
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    assert rig.step() is LadderStep.PROMPTING
    stored = rig.alert()
    restarted = Rig()
    restarted.alerts.load([stored])
    assert restarted.driver.resume() == 1
    ladder = restarted.alert().ladder
    assert ladder is not None and ladder.step is LadderStep.WAITING and "restarted" in ladder.note
    restarted.later(CONFIG.wait_s)
    assert restarted.step() is LadderStep.RECHECKING


def test_auto_play_plays_once_per_new_vending_alert_and_the_cooldown_holds_the_next() -> None:
    rig = Rig(config=LadderConfig(enabled=False), policy=VoicePolicy(auto_play=True, cooldown_s=120.0))
    rig.alerts.subscribe(lambda change: rig.voice.on_alert_change(change, laddered=rig.driver.laddered))
    rig.alerts.detector_raised(detected("a1", at=rig.clock.t))
    assert rig.port.calls == [(("spk-north", "spk-cam1"), "请勿占道经营", VoicePriority.AUTOMATIC)]
    rig.alerts.detector_cleared("a1", rig.clock.t + 10)
    rig.clock.t += 30
    rig.alerts.detector_raised(detected("a2", at=rig.clock.t))  # the vendor is back within the cooldown
    assert len(rig.port.calls) == 1 and rig.alert("a2").plays == ()
    rig.clock.t += 120
    rig.alerts.detector_raised(detected("a3", at=rig.clock.t, zone_id="z9"))  # another zone, later
    assert len(rig.port.calls) == 2
    rig.alerts.detector_raised(
        detected("b1", at=rig.clock.t, rule=Rule.BIN_OVERFLOW, code="0102", zone_id="b")
    )
    assert len(rig.port.calls) == 2  # auto-play is for street vending only
