"""The escalation ladder, driven: a new alert whose rule (or zone) has a ladder gets its first prompt,
then the wait, the recheck (the detection scheduler checks the camera first), a second prompt, and
finally a case (no Qt).

The ladder's steps are the core's (:mod:`app.core.voice_ladder`); this module carries out what they
ask (play, recheck, create the case) and keeps each step on the alert (stored, shown on the alert
row and the tile, in the audit chain). It follows the alert service: the detector's clear after a
prompt counts the alert "resolved by prompt"; a person's confirmation or dismissal ends the ladder.
Call :meth:`LadderDriver.tick` about once a second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future

from app.core import voice_ladder as steps
from app.core.alert_ports import Clock
from app.core.alerts import Alert, AlertChange, AlertState, InvalidAlertTransition, UnknownAlert
from app.core.voice import VoicePlay
from app.core.voice_ladder import Ladder, LadderAction, LadderActionKind, LadderConfig
from app.services.alerts import AlertService
from app.services.voice import VoiceService

log = logging.getLogger(__name__)
SYSTEM = "system"
A = LadderActionKind


class LadderDriver:
    def __init__(
        self,
        alerts: AlertService,
        voice: VoiceService,
        config: Callable[[str, str], LadderConfig],
        clock: Clock,
        *,
        recheck: Callable[[str], None] = lambda camera_id: None,
        last_checked: Callable[[str], float | None] = lambda camera_id: None,
        create_case: Callable[[Alert], object] | None = None,
    ) -> None:
        self._alerts, self._voice, self._config, self._clock = alerts, voice, config, clock
        self._recheck, self._last_checked, self._create_case = recheck, last_checked, create_case
        self._lock = threading.RLock()  # one step at a time (the detector, the GUI and plays call in)
        self._unsubscribe = alerts.subscribe(self.on_alert_change)

    def config_for(self, alert: Alert) -> LadderConfig:
        return self._config(alert.rule.value, alert.zone_id)

    def laddered(self, alert: Alert) -> bool:
        """Whether a new ``alert`` gets a ladder (auto-play leaves its first prompt to the ladder)."""
        return self.config_for(alert).enabled

    # --- following the alerts ---------------------------------------------------------------------
    def on_alert_change(self, change: AlertChange) -> None:
        action = change.draft.action
        if action.startswith("ladder_") or action in {"voice_prompt", "evidence", "continue"}:
            return  # its own changes, and those that say nothing about the scene
        alert, now = change.after, self._clock.now()
        if change.before is None and alert.state is AlertState.RAISED and alert.ladder is None:
            if self.laddered(alert):
                self._apply(alert.id, *steps.start(alert.id, now))
            return
        ladder = alert.ladder
        if ladder is None or not ladder.active:
            return
        if alert.state is AlertState.CLEARED:
            self._apply(alert.id, *steps.alert_cleared(ladder, now))
        elif alert.state in (AlertState.CONFIRMED, AlertState.DISMISSED):
            self._apply(
                alert.id, *steps.alert_handled(ladder, now, change.draft.actor), by=change.draft.actor
            )

    def tick(self) -> None:
        """Waits that ended become rechecks; rechecks that saw a fresh check decide."""
        now = self._clock.now()
        for alert in self._alerts.open_alerts():
            ladder = alert.ladder
            if ladder is None or not ladder.active:
                continue
            outcome = steps.tick(ladder, self.config_for(alert), now, self._last_checked(alert.camera_id))
            if outcome[0] != ladder:
                self._apply(alert.id, *outcome)

    def resume(self) -> int:
        """After a restart: a ladder that was playing a prompt when the app stopped goes on to its
        wait (its play, if it was recorded, says whether it was heard); returns how many."""
        now, n = self._clock.now(), 0
        for alert in self._alerts.open_alerts():
            ladder = alert.ladder
            if ladder is None or ladder.step is not steps.LadderStep.PROMPTING:
                continue
            heard = any(p.ladder_attempt == ladder.attempt and p.reached for p in alert.plays)
            problem = "" if heard else "interrupted: CityWall was restarted"
            self._apply(alert.id, *steps.prompt_finished(ladder, self.config_for(alert), now, heard, problem))
            n += 1
        return n

    # --- people -----------------------------------------------------------------------------------
    def stop(self, alert_id: str, by: str) -> Ladder | None:
        """The operator stops the ladder (what plays for it now stops too)."""
        ladder = self._current(alert_id)
        if ladder is None or not ladder.active:
            return ladder
        if ladder.step is steps.LadderStep.PROMPTING:
            self._voice.stop(self._alerts.get(alert_id).camera_id)
        return self._apply(alert_id, *steps.stop(ladder, self._clock.now(), by), by=by)

    def skip(self, alert_id: str, by: str) -> Ladder | None:
        """The operator skips the wait (recheck now) or the recheck (the next prompt, or the case)."""
        ladder = self._current(alert_id)
        if ladder is None:
            return None
        alert = self._alerts.get(alert_id)
        return self._apply(
            alert_id, *steps.skip(ladder, self.config_for(alert), self._clock.now(), by), by=by
        )

    def close(self) -> None:
        self._unsubscribe()

    # --- carrying out the steps ----------------------------------------------------------------
    def _current(self, alert_id: str) -> Ladder | None:
        alert = self._alerts.find(alert_id)
        return alert.ladder if alert is not None else None

    def _apply(
        self, alert_id: str, ladder: Ladder, actions: tuple[LadderAction, ...], by: str = SYSTEM
    ) -> Ladder:
        with self._lock:
            if self._current(alert_id) == ladder:
                return ladder  # told twice (two threads saw the same change)
            try:
                change = self._alerts.set_ladder(alert_id, ladder, by)
            except (UnknownAlert, InvalidAlertTransition) as exc:
                log.info("ladder of alert %s not moved: %s", alert_id, exc)
                return ladder
        alert = change.after
        for action in actions:
            self._act(alert, action)
        return ladder

    def _act(self, alert: Alert, action: LadderAction) -> None:
        if action.kind is A.PLAY:
            config = self.config_for(alert)
            handle = self._voice.auto_prompt(alert, ladder_attempt=action.attempt, prompt_id=config.prompt_id)
            handle.result.add_done_callback(lambda f: self._played(alert.id, action.attempt, f))
        elif action.kind is A.RECHECK:
            self._recheck(alert.camera_id)
        elif action.kind is A.CREATE_CASE and self._create_case is not None:
            fresh = self._alerts.find(alert.id) or alert  # with the plays and their audio
            self._create_case(fresh)
        elif action.kind is A.RESOLVED:
            log.info("alert %s resolved by voice prompt", alert.id)

    def _played(self, alert_id: str, attempt: int, future: Future[VoicePlay]) -> None:
        ladder = self._current(alert_id)
        if ladder is None or ladder.step is not steps.LadderStep.PROMPTING or ladder.attempt != attempt:
            return
        exc = future.exception()
        if exc is not None:
            delivered, problem = False, str(exc)
        else:
            play = future.result()
            delivered = play.reached
            problem = "; ".join(f"{speaker} {why}" for speaker, why in play.failures)
        alert = self._alerts.find(alert_id)
        if alert is None:
            return
        after = steps.prompt_finished(ladder, self.config_for(alert), self._clock.now(), delivered, problem)
        self._apply(alert_id, *after)
