"""Cases in the control room's words (DOMAIN.md): states, commands, roles, sources, stages, the
supervision colour and what a failed command means — and the names of categories and departments,
read through :class:`CaseNames` (the site's catalogue, adapted by the composition root).

One word per meaning: 立案, 派遣, 处置, 反馈, 核查, 结案, 返工, 缓办, 延期, 不予立案, 超期, 即将超期.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Protocol

from PySide6.QtCore import QCoreApplication

from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.case_ports import CaseConflict
from app.core.cases import (
    CLOCK_STATES,
    Case,
    CaseCommand,
    CaseSource,
    CaseState,
    EvidenceStage,
    InvalidCaseTransition,
    MissingReason,
    NotAllowed,
    Role,
)
from app.media.evidence.words import utc_offset_text

translate = QCoreApplication.translate


class CaseNames(Protocol):
    """Names of the site's categories and departments, in the interface's language."""

    def category_name(self, code: str) -> str:
        """The name of a class (大类) or subclass (小类) code; "" when unknown."""
        ...

    def category_classes(self) -> Sequence[tuple[str, str]]:
        """(code, name) of each class (大类), for the list's filter."""
        ...

    def category_choices(self) -> Sequence[tuple[str, str]]:
        """(code, name) of each category a case may be filed under (小类), for pickers."""
        ...

    def department_name(self, department_id: str) -> str:
        """The department's name; "" when unknown."""
        ...

    def department_choices(self) -> Sequence[tuple[str, str]]:
        """(id, name) of each department."""
        ...


def category_words(names: CaseNames, code: str) -> str:
    """``0501 无照经营游商`` (the code alone when the catalogue does not know it)."""
    name = names.category_name(code)
    return f"{code} {name}" if name else code


def department_words(names: CaseNames, department_id: str | None) -> str:
    if not department_id:
        return ""
    return names.department_name(department_id) or department_id


def state_words(state: CaseState) -> str:
    words = {
        CaseState.REPORTED: translate("Cases", "Reported"),
        CaseState.FILED: translate("Cases", "Filed"),
        CaseState.CANCELLED: translate("Cases", "Not filed"),
        CaseState.DISPATCHED: translate("Cases", "Dispatched"),
        CaseState.IN_PROGRESS: translate("Cases", "Being handled"),
        CaseState.HANDLED: translate("Cases", "Reported back"),
        CaseState.VERIFIED: translate("Cases", "Checked"),
        CaseState.CLOSED: translate("Cases", "Closed"),
        CaseState.DEFERRED: translate("Cases", "Deferred"),
    }
    return words[state]


def command_words(command: CaseCommand) -> str:
    """The button's text (and the timeline's action)."""
    words = {
        CaseCommand.REPORT: translate("Cases", "Reported"),
        CaseCommand.EDIT: translate("Cases", "Edit"),
        CaseCommand.FILE: translate("Cases", "File"),
        CaseCommand.CANCEL: translate("Cases", "Do not file"),
        CaseCommand.DISPATCH: translate("Cases", "Dispatch"),
        CaseCommand.REDISPATCH: translate("Cases", "Dispatch to another department"),
        CaseCommand.START: translate("Cases", "Handling started"),
        CaseCommand.FEEDBACK: translate("Cases", "Report back"),
        CaseCommand.VERIFY: translate("Cases", "Check passed"),
        CaseCommand.RETURN: translate("Cases", "Return for rework"),
        CaseCommand.CLOSE: translate("Cases", "Close"),
        CaseCommand.REQUEST_DEFERRAL: translate("Cases", "Ask to defer"),
        CaseCommand.REQUEST_EXTENSION: translate("Cases", "Ask for an extension"),
        CaseCommand.APPROVE: translate("Cases", "Approve the request"),
        CaseCommand.REJECT: translate("Cases", "Refuse the request"),
        CaseCommand.RESUME: translate("Cases", "Resume"),
        CaseCommand.ADD_OCCURRENCE: translate("Cases", "Seen again"),
        CaseCommand.ADD_EVIDENCE: translate("Cases", "Add a picture"),
    }
    return words[command]


