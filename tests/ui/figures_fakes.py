"""Cases and alerts for the figures dashboard's tests: a hand-computable set and a realistic month."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from app.core.alerts import Alert, AlertState, DismissReason, EvidenceKind, EvidenceRef, Rule
from app.core.audit import AuditEvent
from app.core.case_catalogue import Catalogue, Routing
from app.core.cases import Case, CaseEvidence, CaseFacts, CaseSource, CaseState, EvidenceStage
from app.core.voice import VoicePlay, VoicePriority
from app.core.voice_ladder import Ladder, LadderStep
from app.services.case_config import (
    DEFAULT_CATALOGUE,
    DEFAULT_ROUTING,
    catalogue_from_text,
    routing_from_text,
)

SH = ZoneInfo("Asia/Shanghai")
HOUR, DAY = 3600.0, 86400.0


def at(month: int, day: int, hour: float = 9.0) -> float:
    return datetime(2024, month, day, int(hour), int(hour % 1 * 60), tzinfo=SH).timestamp()


NOW = at(6, 10, 10.0)  # 2024-06-10 10:00 in Shanghai: May is the previous month


def catalogue() -> Catalogue:
    return catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)


def routing() -> Routing:
    return routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING, catalogue())


def fact(
    case_id: str,
    created: float,
    *,
    state: CaseState = CaseState.DISPATCHED,
    dispatched: float | None = None,
    due: float | None = None,
    handled: float | None = None,
    closed: float | None = None,
    rework: int = 0,
    department: str | None = "huanwei",
    category: str = "0102",
    grid: str | None = "370199001001001",
    source: CaseSource = CaseSource.VIDEO,
    urgent: bool = False,
    deferred: bool = False,
) -> CaseFacts:
    return CaseFacts(
        case_id, source, category, grid, department, state, created, dispatched, due, handled, closed,
        rework, deferred, urgent,
    )  # fmt: skip


def four_cases() -> list[CaseFacts]:
    """May 2024: 3 due, 2 closed, 1 on time (结案率 66.7 %, 按期结案率 33.3 %); one of the two with
    feedback was returned once (返工率 50.0 %); feedback after 1 and 3 days (平均 48.0 h)."""
    return [
        fact("A", at(5, 3), state=CaseState.CLOSED, dispatched=at(5, 3), due=at(5, 5), handled=at(5, 4),
             closed=at(5, 4, 12)),
        fact("B", at(5, 10), state=CaseState.CLOSED, dispatched=at(5, 10), due=at(5, 11), handled=at(5, 13),
             closed=at(5, 14), rework=1, department="chengguan", category="0501"),
        fact("C", at(5, 20), dispatched=at(5, 20), due=at(5, 21), department="chengguan", category="0501"),
        fact("D", at(5, 25), state=CaseState.FILED, source=CaseSource.OPERATOR),
    ]  # fmt: skip


DEPARTMENTS = ("huanwei", "chengguan", "chengguan-xinhua", "shizheng")
CATEGORIES = ("0102", "0103", "0501", "0504", "0507", "0511")


def month_of_cases(count: int = 420, seed: int = 7) -> list[CaseFacts]:
    """May 2024 of a busy district: cases over 4 departments, 6 categories, 3 sources, 30 grids."""
    rng = random.Random(seed)
    out: list[CaseFacts] = []
    quality = {"huanwei": 0.95, "chengguan": 0.85, "chengguan-xinhua": 0.7, "shizheng": 0.55}
    for n in range(count):
        created = at(5, 1) + rng.random() * 30 * DAY
        department = rng.choices(DEPARTMENTS, weights=(5, 4, 2, 1))[0]
        category = rng.choices(CATEGORIES, weights=(6, 3, 8, 5, 2, 1))[0]
        grid = f"370199{rng.choice(('001', '002', '099'))}{rng.randint(1, 3):03d}{rng.randint(1, 4):03d}"
        source = rng.choices(list(CaseSource), weights=(7, 2, 1))[0]
        dispatched = created + rng.uniform(0.2, 2) * HOUR
        due = dispatched + rng.choice((4, 8, 24)) * HOUR
        good = rng.random() < quality[department]
        handled = dispatched + (rng.uniform(0.3, 0.95) if good else rng.uniform(1.05, 2.5)) * (
            due - dispatched
        )
        closed_ok = rng.random() < (0.97 if good else 0.75)
        state = CaseState.CLOSED if closed_ok else CaseState.HANDLED
        closed: float | None = handled + rng.uniform(0.5, 3) * HOUR if closed_ok else None
        fed_back: float | None = handled
        if rng.random() < 0.04:  # still with the department, long overdue
            state, fed_back, closed = CaseState.DISPATCHED, None, None
        out.append(fact(
            f"CW-202405-{n:04d}", created, state=state, dispatched=dispatched, due=due, handled=fed_back,
            closed=closed, rework=int(rng.random() < 0.08), department=department, category=category,
            grid=grid, source=source, urgent=rng.random() < 0.05, deferred=rng.random() < 0.02,
        ))  # fmt: skip
    return out


def month_of_alerts(count: int = 900, seed: int = 11) -> list[Alert]:
    rng = random.Random(seed)
    reasons = list(DismissReason)
    out = []
    for n in range(count):
        rule = rng.choices((Rule.VENDING, Rule.BIN_OVERFLOW), weights=(3, 1))[0]
        code = "0501" if rule is Rule.VENDING else "0102"
        raised = at(5, 1) + rng.random() * 30 * DAY
        alert = Alert(f"al-{n:05d}", f"cam{rng.randint(1, 40):03d}", "1", "z1", rule, code, raised, 0.8)
        roll = rng.random()
        if roll < 0.55:
            alert = replace(alert, state=AlertState.CONFIRMED)
        elif roll < 0.9:
            alert = replace(alert, state=AlertState.DISMISSED, dismiss_reason=rng.choice(reasons))
        else:
            alert = replace(alert, state=AlertState.CLEARED)
        out.append(alert)
    return out


VOICE_ZONES = (("cam012", "z1", "北门禁摆区"), ("cam012", "z2", "东侧人行道"), ("cam031", "z1", "菜场路口"),
               ("cam044", "z1", "学校门口"), ("cam007", "z3", "地铁口"))  # fmt: skip


def month_of_voice_alerts(count: int = 600, seed: int = 19) -> tuple[list[Alert], set[str]]:
    """May 2024's vending alerts at five zones with loudspeakers, most during the day: the ladder
    plays one or two prompts (a few not heard); the vendor leaves after a prompt more often in the
    morning and at the school; otherwise a case. Returns the alerts and the ids that became cases."""
    rng = random.Random(seed)
    out: list[Alert] = []
    cased: set[str] = set()
    works = {"北门禁摆区": 0.55, "东侧人行道": 0.45, "菜场路口": 0.3, "学校门口": 0.7, "地铁口": 0.35}
    for n in range(count):
        camera, zone, name = rng.choices(VOICE_ZONES, weights=(5, 3, 4, 2, 3))[0]
        day = rng.randint(1, 31)
        hour = min(23, max(0, int(rng.gauss(13, 4.5))))
        raised = at(5, day, hour + rng.random())
        alert = Alert(f"va-{n:05d}", camera, "1", zone, Rule.VENDING, "0501", raised, 0.8, zone_name=name)
        if rng.random() < 0.15:  # no ladder here (speaker off, or a person took it first)
            if rng.random() < 0.6:
                cased.add(alert.id)
                alert = replace(alert, state=AlertState.CONFIRMED)
            out.append(alert)
            continue
        chance = works[name] + (0.15 if hour < 11 else 0.0)
        prompts = 1 if rng.random() < chance else 2
        plays = []
        for attempt in range(1, prompts + 1):
            heard = rng.random() < 0.92
            plays.append(VoicePlay(
                "请勿占道经营", "system", raised + (attempt - 1) * 180, VoicePriority.AUTOMATIC,
                ("spk-1", "spk-2"), ("spk-1", "spk-2") if heard else (),
                () if heard else (("spk-1", "unreachable: timed out"), ("spk-2", "unreachable: timed out")),
                ladder_attempt=attempt,
            ))  # fmt: skip
        resolved = rng.random() < chance * 1.2 and plays[-1].reached
        step = LadderStep.RESOLVED if resolved else LadderStep.ESCALATED
        ladder = Ladder(
            alert.id, step, prompts, raised + prompts * 180, delivered=sum(p.reached for p in plays)
        )
        alert = replace(
            alert, plays=tuple(plays), ladder=ladder, resolved_by_prompt=resolved,
            state=AlertState.CLEARED if resolved else AlertState.RAISED,
        )  # fmt: skip
        if not resolved or rng.random() < 0.05:  # a few cleared ones an operator still made a case of
            cased.add(alert.id)
        out.append(alert)
    return out, cased


class FakeCases:
    """What the exports read of the cases (CaseService's get and timeline)."""

    def __init__(self, cases: list[Case], events: list[AuditEvent] | None = None) -> None:
        self.cases = {c.id: c for c in cases}
        self.events = events or []

    def get(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def timeline(self, case_id: str) -> list[AuditEvent]:
        return list(self.events)


def jpeg(colour: tuple[int, int, int] = (200, 60, 60)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 180), colour).save(out, "JPEG")
    return out.getvalue()


def full_case(case_id: str = "CW-20240503-0001") -> tuple[Case, dict[str, bytes]]:
    """A closed case with a before picture; its evidence bytes by sha256."""
    import hashlib

    data = jpeg()
    digest = hashlib.sha256(data).hexdigest()
    ref = EvidenceRef(digest, EvidenceKind.STILL, "image/jpeg", len(data), at(5, 3), "cam012", "main")
    case = Case(
        id=case_id, source=CaseSource.VIDEO, category_code="0102", created_at=at(5, 3), created_by="张三",
        grid_code="370199001001001", address="示范区北门街 12 号", description="人行道上有暴露垃圾",
        evidence=(CaseEvidence(ref, EvidenceStage.REPORT, "张三", at(5, 3)),), department_id="huanwei",
        state=CaseState.CLOSED, dispatched_at=at(5, 3), due_at=at(5, 5), handled_at=at(5, 4),
        closed_at=at(5, 4, 12),
    )  # fmt: skip
    return case, {digest: data}
