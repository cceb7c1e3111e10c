"""The voice figures (喊话劝离) on a hand-computed set: the share resolved by prompt alone per zone
and per hour of the day in the site's zone (its midnight, not UTC's), the totals behind it; and a
case's timeline read back (the play of a voice-prompt event, the ladder of a ladder event)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.alerts import Alert, AlertBook, Rule, alert_to_record
from app.core.audit import GENESIS, AuditDraft, AuditEvent, seal
from app.core.case_figures import Period
from app.core.case_timeline import audio_of_event, ladder_of_event, merged, play_of_event
from app.core.voice import VoicePlay, VoicePriority
from app.core.voice_figures import VoiceFact, hour_of, voice_facts, voice_figures
from app.core.voice_ladder import Ladder, LadderStep

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0, zone: ZoneInfo = SH) -> float:
    return datetime(2024, 5, day, hour, minute, second, tzinfo=zone).timestamp()


MAY_2 = Period(at(2, 0), at(3, 0))


def fact(
    n: int, raised: float, *, camera: str = "cam1", zone: str = "z1", name: str = "北门",
    plays: int = 0, reached: int = 0, laddered: bool = False, resolved: bool = False,
    cased: bool = False, rule: Rule = Rule.VENDING,
) -> VoiceFact:  # fmt: skip
    return VoiceFact(f"a{n}", rule, camera, zone, name, raised, plays, reached, laddered, resolved, cased)


def hand_set() -> list[VoiceFact]:
    """May 2 in Shanghai. 北门 (cam1/z1): 4 vending alerts — a1 resolved after one heard prompt,
    a2 resolved after two prompts (one reached), a3 two prompts then a case, a4 no prompt (no
    speaker) and confirmed into a case. 菜场 (cam2/z1, the same zone id on another camera): a5
    resolved but an operator made a case of it all the same, a6 prompted, not heard, cleared by
    itself. Left out: a bin alert, and alerts raised at 23:59:59 on May 1 and 00:00 on May 3."""
    return [
        fact(1, at(2, 9, 5), plays=1, reached=1, laddered=True, resolved=True),
        fact(2, at(2, 9, 40), plays=2, reached=1, laddered=True, resolved=True),
        fact(3, at(2, 14, 0), plays=2, reached=2, laddered=True, cased=True),
        fact(4, at(2, 0, 0), cased=True),  # the site's midnight: hour 0 of May 2
        fact(
            5,
            at(2, 14, 30),
            camera="cam2",
            name="菜场",
            plays=1,
            reached=1,
            laddered=True,
            resolved=True,
            cased=True,
        ),
        fact(6, at(2, 23, 59, 59), camera="cam2", name="菜场", plays=1, laddered=True),
        fact(7, at(2, 10), plays=3, reached=3, resolved=True, rule=Rule.BIN_OVERFLOW),
        fact(8, at(1, 23, 59, 59), plays=1, reached=1, resolved=True),
        fact(9, at(3, 0, 0), plays=1, reached=1, resolved=True),
    ]


def test_the_totals_count_vending_alerts_raised_in_the_period() -> None:
    f = voice_figures(hand_set(), MAY_2, SH)
    a = f.all
    assert (a.alerts, a.prompted, a.plays, a.reached, a.laddered) == (6, 5, 7, 5, 5)
    assert a.resolved == 2  # a1, a2 (a5 became a case after all)
    assert a.escalated == 2  # a3 and a5: prompted, then a case (a4 had no prompt)
    assert a.share == pytest.approx(2 / 6)
    assert a.share_of_prompted == pytest.approx(2 / 5)
    assert a.reached_share == pytest.approx(5 / 7)


def test_per_zone_a_zone_id_is_the_cameras_own() -> None:
    f = voice_figures(hand_set(), MAY_2, SH)
    north, market = f.zones_ranked()
    assert (north.key, north.name, north.camera_id, north.zone_id) == ("cam1/z1", "北门", "cam1", "z1")
    assert (north.alerts, north.prompted, north.resolved, north.escalated) == (4, 3, 2, 1)
    assert north.share == pytest.approx(0.5) and north.share_of_prompted == pytest.approx(2 / 3)
    assert (market.key, market.name, market.alerts, market.resolved, market.escalated) == (
        "cam2/z1", "菜场", 2, 0, 1,
    )  # fmt: skip
    assert market.share == 0.0  # two alerts, none resolved by prompt alone: 0 %, not "nothing"


def test_per_hour_in_the_sites_zone_with_its_midnight_as_the_boundary() -> None:
    f = voice_figures(hand_set(), MAY_2, SH)
    assert len(f.by_hour) == 24 and [g.key for g in f.by_hour][:3] == ["00", "01", "02"]
    counts = {g.key: (g.alerts, g.resolved) for g in f.by_hour if g.alerts}
    assert counts == {"00": (1, 0), "09": (2, 2), "14": (2, 0), "23": (1, 0)}
    assert f.by_hour[9].share == 1.0 and f.by_hour[14].share == 0.0
    assert f.by_hour[12].share is None  # no alert at noon: nothing to judge, not 0 %
    # 16:00 UTC is Shanghai's midnight: hour 0 of the next day there, hour 16 in UTC
    midnight = datetime(2024, 5, 1, 16, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    assert hour_of(midnight, SH) == 0 and hour_of(midnight - 1, SH) == 23
    assert hour_of(midnight, ZoneInfo("UTC")) == 16


def test_hours_follow_a_daylight_saving_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # 2024-03-31: 02:00 jumps to 03:00
    before = datetime(2024, 3, 31, 1, 30, tzinfo=berlin).timestamp()
    f = voice_figures(
        [fact(1, before), fact(2, before + 3600, plays=1, reached=1, resolved=True)],
        Period(before - 3600, before + 7200), berlin,
    )  # fmt: skip
    assert {g.key: g.alerts for g in f.by_hour if g.alerts} == {"01": 1, "03": 1}


def test_no_vending_alert_gives_no_share() -> None:
    f = voice_figures([fact(1, at(2, 9), rule=Rule.BIN_OVERFLOW)], MAY_2, SH)
    assert f.all.alerts == 0 and f.all.share is None and f.all.share_of_prompted is None
    assert f.by_zone == {} and f.zones_ranked() == []


def test_facts_come_from_the_alerts_and_the_cases_made_of_them() -> None:
    play = VoicePlay("请勿占道经营", "system", at(2, 9), VoicePriority.AUTOMATIC, ("s1", "s2"), ("s1",))
    deaf = replace(play, delivered=())
    base = Alert("a1", "cam1", "1", "z1", Rule.VENDING, "0501", at(2, 9), 0.9, zone_name="北门")
    resolved = replace(base, plays=(play, deaf), resolved_by_prompt=True,
                       ladder=Ladder("a1", LadderStep.RESOLVED, 2, at(2, 9, 5)))  # fmt: skip
    plain = replace(base, id="a2")
    first, second = voice_facts([resolved, plain], {"a2"})
    assert (first.plays, first.reached, first.laddered, first.resolved_by_prompt, first.cased) == (
        2, 1, True, True, False,
    )  # fmt: skip
    assert (second.plays, second.laddered, second.cased, second.zone_name) == (0, False, True, "北门")


# --- the timeline read back ------------------------------------------------------------------------
def chain(drafts: list[AuditDraft]) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for draft in drafts:
        events.append(seal(draft, len(events) + 1, events[-1].hash if events else GENESIS))
    return events


def test_a_voice_prompt_event_gives_back_its_play_and_a_ladder_event_its_ladder() -> None:
    book = AlertBook()
    book.raise_alert(Alert("a1", "cam1", "1", "z1", Rule.VENDING, "0501", 100.0, 0.9))
    first = VoicePlay("请勿占道经营", "system", 110.0, VoicePriority.AUTOMATIC, ("s1",), ("s1",),
                      audio_sha256="ab" * 32, ladder_attempt=1)  # fmt: skip
    second = replace(first, at=190.0, delivered=(), failures=(("s1", "unreachable: refused"),),
                     audio_sha256="cd" * 32, ladder_attempt=2)  # fmt: skip
    one = book.record_play("a1", first).draft
    two = book.record_play("a1", second).draft
    waiting = book.set_ladder("a1", Ladder("a1", LadderStep.WAITING, 1, 111.0, 171.0, 1), "system", 111.0)
    standalone = AuditDraft(
        "camera:cam2", "voice_prompt", "张三", 300.0, data={"play": first.to_record(), "audio": "ef" * 32}
    )
    e1, e2, e3, e4 = chain([one, two, waiting.draft, standalone])
    assert play_of_event(e1) == first and play_of_event(e2) == second  # each its own, not the latest
    assert audio_of_event(e2) == "cd" * 32 and audio_of_event(e4) == "ab" * 32
    assert play_of_event(e3) is None and ladder_of_event(e1) is None
    ladder = ladder_of_event(e3)
    assert ladder is not None and ladder.step is LadderStep.WAITING and ladder.until == 171.0
    # a record this version cannot read is no play (the timeline shows the raw event instead)
    broken = seal(AuditDraft("alert:a1", "voice_prompt", "x", 1.0, data={"plays": [{"at": 1.0}]}), 9, GENESIS)
    assert play_of_event(broken) is None


def test_merged_puts_events_in_time_order_and_keeps_the_chain_order_of_one_moment() -> None:
    record = alert_to_record(Alert("a1", "cam1", "1", "z1", Rule.VENDING, "0501", 100.0, 0.9))
    drafts = [
        AuditDraft("alert:a1", "raise", "detector", 100.0, data=record),
        AuditDraft("case:C1", "report", "system", 300.0),
        AuditDraft("alert:a1", "voice_prompt", "system", 110.0),  # written when the play ended
        AuditDraft("alert:a1", "ladder_waiting", "system", 300.0),
    ]
    events = chain(drafts)
    assert [e.seq for e in merged(events + events[:1])] == [1, 3, 2, 4]
