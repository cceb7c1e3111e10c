"""Cases for the store's tests: real ones, made and changed by the core's commands (so every
record, version and audit draft is what the case service will write)."""

from __future__ import annotations

from dataclasses import replace

from app.core import cases as core
from app.core.case_ports import OutboxItem
from app.core.cases import Actor, Case, CaseChange, CaseSource, Role
from app.core.time_limits import DeadlineUnit, TimeLimit

T0 = 1_780_000_000.0
OPERATOR = Actor("王芳", Role.OPERATOR)
LEADER = Actor("李强", Role.SHIFT_LEADER)
DEPARTMENT = Actor("城管执法中队", Role.DEPARTMENT)
SYSTEM = Actor("system", Role.SYSTEM)
LIMIT = TimeLimit(4, DeadlineUnit.WORK_HOURS)


def sample_case(
    n: int,
    *,
    category: str = "0501",
    camera: str | None = "cam001",
    zone: str | None = "z1",
    grid: str | None = "110101001001001",
    source: CaseSource = CaseSource.VIDEO,
    address: str = "北门广场东侧",
    description: str = "无照经营游商",
    alerts: tuple[str, ...] = (),
) -> Case:
    return Case(
        id=f"CW-{n:06d}", source=source, category_code=category, created_at=0.0, created_by="",
        camera_id=camera, zone_id=zone, grid_code=grid, address=address, description=description,
        alert_ids=alerts,
    )  # fmt: skip


def reported(case: Case, at: float, actor: Actor = OPERATOR) -> CaseChange:
    return core.report(case, actor, at)


def outbox_item(change: CaseChange, at: float | None = None) -> OutboxItem:
    case = change.after
    return OutboxItem(
        f"{case.id}:{case.version}", case.id, case.version, f'{{"id":"{case.id}","v":{case.version}}}',
        at if at is not None else case.updated_at or case.created_at,
    )  # fmt: skip


def dispatched(
    case: Case, at: float, department: str = "dept-cg", due_in: float = 14_400.0
) -> list[CaseChange]:
    """Filed, then dispatched at ``at`` (due ``due_in`` seconds later): the two changes."""
    filed = core.file(case, OPERATOR, at - 60, time_limit=LIMIT)
    sent = core.dispatch(filed.after, OPERATOR, at, department_id=department, due_at=at + due_in)
    return [filed, sent]


def with_every_field(case: Case) -> Case:
    """``case`` with every optional field set to something other than its default."""
    from app.core.alerts import EvidenceKind
    from app.core.case_catalogue import CaseKind
    from app.core.cases import CaseEvidence, CaseState, EvidenceStage, PendingRequest, RequestKind
    from tests.alert_samples import evidence_ref

    still = evidence_ref(b"before", kind=EvidenceKind.STILL)
    clip = evidence_ref(b"clip", kind=EvidenceKind.CLIP)
    return replace(
        case, category_kind=CaseKind.COMPONENT, preset="3", lon=116.397_128, lat=39.916_527,
        address="东城区 北门广场 “东侧”",
        description="占道经营，三轮车 2 辆", alert_ids=("al-00001", "al-00007"), occurrences=2,
        last_seen_at=T0 + 70.5,
        evidence=(
            CaseEvidence(still, EvidenceStage.REPORT, "detector", T0 + 1.25),
            CaseEvidence(clip, EvidenceStage.FEEDBACK, "中队", T0 + 900.0, note="处置后"),
        ),
        department_id="dept-cg", suggested_department_id="dept-sr", department_chosen_by="李强",
        time_limit=TimeLimit(1.5, DeadlineUnit.URGENT_HOURS), urgent=True, state=CaseState.DISPATCHED,
        filed_at=T0 + 10, filed_by="王芳", dispatched_at=T0 + 20, due_at=T0 + 5_420.0,
        started_at=T0 + 30, handled_at=T0 + 40, feedback_note="已劝离", verified_at=T0 + 50,
        verified_by="赵六", closed_at=T0 + 60, closed_by="李强", cancelled_at=T0 + 65,
        cancel_reason="重复", rework_count=2, extension_count=1, deferred_at=T0 + 66,
        deferred_seconds=3600.5, was_deferred=True,
        pending=PendingRequest(RequestKind.EXTENSION, "中队", T0 + 67, "需协调", 2.0), note="备注 100%_",
        version=7, updated_at=T0 + 68, updated_by="赵六",
    )  # fmt: skip
