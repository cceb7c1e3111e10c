"""Alerts raised by detection, and what operators and shift leaders do with them (stdlib only, no I/O).

An alert is one rule decision on one zone of one camera view: "a stall has stood in the no-vending
zone 北门 of camera cam012 at preset 1 for 3 minutes". :class:`Alert` is the one value type for it:
the detection worker makes it, the alert service keeps it, the store writes it, the UI shows it.

Its life is an explicit table (``TRANSITIONS``) over (state, command):

* RAISED (new) → ACKNOWLEDGED (an operator has it), → ESCALATED (sent to the shift leader),
  → CONFIRMED (a real violation: the case workflow takes it from here), → DISMISSED (not a
  violation, always with a :class:`DismissReason`), → CLEARED (the detector saw it go away);
* ASSIGN gives an open alert to an operator (it counts as taken); SNOOZE mutes it (and the zone's
  rule) for some minutes; both keep the alert open;
* CLEARED still waits to be acknowledged when nobody saw it (``needs_acknowledgement``), and may
  still be confirmed (it was real) or dismissed (it was not: that counts for the accuracy figures);
* DISMISSED and CONFIRMED absorb the detector's later CLEAR (noted, the state stays);
* RAISE never applies to an existing alert: a condition that comes back after a clear is a new
  alert with its own id. While an alert of the same (camera, preset, zone, rule, event) is open, the
  detector's raise continues it (no duplicate).

Every other pair raises :class:`InvalidAlertTransition`. Each change comes with an
:class:`~app.core.audit.AuditDraft` (who, when, what, why) for the tamper-evident record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Any

from app.core.audit import AuditDraft
from app.core.voice import VoicePlay
from app.core.voice_ladder import Ladder


class AlertState(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    CONFIRMED = "confirmed"
    CLEARED = "cleared"
    DISMISSED = "dismissed"


class AlertCommand(StrEnum):
    RAISE = "raise"  # the detector raised it (creates an alert; never valid on an existing one)
    ACKNOWLEDGE = "acknowledge"  # an operator has seen it and takes it
    ASSIGN = "assign"  # give it to an operator
    ESCALATE = "escalate"  # send it to the shift leader
    CONFIRM = "confirm"  # a real violation (the case workflow's input)
    DISMISS = "dismiss"  # not a violation, with a reason
    SNOOZE = "snooze"  # mute it and its zone's rule for some minutes
    CLEAR = "clear"  # the detector saw the condition go away


class DismissReason(StrEnum):
    FALSE_DETECTION = "false_detection"  # 误检
    FIXED_OBJECT = "fixed_object"  # 固定设施
    INSIDE_SHOP = "inside_shop"  # 店内经营
    PERMITTED = "permitted"  # 合规
    GONE = "gone"  # 已离开
    OTHER = "other"  # 其他 (with a text)


class AlertPriority(IntEnum):
    """Lower is more urgent (sorting puts the urgent first)."""

    HIGH = 1
    NORMAL = 2
    LOW = 3


class Rule(StrEnum):
    VENDING = "vending"
    BIN_OVERFLOW = "bin_overflow"


DEFAULT_PRIORITY: dict[Rule, AlertPriority] = {
    Rule.VENDING: AlertPriority.NORMAL,
    Rule.BIN_OVERFLOW: AlertPriority.LOW,
}

S, C = AlertState, AlertCommand
OPEN_STATES = frozenset({S.RAISED, S.ACKNOWLEDGED, S.ESCALATED})

# Every (state, command) pair that is allowed; the tests check each pair, allowed or not.
TRANSITIONS: dict[tuple[AlertState, AlertCommand], AlertState] = {
    (S.RAISED, C.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.RAISED, C.ASSIGN): S.ACKNOWLEDGED,
    (S.RAISED, C.ESCALATE): S.ESCALATED,
    (S.RAISED, C.CONFIRM): S.CONFIRMED,
    (S.RAISED, C.DISMISS): S.DISMISSED,
    (S.RAISED, C.SNOOZE): S.RAISED,
    (S.RAISED, C.CLEAR): S.CLEARED,
    (S.ACKNOWLEDGED, C.ASSIGN): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, C.ESCALATE): S.ESCALATED,
    (S.ACKNOWLEDGED, C.CONFIRM): S.CONFIRMED,
    (S.ACKNOWLEDGED, C.DISMISS): S.DISMISSED,
    (S.ACKNOWLEDGED, C.SNOOZE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, C.CLEAR): S.CLEARED,
    (S.ESCALATED, C.ASSIGN): S.ACKNOWLEDGED,  # the shift leader hands it to an operator
    (S.ESCALATED, C.CONFIRM): S.CONFIRMED,
    (S.ESCALATED, C.DISMISS): S.DISMISSED,
    (S.ESCALATED, C.SNOOZE): S.ESCALATED,
    (S.ESCALATED, C.CLEAR): S.CLEARED,
    (S.CLEARED, C.ACKNOWLEDGE): S.CLEARED,  # cleared before anyone saw it: seen now
    (S.CLEARED, C.CONFIRM): S.CONFIRMED,  # it was real, even if it has gone
    (S.CLEARED, C.DISMISS): S.DISMISSED,
    (S.CONFIRMED, C.CLEAR): S.CONFIRMED,  # the scene cleared after the confirmation: noted
    (S.DISMISSED, C.CLEAR): S.DISMISSED,  # the scene cleared after the dismissal: noted
}


class InvalidAlertTransition(RuntimeError):
    def __init__(self, alert_id: str, state: AlertState, command: AlertCommand) -> None:
        hint = " (a condition that comes back is a new alert)" if command is C.RAISE else ""
        super().__init__(f"alert {alert_id}: cannot {command.value} an alert that is {state.value}{hint}")
        self.alert_id, self.state, self.command = alert_id, state, command


class UnknownAlert(KeyError):
    def __init__(self, alert_id: str) -> None:
        super().__init__(alert_id)
        self.alert_id = alert_id

    def __str__(self) -> str:
        return f"no alert {self.alert_id!r}"


class MissingReason(ValueError):
    """A dismissal as OTHER needs a text saying why."""


def next_state(alert_id: str, state: AlertState, command: AlertCommand) -> AlertState:
    try:
        return TRANSITIONS[(state, command)]
    except KeyError:
        raise InvalidAlertTransition(alert_id, state, command) from None


AlertKey = tuple[str, str | None, str, str, str]  # camera, preset, zone, rule, event code


@dataclass(frozen=True)
class Box:
    """What raised the alert, in picture fractions (0..1); ``label`` as the detector names it."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    score: float | None = None


