"""A year of a busy centre's cases, made by the core's own commands and bulk-loaded (for bench/cases.py).

Each case is reported (mostly from video), filed, dispatched to the department the shipped routing
table suggests (category and grid from resources/cases/), with the deadline the working calendar
gives, then taken, handled, verified and closed; some are cancelled (不予立案), deferred (缓办),
returned for rework (返工, about 5 %), handled late, or still open at the year's end. Every step is
the core's function (``app.core.cases.report`` / ``file`` / ``dispatch`` …), so the rows are those
the app writes: the audit events are sealed with ``app.core.audit.seal`` in time order (one valid
chain), and each case's row, record, alert links and evidence rows are its last state's.

The store's ``append`` (a transaction per change) would take an hour for 200,000 cases × 7 events,
so the rows go in with executemany in large transactions into the same tables. Not written: the
alerts themselves (only the case's links to its alert ids) and outbox items (no export configured).
"""

from __future__ import annotations

import heapq
import random
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.adapters.holidays import calendar_from_settings, national_holidays
from app.adapters.storage.cases import _case_row
from app.adapters.storage.repository import event_row
from app.core import cases as flow
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.audit import GENESIS, AuditEvent, canonical, seal
from app.core.case_catalogue import Catalogue, Category, Routing
from app.core.cases import Actor, Case, CaseChange, CaseEvidence, CaseSource, EvidenceStage, RequestKind, Role
from app.core.work_calendar import WorkCalendar
from app.services.case_config import (
    DEFAULT_CATALOGUE,
    DEFAULT_ROUTING,
    catalogue_from_text,
    routing_from_text,
)
from camera_config.calendar_file import CalendarSettings

ZONE = ZoneInfo("Asia/Shanghai")
YEAR = 2025
START = datetime(YEAR, 1, 1, tzinfo=ZONE).timestamp()
END = datetime(YEAR + 1, 1, 1, tzinfo=ZONE).timestamp()  # "now" of the bench: the year's end
NOW = END
HOUR, MINUTE, DAY = 3600.0, 60.0, 86400.0

OPERATORS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄丽")
LEADERS = ("周敏", "吴强")
STREETS = ("新华", "人民", "建设", "解放", "和平", "文化", "胜利", "光明", "幸福", "朝阳", "青年", "东风")
ROADS = ("新华路", "人民路", "建设大街", "解放路", "和平路", "文化路", "胜利街", "光明路", "中山路", "北京路")
SPOTS = ("东侧人行道", "西侧路口", "公交站旁", "菜市场门口", "小学门口", "地铁站出口", "广场南侧", "小区北门")
DISTRICTS = {"370199": "示范区", "370102": "历下区"}
DETAILS = (
    "有人推车占道经营", "流动摊贩聚集", "垃圾满溢未清运", "路面有积存垃圾", "人行道被占用",
    "有非法小广告", "施工围挡破损", "道路遗撒渣土", "井盖缺失", "路灯不亮",
)  # fmt: skip
FEEDBACK = ("已到场处置，摊贩已劝离", "已清运完毕，现场整洁", "已清理小广告", "已修复", "已责令整改")
REWORK = ("核查时现场仍有摊贩", "垃圾未清运干净", "现场照片与位置不符")


def grid_codes() -> list[str]:
    """A few hundred unit grids: two districts × streets × communities × grids."""
    return [
        f"{district}{street:03d}{community:03d}{seq:03d}"
        for district, streets in (("370199", 12), ("370102", 6))
        for street in range(1, streets + 1)
        for community in range(1, 5)
        for seq in range(1, 6)
    ]


@dataclass
class World:
    catalogue: Catalogue
    routing: Routing
    calendar: WorkCalendar
    grids: list[str]
    video_categories: list[Category]  # what the detectors report: vending, overflowing bins
    other_categories: list[Category]


def world() -> World:
    catalogue = catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)
    routing = routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING, catalogue)
    calendar = calendar_from_settings(CalendarSettings(), national_holidays())
    every = list(catalogue)
    mapped = [c for c in catalogue.alert_mappings.values()]
    video = mapped or [c for c in every if c.class_code == "05"][:2]
    return World(catalogue, routing, calendar, grid_codes(), video, every)


Step = Callable[..., CaseChange]  # called with the case as it is then (later values bound as defaults)


@dataclass
class Plan:
    """One case: what it is at its report and its later steps (time, command), in time order."""

    case: Case
    steps: list[tuple[float, Step]]


