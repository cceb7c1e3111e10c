"""The words of the figures and the exports, in the UI's language (Chinese first).

The exporters (app.adapters.figures_export, app.adapters.case_report) hold Chinese defaults; the UI
passes these maps instead, so a spreadsheet or a report follows the language the user chose. Every
string is a literal translate("Figures", …) call so that lupdate finds it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.alerts import Rule
from app.core.cases import CaseSource

translate = QCoreApplication.translate
DASH = "—"  # nothing was due: no rate, which is not 0 %


def rate_text(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def hours_text(seconds: float | None) -> str:
    return DASH if seconds is None else f"{seconds / 3600.0:.1f}"


def source_words(source: str | None) -> str:
    return {
        CaseSource.VIDEO.value: translate("Figures", "video"),
        CaseSource.OPERATOR.value: translate("Figures", "operator report"),
        CaseSource.IMPORTED.value: translate("Figures", "imported"),
    }.get(source or "", source or translate("Figures", "(not set)"))


def rule_words(rule: Rule) -> str:
    return {
        Rule.VENDING: translate("Figures", "street vending"),
        Rule.BIN_OVERFLOW: translate("Figures", "overflowing bin"),
    }.get(rule, rule.value)


def reason_text(reason: str) -> str:
    """An exporter's English reason (app.adapters.export_files, case_files_export) in words."""
    known = {
        "disk full": translate("Figures", "the disk is full"),
        "the disk is full": translate("Figures", "the disk is full"),
        "read-only folder": translate("Figures", "the folder is read-only"),
        "the folder is read-only": translate("Figures", "the folder is read-only"),
        "permission denied": translate("Figures", "permission denied"),
        "the folder does not exist": translate("Figures", "the folder does not exist"),
    }
    return known.get(reason, reason)


def figure_export_words() -> dict[str, str]:
    """The words of app.adapters.figures_export (its CHINESE map's keys)."""
    return {
        "summary": translate("Figures", "Summary"),
        "departments": translate("Figures", "Departments"),
        "categories": translate("Figures", "Categories"),
        "grids": translate("Figures", "Grids"),
        "sources": translate("Figures", "Sources"),
        "cases": translate("Figures", "Cases"),
        "alerts": translate("Figures", "Alerts"),
        "figure": translate("Figures", "Figure"),
        "value": translate("Figures", "Value"),
        "period_start": translate("Figures", "Period start"),
        "period_end": translate("Figures", "Period end"),
        "computed_at": translate("Figures", "Computed at"),
        "time_zone": translate("Figures", "Time zone"),
        "all": translate("Figures", "All"),
        "urgent": translate("Figures", "Urgent cases"),
        "urgent_met": translate("Figures", "Urgent target met (100%)"),
        "department": translate("Figures", "Department"),
        "category": translate("Figures", "Category"),
        "grid": translate("Figures", "Grid"),
        "source": translate("Figures", "Source"),
        "name": translate("Figures", "Name"),
        "rank": translate("Figures", "Rank"),
        "created": translate("Figures", "New cases"),
        "due": translate("Figures", "Due"),
        "closed": translate("Figures", "Closed"),
        "closed_on_time": translate("Figures", "Closed on time"),
        "closure_rate": translate("Figures", "Closure rate"),
        "on_time_rate": translate("Figures", "On-time rate"),
        "handled": translate("Figures", "With feedback"),
        "reworked": translate("Figures", "Reworked"),
        "rework_rate": translate("Figures", "Rework rate"),
        "deferred": translate("Figures", "Deferred (left out)"),
        "open_due": translate("Figures", "Due, not closed"),
        "mean_to_feedback_h": translate("Figures", "Mean to feedback (h)"),
        "mean_to_close_h": translate("Figures", "Mean to closure (h)"),
        "case_id": translate("Figures", "Case number"),
        "category_name": translate("Figures", "Category name"),
        "department_name": translate("Figures", "Department name"),
        "state": translate("Figures", "State"),
        "urgent_flag": translate("Figures", "Urgent"),
        "dispatched": translate("Figures", "Dispatched"),
        "due_at": translate("Figures", "Deadline"),
        "handled_at": translate("Figures", "Feedback"),
        "closed_at": translate("Figures", "Closed at"),
        "counted": translate("Figures", "Counted"),
        "on_time": translate("Figures", "On time"),
        "rework_count": translate("Figures", "Reworks"),
        "rule": translate("Figures", "Rule"),
        "camera": translate("Figures", "Camera"),
        "raised": translate("Figures", "Alerts raised"),
        "confirmed": translate("Figures", "Confirmed"),
        "false_alarms": translate("Figures", "False alarms"),
        "permitted": translate("Figures", "Permitted"),
        "unjudged": translate("Figures", "Not judged"),
        "false_alarm_share": translate("Figures", "False-alarm share"),
        "confirmed_share": translate("Figures", "Confirmed share"),
        "yes": translate("Figures", "yes"),
        "no": translate("Figures", "no"),
        "not_set": translate("Figures", "(not set)"),
        "left_out_deferred": translate("Figures", "no (deferred)"),
        "state.reported": translate("Figures", "reported"),
        "state.filed": translate("Figures", "filed"),
        "state.cancelled": translate("Figures", "cancelled"),
        "state.dispatched": translate("Figures", "dispatched"),
        "state.in_progress": translate("Figures", "in progress"),
        "state.handled": translate("Figures", "handled"),
        "state.verified": translate("Figures", "verified"),
        "state.closed": translate("Figures", "closed"),
        "state.deferred": translate("Figures", "deferred"),
        "source.video": translate("Figures", "video"),
        "source.operator": translate("Figures", "operator report"),
        "source.imported": translate("Figures", "imported"),
        "rule.vending": translate("Figures", "street vending"),
        "rule.bin_overflow": translate("Figures", "overflowing bin"),
        "voice_zones": translate("Figures", "Voice prompts by zone"),
        "voice_hours": translate("Figures", "Voice prompts by hour"),
        "zone": translate("Figures", "Zone"),
        "zone_id": translate("Figures", "Zone id"),
        "hour": translate("Figures", "Hour"),
        "vending_alerts": translate("Figures", "Vending alerts"),
        "prompted": translate("Figures", "Prompted alerts"),
        "plays": translate("Figures", "Prompts played"),
        "reached": translate("Figures", "Prompts reaching a speaker"),
        "laddered": translate("Figures", "With escalation"),
        "resolved_by_prompt": translate("Figures", "Resolved by prompt alone"),
        "escalated": translate("Figures", "Prompted, then a case"),
        "share_resolved": translate("Figures", "Resolved share"),
        "share_of_prompted": translate("Figures", "Of prompted alerts"),
    }  # fmt: skip


