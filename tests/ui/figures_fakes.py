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
