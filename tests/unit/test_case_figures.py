"""The figures (考核评价) on a data set whose answers were worked out by hand (in the comments below),
not by the code under test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.core.alerts import AlertState, DismissReason, Rule
from app.core.case_figures import (
    Period,
    Targets,
    alert_figures,
    figures,
    judged_cases,
    on_time,
    reckoned_at,
)
from app.core.cases import CaseFacts, CaseSource, CaseState
from tests.alert_samples import sample_alert

SH = ZoneInfo("Asia/Shanghai")
MAY = Period.month(2024, 5, SH)
H = 3600.0


def t(month: int, day: int, hour: float = 9.0) -> float:
    """Site time (Asia/Shanghai) in 2024."""
    whole = int(hour)
    return datetime(2024, month, day, whole, int((hour - whole) * 60), tzinfo=SH).timestamp()


NOW = t(6, 10)  # the figures of May, computed on 10 June
V, OP, IMP = CaseSource.VIDEO, CaseSource.OPERATOR, CaseSource.IMPORTED
S = CaseState


def case(
    n: int, source: CaseSource, category: str, grid: str | None, dept: str | None, state: CaseState,
    dispatched: float | None, due: float | None, handled: float | None = None,
    closed: float | None = None, rework: int = 0, deferred: bool = False, urgent: bool = False,
    created: float | None = None,
) -> CaseFacts:  # fmt: skip
    made = created if created is not None else (dispatched - H if dispatched is not None else t(5, 15))
    return CaseFacts(
        f"c{n:02d}", source, category, grid, dept, state, made, dispatched, due, handled, closed,
        rework, deferred, urgent,
    )  # fmt: skip


# fmt: off
# n  source cat  grid dept state  dispatched  due  handled  closed  rework
CASES = [
    # closed before its deadline: counted in May at its closure; on time
    case(1, V, "0501", "G1", "DA", S.CLOSED, t(5, 2), t(5, 2, 13), t(5, 2, 11), t(5, 2, 12)),
    # feedback after the deadline: closed, late
    case(2, V, "0501", "G1", "DA", S.CLOSED, t(5, 3), t(5, 3, 13), t(5, 3, 15), t(5, 3, 16)),
    # feedback in time, the centre closed after the deadline: on time (the deadline is the department's)
    case(3, V, "0504", "G2", "DA", S.CLOSED, t(5, 5), t(5, 6), t(5, 5, 12), t(5, 6, 10)),
    # returned once, final feedback in time: on time, reworked
    case(4, OP, "0102", "G2", "DB", S.CLOSED, t(5, 7), t(5, 8, 17), t(5, 8, 16), t(5, 8, 18), rework=1),
    # returned once, final feedback late: late, reworked
    case(5, V, "0102", "G1", "DB", S.CLOSED, t(5, 10), t(5, 10, 17), t(5, 11, 10), t(5, 11, 11), rework=1),
    # still with the department, overdue: due, not closed, no feedback
    case(6, V, "0501", "G1", "DB", S.IN_PROGRESS, t(5, 20), t(5, 21, 12)),
    # feedback given, waiting for the check: due, not closed
    case(7, IMP, "0507", "G3", "DC", S.HANDLED, t(5, 25), t(5, 26), t(5, 25, 15)),
    # deferred at some point: left out (counted as deferred only)
    case(8, V, "0501", "G2", "DA", S.CLOSED, t(5, 12), t(5, 14), t(5, 13), t(5, 13, 12), deferred=True),
    # deadline after now: not judged yet (created in May)
    case(9, V, "0501", "G1", "DA", S.DISPATCHED, t(5, 30), t(6, 15)),
    # closed early in April: judged in April (created in April)
    case(10, V, "0501", "G1", "DA", S.CLOSED, t(4, 28), t(5, 1, 10), t(4, 30), t(4, 30, 12)),
    # due in June, closed early on 31 May: judged in May, on time
    case(11, V, "0504", "G2", "DC", S.CLOSED, t(5, 29), t(6, 2), t(5, 30), t(5, 31)),
    # due 31 May, feedback 1 June, closed 2 June: judged in May, closed (late)
    case(12, OP, "0102", "G3", "DC", S.CLOSED, t(5, 28), t(5, 31, 20), t(6, 1), t(6, 2)),
    # filed, never dispatched; cancelled: not judged (created in May)
    case(13, V, "0501", "G1", None, S.FILED, None, None),
    case(14, V, "0501", "G1", None, S.CANCELLED, None, None, created=t(5, 16)),
    # urgent: one in time, one late
    case(15, V, "0102", "G3", "DB", S.CLOSED, t(5, 18, 10), t(5, 18, 14), t(5, 18, 13), t(5, 18, 13.5),
         urgent=True),
    case(16, V, "0501", "G1", "DB", S.CLOSED, t(5, 19, 10), t(5, 19, 14), t(5, 19, 15), t(5, 19, 16),
         urgent=True),
    # all in June: not in May
    case(17, V, "0501", "G1", "DA", S.CLOSED, t(6, 1), t(6, 1, 13), t(6, 1, 11), t(6, 1, 12)),
]
# fmt: on
# Due in May (deferred c08 left out): c01 c02 c03 c04 c05 c06 c07 c11 c12 c15 c16 = 11
# Closed: all but c06, c07 = 9.  On time: c01 c03 c04 c11 c15 = 5.
# Gave feedback: all but c06 = 10.  Returned at least once: c04 c05 = 2.
# Created in May: all but c10 (April) and c17 (June) = 15.
# Dispatch → final feedback, hours: 2 6 3 31 25 6 24 96 3 5 = 201 over 10 → 20.1 h
# Dispatch → closure, hours: 3 7 25 33 26 48 120 3.5 6 = 271.5 over 9 → 30.1666… h


def test_the_month_figures_match_the_hand_count():
    f = figures(CASES, MAY, NOW)
    a = f.all
    assert (a.created, a.due, a.closed, a.closed_on_time, a.deferred) == (15, 11, 9, 5, 1)
    assert a.closure_rate == pytest.approx(9 / 11)  # 81.8 %
    assert a.on_time_rate == pytest.approx(5 / 11)  # 45.5 %
    assert (a.handled, a.reworked) == (10, 2)
    assert a.rework_rate == pytest.approx(0.2)
    assert a.open_due == 2
    assert a.mean_to_feedback == pytest.approx(20.1 * H)
    assert a.mean_to_close == pytest.approx(271.5 / 9 * H)
    assert a.meets(Targets()) is False  # on time 45 % < 70 %


def test_per_department_and_their_ranking():
    # DA: c01 (on time) c02 (late) c03 (on time); c08 deferred          → 3 due, 3 closed, 2 on time
    # DB: c04 (on time, rework) c05 (late, rework) c06 (open) c15 c16  → 5 due, 4 closed, 2 on time
    # DC: c07 (open) c11 (on time) c12 (late)                          → 3 due, 2 closed, 1 on time
    f = figures(CASES, MAY, NOW)
    da, db, dc = f.by_department["DA"], f.by_department["DB"], f.by_department["DC"]
    assert (da.due, da.closed, da.closed_on_time, da.deferred) == (3, 3, 2, 1)
    assert (db.due, db.closed, db.closed_on_time, db.reworked, db.handled) == (5, 4, 2, 2, 4)
    assert (dc.due, dc.closed, dc.closed_on_time) == (3, 2, 1)
    assert da.closure_rate == 1.0
    assert db.rework_rate == pytest.approx(0.5)
    # On-time rates: DA 2/3 = 67 %, DB 2/5 = 40 %, DC 1/3 = 33 %; the unassigned group (c13, c14:
    # created, never due) comes last.
    assert [g.key for g in f.departments_ranked()] == ["DA", "DB", "DC", None]
    assert f.by_department[None].created == 2
    assert f.by_department[None].closure_rate is None


def test_per_category_grid_and_source():
    # 0501: c01 c02 c06 c16 → 4 due, 3 closed, 1 on time;  0504: c03 c11 → 2, 2, 2
    # 0102: c04 c05 c12 c15 → 4, 4, 2;  0507: c07 → 1, 0, 0
    f = figures(CASES, MAY, NOW)
    got = {k: (g.due, g.closed, g.closed_on_time) for k, g in f.by_category.items()}
    assert got == {"0501": (4, 3, 1), "0504": (2, 2, 2), "0102": (4, 4, 2), "0507": (1, 0, 0)}
    # G1: c01 c02 c05 c06 c16 → 5, 4, 1;  G2: c03 c04 c11 → 3, 3, 3;  G3: c07 c12 c15 → 3, 2, 1
    got = {k: (g.due, g.closed, g.closed_on_time) for k, g in f.by_grid.items()}
    assert got == {"G1": (5, 4, 1), "G2": (3, 3, 3), "G3": (3, 2, 1)}
    # video: c01 c02 c03 c05 c06 c11 c15 c16 → 8 due, 7 closed, 4 on time (c01 c03 c11 c15)
    # operator: c04 c12 → 2, 2, 1;  imported: c07 → 1, 0, 0. Created in May by hand: video 12
    # (c01-03 c05 c06 c08 c09 c11 c13-16), operator 2, imported 1.
    by_source = {k: (g.due, g.closed, g.closed_on_time, g.created) for k, g in f.by_source.items()}
    assert by_source == {"video": (8, 7, 4, 12), "operator": (2, 2, 1, 2), "imported": (1, 0, 0, 1)}


def test_urgent_cases_apart_and_held_to_100_percent():
    f = figures(CASES, MAY, NOW)
    assert (f.urgent.due, f.urgent.closed, f.urgent.closed_on_time) == (2, 2, 1)  # c15 in time, c16 late
    assert f.urgent_met() is False
    only_c15 = figures([CASES[14]], MAY, NOW)
    assert only_c15.urgent_met() is True
    assert figures(CASES[:3], MAY, NOW).urgent_met() is None  # no urgent case due


def test_no_due_case_gives_no_rate_rather_than_zero():
    empty = figures([], MAY, NOW)
    assert empty.all.closure_rate is None and empty.all.on_time_rate is None
    assert empty.all.rework_rate is None and empty.all.mean_to_close is None
    assert empty.all.meets(Targets()) is None
    # Only deferred, undispatched and not-yet-due cases: still nothing judged.
    f = figures([CASES[7], CASES[8], CASES[12]], MAY, NOW)
    assert (f.all.due, f.all.deferred, f.all.created) == (0, 1, 3)
    assert f.all.closure_rate is None


def test_deferred_cases_are_left_out_of_every_rate():
    # c08 alone would be a closed, on-time case: deferred, it counts nowhere but in "deferred".
    undeferred = replace(CASES[7], was_deferred=False)
    assert figures([undeferred], MAY, NOW).all.closure_rate == 1.0
    f = figures([CASES[7]], MAY, NOW)
    assert f.all.due == 0 and f.by_department["DA"].due == 0 and f.by_department["DA"].deferred == 1


def test_as_known_at_now_a_late_closure_counts_once_it_happens():
    # On 1 June 12:00 c12 (due 31 May 20:00) is judged but not closed yet; on 10 June it is.
    c12 = CASES[11]
    assert figures([c12], MAY, t(6, 1, 12)).all.closed == 0
    assert figures([c12], MAY, t(6, 1, 12)).all.due == 1
    assert figures([c12], MAY, NOW).all.closed == 1
    assert not on_time(c12, NOW)
    # On 20 May, c06 (due 21 May) is not judged yet: its deadline is ahead.
    assert reckoned_at(CASES[5], t(5, 20, 12)) is None
    assert figures([CASES[5]], MAY, t(5, 20, 12)).all.due == 0


def test_each_case_is_judged_in_exactly_one_of_consecutive_periods():
    april, june = Period.month(2024, 4, SH), Period.month(2024, 6, SH)
    counts = [figures(CASES, p, NOW).all for p in (april, MAY, june)]
    # c10 in April; 11 in May (+ c08 deferred); c17 in June; c09 not yet (due 15 June), c13 c14 never.
    assert [c.due for c in counts] == [1, 11, 1]
    assert sum(c.deferred for c in counts) == 1
    # A deadline exactly at midnight 1 June belongs to June ([start, end)).
    edge = replace(CASES[5], due_at=t(6, 1, 0))
    assert figures([edge], MAY, NOW).all.due == 0
    assert figures([edge], june, NOW).all.due == 1


def test_judged_cases_lists_the_counted_and_the_deferred_by_deadline():
    ids = [c.id for c in judged_cases(CASES, MAY, NOW)]
    assert ids == ["c01", "c02", "c03", "c04", "c05", "c08", "c15", "c16", "c06", "c07", "c12", "c11"]


def test_periods_in_the_site_time_zone():
    day = Period.day(date(2024, 5, 6), SH)
    assert day.start == datetime(2024, 5, 5, 16, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    assert day.end - day.start == 24 * H
    # A daylight-saving day has 23 hours.
    berlin = ZoneInfo("Europe/Berlin")
    assert Period.day(date(2024, 3, 31), berlin).end - Period.day(date(2024, 3, 31), berlin).start == 23 * H
    night = Period.shift(date(2024, 5, 6), time(20, 0), 12, SH)
    assert night.start == t(5, 6, 20) and night.end == t(5, 7, 8)
    assert (
        MAY.end == t(6, 1, 0)
        and Period.month(2024, 12, SH).end == datetime(2025, 1, 1, tzinfo=SH).timestamp()
    )
    assert Period.day_of(t(5, 6, 23.5), SH) == day and Period.month_of(t(5, 31, 23.5), SH) == MAY
    with pytest.raises(ValueError, match="ends after it starts"):
        Period(10.0, 10.0)


def test_alert_figures_false_alarm_share_per_rule_and_camera():
    def alert(n: int, rule: Rule, camera: str, state: AlertState, reason: DismissReason | None = None):
        return replace(
            sample_alert(n, camera=camera, rule=rule, raised_at=t(5, 10) + n),
            state=state, dismiss_reason=reason,
        )  # fmt: skip

    st, d = AlertState, DismissReason
    alerts = [
        # vending on cam1: 2 confirmed, 误检, 店内经营 (false), 合规经营 (permitted), 已离开 (unjudged)
        alert(1, Rule.VENDING, "cam1", st.CONFIRMED),
        alert(2, Rule.VENDING, "cam1", st.CONFIRMED),
        alert(3, Rule.VENDING, "cam1", st.DISMISSED, d.FALSE_DETECTION),
        alert(4, Rule.VENDING, "cam1", st.DISMISSED, d.INSIDE_SHOP),
        alert(5, Rule.VENDING, "cam1", st.DISMISSED, d.PERMITTED),
        alert(6, Rule.VENDING, "cam1", st.DISMISSED, d.GONE),
        # bins on cam2: 固定设施 (false), 1 confirmed, 1 still open
        alert(7, Rule.BIN_OVERFLOW, "cam2", st.DISMISSED, d.FIXED_OBJECT),
        alert(8, Rule.BIN_OVERFLOW, "cam2", st.CONFIRMED),
        alert(9, Rule.BIN_OVERFLOW, "cam2", st.RAISED),
        # vending on cam2: 其他 (unjudged)
        alert(10, Rule.VENDING, "cam2", st.DISMISSED, d.OTHER),
    ]
    outside = replace(alerts[0], id="al-out", raised_at=t(6, 2))  # June: not counted
    f = alert_figures([*alerts, outside], MAY)
    # vending: raised 7 (1-6, 10); judged = 2 confirmed + 2 false + 1 permitted = 5; unjudged 2 (gone, other)
    v = f.by_rule[Rule.VENDING]
    assert (v.raised, v.confirmed, v.false_alarms, v.permitted, v.unjudged) == (7, 2, 2, 1, 2)
    assert v.false_alarm_share == pytest.approx(2 / 5)
    assert v.confirmed_share == pytest.approx(2 / 5)
    assert v.permitted_share == pytest.approx(1 / 5)
    assert v.reasons == {d.FALSE_DETECTION: 1, d.INSIDE_SHOP: 1, d.PERMITTED: 1, d.GONE: 1, d.OTHER: 1}
    # bins: raised 3; judged 2 (1 false, 1 confirmed) → false share 1/2; the open one is unjudged
    b = f.by_rule[Rule.BIN_OVERFLOW]
    assert (b.raised, b.judged, b.unjudged) == (3, 2, 1)
    assert b.false_alarm_share == pytest.approx(0.5)
    # cameras: cam1 judged 5 (2 false) → 40 %; cam2 judged 2 (1 false) → 50 %, noisiest first
    assert f.by_camera["cam1"].false_alarm_share == pytest.approx(0.4)
    assert f.by_camera["cam2"].false_alarm_share == pytest.approx(0.5)
    assert [g.key for g in f.cameras_by_false_alarms()] == ["cam2", "cam1"]
    assert f.all.raised == 10
    assert alert_figures([], MAY).all.false_alarm_share is None
