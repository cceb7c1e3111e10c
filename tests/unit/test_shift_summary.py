"""The shift hand-over summary: what counts in the shift, and its CSV and HTML with bilingual headings."""

from __future__ import annotations

import csv
import dataclasses
import io
from zoneinfo import ZoneInfo

from app.core.alerts import Alert, AlertState, DismissReason, Rule
from app.services.shift_summary import OPEN_HEADINGS, summarize, to_csv, to_html

START, END = 1_760_000_000.0, 1_760_028_800.0  # 16:53:20 → 00:53:20 (+08:00)
TZ = ZoneInfo("Asia/Shanghai")


def alert(alert_id: str, raised: float, **changes: object) -> Alert:
    base = Alert(
        id=alert_id, camera_id="cam001", preset="1", zone_id="z", rule=Rule.VENDING, event_code="0501",
        raised_at=raised, score=0.8, zone_name="北门禁摆区", grid_code="330102001001001", updated_at=raised,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def shift() -> list[Alert]:
    taken = {"acknowledged_by": "张三", "acknowledged_at": START + 200}
    return [
        alert("before-open", START - 3600),  # raised in the last shift, still open and never seen
        alert(
            "before-closed",
            START - 3600,
            state=AlertState.DISMISSED,
            dismissed_at=START - 10,
            dismiss_reason=DismissReason.GONE,
            **taken,
        ),
        alert("c1", START + 100, state=AlertState.CONFIRMED, confirmed_at=START + 300, **taken),
        alert(
            "d1",
            START + 100,
            state=AlertState.DISMISSED,
            dismissed_at=START + 300,
            dismiss_reason=DismissReason.FIXED_OBJECT,
            **taken,
        ),
        alert(
            "d2",
            START + 200,
            state=AlertState.DISMISSED,
            dismissed_at=START + 400,
            dismiss_reason=DismissReason.FIXED_OBJECT,
            **taken,
        ),
        alert(
            "d3",
            START + 200,
            rule=Rule.BIN_OVERFLOW,
            event_code="0102",
            state=AlertState.DISMISSED,
            dismissed_at=START + 400,
            dismiss_reason=DismissReason.OTHER,
            note="环卫车",
            **taken,
        ),
        alert("cl", START + 500, state=AlertState.CLEARED, cleared_at=START + 560),  # nobody saw it
        alert("open", START + 900, state=AlertState.ACKNOWLEDGED, owner="李四", **taken),
        alert("late", END + 10),  # after the summary's end: not counted
    ]


def test_what_happened_in_the_shift_and_what_the_next_one_takes_over() -> None:
    summary = summarize(shift(), START, END)
    assert (summary.raised, summary.confirmed, summary.dismissed, summary.cleared) == (6, 1, 3, 1)
    assert summary.dismissed_by_reason == {DismissReason.FIXED_OBJECT: 2, DismissReason.OTHER: 1}
    assert summary.raised_by_rule == {Rule.VENDING: 5, Rule.BIN_OVERFLOW: 1}
    assert [a.id for a in summary.open_alerts] == ["before-open", "open"]
    assert (summary.still_open, summary.not_taken) == (2, 2)  # before-open and the clear nobody saw


def test_the_newer_copy_of_an_alert_counts_once() -> None:
    old = alert("a", START + 10)
    new = dataclasses.replace(old, state=AlertState.CONFIRMED, confirmed_at=START + 20, updated_at=START + 20)
    summary = summarize([new, old], START, END)
    assert (summary.raised, summary.confirmed, summary.still_open) == (1, 1, 0)


def test_csv_opens_in_excel_with_chinese_first_headings() -> None:
    text = to_csv(summarize(shift(), START, END), lambda c: "菜市场北门", TZ, "城东中心")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["交接班小结 / Shift hand-over", "城东中心"]
    assert rows[1] == ["起始 / From", "2025-10-09 16:53:20 UTC+08:00"]
    figures = dict(r for r in rows if len(r) == 2)
    assert figures["误报已排除 / Dismissed as false"] == "3" and figures["固定设施 / Fixed object"] == "2"
    assert figures["仍待签收 / Still not taken"] == "2"
    header = rows.index(list(OPEN_HEADINGS))
    assert rows[header + 2][-1] == "李四" and rows[header + 1][4].endswith("待签收 / not taken")


def test_html_is_a_printable_page_that_escapes_what_people_typed() -> None:
    alerts = [*shift(), alert("x", START + 5, zone_name="<b>门口</b>")]
    page = to_html(summarize(alerts, START, END), lambda c: "菜市场北门", TZ, "城东 & 西")
    assert (
        page.startswith("<!DOCTYPE html>") and "<h1>交接班小结 / Shift hand-over — 城东 &amp; 西</h1>" in page
    )
    assert "&lt;b&gt;门口&lt;/b&gt;" in page and "<b>门口</b>" not in page
    assert "@media print" in page


def test_the_shift_counts_voice_prompts_and_alerts_gone_after_one() -> None:
    from app.core.voice import VoicePlay, VoicePriority

    heard = VoicePlay("请勿占道经营", "system", START + 10, VoicePriority.AUTOMATIC, ("s1",), ("s1",))
    unheard = VoicePlay("请勿占道经营", "张三", START + 20, VoicePriority.OPERATOR, ("s2",))
    gone = alert(
        "v1", START, state=AlertState.CLEARED, cleared_at=START + 60, plays=(heard,), resolved_by_prompt=True
    )
    summary = summarize([gone, alert("v2", START, plays=(unheard,))], START, END)
    assert (summary.cleared, summary.resolved_by_prompt) == (1, 1)
    assert (summary.prompts, summary.prompts_reached) == (2, 1)
    rows = list(csv.reader(io.StringIO(to_csv(summary, str, TZ, "站点"))))
    assert ["其中喊话后已离开 / Of these, gone after a voice prompt", "1"] in rows
