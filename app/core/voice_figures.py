"""How well the voice prompts work (喊话劝离): the share of street-vending alerts resolved by a prompt
alone, per zone and per hour of the day, with the totals behind it (stdlib only, no I/O).

The seed centre's motto is 地面有人、空中有声音 and its aim 小事情不大循环: a vendor who moves on after
the loudspeaker asked never becomes a case. This module counts, for the vending alerts *raised* in a
period (the same alerts as the false-alarm figures):

* ``alerts``: vending alerts raised;
* ``prompted``: those for which at least one prompt was played (reached a speaker or not);
* ``plays`` / ``reached``: prompts played for them, and those that reached at least one speaker;
* ``laddered``: those the escalation ladder took on;
* ``resolved``: **resolved by prompt alone**: the alert cleared after a heard prompt (the ladder
  counted it ``resolved_by_prompt``) *and no case was made from it* (an operator may still confirm
  a cleared alert; then the case, not the prompt, ended it);
* ``escalated``: prompted or laddered, and a case was made from it all the same.

``share`` = resolved / alerts (the issue's figure: of all vending alerts, how many a prompt alone
settled); ``share_of_prompted`` = resolved / prompted (where a prompt was played, how often it was
enough). Both are fractions 0–1, ``None`` when their denominator is 0 (nothing to judge is not 0 %).

Zones are (camera, zone) pairs: a zone id is unique on its camera only. Hours are the hour of the
day at which the alert was raised, in the site's time zone (0–23).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from app.core.alerts import Alert, Rule
from app.core.case_figures import Period

ZoneKey = tuple[str, str]  # (camera id, zone id)


@dataclass(frozen=True)
class VoiceFact:
    """What the voice figures need of one alert."""

    alert_id: str
    rule: Rule
    camera_id: str
    zone_id: str
    zone_name: str
    raised_at: float
    plays: int  # prompts played for it
    reached: int  # of which reached at least one speaker
    laddered: bool  # the escalation ladder took it on
    resolved_by_prompt: bool  # cleared after a heard prompt (the ladder's word)
    cased: bool  # a case was made from it (or it joined one as an occurrence)


def voice_fact(alert: Alert, cased: bool) -> VoiceFact:
    return VoiceFact(
        alert.id, alert.rule, alert.camera_id, alert.zone_id, alert.zone_name, alert.raised_at,
        len(alert.plays), sum(1 for p in alert.plays if p.reached), alert.ladder is not None,
        alert.resolved_by_prompt, cased,
    )  # fmt: skip


def voice_facts(alerts: Iterable[Alert], cased: Collection[str]) -> list[VoiceFact]:
    """The facts of ``alerts``; ``cased``: the ids of alerts a case was made from."""
    return [voice_fact(a, a.id in cased) for a in alerts]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class VoiceGroup:
    key: str  # "all", the hour ("00" … "23"), or "camera/zone"
    name: str = ""  # the zone's name, where the group is a zone
    camera_id: str = ""
    zone_id: str = ""
    alerts: int = 0
    prompted: int = 0
    plays: int = 0
    reached: int = 0
    laddered: int = 0
    resolved: int = 0
    escalated: int = 0

    @property
    def share(self) -> float | None:
        """Resolved by prompt alone, of all the group's vending alerts."""
        return _rate(self.resolved, self.alerts)

    @property
    def share_of_prompted(self) -> float | None:
        """Resolved by prompt alone, of the alerts a prompt was played for."""
        return _rate(self.resolved, self.prompted)

    @property
    def reached_share(self) -> float | None:
        return _rate(self.reached, self.plays)

    def _add(self, fact: VoiceFact) -> None:
        prompted = fact.plays > 0
        self.alerts += 1
        self.prompted += prompted
        self.plays += fact.plays
        self.reached += fact.reached
        self.laddered += fact.laddered
        self.resolved += fact.resolved_by_prompt and not fact.cased
        self.escalated += (prompted or fact.laddered) and fact.cased


@dataclass
class VoiceFigures:
    period: Period
    all: VoiceGroup = field(default_factory=lambda: VoiceGroup("all"))
    by_zone: dict[ZoneKey, VoiceGroup] = field(default_factory=dict)
    by_hour: list[VoiceGroup] = field(default_factory=lambda: [VoiceGroup(f"{h:02d}") for h in range(24)])

    def zones_ranked(self) -> list[VoiceGroup]:
        """Zones where prompts were played first (a zone without a speaker is no verdict on the
        prompts), each part with the most alerts first, then by camera and zone."""
        return sorted(
            self.by_zone.values(), key=lambda g: (not g.prompted, -g.alerts, g.camera_id, g.zone_id)
        )


def hour_of(at: float, zone: tzinfo) -> int:
    """The hour of the day (0–23) at ``at`` in the site's time zone."""
    return datetime.fromtimestamp(at, zone).hour


def voice_figures(
    facts: Iterable[VoiceFact], period: Period, zone: tzinfo, rule: Rule = Rule.VENDING
) -> VoiceFigures:
    """The voice figures of the ``rule``'s alerts raised in ``period`` (see the module's docstring)."""
    out = VoiceFigures(period)
    for fact in facts:
        if fact.rule is not rule or fact.raised_at not in period:
            continue
        out.all._add(fact)
        key = (fact.camera_id, fact.zone_id)
        group = out.by_zone.get(key)
        if group is None:
            group = VoiceGroup(
                f"{fact.camera_id}/{fact.zone_id}", camera_id=fact.camera_id, zone_id=fact.zone_id
            )
            out.by_zone[key] = group
        group.name = fact.zone_name or group.name or fact.zone_id
        group._add(fact)
        out.by_hour[hour_of(fact.raised_at, zone)]._add(fact)
    return out