def done_words(command: CaseCommand) -> str:
    """What the status line says after the command was stored: "{0}" is the case id."""
    words = {
        CaseCommand.FILE: translate("Cases", "Case {0} filed."),
        CaseCommand.CANCEL: translate("Cases", "Case {0} not filed."),
        CaseCommand.DISPATCH: translate("Cases", "Case {0} dispatched."),
        CaseCommand.REDISPATCH: translate("Cases", "Case {0} dispatched to another department."),
        CaseCommand.START: translate("Cases", "Case {0}: handling started."),
        CaseCommand.FEEDBACK: translate("Cases", "Case {0}: reported back."),
        CaseCommand.VERIFY: translate("Cases", "Case {0}: check passed."),
        CaseCommand.RETURN: translate("Cases", "Case {0} returned for rework."),
        CaseCommand.CLOSE: translate("Cases", "Case {0} closed."),
        CaseCommand.REQUEST_DEFERRAL: translate("Cases", "Case {0}: deferral requested."),
        CaseCommand.REQUEST_EXTENSION: translate("Cases", "Case {0}: extension requested."),
        CaseCommand.APPROVE: translate("Cases", "Case {0}: request approved."),
        CaseCommand.REJECT: translate("Cases", "Case {0}: request refused."),
        CaseCommand.RESUME: translate("Cases", "Case {0} resumed."),
        CaseCommand.ADD_EVIDENCE: translate("Cases", "Case {0}: picture added."),
    }
    return words.get(command) or translate("Cases", "Case {0} saved.")


def action_words(action: str, data_reason: str = "") -> str:
    """A timeline entry's action (the audit event's command)."""
    try:
        command = CaseCommand(action)
    except ValueError:
        return action
    if command is CaseCommand.APPROVE and data_reason == "deferral":
        return translate("Cases", "Deferral approved")
    if command is CaseCommand.APPROVE and data_reason == "extension":
        return translate("Cases", "Extension approved")
    return command_words(command)


def role_words(role: str) -> str:
    words = {
        Role.OPERATOR.value: translate("Cases", "Operator"),
        Role.SHIFT_LEADER.value: translate("Cases", "Shift leader"),
        Role.DEPARTMENT.value: translate("Cases", "Department"),
        Role.SYSTEM.value: translate("Cases", "System"),
    }
    return words.get(role, role)


def source_words(source: CaseSource) -> str:
    words = {
        CaseSource.VIDEO: translate("Cases", "Video monitoring"),
        CaseSource.OPERATOR: translate("Cases", "Made at a tile"),
        CaseSource.IMPORTED: translate("Cases", "Imported"),
    }
    return words[source]


def stage_words(stage: EvidenceStage) -> str:
    words = {
        EvidenceStage.REPORT: translate("Cases", "Report"),
        EvidenceStage.FEEDBACK: translate("Cases", "Feedback"),
        EvidenceStage.VERIFICATION: translate("Cases", "Check"),
    }
    return words[stage]


# --- supervision (督办) -----------------------------------------------------------------------------
class Supervision(StrEnum):
    NONE = "none"  # not on the clock (not dispatched yet, closed, deferred)
    NORMAL = "normal"
    DUE_SOON = "due_soon"  # at most a quarter of the time limit left
    OVERDUE = "overdue"


DUE_SOON_SHARE = 0.25


def supervision(case: Case, now: float, share: float = DUE_SOON_SHARE) -> Supervision:
    """The colour of a case's row on the clock: the share left is measured from dispatch to due,
    nights and weekends counted too (:mod:`app.ui.cases.supervise` measures on the calendar)."""
    if case.overdue(now):
        return Supervision.OVERDUE
    if case.state not in CLOCK_STATES or case.due_at is None or case.state is CaseState.HANDLED:
        return Supervision.NONE
    start = case.dispatched_at if case.dispatched_at is not None else case.due_at
    total = max(case.due_at - start, 1.0)
    return Supervision.DUE_SOON if case.due_at - now <= share * total else Supervision.NORMAL