class EvidenceKind(StrEnum):
    STILL = "still"  # the picture the alert was raised on, boxes drawn, caption outside it
    CLIP = "clip"  # ~10 s before and ~20 s after the raise, as the camera sent it
    CLEAR_STILL = "clear_still"  # the picture it cleared on
    AUDIO = "audio"  # a voice prompt as it was sent to the speakers (audio/wav, 8 kHz)
    # The picture detection judged, nothing drawn on it: the site's training data once a person
    # gives a verdict (not shown as evidence, not sent with cases).
    FRAME = "frame"


SHOWN_EVIDENCE = frozenset(set(EvidenceKind) - {EvidenceKind.FRAME})


@dataclass(frozen=True)
class EvidenceRef:
    """A file in the content-addressed evidence store."""

    sha256: str
    kind: EvidenceKind
    media_type: str  # image/jpeg, video/mp4
    size: int
    captured_at: float  # wall-clock seconds
    camera_id: str
    stream: str  # "main", or "sub" when the main stream could not be had (said so in ``note``)
    note: str = ""


@dataclass(frozen=True)
class Alert:
    id: str
    camera_id: str
    preset: str | None
    zone_id: str
    rule: Rule
    event_code: str  # e.g. 0501 无照经营游商, 0504 店外经营, 0102 暴露垃圾
    raised_at: float  # wall-clock seconds (the capture time of the picture that raised it)
    score: float
    zone_name: str = ""
    grid_code: str | None = None  # the unit grid (单元网格) of the camera when it was raised
    priority: AlertPriority = AlertPriority.NORMAL
    boxes: tuple[Box, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    state: AlertState = AlertState.RAISED
    last_seen_at: float | None = None  # the detector's latest raise that continued it
    cleared_at: float | None = None  # when the detector saw the condition go away
    acknowledged_by: str | None = None  # who saw it first (None: nobody yet)
    acknowledged_at: float | None = None
    owner: str | None = None  # the operator it is assigned to
    escalated_by: str | None = None
    escalated_at: float | None = None
    confirmed_by: str | None = None
    confirmed_at: float | None = None
    dismissed_by: str | None = None
    dismissed_at: float | None = None
    dismiss_reason: DismissReason | None = None
    snoozed_until: float | None = None
    note: str = ""  # the latest reason or remark a person gave
    updated_at: float | None = None
    plays: tuple[VoicePlay, ...] = ()  # voice prompts played for it (who, what, where, reached or not)
    ladder: Ladder | None = None  # the escalation ladder, where its rule has one
    resolved_by_prompt: bool = False  # cleared after a prompt reached its speaker (no case needed)

    @property
    def key(self) -> AlertKey:
        return (self.camera_id, self.preset, self.zone_id, self.rule.value, self.event_code)

    @property
    def is_open(self) -> bool:
        """Still needs handling: raised, acknowledged or escalated."""
        return self.state in OPEN_STATES

    @property
    def needs_acknowledgement(self) -> bool:
        """Nobody has seen it yet: its tile stays marked and the sound repeats."""
        return self.acknowledged_by is None and self.state is not S.DISMISSED

    def snoozed(self, now: float) -> bool:
        return self.snoozed_until is not None and now < self.snoozed_until

    def evidence_of(self, kind: EvidenceKind) -> EvidenceRef | None:
        """The evidence of ``kind`` to show: a main-stream one before the sub-stream fallback."""
        found = [e for e in self.evidence if e.kind is kind]
        return next((e for e in found if e.stream == "main"), found[0] if found else None)


# --- records (JSON-able dicts for the store and the audit chain) -----------------------------------
_ENUM_FIELDS: dict[str, type[StrEnum] | type[IntEnum]] = {
    "rule": Rule,
    "state": AlertState,
    "priority": AlertPriority,
    "dismiss_reason": DismissReason,
}


def alert_to_record(alert: Alert) -> dict[str, Any]:
    """Every field as JSON-able values (enums by value, boxes and evidence as lists of dicts)."""
    out: dict[str, Any] = {}
    for name in Alert.__dataclass_fields__:
        value = getattr(alert, name)
        if name == "boxes":
            value = [box.__dict__.copy() for box in value]
        elif name == "evidence":
            value = [{**ref.__dict__, "kind": ref.kind.value} for ref in value]
        elif name == "plays":
            value = [play.to_record() for play in value]
        elif name == "ladder":
            value = value.to_record() if value is not None else None
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, IntEnum):
            value = int(value)
        out[name] = value
    return out


