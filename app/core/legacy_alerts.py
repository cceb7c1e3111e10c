"""LEGACY, replaced by app.core.alerts (removed when the alert service lands).

Alerts raised by detection, and what operators do with them (stdlib only, no I-O).

An alert is one rule decision on one zone of one camera view: "a stall has stood in the no-vending
zone 北门 of camera cam012 at preset 1 for 3 minutes". Its life is an explicit table
(``TRANSITIONS``) over (state, command):

* RAISED → ACKNOWLEDGED (an operator has seen it and deals with it), → DISMISSED (false alarm),
  → CLEARED (the detector saw the condition go away: the vendor left, the bin was emptied);
* ACKNOWLEDGED → DISMISSED, → CLEARED;
* CLEARED → DISMISSED (a false alarm found out after it cleared: it counts for the accuracy figures);
* DISMISSED absorbs the detector's later CLEAR (noted, the state stays DISMISSED);
* RAISE never applies to an existing alert: when the condition comes back after a clear, that is a
  new alert with its own id.

Every other pair raises :class:`InvalidAlertTransition`. A person confirms before a case is filed
(cases are another aggregate); this book only keeps the alert queue honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum


class AlertState(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"
    DISMISSED = "dismissed"


class AlertCommand(StrEnum):
    RAISE = "raise"  # the detector raised it (creates an alert; never valid on an existing one)
    ACKNOWLEDGE = "acknowledge"  # an operator takes it
    DISMISS = "dismiss"  # an operator calls it a false alarm
    CLEAR = "clear"  # the detector saw the condition go away


S, C = AlertState, AlertCommand

# Every (state, command) pair that is allowed; the tests check each pair, allowed or not.
TRANSITIONS: dict[tuple[AlertState, AlertCommand], AlertState] = {
    (S.RAISED, C.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.RAISED, C.DISMISS): S.DISMISSED,
    (S.RAISED, C.CLEAR): S.CLEARED,
    (S.ACKNOWLEDGED, C.DISMISS): S.DISMISSED,
    (S.ACKNOWLEDGED, C.CLEAR): S.CLEARED,
    (S.CLEARED, C.DISMISS): S.DISMISSED,
    (S.DISMISSED, C.CLEAR): S.DISMISSED,
}

OPEN_STATES = frozenset({S.RAISED, S.ACKNOWLEDGED})


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


def next_state(alert_id: str, state: AlertState, command: AlertCommand) -> AlertState:
    try:
        return TRANSITIONS[(state, command)]
    except KeyError:
        raise InvalidAlertTransition(alert_id, state, command) from None


AlertKey = tuple[str, str | None, str, str, str]  # camera, preset, zone, rule, event code


@dataclass(frozen=True)
class Alert:
    id: str
    camera_id: str
    preset: str | None
    zone_id: str
    rule: str  # "vending" | "bin_overflow"
    event_code: str  # e.g. 0501 无照经营游商, 0504 店外经营, 0102 暴露垃圾
    raised_at: float  # wall-clock seconds (the capture time of the picture that raised it)
    score: float
    evidence_path: str | None = None  # the picture it was raised on
    zone_name: str = ""
    state: AlertState = AlertState.RAISED
    cleared_at: float | None = None  # when the detector saw the condition go away
    clear_evidence_path: str | None = None  # the picture it cleared on
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    dismissed_by: str | None = None
    dismissed_at: float | None = None
    note: str = ""

    @property
    def key(self) -> AlertKey:
        return (self.camera_id, self.preset, self.zone_id, self.rule, self.event_code)

    @property
    def is_open(self) -> bool:
        """Still needs attention: raised or acknowledged, not cleared or dismissed."""
        return self.state in OPEN_STATES


class AlertBook:
    """The alerts of this workstation, by id. Every change goes through ``TRANSITIONS``."""

    def __init__(self) -> None:
        self._alerts: dict[str, Alert] = {}

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

    def open_alerts(self) -> list[Alert]:
        """Alerts that need attention, oldest first."""
        return sorted((a for a in self._alerts.values() if a.is_open), key=lambda a: a.raised_at)

    def cameras_with_open_alerts(self) -> set[str]:
        return {a.camera_id for a in self._alerts.values() if a.is_open}

    # --- the detector ---------------------------------------------------------------------------
    def raise_alert(
        self,
        *,
        alert_id: str,
        camera_id: str,
        preset: str | None,
        zone_id: str,
        rule: str,
        event_code: str,
        raised_at: float,
        score: float,
        evidence_path: str | None = None,
        zone_name: str = "",
    ) -> Alert:
        """A new alert. An id seen before is refused; an open alert for the same camera, preset,
        zone, rule and event (left over from a detection worker that restarted) is cleared first."""
        if alert_id in self._alerts:
            raise InvalidAlertTransition(alert_id, self._alerts[alert_id].state, C.RAISE)
        alert = Alert(
            id=alert_id,
            camera_id=camera_id,
            preset=preset,
            zone_id=zone_id,
            rule=rule,
            event_code=event_code,
            raised_at=raised_at,
            score=score,
            evidence_path=evidence_path,
            zone_name=zone_name,
        )
        for old in list(self._alerts.values()):
            if old.is_open and old.key == alert.key:
                self.auto_clear(old.id, raised_at)
        self._alerts[alert_id] = alert
        return alert

    def auto_clear(self, alert_id: str, at: float, *, evidence_path: str | None = None) -> Alert:
        """The detector saw the condition go away (after a dismissal: noted, still dismissed)."""
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.CLEAR)
        return self._put(replace(alert, state=state, cleared_at=at, clear_evidence_path=evidence_path))

    # --- operators ------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, by: str, at: float) -> Alert:
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.ACKNOWLEDGE)
        return self._put(replace(alert, state=state, acknowledged_by=by, acknowledged_at=at))

    def dismiss(self, alert_id: str, by: str, at: float, note: str = "") -> Alert:
        """A false alarm (a permitted breakfast cart, trading inside the shop, …)."""
        alert = self.get(alert_id)
        state = next_state(alert_id, alert.state, C.DISMISS)
        return self._put(replace(alert, state=state, dismissed_by=by, dismissed_at=at, note=note))

    def apply(self, alert_id: str, command: AlertCommand, at: float, by: str | None = None) -> Alert:
        """Any command by name (RAISE is refused: a new alert needs :meth:`raise_alert`)."""
        if command is C.RAISE:
            raise InvalidAlertTransition(alert_id, self.get(alert_id).state, command)
        if command is C.CLEAR:
            return self.auto_clear(alert_id, at)
        if command is C.ACKNOWLEDGE:
            return self.acknowledge(alert_id, by or "", at)
        return self.dismiss(alert_id, by or "", at)

    def _put(self, alert: Alert) -> Alert:
        self._alerts[alert.id] = alert
        return alert