def supervision_words(level: Supervision) -> str:
    words = {
        Supervision.NONE: "",
        Supervision.NORMAL: translate("Cases", "On time"),
        Supervision.DUE_SOON: translate("Cases", "Due soon"),
        Supervision.OVERDUE: translate("Cases", "Overdue"),
    }
    return words[level]


def span_words(seconds: float) -> str:
    """2 天 3 小时, 3 小时 20 分钟, 12 分钟 (the two largest units)."""
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return translate("Cases", "{0} d {1} h").format(days, hours)
    if hours:
        return translate("Cases", "{0} h {1} min").format(hours, mins)
    return translate("Cases", "{0} min").format(mins)


def time_left_words(case: Case, now: float) -> str:
    """剩余 3 小时 20 分钟 / 超期 1 小时 5 分钟 / "" when the clock does not run."""
    if case.due_at is None or case.state not in CLOCK_STATES:
        return ""
    if case.overdue(now):
        late = (case.handled_at if case.state is CaseState.HANDLED and case.handled_at else now) - case.due_at
        return translate("Cases", "overdue by {0}").format(span_words(late))
    if case.state is CaseState.HANDLED:
        return translate("Cases", "reported back in time")
    return translate("Cases", "{0} left").format(span_words(case.due_at - now))


def when_words(at: float | None, tz: tzinfo) -> str:
    """2026-12-07 18:30 in the site's zone (the zone said once in the header, not on every line)."""
    return "" if at is None else f"{datetime.fromtimestamp(at, tz):%Y-%m-%d %H:%M}"


def seconds_words(at: float, tz: tzinfo) -> str:
    return f"{datetime.fromtimestamp(at, tz):%Y-%m-%d %H:%M:%S}"


def zone_words(tz: tzinfo, at: float) -> str:
    return utc_offset_text(datetime.fromtimestamp(at, tz))


# --- a failed command in words ------------------------------------------------------------------------
def fault_words(fault: StoreFault) -> str:
    words = {
        StoreFault.DISK_FULL: translate("Cases", "the disk is full"),
        StoreFault.READ_ONLY: translate("Cases", "the database is read-only"),
        StoreFault.LOCKED: translate("Cases", "the database is busy at another workstation"),
        StoreFault.UNREACHABLE: translate("Cases", "the database server cannot be reached"),
        StoreFault.DAMAGED: translate("Cases", "the database file is damaged"),
        StoreFault.OTHER: translate("Cases", "the database refused it"),
    }
    return words[fault]


def error_words(exc: BaseException, command: CaseCommand | None = None) -> str:
    """One translated sentence for a command that was not stored (nothing was changed)."""
    if isinstance(exc, CaseConflict):
        if exc.expected is None:
            return translate("Cases", "A case with this number exists already; nothing was saved.")
        if exc.by:
            return translate(
                "Cases", "The case was changed by {0}; it has been reloaded. Please do it again."
            ).format(exc.by)
        return translate(
            "Cases", "The case was changed at another workstation; it has been reloaded. Please do it again."
        )
    if isinstance(exc, NotAllowed):
        return translate("Cases", "As {0} you may not do this ({1}); nothing was changed.").format(
            role_words(exc.role.value), command_words(exc.command)
        )
    if isinstance(exc, InvalidCaseTransition):
        return translate("Cases", "The case is {0}: “{1}” is not possible now; nothing was changed.").format(
            state_words(exc.state), command_words(exc.command)
        )
    if isinstance(exc, MissingReason):
        return translate("Cases", "A reason is needed; nothing was changed.")
    if isinstance(exc, StoreUnavailable):
        return translate("Cases", "Not saved: {0} ({1}). Nothing was changed; try again.").format(
            fault_words(exc.fault), exc.where
        )
    if isinstance(exc, KeyError):
        return translate("Cases", "Not known here: {0}; nothing was changed.").format(str(exc).strip("'\""))
    return translate("Cases", "Not saved: {0}").format(str(exc) or type(exc).__name__)
