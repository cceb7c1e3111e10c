"""Alerts in the control room's words: rules, event codes, states, dismissal reasons, times.

One word per meaning (DOMAIN.md): 签收 is "an operator has seen it", 确认违规 is "a real violation",
误报已排除 is a dismissal, 目标已离开（自动解除） is the detector's clear, and 喊话后已离开 the
detector's clear after a voice prompt was heard (resolved by prompt: no case needed).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from app.core.alerts import Alert, AlertPriority, AlertState, DismissReason, Rule
from app.ui.voice.marks import ladder_line, plays_words

translate = QCoreApplication.translate


def rule_words(rule: Rule) -> str:
    words = {
        Rule.VENDING: translate("Triage", "Street vending"),
        Rule.BIN_OVERFLOW: translate("Triage", "Bin overflowing"),
    }
    return words.get(rule, rule.value)


def event_words(code: str) -> str:
    """The name of an event code of the CJ/T 214 family (verify per city); empty when unknown."""
    words = {
        "0102": translate("Triage", "Exposed rubbish"),
        "0103": translate("Triage", "Accumulated rubbish"),
        "0501": translate("Triage", "Unlicensed street vendor"),
        "0504": translate("Triage", "Trading outside the shop"),
        "0507": translate("Triage", "Materials piled up"),
    }
    return words.get(code, "")


def rule_line(alert: Alert) -> str:
    """占道经营 and, under it, the event it is filed under with its code (店外经营 0504)."""
    event = event_words(alert.event_code)
    return (
        f"{rule_words(alert.rule)}\n{event} {alert.event_code}".rstrip() if event else rule_words(alert.rule)
    )


def state_words(state: AlertState) -> str:
    words = {
        AlertState.RAISED: translate("Triage", "New alert"),
        AlertState.ACKNOWLEDGED: translate("Triage", "Taken"),
        AlertState.ESCALATED: translate("Triage", "Sent to the shift leader"),
        AlertState.CONFIRMED: translate("Triage", "Confirmed violation"),
        AlertState.DISMISSED: translate("Triage", "Dismissed as false"),
        AlertState.CLEARED: translate("Triage", "Target gone (cleared by itself)"),
    }
    return words[state]


def alert_state_words(alert: Alert) -> str:
    """The alert's state; a clear after a heard prompt reads as such (not plain 目标已离开)."""
    if alert.state is AlertState.CLEARED and alert.resolved_by_prompt:
        return translate("Triage", "Gone after a voice prompt")
    return state_words(alert.state)


def reason_words(reason: DismissReason) -> str:
    words = {
        DismissReason.FALSE_DETECTION: translate("Triage", "False detection"),
        DismissReason.FIXED_OBJECT: translate("Triage", "Fixed object"),
        DismissReason.INSIDE_SHOP: translate("Triage", "Inside the shop"),
        DismissReason.PERMITTED: translate("Triage", "Permitted"),
        DismissReason.GONE: translate("Triage", "Gone"),
        DismissReason.OTHER: translate("Triage", "Other"),
    }
    return words[reason]


# The digit that picks each reason in the triage keys (1 误检 … 6 其他).
REASON_DIGITS: tuple[DismissReason, ...] = (
    DismissReason.FALSE_DETECTION,
    DismissReason.FIXED_OBJECT,
    DismissReason.INSIDE_SHOP,
    DismissReason.PERMITTED,
    DismissReason.GONE,
    DismissReason.OTHER,
)


def priority_words(priority: AlertPriority) -> str:
    words = {
        AlertPriority.HIGH: translate("Triage", "urgent"),
        AlertPriority.NORMAL: translate("Triage", "normal"),
        AlertPriority.LOW: translate("Triage", "low"),
    }
    return words[priority]


def state_line(alert: Alert, now: float, tz: tzinfo | None) -> str:
    """The state, and under it what else an operator must know: the voice escalation's step and
    countdown with the prompts played, then the reason, not yet seen, muted."""
    details = []
    if alert.state is AlertState.DISMISSED and alert.dismiss_reason is not None:
        reason = reason_words(alert.dismiss_reason)
        details.append(alert.note if alert.dismiss_reason is DismissReason.OTHER and alert.note else reason)
    if alert.needs_acknowledgement and alert.state is not AlertState.RAISED:
        details.append(translate("Triage", "not yet taken"))
    if alert.snoozed(now) and alert.snoozed_until is not None:
        details.append(translate("Triage", "muted until {0}").format(clock_words(alert.snoozed_until, tz)))
    played = plays_words(alert)  # (a narrow list: the ladder's step on a line of its own)
    lines = [alert_state_words(alert), ladder_line(alert, now), translate("Triage", ", ").join(
        [played, *details] if played else details)]  # fmt: skip
    return "\n".join(line for line in lines if line)


def ended_at(alert: Alert) -> float | None:
    """When the alert stopped needing handling (None while it is open)."""
    if alert.is_open:
        return None
    ends = (alert.confirmed_at, alert.dismissed_at, alert.cleared_at)
    return min((t for t in ends if t is not None), default=alert.updated_at)


def duration_words(seconds: float) -> str:
    """1:05:09, 5:09 (hours only when there are some): how long it has been going on."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock_words(at: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(at, tz).strftime("%H:%M:%S")


def when_words(at: float, tz: tzinfo | None, now: float | None = None) -> str:
    """HH:MM:SS today (in the site's zone); MM-DD HH:MM another day."""
    moment = datetime.fromtimestamp(at, tz)
    today = datetime.fromtimestamp(now, tz) if now is not None else datetime.now(tz)
    return moment.strftime("%H:%M:%S" if moment.date() == today.date() else "%m-%d %H:%M")


def zone_words(tz: tzinfo | None, at: float) -> str:
    """UTC+08:00: said beside every time shown, so no one reads it in another zone."""
    offset = datetime.fromtimestamp(at, tz).astimezone(tz).utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
