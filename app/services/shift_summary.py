"""The shift hand-over: what happened from the start of a shift until now, for the next shift.

Raised, confirmed, dismissed (by reason), cleared by themselves, still open and still not taken,
per rule; with the list of what is still open. Written as CSV (opens in Excel: UTF-8 with BOM)
and as a printable HTML page, both with bilingual headings, Chinese first (the page goes to people
who read Chinese; the English helps the vendor's support). No Qt, no I/O: the UI writes the text.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from app.core.alerts import Alert, AlertState, DismissReason, Rule

# Bilingual labels, Chinese first: the export is read by both languages at once.
RULES = {Rule.VENDING: "占道经营 / Street vending", Rule.BIN_OVERFLOW: "垃圾满溢 / Bin overflowing"}
REASONS = {
    DismissReason.FALSE_DETECTION: "误检 / False detection",
    DismissReason.FIXED_OBJECT: "固定设施 / Fixed object",
    DismissReason.INSIDE_SHOP: "店内经营 / Inside the shop",
    DismissReason.PERMITTED: "合规经营 / Permitted",
    DismissReason.GONE: "已离开 / Gone",
    DismissReason.OTHER: "其他 / Other",
}
STATES = {
    AlertState.RAISED: "新告警 / New",
    AlertState.ACKNOWLEDGED: "已签收 / Taken",
    AlertState.ESCALATED: "已上报值班长 / Sent to the shift leader",
    AlertState.CONFIRMED: "已确认违规 / Confirmed violation",
    AlertState.DISMISSED: "误报已排除 / Dismissed as false",
    AlertState.CLEARED: "目标已离开（自动解除） / Target gone (cleared by itself)",
}
FIGURES = (
    ("raised", "新告警 / Raised"),
    ("confirmed", "确认违规 / Confirmed"),
    ("dismissed", "误报已排除 / Dismissed as false"),
    ("cleared", "目标已离开（自动解除） / Cleared by itself"),
    ("resolved_by_prompt", "其中喊话后已离开 / Of these, gone after a voice prompt"),
    ("prompts", "喊话次数 / Voice prompts played"),
    ("prompts_reached", "喊话送达次数 / Voice prompts that reached a loudspeaker"),
    ("still_open", "仍未处理 / Still open"),
    ("not_taken", "仍待签收 / Still not taken"),
)


@dataclass(frozen=True)
class ShiftSummary:
    start: float
    end: float
    raised: int = 0
    confirmed: int = 0
    dismissed: int = 0
    cleared: int = 0
    still_open: int = 0
    not_taken: int = 0
    resolved_by_prompt: int = 0  # cleared in the shift after a prompt was heard (no case needed)
    prompts: int = 0  # voice prompts played in the shift, for any alert
    prompts_reached: int = 0  # … of which reached at least one loudspeaker
    dismissed_by_reason: dict[DismissReason, int] = field(default_factory=dict)
    raised_by_rule: dict[Rule, int] = field(default_factory=dict)
    open_alerts: tuple[Alert, ...] = ()  # what the next shift takes over, oldest first

    def figure(self, name: str) -> int:
        value = getattr(self, name)
        assert isinstance(value, int)
        return value


def summarize(alerts: Iterable[Alert], start: float, end: float) -> ShiftSummary:
    """Counts by when each thing happened within [start, end]; "still open" as the alerts are now."""
    seen: dict[str, Alert] = {}
    for alert in alerts:  # the same alert from the store and from this session: the later wins
        kept = seen.get(alert.id)
        if kept is None or (alert.updated_at or 0) >= (kept.updated_at or 0):
            seen[alert.id] = alert

    def within(t: float | None) -> bool:
        return t is not None and start <= t <= end

    raised = [a for a in seen.values() if within(a.raised_at)]
    dismissed = [a for a in seen.values() if a.state is AlertState.DISMISSED and within(a.dismissed_at)]
    cleared = [a for a in seen.values() if a.state is AlertState.CLEARED and within(a.cleared_at)]
    plays = [p for a in seen.values() for p in a.plays if within(p.at)]
    still = sorted((a for a in seen.values() if a.is_open and a.raised_at <= end), key=lambda a: a.raised_at)
    return ShiftSummary(
        start=start,
        end=end,
        raised=len(raised),
        confirmed=sum(a.state is AlertState.CONFIRMED and within(a.confirmed_at) for a in seen.values()),
        dismissed=len(dismissed),
        cleared=len(cleared),
        resolved_by_prompt=sum(a.resolved_by_prompt for a in cleared),
        prompts=len(plays),
        prompts_reached=sum(p.reached for p in plays),
        still_open=len(still),
        not_taken=sum(a.needs_acknowledgement and a.raised_at <= end for a in seen.values()),
        dismissed_by_reason=dict(
            Counter(a.dismiss_reason for a in dismissed if a.dismiss_reason is not None)
        ),
        raised_by_rule=dict(Counter(a.rule for a in raised)),
        open_alerts=tuple(still),
    )


def _time(at: float, tz: tzinfo | None) -> str:
    moment = datetime.fromtimestamp(at, tz)
    return (
        moment.strftime("%Y-%m-%d %H:%M:%S ")
        + moment.strftime("UTC%z")[:-2]
        + ":"
        + moment.strftime("%z")[-2:]
    )


def _rows(summary: ShiftSummary) -> list[tuple[str, str]]:
    rows = [(label, str(summary.figure(name))) for name, label in FIGURES]
    rows += [(f"{REASONS[r]}", str(summary.dismissed_by_reason.get(r, 0))) for r in DismissReason]
    rows += [(f"{RULES[r]}", str(summary.raised_by_rule.get(r, 0))) for r in Rule]
    return rows


OPEN_HEADINGS = ("摄像机 / Camera", "位置 / Place", "规则 / Rule", "告警时间 / Raised", "状态 / State",
                 "负责人 / Owner")  # fmt: skip


def _open_row(alert: Alert, camera_name: Callable[[str], str], tz: tzinfo | None) -> tuple[str, ...]:
    place = " ".join(p for p in (alert.zone_name, alert.grid_code or "") if p)
    state = STATES[alert.state] + (" · 待签收 / not taken" if alert.needs_acknowledgement else "")
    return (camera_name(alert.camera_id), place, f"{RULES[alert.rule]} {alert.event_code}",
            _time(alert.raised_at, tz), state, alert.owner or "")  # fmt: skip


def to_csv(summary: ShiftSummary, camera_name: Callable[[str], str], tz: tzinfo | None, site: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["交接班小结 / Shift hand-over", site])
    writer.writerow(["起始 / From", _time(summary.start, tz)])
    writer.writerow(["截止 / To", _time(summary.end, tz)])
    writer.writerow([])
    writer.writerow(["项目 / Item", "数量 / Count"])
    writer.writerows(_rows(summary))
    writer.writerow([])
    writer.writerow(["仍未处理的告警 / Alerts still open"])
    writer.writerow(OPEN_HEADINGS)
    writer.writerows(_open_row(a, camera_name, tz) for a in summary.open_alerts)
    return "\ufeff" + out.getvalue()  # the BOM: Excel reads the Chinese as UTF-8


def to_html(summary: ShiftSummary, camera_name: Callable[[str], str], tz: tzinfo | None, site: str) -> str:
    e = html.escape
    figures = "".join(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in _rows(summary))
    heads = "".join(f"<th>{e(h)}</th>" for h in OPEN_HEADINGS)
    opens = (
        "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in _open_row(a, camera_name, tz)) + "</tr>"
            for a in summary.open_alerts
        )
        or f'<tr><td colspan="{len(OPEN_HEADINGS)}">无 / None</td></tr>'
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>交接班小结 / Shift hand-over — {e(site)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; }}
table {{ border-collapse: collapse; margin: 1em 0; }} th, td {{ border: 1px solid #888; padding: 4px 10px; }}
th {{ background: #eee; text-align: left; }} td {{ text-align: left; }}
@media print {{ body {{ margin: 1cm; }} }}
</style></head><body>
<h1>交接班小结 / Shift hand-over — {e(site)}</h1>
<p>起始 / From: {e(_time(summary.start, tz))}<br>截止 / To: {e(_time(summary.end, tz))}</p>
<h2>概况 / Summary</h2>
<table>{figures}</table>
<h2>仍未处理的告警 / Alerts still open</h2>
<table><tr>{heads}</tr>{opens}</table>
</body></html>
"""