def _evidence(rng: random.Random, kind: EvidenceKind, at: float, camera: str, stage: EvidenceStage,
              by: str) -> CaseEvidence:  # fmt: skip
    media = "image/jpeg" if kind is EvidenceKind.STILL else "video/mp4"
    size = rng.randrange(40_000, 400_000) if kind is EvidenceKind.STILL else rng.randrange(800_000, 4_000_000)
    ref = EvidenceRef(f"{rng.getrandbits(256):064x}", kind, media, size, at, camera, "main")
    return CaseEvidence(ref, stage, by, at)


def _created_at(rng: random.Random) -> float:
    """Busier by day: most reports between 07:00 and 21:00 site time."""
    day = rng.randrange(365)
    hour = rng.uniform(7, 21) if rng.random() < 0.9 else rng.uniform(0, 24)
    return START + day * DAY + hour * HOUR


def plan_case(rng: random.Random, w: World, index: int, created: float) -> Plan:
    roll = rng.random()
    source = CaseSource.VIDEO if roll < 0.8 else CaseSource.OPERATOR if roll < 0.95 else CaseSource.IMPORTED
    category = rng.choice(
        w.video_categories if source is CaseSource.VIDEO and rng.random() < 0.85 else w.other_categories
    )
    grid = rng.choice(w.grids)
    camera = f"cam-{rng.randrange(1, 121):03d}" if source is CaseSource.VIDEO else None
    operator = Actor(rng.choice(OPERATORS), Role.OPERATOR)
    leader = Actor(rng.choice(LEADERS), Role.SHIFT_LEADER)
    street = STREETS[int(grid[6:9]) % len(STREETS)]
    address = (
        f"{DISTRICTS[grid[:6]]}{street}街道{rng.choice(ROADS)}{rng.randrange(1, 400)}号{rng.choice(SPOTS)}"
    )
    stamp = datetime.fromtimestamp(created, ZONE).strftime("%Y%m%d-%H%M%S")
    case_id = f"C{stamp}-{uuid.UUID(int=rng.getrandbits(128)).hex[:6]}"
    evidence: tuple[CaseEvidence, ...] = ()
    alert_ids: tuple[str, ...] = ()
    reporter = operator
    if camera is not None:
        reporter = Actor("system", Role.SYSTEM) if rng.random() < 0.2 else operator
        evidence = (
            _evidence(rng, EvidenceKind.STILL, created, camera, EvidenceStage.REPORT, reporter.name),
            _evidence(rng, EvidenceKind.CLIP, created, camera, EvidenceStage.REPORT, reporter.name),
        )
        alert_ids = (f"A{stamp}-{index:06d}",)
    case = Case(
        id=case_id, source=source, category_code=category.code, category_kind=category.kind,
        created_at=created, created_by=reporter.name, camera_id=camera, zone_id="z1" if camera else None,
        grid_code=grid, address=address, description=f"{category.name.zh}：{rng.choice(DETAILS)}",
        alert_ids=alert_ids, evidence=evidence, urgent=category.urgent,
    )  # fmt: skip
    suggestion = w.routing.suggest(category, grid)
    department = suggestion.department.id if suggestion else "chengguan"
    case = replace(case, suggested_department_id=department)
    steps: list[tuple[float, Step]] = [(created, lambda c: flow.report(c, reporter, created))]
    t = created
    outcome = rng.random()
    t += rng.uniform(2, 30) * MINUTE
    if outcome < 0.04:  # 不予立案
        steps.append((t, lambda c, t=t: flow.cancel(c, leader, t, "重复上报，已有案件")))
        return Plan(case, steps)
    steps.append((t, lambda c, t=t: flow.file(c, operator, t, time_limit=category.time_limit,
                                              department_id=department, chosen_by="routing")))  # fmt: skip
    if camera is not None and rng.random() < 0.1:  # seen again while open
        for n in range(rng.randrange(1, 4)):
            seen = t + (n + 1) * rng.uniform(1, 10) * MINUTE
            steps.append(
                (
                    seen,
                    lambda c, s=seen, n=n: flow.add_occurrence(
                        c, Actor("system", Role.SYSTEM), s, f"A-{index:06d}-{n}"
                    ),
                )
            )
    t += rng.uniform(5, 60) * MINUTE
    dispatched = t
    due = w.calendar.deadline(dispatched, category.time_limit)
    steps.append(
        (t, lambda c, t=t, due=due: flow.dispatch(c, operator, t, department_id=department, due_at=due))
    )
    dept = Actor(department, Role.DEPARTMENT)
    if outcome < 0.06:  # 缓办: approved; resumed after some days when the year leaves time
        t += rng.uniform(0.5, 4) * HOUR
        steps.append((t, lambda c, t=t: flow.request(c, dept, t, RequestKind.DEFERRAL, "需协调产权单位")))
        t += rng.uniform(0.5, 3) * HOUR
        steps.append((t, lambda c, t=t: flow.approve(c, leader, t)))
        if rng.random() < 0.5:
            return Plan(case, steps)
        paused = t
        t += rng.uniform(3, 15) * DAY
        due = w.calendar.resume(due, paused, t, category.time_limit.unit)
        steps.append((t, lambda c, t=t, due=due: flow.resume(c, leader, t, new_due_at=due)))
        dispatched = t
    span = max(due - dispatched, HOUR)
    late = rng.random() < 0.08
    stuck = rng.random() < 0.01  # the department never answered (open, overdue at the year's end)
    if stuck:
        steps.append((t + 0.1 * span, lambda c, t=t + 0.1 * span: flow.start(c, dept, t)))
        return Plan(case, steps)
    rounds = 2 if rng.random() < 0.05 else 1
    for n in range(rounds):
        t += rng.uniform(0.05, 0.2) * span
        steps.append((t, lambda c, t=t: flow.start(c, dept, t)))
        t = (
            (max(t, due) + rng.uniform(0.1, 2) * span)
            if late and n == rounds - 1
            else t + rng.uniform(0.1, 0.6) * span
        )
        photo = _evidence(rng, EvidenceKind.STILL, t, camera or "", EvidenceStage.FEEDBACK, dept.name)
        steps.append((t, lambda c, t=t, p=photo: flow.feedback(c, dept, t, rng_choice(FEEDBACK, c), (p,))))
        t += rng.uniform(0.5, 4) * HOUR
        if n < rounds - 1:  # 返工
            steps.append((t, lambda c, t=t: flow.return_for_rework(c, operator, t, rng_choice(REWORK, c))))
            continue
        steps.append((t, lambda c, t=t: flow.verify(c, operator, t)))
    t += rng.uniform(0.1, 2) * HOUR
    steps.append((t, lambda c, t=t: flow.close(c, leader, t)))
    return Plan(case, steps)


