"""The case life cycle: every (state, command) pair for every role, reasons, requests, records."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from app.core import cases as cw
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.cases import (
    TRANSITIONS,
    Actor,
    Case,
    CaseCommand,
    CaseEvidence,
    CaseSource,
    CaseState,
    EvidenceStage,
    InvalidCaseTransition,
    MissingReason,
    NotAllowed,
    RequestKind,
    Role,
    allowed_commands,
    case_from_record,
    case_to_record,
)
from app.core.time_limits import DeadlineUnit, TimeLimit

S, C, R = CaseState, CaseCommand, Role
OP, LEAD, DEPT, SYS = R.OPERATOR, R.SHIFT_LEADER, R.DEPARTMENT, R.SYSTEM
T0 = 1_780_000_000.0
LIMIT = TimeLimit(2, DeadlineUnit.WORK_HOURS)

# Written out by hand from the workflow (受理→立案→派遣→处置→反馈→核查→结案): what each command
# does in each state, and who may give it. Every pair not listed must be refused.
EXPECTED: dict[tuple[CaseState, CaseCommand], tuple[CaseState, set[Role]]] = {
    (S.REPORTED, C.EDIT): (S.REPORTED, {OP, LEAD}),
    (S.REPORTED, C.FILE): (S.FILED, {OP, LEAD}),
    (S.REPORTED, C.CANCEL): (S.CANCELLED, {LEAD}),
    (S.FILED, C.EDIT): (S.FILED, {OP, LEAD}),
    (S.FILED, C.DISPATCH): (S.DISPATCHED, {OP, LEAD}),
    (S.FILED, C.CANCEL): (S.CANCELLED, {LEAD}),
    (S.DISPATCHED, C.REDISPATCH): (S.DISPATCHED, {LEAD}),
    (S.DISPATCHED, C.START): (S.IN_PROGRESS, {DEPT, OP, LEAD}),
    (S.DISPATCHED, C.FEEDBACK): (S.HANDLED, {DEPT, OP, LEAD}),
    (S.IN_PROGRESS, C.REDISPATCH): (S.DISPATCHED, {LEAD}),
    (S.IN_PROGRESS, C.FEEDBACK): (S.HANDLED, {DEPT, OP, LEAD}),
    (S.HANDLED, C.VERIFY): (S.VERIFIED, {OP, LEAD}),
    (S.HANDLED, C.RETURN): (S.DISPATCHED, {OP, LEAD}),
    (S.VERIFIED, C.CLOSE): (S.CLOSED, {LEAD}),
    (S.VERIFIED, C.RETURN): (S.DISPATCHED, {LEAD}),
    (S.DEFERRED, C.RESUME): (S.DISPATCHED, {LEAD, SYS}),
}
for _s in (S.DISPATCHED, S.IN_PROGRESS):
    EXPECTED[(_s, C.REQUEST_DEFERRAL)] = (_s, {DEPT, OP, LEAD})
    EXPECTED[(_s, C.REQUEST_EXTENSION)] = (_s, {DEPT, OP, LEAD})
    EXPECTED[(_s, C.APPROVE)] = (_s, {LEAD})
    EXPECTED[(_s, C.REJECT)] = (_s, {LEAD})
for _s in CaseState:
    if _s not in (S.CANCELLED, S.CLOSED):
        EXPECTED[(_s, C.ADD_OCCURRENCE)] = (_s, {OP, LEAD, DEPT, SYS})
    EXPECTED[(_s, C.ADD_EVIDENCE)] = (_s, {OP, LEAD, DEPT, SYS})


def test_the_table_is_the_workflow() -> None:
    assert {k: (s, set(r)) for k, (s, r) in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("state", "command", "role"), list(itertools.product(S, C, R)))
def test_every_state_command_role(state: CaseState, command: CaseCommand, role: Role) -> None:
    expected = EXPECTED.get((state, command))
    if expected is None:
        with pytest.raises(InvalidCaseTransition):
            cw.next_state("c1", state, command, role)
    elif role not in expected[1]:
        with pytest.raises(NotAllowed) as caught:
            cw.next_state("c1", state, command, role)
        assert role.value in str(caught.value)
    else:
        assert cw.next_state("c1", state, command, role) is expected[0]


def test_allowed_commands_feed_the_buttons() -> None:
    assert allowed_commands(S.VERIFIED, OP) == [C.ADD_OCCURRENCE, C.ADD_EVIDENCE]
    assert C.CLOSE in allowed_commands(S.VERIFIED, LEAD)
    assert allowed_commands(S.CLOSED, LEAD) == [C.ADD_EVIDENCE]


def still(sha: str = "a" * 64, at: float = T0) -> EvidenceRef:
    return EvidenceRef(sha, EvidenceKind.STILL, "image/jpeg", 1000, at, "cam1", "main")


def reported(**over: object) -> Case:
    case = Case(
        id="C1", source=CaseSource.VIDEO, category_code="0501", created_at=T0, created_by="",
        camera_id="cam1", zone_id="z1", grid_code="330105001001001", alert_ids=("a1",),
    )  # fmt: skip
    change = cw.report(dataclasses.replace(case, **over), Actor("张三", OP), T0)  # type: ignore[arg-type]
    return change.after


def test_a_case_goes_round_the_loop_with_one_rework() -> None:
    op, lead, dept = Actor("张三", OP), Actor("李值班", LEAD), Actor("环卫所", DEPT)
    case = reported()
    assert (case.state, case.version, case.created_by) == (S.REPORTED, 1, "张三")
    case = cw.file(case, lead, T0 + 60, time_limit=LIMIT).after
    assert case.time_limit == LIMIT and case.filed_by == "李值班"
    case = cw.dispatch(case, lead, T0 + 120, department_id="enforcement", due_at=T0 + 7320).after
    assert (case.state, case.dispatched_at, case.due_at) == (S.DISPATCHED, T0 + 120, T0 + 7320)
    case = cw.start(case, dept, T0 + 300).after
    case = cw.feedback(
        case,
        dept,
        T0 + 900,
        "已劝离",
        (CaseEvidence(still("b" * 64), EvidenceStage.FEEDBACK, "环卫所", T0 + 900),),
    ).after
    assert case.state is S.HANDLED and case.evidence_at(EvidenceStage.FEEDBACK)
    case = cw.return_for_rework(case, op, T0 + 1000, "摊位仍在").after
    assert (case.state, case.rework_count, case.due_at) == (S.DISPATCHED, 1, T0 + 7320)
    case = cw.feedback(case, dept, T0 + 2000, "已清理").after
    case = cw.verify(case, op, T0 + 2100).after
    case = cw.close(case, lead, T0 + 2200).after
    assert (case.state, case.closed_by, case.is_open, case.version) == (S.CLOSED, "李值班", False, 9)


def test_dispatch_needs_a_filed_case_with_a_time_limit() -> None:
    case = reported()
    with pytest.raises(InvalidCaseTransition):
        cw.dispatch(case, Actor("a", LEAD), T0, department_id="d", due_at=T0)


def test_reasons_are_required() -> None:
    lead = Actor("李值班", LEAD)
    with pytest.raises(MissingReason):
        cw.cancel(reported(), lead, T0, " ")
    with pytest.raises(MissingReason):
        cw.feedback(dispatched(), lead, T0, "")
    with pytest.raises(MissingReason):
        cw.return_for_rework(cw.feedback(dispatched(), lead, T0, "done").after, lead, T0, "")
    with pytest.raises(MissingReason):
        cw.request(dispatched(), lead, T0, RequestKind.DEFERRAL, "")


def dispatched() -> Case:
    lead = Actor("李值班", LEAD)
    case = cw.file(reported(), lead, T0, time_limit=LIMIT).after
    return cw.dispatch(case, lead, T0, department_id="d", due_at=T0 + 7200).after


def test_deferral_stops_the_clock_and_marks_the_case() -> None:
    lead, dept = Actor("李值班", LEAD), Actor("市政", DEPT)
    case = cw.request(dispatched(), dept, T0 + 100, RequestKind.DEFERRAL, "等待材料").after
    assert case.pending is not None and case.state is S.DISPATCHED
    with pytest.raises(InvalidCaseTransition):  # one request at a time
        cw.request(case, dept, T0 + 101, RequestKind.EXTENSION, "x", 1)
    with pytest.raises(NotAllowed):
        cw.approve(case, dept, T0 + 200)
    case = cw.approve(case, lead, T0 + 200).after
    assert (case.state, case.was_deferred, case.pending, case.overdue(T0 + 10**6)) == (
        S.DEFERRED, True, None, False,
    )  # fmt: skip
    case = cw.resume(case, lead, T0 + 3800, new_due_at=T0 + 10800).after
    assert (case.state, case.deferred_seconds, case.due_at) == (S.DISPATCHED, 3600, T0 + 10800)


def test_an_extension_moves_the_deadline_once_approved() -> None:
    lead, dept = Actor("李值班", LEAD), Actor("市政", DEPT)
    case = cw.request(dispatched(), dept, T0, RequestKind.EXTENSION, "雨天", 2).after
    with pytest.raises(ValueError, match="new deadline"):
        cw.approve(case, lead, T0)
    case = cw.approve(case, lead, T0 + 5, new_due_at=T0 + 14400).after
    assert (case.due_at, case.extension_count, case.state) == (T0 + 14400, 1, S.DISPATCHED)
    refused = cw.reject(
        cw.request(case, dept, T0, RequestKind.EXTENSION, "再延", 1).after, lead, T0, "不批准"
    )
    assert refused.after.pending is None and refused.after.due_at == T0 + 14400


def test_overdue_follows_the_deadline() -> None:
    case = dispatched()
    assert not case.overdue(T0 + 7200) and case.overdue(T0 + 7201)
    late = cw.feedback(case, Actor("d", DEPT), T0 + 8000, "已处理").after
    assert late.overdue(T0 + 8000)  # handled too late: still counted overdue until closed


def test_occurrences_and_evidence_are_counted_once() -> None:
    case = cw.add_occurrence(reported(), Actor("detector", SYS), T0 + 60, "a2").after
    case = cw.add_occurrence(case, Actor("detector", SYS), T0 + 90, "a2").after
    assert (case.occurrences, case.alert_ids, case.last_seen_at) == (3, ("a1", "a2"), T0 + 90)
    item = CaseEvidence(still(), EvidenceStage.REPORT, "张三", T0)
    case = cw.add_evidence(
        cw.add_evidence(case, Actor("张三", OP), T0, (item,)).after, Actor("张三", OP), T0, (item,)
    ).after
    assert len(case.evidence) == 1


def test_system_may_report_but_a_department_may_not() -> None:
    base = Case(id="C2", source=CaseSource.VIDEO, category_code="0501", created_at=T0, created_by="")
    assert cw.report(base, Actor("auto", SYS), T0).after.created_by == "auto"
    with pytest.raises(NotAllowed):
        cw.report(base, Actor("环卫所", DEPT), T0)


def test_each_change_is_an_audit_draft_with_the_whole_record() -> None:
    change = cw.cancel(reported(), Actor("李值班", LEAD), T0 + 5, "重复上报")
    draft = change.draft
    assert (draft.subject, draft.action, draft.actor, draft.note) == (
        "case:C1",
        "cancel",
        "李值班",
        "重复上报",
    )
    assert draft.data["state"] == "cancelled" and draft.data["by_role"] == "shift_leader"
    assert draft.data["version"] == 2


def test_record_round_trip_keeps_every_field() -> None:
    case = dataclasses.replace(
        cw.request(dispatched(), Actor("d", DEPT), T0, RequestKind.EXTENSION, "雨", 1.5).after,
        evidence=(CaseEvidence(still(), EvidenceStage.VERIFICATION, "张三", T0, "after"),),
        lon=120.1, lat=30.2, urgent=True,
    )  # fmt: skip
    assert case_from_record(case_to_record(case)) == case
    assert case_from_record({**case_to_record(case), "from_a_newer_app": 1}) == case
