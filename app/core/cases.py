"""Cases in the 数字城管 closed loop (stdlib only, no I/O).

A case is what the centre is judged by: a violation or a broken component that is filed, sent to
the department responsible, handled, checked at the scene and closed. :class:`Case` is the one
value type for it: the case service keeps it, the store writes it, the UI shows it, the exporter
sends it.

Its life is an explicit table (``TRANSITIONS``) over (state, command), each entry naming the roles
allowed to give that command::

    reported ─file→ filed ─dispatch→ dispatched ─start→ in_progress ─feedback→ handled
       │                                  │  ↑ (return: 返工)                       │
       └cancel→ cancelled                 │  └──────────────────────────────────────┤
                                          └feedback→ handled          verify→ verified ─close→ closed
    dispatched / in_progress: request deferral or extension → approved by the shift leader
    (deferred ─resume→ dispatched; an extension moves the deadline), or rejected.

Every other (state, command) pair raises :class:`InvalidCaseTransition`; a role not in the entry
raises :class:`NotAllowed`. Each change comes back as a :class:`CaseChange` with its
:class:`~app.core.audit.AuditDraft` for the tamper-evident record, and bumps ``version``: the store
refuses a change made on an older version (two people changing one case: the second is told).

Deadlines are computed by the caller on the site's working calendar and passed in (``due_at``):
the core only records them. The clock starts at dispatch (派遣); time spent deferred (缓办) does not
count, and deferred cases are left out of the figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.audit import AuditDraft
from app.core.case_catalogue import CaseKind
from app.core.time_limits import DeadlineUnit, TimeLimit


class CaseState(StrEnum):
    REPORTED = "reported"  # 受理: reported, waiting to be filed
    FILED = "filed"  # 立案
    CANCELLED = "cancelled"  # 不予立案 (with a reason)
    DISPATCHED = "dispatched"  # 派遣: the deadline clock runs
    IN_PROGRESS = "in_progress"  # 处置中: the department has taken it
    HANDLED = "handled"  # 已反馈: the department says it is done
    VERIFIED = "verified"  # 核查通过: the centre saw it done
    CLOSED = "closed"  # 结案
    DEFERRED = "deferred"  # 缓办 (approved): the clock is stopped


class CaseCommand(StrEnum):
    REPORT = "report"  # a new case (never valid on an existing one)
    EDIT = "edit"  # category, place, description, department before dispatch
    FILE = "file"  # 立案
    CANCEL = "cancel"  # 不予立案
    DISPATCH = "dispatch"  # 派遣
    REDISPATCH = "redispatch"  # 改派: to another department (the deadline stays)
    START = "start"  # the department has taken it
    FEEDBACK = "feedback"  # 反馈: the department's note and photo
    VERIFY = "verify"  # 核查通过
    RETURN = "return"  # 返工: the check failed, back to the department
    CLOSE = "close"  # 结案
    REQUEST_DEFERRAL = "request_deferral"  # 申请缓办
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    APPROVE = "approve"  # the pending request is granted
    REJECT = "reject"  # the pending request is refused
    RESUME = "resume"  # a deferred case goes back to the department
    ADD_OCCURRENCE = "add_occurrence"  # the same thing seen again (a repeat alert)
    ADD_EVIDENCE = "add_evidence"  # a later picture (before/after)


class Role(StrEnum):
    OPERATOR = "operator"  # 座席员 / 信息处理员
    SHIFT_LEADER = "shift_leader"  # 值班长
    DEPARTMENT = "department"  # 处置部门 (or an operator recording its answer)
    SYSTEM = "system"  # auto-creation, detection


class CaseSource(StrEnum):
    VIDEO = "video"  # 视频监控: from a confirmed (or long-open) alert
    OPERATOR = "operator"  # made by hand at a tile
    IMPORTED = "imported"  # from another system


class RequestKind(StrEnum):
    DEFERRAL = "deferral"  # 缓办
    EXTENSION = "extension"  # 延期


class EvidenceStage(StrEnum):
    REPORT = "report"  # what was seen (the alert's still and clip, a snapshot): "before"
    FEEDBACK = "feedback"  # the department's photo when it reports back
    VERIFICATION = "verification"  # the centre's own picture at the check: "after"


S, C, R = CaseState, CaseCommand, Role
ANYONE = frozenset({R.OPERATOR, R.SHIFT_LEADER, R.DEPARTMENT, R.SYSTEM})
PEOPLE = frozenset({R.OPERATOR, R.SHIFT_LEADER})
LEADER = frozenset({R.SHIFT_LEADER})
REPORTERS = frozenset({R.OPERATOR, R.SHIFT_LEADER, R.SYSTEM})  # who may make a case (REPORT)
DEPT = frozenset({R.DEPARTMENT, R.OPERATOR, R.SHIFT_LEADER})  # operators record the department's word
OPEN_STATES = frozenset({S.REPORTED, S.FILED, S.DISPATCHED, S.IN_PROGRESS, S.HANDLED, S.VERIFIED, S.DEFERRED})
WORKING = (S.DISPATCHED, S.IN_PROGRESS)  # with the department, the clock running
CLOCK_STATES = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.HANDLED})  # deadline supervision applies

# (state, command) → (state after, roles allowed). The tests check every pair, allowed or not.
TRANSITIONS: dict[tuple[CaseState, CaseCommand], tuple[CaseState, frozenset[Role]]] = {
    (S.REPORTED, C.EDIT): (S.REPORTED, PEOPLE),
    (S.REPORTED, C.FILE): (S.FILED, PEOPLE),
    (S.REPORTED, C.CANCEL): (S.CANCELLED, LEADER),
    (S.FILED, C.EDIT): (S.FILED, PEOPLE),
    (S.FILED, C.DISPATCH): (S.DISPATCHED, PEOPLE),
    (S.FILED, C.CANCEL): (S.CANCELLED, LEADER),
    (S.DISPATCHED, C.REDISPATCH): (S.DISPATCHED, LEADER),
    (S.DISPATCHED, C.START): (S.IN_PROGRESS, DEPT),
    (S.DISPATCHED, C.FEEDBACK): (S.HANDLED, DEPT),
    (S.IN_PROGRESS, C.REDISPATCH): (S.DISPATCHED, LEADER),
    (S.IN_PROGRESS, C.FEEDBACK): (S.HANDLED, DEPT),
    (S.HANDLED, C.VERIFY): (S.VERIFIED, PEOPLE),
    (S.HANDLED, C.RETURN): (S.DISPATCHED, PEOPLE),
    (S.VERIFIED, C.CLOSE): (S.CLOSED, LEADER),
    (S.VERIFIED, C.RETURN): (S.DISPATCHED, LEADER),  # the leader disagrees with the check
    (S.DEFERRED, C.RESUME): (S.DISPATCHED, frozenset({R.SHIFT_LEADER, R.SYSTEM})),
}
for _state in WORKING:
    TRANSITIONS[(_state, C.REQUEST_DEFERRAL)] = (_state, DEPT)
    TRANSITIONS[(_state, C.REQUEST_EXTENSION)] = (_state, DEPT)
    TRANSITIONS[(_state, C.APPROVE)] = (_state, LEADER)  # a deferral's approval goes to DEFERRED
    TRANSITIONS[(_state, C.REJECT)] = (_state, LEADER)
for _state in OPEN_STATES:
    TRANSITIONS[(_state, C.ADD_OCCURRENCE)] = (_state, ANYONE)
for _state in CaseState:
    TRANSITIONS[(_state, C.ADD_EVIDENCE)] = (_state, ANYONE)  # the record grows, even when closed
del _state


class InvalidCaseTransition(RuntimeError):
    def __init__(self, case_id: str, state: CaseState, command: CaseCommand, why: str = "") -> None:
        detail = f" ({why})" if why else ""
        super().__init__(f"case {case_id}: cannot {command.value} a case that is {state.value}{detail}")
        self.case_id, self.state, self.command, self.why = case_id, state, command, why


class NotAllowed(PermissionError):
    """The role may not give this command (e.g. only the shift leader closes a case)."""

    def __init__(self, case_id: str, command: CaseCommand, role: Role, allowed: frozenset[Role]) -> None:
        names = ", ".join(sorted(r.value for r in allowed))
        super().__init__(f"case {case_id}: a {role.value} may not {command.value} (allowed: {names})")
        self.case_id, self.command, self.role, self.allowed = case_id, command, role, allowed


class MissingReason(ValueError):
    """Cancelling, returning, deferring, extending and refusing need a text saying why."""


def next_state(case_id: str, state: CaseState, command: CaseCommand, role: Role) -> CaseState:
    try:
        after, allowed = TRANSITIONS[(state, command)]
    except KeyError:
        raise InvalidCaseTransition(case_id, state, command) from None
    if role not in allowed:
        raise NotAllowed(case_id, command, role, allowed)
    return after


def allowed_commands(state: CaseState, role: Role) -> list[CaseCommand]:
    """What ``role`` may do to a case in ``state`` (for the UI's buttons), in table order."""
    return [command for (s, command), (_, roles) in TRANSITIONS.items() if s is state and role in roles]


@dataclass(frozen=True)
class Actor:
    """Who gives a command: the person on shift (or "system") and the role they act in."""

    name: str
    role: Role


@dataclass(frozen=True)
class CaseEvidence:
    ref: EvidenceRef
    stage: EvidenceStage
    added_by: str
    added_at: float
    note: str = ""


@dataclass(frozen=True)
class PendingRequest:
    kind: RequestKind
    by: str
    at: float
    reason: str
    amount: float | None = None  # an extension's length, in the case's time-limit unit


@dataclass(frozen=True)
class Case:
    id: str
    source: CaseSource
    category_code: str  # from the site's catalogue (事件/部件, 大类+小类: 0501 无照经营游商)
    created_at: float
    created_by: str
    category_kind: CaseKind = CaseKind.EVENT  # 事件 or 部件 (a code may exist in both)
    camera_id: str | None = None
    preset: str | None = None
    zone_id: str | None = None
    grid_code: str | None = None  # 万米单元网格
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    description: str = ""
    alert_ids: tuple[str, ...] = ()  # the alert it came from first, then repeats
    occurrences: int = 1  # how often it was seen while the case was open
    last_seen_at: float | None = None
    evidence: tuple[CaseEvidence, ...] = ()
    department_id: str | None = None
    suggested_department_id: str | None = None  # what the routing table said
    department_chosen_by: str | None = None  # who chose (or confirmed) the department
    time_limit: TimeLimit | None = None  # set at filing from the catalogue
    urgent: bool = False
    state: CaseState = CaseState.REPORTED
    filed_at: float | None = None
    filed_by: str | None = None
    dispatched_at: float | None = None  # the first dispatch: the clock's start
    due_at: float | None = None
    started_at: float | None = None
    handled_at: float | None = None  # the latest feedback
    feedback_note: str = ""
    verified_at: float | None = None
    verified_by: str | None = None
    closed_at: float | None = None
    closed_by: str | None = None
    cancelled_at: float | None = None
    cancel_reason: str = ""
    rework_count: int = 0
    extension_count: int = 0
    deferred_at: float | None = None
    deferred_seconds: float = 0.0  # time spent deferred (the clock stopped)
    was_deferred: bool = False  # deferred at some point: left out of the figures
    pending: PendingRequest | None = None
    note: str = ""  # the latest reason or remark a person gave
    version: int = 0  # bumped by every change; the store refuses a change on an older one
    updated_at: float | None = None
    updated_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def key(self) -> tuple[str | None, str | None, str]:
        """At most one open case per (camera, zone, category): a repeat is an occurrence on it."""
        return (self.camera_id, self.zone_id, self.category_code)

    def overdue(self, now: float) -> bool:
        """Past its deadline while the department still has it (or its feedback came too late)."""
        if self.due_at is None or self.state is S.DEFERRED:
            return False
        if self.state in (S.DISPATCHED, S.IN_PROGRESS):
            return now > self.due_at
        return self.handled_at is not None and self.handled_at > self.due_at and self.is_open

    def evidence_at(self, stage: EvidenceStage, kind: EvidenceKind | None = None) -> list[CaseEvidence]:
        return [e for e in self.evidence if e.stage is stage and (kind is None or e.ref.kind is kind)]


# --- records (JSON-able dicts for the store, the audit chain and the export) -----------------------
_ENUMS: dict[str, type[StrEnum]] = {"source": CaseSource, "state": CaseState, "category_kind": CaseKind}


def _ref_record(ref: EvidenceRef) -> dict[str, Any]:
    return {**ref.__dict__, "kind": ref.kind.value}


def case_to_record(case: Case) -> dict[str, Any]:
    """Every field as JSON-able values (enums by value; evidence, limit and request as dicts)."""
    out: dict[str, Any] = {}
    for name in Case.__dataclass_fields__:
        value = getattr(case, name)
        if name == "evidence":
            value = [
                {"ref": _ref_record(e.ref), "stage": e.stage.value, "added_by": e.added_by,
                 "added_at": e.added_at, "note": e.note}
                for e in value
            ]  # fmt: skip
        elif name == "time_limit":
            value = None if value is None else {"amount": value.amount, "unit": value.unit.value}
        elif name == "pending":
            value = None if value is None else {**value.__dict__, "kind": value.kind.value}
        elif name == "alert_ids":
            value = list(value)
        elif isinstance(value, StrEnum):
            value = value.value
        out[name] = value
    return out


def case_from_record(record: Mapping[str, Any]) -> Case:
    """The inverse of :func:`case_to_record` (unknown keys are ignored: a newer app's extra fields)."""
    values: dict[str, Any] = {}
    for name in Case.__dataclass_fields__:
        if name not in record:
            continue
        value = record[name]
        if name == "evidence":
            value = tuple(
                CaseEvidence(
                    EvidenceRef(**{**e["ref"], "kind": EvidenceKind(e["ref"]["kind"])}),
                    EvidenceStage(e["stage"]), e["added_by"], e["added_at"], e.get("note", ""),
                )
                for e in value
            )  # fmt: skip
        elif name == "time_limit" and value is not None:
            value = TimeLimit(value["amount"], DeadlineUnit(value["unit"]))
        elif name == "pending" and value is not None:
            value = PendingRequest(**{**value, "kind": RequestKind(value["kind"])})
        elif name == "alert_ids":
            value = tuple(value)
        elif name in _ENUMS and value is not None:
            value = _ENUMS[name](value)
        values[name] = value
    return Case(**values)


# --- changes ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseChange:
    """One change: the case before (None when new) and after, and its record for the audit chain."""

    before: Case | None
    after: Case
    command: CaseCommand
    draft: AuditDraft


@dataclass(frozen=True)
class Edit:
    """What may be corrected before dispatch; None leaves a field as it is."""

    category_code: str | None = None
    category_kind: CaseKind | None = None
    grid_code: str | None = None
    address: str | None = None
    description: str | None = None
    department_id: str | None = None
    urgent: bool | None = None
    lon: float | None = None
    lat: float | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _need(case_id: str, text: str, what: str) -> str:
    if not text.strip():
        raise MissingReason(f"case {case_id}: {what} needs a text saying why")
    return text.strip()


def _change(
    case: Case | None, after: Case, command: CaseCommand, actor: Actor, at: float,
    *, reason: str = "", note: str = "",
) -> CaseChange:  # fmt: skip
    after = replace(after, version=(case.version if case else 0) + 1, updated_at=at, updated_by=actor.name)
    draft = AuditDraft(
        subject=f"case:{after.id}", action=command.value, actor=actor.name, at=at, reason=reason,
        note=note, data={**case_to_record(after), "by_role": actor.role.value},
    )  # fmt: skip
    return CaseChange(case, after, command, draft)


def report(case: Case, actor: Actor, at: float) -> CaseChange:
    """A new case as reported (state REPORTED, version 1)."""
    if actor.role not in REPORTERS:
        raise NotAllowed(case.id, C.REPORT, actor.role, REPORTERS)
    fresh = replace(case, state=S.REPORTED, created_at=at, created_by=actor.name, version=0)
    return _change(None, fresh, C.REPORT, actor, at, note=case.description)


def edit(case: Case, actor: Actor, at: float, what: Edit, *, note: str = "") -> CaseChange:
    next_state(case.id, case.state, C.EDIT, actor.role)
    values = what.changes()
    if "department_id" in values:
        values["department_chosen_by"] = actor.name
    after = replace(case, **values)
    changed = ", ".join(sorted(values))
    return _change(case, after, C.EDIT, actor, at, note=note or changed)


def file(
    case: Case, actor: Actor, at: float, *, time_limit: TimeLimit, urgent: bool = False, note: str = "",
    department_id: str | None = None, chosen_by: str | None = None,
) -> CaseChange:  # fmt: skip
    """立案: the catalogue's time limit is fixed on the case now (a later catalogue edit does not
    change what was promised); ``department_id`` proposes who gets it (``chosen_by``: "routing")."""
    state = next_state(case.id, case.state, C.FILE, actor.role)
    after = replace(
        case, state=state, filed_at=at, filed_by=actor.name, time_limit=time_limit,
        urgent=urgent or case.urgent, note=note or case.note,
        department_id=department_id or case.department_id,
        department_chosen_by=chosen_by if department_id else case.department_chosen_by,
    )  # fmt: skip
    return _change(case, after, C.FILE, actor, at, note=note)


def cancel(case: Case, actor: Actor, at: float, reason: str) -> CaseChange:
    """不予立案 (or withdrawn before dispatch), always with a reason."""
    state = next_state(case.id, case.state, C.CANCEL, actor.role)
    reason = _need(case.id, reason, "cancelling")
    after = replace(case, state=state, cancelled_at=at, cancel_reason=reason, note=reason)
    return _change(case, after, C.CANCEL, actor, at, note=reason)


def dispatch(
    case: Case, actor: Actor, at: float, *, department_id: str, due_at: float, note: str = ""
) -> CaseChange:
    """派遣 to ``department_id``; ``due_at`` is the deadline the caller computed from ``at`` on the
    working calendar. ``suggested_department_id`` keeps what routing proposed; who chose is kept."""
    state = next_state(case.id, case.state, C.DISPATCH, actor.role)
    if case.time_limit is None:
        raise InvalidCaseTransition(case.id, case.state, C.DISPATCH, "it has no time limit: file it first")
    after = replace(
        case, state=state, department_id=department_id, department_chosen_by=actor.name,
        dispatched_at=at, due_at=due_at, note=note or case.note,
    )  # fmt: skip
    return _change(case, after, C.DISPATCH, actor, at, note=note or department_id)


def redispatch(case: Case, actor: Actor, at: float, *, department_id: str, reason: str) -> CaseChange:
    """改派: another department takes it over; the deadline stays."""
    state = next_state(case.id, case.state, C.REDISPATCH, actor.role)
    reason = _need(case.id, reason, "sending to another department")
    after = replace(
        case, state=state, department_id=department_id, department_chosen_by=actor.name,
        started_at=None, note=reason,
    )  # fmt: skip
    return _change(case, after, C.REDISPATCH, actor, at, reason=department_id, note=reason)


def start(case: Case, actor: Actor, at: float, note: str = "") -> CaseChange:
    state = next_state(case.id, case.state, C.START, actor.role)
    after = replace(case, state=state, started_at=at, note=note or case.note)
    return _change(case, after, C.START, actor, at, note=note)


def feedback(
    case: Case, actor: Actor, at: float, note: str, evidence: tuple[CaseEvidence, ...] = ()
) -> CaseChange:
    """反馈: the department says it is done, with its note (and usually a photo)."""
    state = next_state(case.id, case.state, C.FEEDBACK, actor.role)
    note = _need(case.id, note, "feedback")
    after = replace(
        case, state=state, handled_at=at, feedback_note=note, pending=None,
        evidence=case.evidence + evidence, note=note,
    )  # fmt: skip
    return _change(case, after, C.FEEDBACK, actor, at, note=note)


def verify(
    case: Case, actor: Actor, at: float, evidence: tuple[CaseEvidence, ...] = (), note: str = ""
) -> CaseChange:
    """核查通过: the centre saw it done (the "after" picture from the same place)."""
    state = next_state(case.id, case.state, C.VERIFY, actor.role)
    after = replace(
        case, state=state, verified_at=at, verified_by=actor.name, evidence=case.evidence + evidence,
        note=note or case.note,
    )  # fmt: skip
    return _change(case, after, C.VERIFY, actor, at, note=note)


def return_for_rework(
    case: Case, actor: Actor, at: float, reason: str, evidence: tuple[CaseEvidence, ...] = ()
) -> CaseChange:
    """返工: the check failed; back to the department, the original deadline kept."""
    state = next_state(case.id, case.state, C.RETURN, actor.role)
    reason = _need(case.id, reason, "returning for rework")
    after = replace(
        case, state=state, rework_count=case.rework_count + 1, verified_at=None, verified_by=None,
        started_at=None, evidence=case.evidence + evidence, note=reason,
    )  # fmt: skip
    return _change(case, after, C.RETURN, actor, at, note=reason)


def close(case: Case, actor: Actor, at: float, note: str = "") -> CaseChange:
    """结案 (only after a passed check)."""
    state = next_state(case.id, case.state, C.CLOSE, actor.role)
    after = replace(case, state=state, closed_at=at, closed_by=actor.name, note=note or case.note)
    return _change(case, after, C.CLOSE, actor, at, note=note)


def request(
    case: Case, actor: Actor, at: float, kind: RequestKind, reason: str, amount: float | None = None
) -> CaseChange:
    """申请缓办 / 申请延期 (an extension says how much, in the case's time-limit unit)."""
    command = C.REQUEST_DEFERRAL if kind is RequestKind.DEFERRAL else C.REQUEST_EXTENSION
    state = next_state(case.id, case.state, command, actor.role)
    reason = _need(case.id, reason, f"a {kind.value} request")
    if case.pending is not None:
        raise InvalidCaseTransition(
            case.id, case.state, command, f"a {case.pending.kind.value} request waits"
        )
    if kind is RequestKind.EXTENSION and (amount is None or amount <= 0):
        raise ValueError(f"case {case.id}: an extension needs a length above 0")
    pending = PendingRequest(kind, actor.name, at, reason, amount if kind is RequestKind.EXTENSION else None)
    after = replace(case, state=state, pending=pending, note=reason)
    return _change(case, after, command, actor, at, reason=kind.value, note=reason)


def approve(
    case: Case, actor: Actor, at: float, *, new_due_at: float | None = None, note: str = ""
) -> CaseChange:
    """The pending request is granted: a deferral stops the clock (state DEFERRED); an extension
    moves the deadline to ``new_due_at`` (computed by the caller on the working calendar)."""
    next_state(case.id, case.state, C.APPROVE, actor.role)
    pending = case.pending
    if pending is None:
        raise InvalidCaseTransition(case.id, case.state, C.APPROVE, "no request waits")
    if pending.kind is RequestKind.DEFERRAL:
        after = replace(case, state=S.DEFERRED, deferred_at=at, was_deferred=True, pending=None)
    else:
        if new_due_at is None:
            raise ValueError(f"case {case.id}: approving an extension needs the new deadline")
        after = replace(case, due_at=new_due_at, extension_count=case.extension_count + 1, pending=None)
    return _change(
        case,
        replace(after, note=note or case.note),
        C.APPROVE,
        actor,
        at,
        reason=pending.kind.value,
        note=note,
    )


def reject(case: Case, actor: Actor, at: float, reason: str) -> CaseChange:
    next_state(case.id, case.state, C.REJECT, actor.role)
    if case.pending is None:
        raise InvalidCaseTransition(case.id, case.state, C.REJECT, "no request waits")
    reason = _need(case.id, reason, "refusing a request")
    after = replace(case, pending=None, note=reason)
    return _change(case, after, C.REJECT, actor, at, reason=case.pending.kind.value, note=reason)


def resume(case: Case, actor: Actor, at: float, *, new_due_at: float, note: str = "") -> CaseChange:
    """A deferred case goes back to the department; ``new_due_at`` adds the time it was stopped
    (the caller computes it on the working calendar)."""
    state = next_state(case.id, case.state, C.RESUME, actor.role)
    stopped = max(0.0, at - case.deferred_at) if case.deferred_at is not None else 0.0
    after = replace(
        case, state=state, due_at=new_due_at, deferred_at=None,
        deferred_seconds=case.deferred_seconds + stopped, started_at=None, note=note or case.note,
    )  # fmt: skip
    return _change(case, after, C.RESUME, actor, at, note=note)


def add_occurrence(case: Case, actor: Actor, at: float, alert_id: str | None = None) -> CaseChange:
    """The same thing seen again while the case is open: counted on it, no second case."""
    next_state(case.id, case.state, C.ADD_OCCURRENCE, actor.role)
    ids = case.alert_ids + ((alert_id,) if alert_id and alert_id not in case.alert_ids else ())
    after = replace(case, occurrences=case.occurrences + 1, last_seen_at=at, alert_ids=ids)
    return _change(case, after, C.ADD_OCCURRENCE, actor, at, note=alert_id or "")


def add_evidence(case: Case, actor: Actor, at: float, evidence: tuple[CaseEvidence, ...]) -> CaseChange:
    next_state(case.id, case.state, C.ADD_EVIDENCE, actor.role)
    known = {(e.ref.sha256, e.stage) for e in case.evidence}
    fresh = tuple(e for e in evidence if (e.ref.sha256, e.stage) not in known)
    after = replace(case, evidence=case.evidence + fresh)
    note = ", ".join(f"{e.stage.value} {e.ref.kind.value} {e.ref.sha256[:12]}" for e in fresh)
    return _change(case, after, C.ADD_EVIDENCE, actor, at, note=note)


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case (read from the store's columns, no record parsing)."""

    id: str
    source: CaseSource
    category_code: str
    grid_code: str | None
    department_id: str | None
    state: CaseState
    created_at: float
    dispatched_at: float | None
    due_at: float | None
    handled_at: float | None
    closed_at: float | None
    rework_count: int
    was_deferred: bool
    urgent: bool = False
    alert_ids: tuple[str, ...] = field(default=())


def facts_of(case: Case) -> CaseFacts:
    return CaseFacts(
        case.id, case.source, case.category_code, case.grid_code, case.department_id, case.state,
        case.created_at, case.dispatched_at, case.due_at, case.handled_at, case.closed_at,
        case.rework_count, case.was_deferred, case.urgent, case.alert_ids,
    )  # fmt: skip
