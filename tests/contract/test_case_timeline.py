"""A case's timeline is its whole story, on SQLite and on PostgreSQL: the events of the case and of
the alerts it holds (the raise, each voice prompt, the ladder's steps), merged in time order; and
the voice figures learn which alerts of a period became cases.

The escalation ladder runs for real here (alert service, voice service with a speaker port that
answers at once, ladder driver, case service) over the real store: the case it files carries both
prompts, and their audio, in its timeline and evidence (issue 19's "done when", below the UI)."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import time as clock_time

from app.adapters.storage.cases import SqlCaseRepository
from app.adapters.storage.repository import SqlAlertRepository
from app.core.alerts import Alert, AlertBook, EvidenceKind
from app.core.audit import AuditDraft, AuditEvent
from app.core.case_timeline import audio_of_event, ladder_of_event, play_of_event
from app.core.cases import Case
from app.core.voice import VoicePlay, VoicePolicy, VoicePriority
from app.core.voice_ladder import LadderConfig, LadderStep
from app.services.alerts import AlertService
from app.services.cases import CaseService
from app.services.voice import VoiceService
from app.services.voice_ladder import LadderDriver
from tests.alert_fakes import FakeClock, detected
from tests.alert_samples import sample_alert
from tests.case_samples import T0, reported, sample_case
from tests.case_store_fakes import ClockCalendar, FakeCatalogue, FakeRouting
from tests.contract.conftest import Store
from tests.voice_fakes import FakePort, FakePrompts, MemoryEvidence, speakers


class StoreWriter:
    """The alert service's writer, writing at once to the real store (the threaded writer's
    batching is not what this test is about)."""

    def __init__(self, repo: SqlAlertRepository) -> None:
        self.repo = repo

    def submit(self, alert: Alert | None, draft: AuditDraft) -> Future[AuditEvent]:
        future: Future[AuditEvent] = Future()
        try:
            future.set_result(self.repo.append_many([(alert, draft)])[0])
        except Exception as exc:
            future.set_exception(exc)
        return future

    def close(self) -> None:
        pass


def test_the_timeline_merges_the_case_and_its_alerts_in_time_order(store: Store) -> None:
    alerts, cases, book = store.open(), store.open_cases(), AlertBook()
    # al-00001 becomes the case; al-00002 is another alert (never in it); al-000010 shares a prefix
    for n, at in ((1, T0 + 10), (2, T0 + 11), (10, T0 + 12)):
        change = book.raise_alert(sample_alert(n, raised_at=at))
        alerts.append(change.after, change.draft)
    play = VoicePlay("请勿占道经营", "张三", T0 + 20, VoicePriority.OPERATOR, ("spk-1",), ("spk-1",))
    played = book.record_play("al-00001", play)
    alerts.append(played.after, played.draft)
    other = book.record_play("al-00002", play)
    alerts.append(other.after, other.draft)
    made = reported(sample_case(1, alerts=("al-00001",)), T0 + 30)
    cases.append(made.after, made.draft, expected_version=None)
    case = made.after
    confirmed = book.confirm("al-00001", "王芳", T0 + 25)  # written after the case, happened before
    alerts.append(confirmed.after, confirmed.draft)

    timeline = cases.timeline(case.id)
    assert [(e.subject, e.action) for e in timeline] == [
        ("alert:al-00001", "raise"),
        ("alert:al-00001", "voice_prompt"),
        ("alert:al-00001", "confirm"),
        ("case:CW-000001", "report"),
    ]
    assert [e.action for e in cases.events(case.id)] == ["report"]  # the case's own, as before
    prompt = play_of_event(timeline[1])
    assert prompt is not None and prompt.by == "张三" and prompt.delivered == ("spk-1",)
    assert cases.timeline("nobody") == []


def test_which_alerts_of_a_period_became_cases(store: Store) -> None:
    alerts, cases, book = store.open(), store.open_cases(), AlertBook()
    for n, at in ((1, T0), (2, T0 + 100), (3, T0 + 200), (4, T0 + 300)):
        change = book.raise_alert(sample_alert(n, raised_at=at))
        alerts.append(change.after, change.draft)
    for n, held in ((1, ("al-00001", "al-00003")), (2, ("al-00004",))):
        made = reported(sample_case(n, alerts=held), T0 + 400)
        cases.append(made.after, made.draft, expected_version=None)
    assert cases.cased_alerts(T0, T0 + 300) == {"al-00001", "al-00003"}  # al-00004: raised at the end
    assert cases.cased_alerts(T0 + 1, T0 + 301) == {"al-00003", "al-00004"}
    assert cases.cased_alerts(T0 + 500, T0 + 600) == set()


def test_a_laddered_case_has_both_prompts_and_their_audio_in_its_timeline(store: Store) -> None:
    repo = store.open()
    clock = FakeClock(T0)
    alert_service = AlertService(StoreWriter(repo), clock)
    evidence = MemoryEvidence()
    voice = VoiceService(
        FakePort(), speakers, FakePrompts(), alert_service, clock, evidence=evidence,
        policy=lambda rule, zone: VoicePolicy(), local_time=lambda t: clock_time(12, 0),
    )  # fmt: skip
    case_service = CaseService(
        SqlCaseRepository.beside(repo), clock, catalogue=FakeCatalogue, routing=FakeRouting,
        calendar=ClockCalendar,
    )  # fmt: skip
    made: list[Future[Case | None]] = []
    config = LadderConfig(enabled=True, prompts=2, wait_s=60.0, recheck_s=30.0)
    driver = LadderDriver(
        alert_service, voice, lambda rule, zone: config, clock,
        create_case=lambda alert: made.append(case_service.case_from_alert(alert)),
    )  # fmt: skip
    try:
        alert_service.detector_raised(detected("a1", at=clock.t))  # the first prompt plays at once
        for seconds in (60, 31, 60, 31):  # wait, recheck (still there), wait, recheck: the case
            clock.t += seconds
            driver.tick()
        (future,) = made
        case = future.result(timeout=10)
        assert case is not None and case.alert_ids == ("a1",)
        timeline = case_service.timeline(case.id)
    finally:
        driver.close()
        case_service.close()

    assert [e.action for e in timeline] == [
        "raise", "ladder_prompting", "voice_prompt", "ladder_waiting", "ladder_rechecking",
        "ladder_prompting", "voice_prompt", "ladder_waiting", "ladder_rechecking", "ladder_escalated",
        "report",
    ]  # fmt: skip
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    plays = [p for p in map(play_of_event, timeline) if p is not None]
    assert [(p.ladder_attempt, p.by, p.delivered) for p in plays] == [
        (1, "system", ("spk-north", "spk-cam1")),
        (2, "system", ("spk-north", "spk-cam1")),
    ]
    ladders = [ladder_of_event(e) for e in timeline if e.action.startswith("ladder_")]
    assert [lad.step for lad in ladders if lad is not None][-1] is LadderStep.ESCALATED
    audio = [e.ref for e in case.evidence if e.ref.kind is EvidenceKind.AUDIO]
    assert len(audio) == 1 and audio[0].media_type == "audio/wav"  # the same clip twice: one file
    assert {audio_of_event(e) for e in timeline if e.action == "voice_prompt"} == {audio[0].sha256}
    assert evidence.files[audio[0].sha256][:4] == b"RIFF"