def rng_choice(words: tuple[str, ...], case: Case) -> str:
    """A word picked by the case (the same on every run: ``hash`` of a str is not)."""
    return words[zlib.crc32(case.id.encode()) % len(words)]


@dataclass
class Rows:
    """One batch of rows for the tables, in the order the app would have written them."""

    events: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    records: list[dict[str, Any]]
    links: list[dict[str, Any]]
    evidence: list[dict[str, Any]]


def build(
    count: int, seed: int, batch: int = 20_000, progress: Callable[[str], None] = print
) -> Iterator[Rows]:
    """The year's rows in batches: events sealed in time order, each case's rows once it is done."""
    rng = random.Random(seed)
    w = world()
    times = sorted(_created_at(rng) for _ in range(count))
    active: dict[int, tuple[Case, list[tuple[float, Step]]]] = {}
    due: list[tuple[float, int, int]] = []  # (at, case, step): the next step of each active case
    seq, prev, made, done = 0, GENESIS, 0, 0
    rows = Rows([], [], [], [], [])
    seen_evidence: set[str] = set()
    while made < count or due:
        if made < count and (not due or times[made] <= due[0][0]):
            plan = plan_case(rng, w, made, times[made])
            steps = sorted((s for s in plan.steps if s[0] < NOW), key=lambda s: s[0])
            active[made] = (plan.case, steps)
            heapq.heappush(due, (steps[0][0], made, 0))
            made += 1
            continue
        _, ci, k = heapq.heappop(due)
        case, steps = active[ci]
        change = steps[k][1](case)
        seq += 1
        event: AuditEvent = seal(change.draft, seq, prev)
        prev = event.hash
        rows.events.append(event_row(event))
        if k + 1 < len(steps):
            active[ci] = (change.after, steps)
            heapq.heappush(due, (steps[k + 1][0], ci, k + 1))
        else:
            del active[ci]
            _case_rows(change.after, rows, seen_evidence)
            done += 1
        if seq % batch == 0:
            yield rows
            rows = Rows([], [], [], [], [])
            if seq % (batch * 10) == 0:
                progress(f"  {seq:,} events sealed, {done:,} of {count:,} cases written")
    yield rows


def _case_rows(case: Case, rows: Rows, seen: set[str]) -> None:
    rows.cases.append(_case_row(case))
    rows.records.append({"id": case.id, "record": canonical(flow.case_to_record(case))})
    rows.links.extend(
        {"alert_id": a, "case_id": case.id, "position": n} for n, a in enumerate(case.alert_ids)
    )
    for e in case.evidence:
        ref = e.ref
        if ref.sha256 in seen:
            continue
        seen.add(ref.sha256)
        rows.evidence.append({
            "sha256": ref.sha256, "kind": ref.kind.value, "media_type": ref.media_type,
            "size": ref.size, "captured_at": ref.captured_at, "camera_id": ref.camera_id,
            "stream": ref.stream, "note": ref.note,
        })  # fmt: skip