def alert_from_record(record: Mapping[str, Any]) -> Alert:
    """The inverse of :func:`alert_to_record` (unknown keys are ignored: a newer app's extra fields)."""
    values: dict[str, Any] = {}
    for name in Alert.__dataclass_fields__:
        if name not in record:
            continue
        value = record[name]
        if name == "boxes":
            value = tuple(Box(**box) for box in value)
        elif name == "evidence":
            value = tuple(EvidenceRef(**{**ref, "kind": EvidenceKind(ref["kind"])}) for ref in value)
        elif name == "plays":
            value = tuple(VoicePlay.from_record(play) for play in value)
        elif name == "ladder":
            value = Ladder.from_record(value) if value is not None else None
        elif name in _ENUM_FIELDS and value is not None:
            value = _ENUM_FIELDS[name](value)
        values[name] = value
    return Alert(**values)


# --- the book ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AlertChange:
    """One change: the alert before (None when new) and after, and its record for the audit chain."""

    before: Alert | None
    after: Alert
    draft: AuditDraft


@dataclass
class AlertBook:
    """Alerts by id. Every change goes through ``TRANSITIONS`` and comes back as an
    :class:`AlertChange` (what to store, what to tell the UI, what to chain)."""

    _alerts: dict[str, Alert] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._alerts)

    def __contains__(self, alert_id: object) -> bool:
        return alert_id in self._alerts

    def __iter__(self) -> Iterator[Alert]:
        return iter(list(self._alerts.values()))

    def get(self, alert_id: str) -> Alert:
        try:
            return self._alerts[alert_id]
        except KeyError:
            raise UnknownAlert(alert_id) from None

    def load(self, alerts: Iterator[Alert] | list[Alert]) -> None:
        """Alerts as stored (after a restart): taken as they are, no record made."""
        for alert in alerts:
            self._alerts[alert.id] = alert

    def open_alerts(self) -> list[Alert]:
        """Alerts that need handling, oldest first."""
        return sorted((a for a in self._alerts.values() if a.is_open), key=lambda a: a.raised_at)

    def open_with_key(self, key: AlertKey) -> Alert | None:
        return next((a for a in self._alerts.values() if a.is_open and a.key == key), None)

    def cameras_with_open_alerts(self, now: float | None = None) -> set[str]:
        """Cameras with an open alert (not snoozed at ``now`` when given)."""
        return {
            a.camera_id for a in self._alerts.values() if a.is_open and (now is None or not a.snoozed(now))
        }

    # --- the detector ---------------------------------------------------------------------------
    def raise_alert(self, alert: Alert) -> AlertChange:
        """A new alert; or, while one of the same key is open, that one continued (no duplicate:
        ``last_seen_at`` moves, its record says "continued"). An id seen before is refused."""
        if alert.id in self._alerts:
            raise InvalidAlertTransition(alert.id, self._alerts[alert.id].state, C.RAISE)
        existing = self.open_with_key(alert.key)
        if existing is not None:
            after = replace(existing, last_seen_at=alert.raised_at, updated_at=alert.raised_at)
            draft = _draft(after, "continue", "detector", alert.raised_at, note=alert.id)
            return self._put(existing, after, draft)
        fresh = replace(alert, state=S.RAISED, updated_at=alert.raised_at)
        return self._put(None, fresh, _draft(fresh, C.RAISE.value, "detector", alert.raised_at))

    def clear(self, alert_id: str, at: float, *, evidence: tuple[EvidenceRef, ...] = ()) -> AlertChange:
        """The detector saw the condition go away (after a dismissal or confirmation: noted)."""
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.CLEAR)
        after = replace(alert, state=state, cleared_at=at, evidence=alert.evidence + evidence, updated_at=at)
        return self._put(alert, after, _draft(after, C.CLEAR.value, "detector", at))

    # --- people ---------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, by: str, at: float) -> AlertChange:
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.ACKNOWLEDGE)
        if alert.acknowledged_by is not None and state is S.CLEARED:
            raise InvalidAlertTransition(alert_id, alert.state, C.ACKNOWLEDGE)  # seen before it cleared
        after = replace(
            alert, state=state, acknowledged_by=by, acknowledged_at=at,
            owner=alert.owner or (by if state is S.ACKNOWLEDGED else None), updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.ACKNOWLEDGE.value, by, at))

    def assign(self, alert_id: str, by: str, to: str, at: float) -> AlertChange:
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.ASSIGN)
        after = replace(
            alert, state=state, owner=to, acknowledged_by=alert.acknowledged_by or by,
            acknowledged_at=alert.acknowledged_at or at, updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.ASSIGN.value, by, at, note=to))

    def escalate(self, alert_id: str, by: str, at: float, note: str = "") -> AlertChange:
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.ESCALATE)
        after = replace(
            alert, state=state, escalated_by=by, escalated_at=at,
            acknowledged_by=alert.acknowledged_by or by, acknowledged_at=alert.acknowledged_at or at,
            note=note or alert.note, updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.ESCALATE.value, by, at, note=note))

    def confirm(self, alert_id: str, by: str, at: float, note: str = "") -> AlertChange:
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.CONFIRM)
        after = replace(
            alert, state=state, confirmed_by=by, confirmed_at=at,
            acknowledged_by=alert.acknowledged_by or by, acknowledged_at=alert.acknowledged_at or at,
            snoozed_until=None, note=note or alert.note, updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.CONFIRM.value, by, at, note=note))

    def dismiss(
        self, alert_id: str, by: str, at: float, reason: DismissReason, note: str = ""
    ) -> AlertChange:
        """Not a violation: a false detection, a fixed object, a permitted cart …; OTHER needs a text."""
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.DISMISS)
        if reason is DismissReason.OTHER and not note.strip():
            raise MissingReason(f"alert {alert_id}: a dismissal as 'other' needs a text saying why")
        after = replace(
            alert, state=state, dismissed_by=by, dismissed_at=at, dismiss_reason=reason,
            acknowledged_by=alert.acknowledged_by or by, acknowledged_at=alert.acknowledged_at or at,
            snoozed_until=None, note=note or alert.note, updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.DISMISS.value, by, at, reason=reason.value, note=note))

    def snooze(self, alert_id: str, by: str, at: float, minutes: float) -> AlertChange:
        """Mute it (no sound, no flashing, the zone's rule quiet) until ``at + minutes``; 0 unmutes."""
        if minutes < 0:
            raise ValueError("snooze minutes must not be negative")
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.SNOOZE)
        until = at + minutes * 60.0 if minutes else None
        after = replace(
            alert, state=state, snoozed_until=until, acknowledged_by=alert.acknowledged_by or by,
            acknowledged_at=alert.acknowledged_at or at, updated_at=at,
        )  # fmt: skip
        return self._put(alert, after, _draft(after, C.SNOOZE.value, by, at, note=f"{minutes:g}"))

    def attach_evidence(self, alert_id: str, refs: tuple[EvidenceRef, ...], at: float) -> AlertChange:
        """Evidence that came after the raise (the main-stream still, the clip): kept on the alert
        whatever its state, recorded like every other change."""
        alert = self.get(alert_id)
        known = {(e.sha256, e.kind) for e in alert.evidence}
        fresh = tuple(r for r in refs if (r.sha256, r.kind) not in known)
        after = replace(alert, evidence=alert.evidence + fresh, updated_at=at)
        note = ", ".join(f"{r.kind.value} {r.sha256[:12]}" for r in fresh)
        return self._put(alert, after, _draft(after, "evidence", "system", at, note=note))

    def record_play(
        self, alert_id: str, play: VoicePlay, evidence: tuple[EvidenceRef, ...] = ()
    ) -> AlertChange:
        """A voice prompt was played for the alert (whatever its state): kept with the audio sent."""
        alert = self.get(alert_id)
        known = {(e.sha256, e.kind) for e in alert.evidence}
        fresh = tuple(r for r in evidence if (r.sha256, r.kind) not in known)
        plays, kept = (*alert.plays, play), alert.evidence + fresh
        after = replace(alert, plays=plays, evidence=kept, updated_at=play.at)
        reached = "delivered" if play.reached else "not_delivered"
        note = f"{play.prompt_name} → {', '.join(play.speakers) or '-'}"
        draft = _draft(after, "voice_prompt", play.by, play.at, reason=reached, note=note)
        return self._put(alert, after, draft)

    def set_ladder(self, alert_id: str, ladder: Ladder, by: str, at: float) -> AlertChange:
        """The escalation ladder moved on (its step is the record's action: ``ladder_waiting`` …);
        a ladder that resolved the alert counts it "resolved by prompt"."""
        alert = self.get(alert_id)
        resolved = alert.resolved_by_prompt or ladder.step.value == "resolved"
        after = replace(alert, ladder=ladder, resolved_by_prompt=resolved, updated_at=at)
        return self._put(alert, after, _draft(after, f"ladder_{ladder.step.value}", by, at, note=ladder.note))

    def end_snooze(self, alert_id: str, at: float) -> AlertChange | None:
        """A snooze whose time is up (None when it is not, or the alert is not snoozed)."""
        alert = self.get(alert_id)
        if alert.snoozed_until is None or alert.snoozed(at):
            return None
        after = replace(alert, snoozed_until=None, updated_at=at)
        return self._put(alert, after, _draft(after, "snooze_ended", "system", at))

    def apply(self, alert_id: str, command: AlertCommand, by: str, at: float, **args: Any) -> AlertChange:
        """Any person's command by name (for tables and key maps); RAISE and CLEAR are the detector's."""
        if command is C.ACKNOWLEDGE:
            return self.acknowledge(alert_id, by, at)
        if command is C.ASSIGN:
            return self.assign(alert_id, by, str(args["to"]), at)
        if command is C.ESCALATE:
            return self.escalate(alert_id, by, at, str(args.get("note", "")))
        if command is C.CONFIRM:
            return self.confirm(alert_id, by, at, str(args.get("note", "")))
        if command is C.DISMISS:
            return self.dismiss(alert_id, by, at, DismissReason(args["reason"]), str(args.get("note", "")))
        if command is C.SNOOZE:
            return self.snooze(alert_id, by, at, float(args["minutes"]))
        if command is C.CLEAR:
            return self.clear(alert_id, at)
        raise InvalidAlertTransition(alert_id, self.get(alert_id).state, command)

    def _put(self, before: Alert | None, after: Alert, draft: AuditDraft) -> AlertChange:
        self._alerts[after.id] = after
        return AlertChange(before, after, draft)


def _draft(
    alert: Alert, action: str, actor: str, at: float, *, reason: str = "", note: str = ""
) -> AuditDraft:
    return AuditDraft(
        subject=f"alert:{alert.id}", action=action, actor=actor, at=at, reason=reason, note=note,
        data=alert_to_record(alert),
    )  # fmt: skip