def report_words() -> dict[str, str]:
    """The words of app.adapters.case_report (its WORDS map's keys)."""
    return {
        "title": translate("Figures", "Case report"),
        "generated": translate("Figures", "Generated"),
        "page": translate("Figures", "Page {n} of {total}"),
        "particulars": translate("Figures", "Case particulars"),
        "before_after": translate("Figures", "Before and after"),
        "other_evidence": translate("Figures", "Other evidence"),
        "timeline": translate("Figures", "Handling (audit record)"),
        "no_before": translate("Figures", "No picture before handling"),
        "no_after": translate("Figures", "No picture after handling yet"),
        "case_id": translate("Figures", "Case number"),
        "source": translate("Figures", "Source"),
        "category": translate("Figures", "Category"),
        "grid": translate("Figures", "Unit grid"),
        "address": translate("Figures", "Address"),
        "coordinates": translate("Figures", "Coordinates (longitude, latitude)"),
        "camera": translate("Figures", "Camera / preset"),
        "department": translate("Figures", "Handling department"),
        "filed_at": translate("Figures", "Filed"),
        "dispatched_at": translate("Figures", "Dispatched"),
        "due_at": translate("Figures", "Deadline"),
        "handled_at": translate("Figures", "Feedback"),
        "closed_at": translate("Figures", "Closed at"),
        "state": translate("Figures", "State"),
        "urgent": translate("Figures", "Urgent"),
        "rework": translate("Figures", "Reworks"),
        "description": translate("Figures", "Description"),
        "feedback": translate("Figures", "Department's note"),
        "alerts": translate("Figures", "Related alerts"),
        "yes": translate("Figures", "yes"),
        "no": translate("Figures", "no"),
        "before": translate("Figures", "Before"),
        "after": translate("Figures", "After"),
        "captured": translate("Figures", "Captured"),
        "sha256": translate("Figures", "SHA-256"),
        "missing": translate("Figures", "The evidence file cannot be read: {why}"),
        "altered": translate("Figures", "The evidence file was altered: it no longer matches its SHA-256"),
        "not_picture": translate("Figures", "(video clip, cannot be printed)"),
        "time": translate("Figures", "Time"),
        "who": translate("Figures", "Who"),
        "role": translate("Figures", "Role"),
        "action": translate("Figures", "Action"),
        "note": translate("Figures", "Note"),
        "hash": translate("Figures", "Record hash"),
        "stage.report": translate("Figures", "report"),
        "stage.feedback": translate("Figures", "department feedback"),
        "stage.verification": translate("Figures", "verification"),
        "kind.still": translate("Figures", "snapshot"),
        "kind.clip": translate("Figures", "video clip"),
        "kind.clear_still": translate("Figures", "snapshot when gone"),
        "source.video": translate("Figures", "video"),
        "source.operator": translate("Figures", "operator report"),
        "source.imported": translate("Figures", "imported"),
        "state.reported": translate("Figures", "reported"),
        "state.filed": translate("Figures", "filed"),
        "state.cancelled": translate("Figures", "cancelled"),
        "state.dispatched": translate("Figures", "dispatched"),
        "state.in_progress": translate("Figures", "in progress"),
        "state.handled": translate("Figures", "handled"),
        "state.verified": translate("Figures", "verified"),
        "state.closed": translate("Figures", "closed"),
        "state.deferred": translate("Figures", "deferred"),
        "role.operator": translate("Figures", "operator"),
        "role.shift_leader": translate("Figures", "shift leader"),
        "role.department": translate("Figures", "department"),
        "role.system": translate("Figures", "system"),
        "action.report": translate("Figures", "accept"),
        "action.edit": translate("Figures", "edit"),
        "action.file": translate("Figures", "file"),
        "action.cancel": translate("Figures", "not filed"),
        "action.dispatch": translate("Figures", "dispatch"),
        "action.redispatch": translate("Figures", "redispatch"),
        "action.start": translate("Figures", "start handling"),
        "action.feedback": translate("Figures", "feedback"),
        "action.verify": translate("Figures", "verify"),
        "action.return": translate("Figures", "return for rework"),
        "action.close": translate("Figures", "close"),
        "action.request_deferral": translate("Figures", "request deferral"),
        "action.request_extension": translate("Figures", "request extension"),
        "action.approve": translate("Figures", "approve"),
        "action.reject": translate("Figures", "reject"),
        "action.resume": translate("Figures", "resume handling"),
        "action.add_occurrence": translate("Figures", "seen again"),
        "action.add_evidence": translate("Figures", "add evidence"),
        "action.raise": translate("Figures", "alert raised"),
        "action.continue": translate("Figures", "seen again by detection"),
        "action.clear": translate("Figures", "target gone (cleared by itself)"),
        "action.acknowledge": translate("Figures", "alert taken"),
        "action.assign": translate("Figures", "alert assigned"),
        "action.escalate": translate("Figures", "alert sent to the shift leader"),
        "action.confirm": translate("Figures", "confirmed violation"),
        "action.dismiss": translate("Figures", "dismissed as false"),
        "action.snooze": translate("Figures", "alert muted"),
        "action.snooze_ended": translate("Figures", "mute ended"),
        "action.evidence": translate("Figures", "evidence kept"),
        "action.voice_prompt": translate("Figures", "voice prompt"),
        "action.ladder_prompting": translate("Figures", "escalation: prompt played"),
        "action.ladder_waiting": translate("Figures", "escalation: waiting to recheck"),
        "action.ladder_rechecking": translate("Figures", "escalation: rechecking the scene"),
        "action.ladder_resolved": translate("Figures", "gone after the prompt"),
        "action.ladder_escalated": translate("Figures", "still there after the prompts: case"),
        "action.ladder_stopped": translate("Figures", "escalation stopped"),
        "action.ladder_ended": translate("Figures", "escalation ended"),
        "reason.delivered": translate("Figures", "reached the speakers"),
        "reason.not_delivered": translate("Figures", "reached no speaker"),
        "reason.false_detection": translate("Figures", "false detection"),
        "reason.fixed_object": translate("Figures", "fixed object"),
        "reason.inside_shop": translate("Figures", "inside the shop"),
        "reason.permitted": translate("Figures", "permitted"),
        "reason.gone": translate("Figures", "gone"),
        "reason.other": translate("Figures", "other"),
        "kind.audio": translate("Figures", "voice prompt recording"),
        "actor.detector": translate("Figures", "detection"),
        "actor.system": translate("Figures", "system"),
        "not_printed_audio": translate(
            "Figures", "(voice prompt recording, cannot be printed: export the case files to listen)"
        ),
    }  # fmt: skip
