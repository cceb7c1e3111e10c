"""The voice service: prompts to the loudspeakers at a camera, and the record of every play (no Qt).

An operator pushes a prompt to the speakers of a tile or an alert (:meth:`VoiceService.play`), talks
live (:meth:`talk`), or stops what plays (:meth:`stop`); a shift leader broadcasts an emergency
prompt to every speaker (:meth:`emergency`); the escalation ladder and auto-play ask for automatic
prompts (:meth:`auto_prompt`), which the rule's :class:`~app.core.voice.VoicePolicy` may refuse
(quiet hours, cooldown per speaker, most prompts per alert).

Every play ends in the audit chain: on its alert when there is one (the alert keeps the play and
the audio actually sent, as evidence), else as an event of its own. A speaker whose play failed is
"down" until a play reaches it again (a system event each way, shown in the status bar), and the
:class:`VoiceNotice` subscribers hear each start and end (the UI shows what plays where).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import time as clock_time
from typing import Protocol

from app.core.alert_ports import Clock, EvidenceProblem, EvidenceStore
from app.core.alerts import Alert, AlertChange, AlertState, EvidenceKind, EvidenceRef, Rule
from app.core.audit import AuditDraft
from app.core.system_events import EventSink, SystemEvent, SystemEventKind
from app.core.voice import (
    AutoRefusal,
    Clip,
    Delivery,
    DeliveryKind,
    Speaker,
    SpeakerPort,
    VoicePlay,
    VoicePolicy,
    VoicePriority,
    auto_play_refusal,
    play_of,
    ready_speakers,
    speakers_for,
    wav_bytes,
)
from app.services.alerts import AlertService
from app.services.listeners import add_listener

log = logging.getLogger(__name__)
SYSTEM = "system"


class PromptSource(Protocol):
    def clip(self, prompt_id: str) -> Clip:
        """The prompt's audio; raises LookupError for a prompt the library does not have."""
        ...


@dataclass(frozen=True)
class VoiceNotice:
    """A play started (``play`` None) or ended (``play``: what happened) on some speakers."""

    camera_id: str | None
    alert_id: str | None
    speakers: tuple[str, ...]
    priority: VoicePriority
    play: VoicePlay | None = None


Listener = Callable[[VoiceNotice], None]


class PlayHandle:
    """One play in flight: its outcome (the :class:`VoicePlay` once recorded) and a stop."""

    def __init__(self, stop: Callable[[], None], speakers: tuple[str, ...]) -> None:
        self.result: Future[VoicePlay] = Future()
        self.speakers = speakers
        self._stop = stop

    def stop(self) -> None:
        self._stop()

    @staticmethod
    def refused(reason: str) -> PlayHandle:
        handle = PlayHandle(lambda: None, ())
        handle.result.set_exception(NoSpeaker(reason))
        return handle


class NoSpeaker(LookupError):
    """Nothing to play on: no speaker serves the camera (or the policy refused, for auto-play)."""


class VoiceService:
    def __init__(
        self,
        port: SpeakerPort,
        speakers: Callable[[], Sequence[Speaker]],
        prompts: PromptSource,
        alerts: AlertService,
        clock: Clock,
        *,
        evidence: EvidenceStore | None = None,
        policy: Callable[[str, str], VoicePolicy] = lambda rule, zone: VoicePolicy(),
        local_time: Callable[[float], clock_time] | None = None,
        events: EventSink | None = None,
    ) -> None:
        self._port, self._speakers, self._prompts, self._alerts = port, speakers, prompts, alerts
        self._clock, self._evidence, self._policy, self._events = clock, evidence, policy, events
        self._local_time = local_time or _local_clock_time
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._last_played: dict[str, tuple[float, str | None]] = {}  # speaker → (started, for which alert)
        self._playing: dict[str, list[PlayHandle]] = {}  # speaker → plays in flight
        self._down: dict[str, str] = {}  # speaker → why its latest play failed

    # --- reading --------------------------------------------------------------------------------
    def speakers(self) -> list[Speaker]:
        return list(self._speakers())

    def speakers_for(self, camera_id: str, zone_id: str | None = None) -> list[Speaker]:
        return speakers_for(self._speakers(), camera_id, zone_id)

    def down(self) -> dict[str, str]:
        """Speakers whose latest play failed (by id), with the failure ("unreachable: …")."""
        with self._lock:
            return dict(self._down)

    def playing(self) -> set[str]:
        """Speakers something plays on now."""
        with self._lock:
            return {s for s, handles in self._playing.items() if handles}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return add_listener(self._listeners, self._lock, listener)

    # --- people ---------------------------------------------------------------------------------
    def play(
        self,
        prompt_id: str,
        *,
        camera_id: str,
        by: str,
        zone_id: str | None = None,
        alert_id: str | None = None,
        repeats: int = 1,
        priority: VoicePriority = VoicePriority.OPERATOR,
    ) -> PlayHandle:
        """Push the prompt to the camera's speakers (the zone's, when given and it has its own);
        raises LookupError for an unknown prompt."""
        clip = self._prompts.clip(prompt_id).repeated(repeats)
        targets = self._targets(camera_id, zone_id)
        return self._start(
            clip, targets, priority, by=by, camera_id=camera_id, alert_id=alert_id, repeats=repeats
        )

    def talk(
        self, frames: Iterator[bytes], *, camera_id: str, by: str, alert_id: str | None = None
    ) -> PlayHandle:
        """Live talk from the microphone (20 ms frames until the iterator ends): pre-empts prompts.
        HTTP clip speakers are left out: they play a clip only once it is whole (after the talk)."""
        targets = [s for s in self._targets(camera_id, None) if s.kind is not DeliveryKind.HTTP]
        return self._start(
            frames, targets, VoicePriority.LIVE, by=by, camera_id=camera_id, alert_id=alert_id, repeats=1
        )

    def emergency(self, prompt_id: str, *, by: str, repeats: int = 1) -> PlayHandle:
        """Every speaker of the site, pre-empting whatever plays there."""
        clip = self._prompts.clip(prompt_id).repeated(repeats)
        return self._start(
            clip, list(self._speakers()), VoicePriority.EMERGENCY, by=by, camera_id=None, alert_id=None,
            repeats=repeats,
        )  # fmt: skip

    def stop(self, camera_id: str | None = None) -> int:
        """Stop what plays on the camera's speakers (every speaker when None); returns how many plays."""
        with self._lock:
            wanted = None if camera_id is None else {s.id for s in self.speakers_for(camera_id)}
            handles = {
                id(h): h
                for speaker, hs in self._playing.items()
                if wanted is None or speaker in wanted
                for h in hs
            }
        for handle in handles.values():
            handle.stop()
        return len(handles)

    # --- automatic prompts -------------------------------------------------------------------------
    def policy_for(self, alert: Alert) -> VoicePolicy:
        return self._policy(alert.rule.value, alert.zone_id)

    def auto_prompt(
        self, alert: Alert, *, ladder_attempt: int = 0, prompt_id: str | None = None
    ) -> PlayHandle:
        """An automatic prompt for ``alert`` (auto-play, or the ladder when ``ladder_attempt`` > 0),
        if its policy allows; the handle's result fails with :class:`NoSpeaker` saying why not."""
        policy = self.policy_for(alert)
        now = self._clock.now()
        targets = self._targets(alert.camera_id, alert.zone_id)
        with self._lock:  # the ladder's own earlier prompt is paced by its wait, not the cooldown
            last = {
                s: at for s, (at, for_alert) in self._last_played.items()
                if not (ladder_attempt and for_alert == alert.id)
            }  # fmt: skip
        automatic = sum(1 for p in alert.plays if p.priority is VoicePriority.AUTOMATIC)
        refusal = auto_play_refusal(
            policy, local_time=self._local_time(now), now=now, last_played=last,
            speaker_ids=[s.id for s in targets], prompts_for_alert=automatic, ladder=ladder_attempt > 0,
        )  # fmt: skip
        if refusal is not None:
            log.info("automatic prompt for alert %s not played: %s", alert.id, refusal.value)
            return PlayHandle.refused(refusal.value)
        ready = set(ready_speakers(policy, now, last, [s.id for s in targets]))
        try:
            clip = self._prompts.clip(prompt_id or policy.prompt_id)
        except LookupError as exc:
            log.error("alert %s: prompt %r not in the library", alert.id, prompt_id or policy.prompt_id)
            return PlayHandle.refused(f"unknown prompt: {exc}")
        return self._start(
            clip, [s for s in targets if s.id in ready], VoicePriority.AUTOMATIC, by=SYSTEM,
            camera_id=alert.camera_id, alert_id=alert.id, repeats=1, ladder_attempt=ladder_attempt,
        )  # fmt: skip

    def on_alert_change(self, change: AlertChange, *, laddered: Callable[[Alert], bool]) -> None:
        """Auto-play on a new alert whose policy says so (unless its ladder plays the first prompt)."""
        alert = change.after
        if change.before is not None or alert.state is not AlertState.RAISED or laddered(alert):
            return
        if alert.rule is Rule.VENDING and self.policy_for(alert).auto_play:
            self.auto_prompt(alert)

    # --- one play -------------------------------------------------------------------------------
    def _targets(self, camera_id: str, zone_id: str | None) -> list[Speaker]:
        zoned = self.speakers_for(camera_id, zone_id) if zone_id else []
        return zoned or self.speakers_for(camera_id)

    def _start(
        self,
        audio: Clip | Iterator[bytes],
        targets: Sequence[Speaker],
        priority: VoicePriority,
        *,
        by: str,
        camera_id: str | None,
        alert_id: str | None,
        repeats: int,
        ladder_attempt: int = 0,
    ) -> PlayHandle:
        if not targets:
            where = camera_id or "the site"
            return PlayHandle.refused(f"no loudspeaker serves {where}")
        started = self._clock.now()
        announcement = self._port.announce(targets, audio, priority)
        ids = tuple(s.id for s in targets)
        handle = PlayHandle(announcement.stop, ids)
        with self._lock:
            for speaker in ids:
                self._last_played[speaker] = (started, alert_id)
                self._playing.setdefault(speaker, []).append(handle)
        self._tell(VoiceNotice(camera_id, alert_id, ids, priority))
        clip = audio if isinstance(audio, Clip) else Clip("live", b"", prompt_id="")

        def finished(future: Future[tuple[Delivery, ...]]) -> None:
            try:
                deliveries = future.result()
            except Exception as exc:  # the router itself failed: every speaker failed with it
                log.exception("announce failed")
                deliveries = tuple(Delivery(s, False, detail=str(exc)) for s in ids)
            self._finish(
                handle, clip, deliveries, started=started, by=by, priority=priority,
                camera_id=camera_id, alert_id=alert_id, repeats=repeats, ladder_attempt=ladder_attempt,
            )  # fmt: skip

        announcement.result.add_done_callback(finished)
        return handle

    def _finish(
        self,
        handle: PlayHandle,
        clip: Clip,
        deliveries: Sequence[Delivery],
        *,
        started: float,
        by: str,
        priority: VoicePriority,
        camera_id: str | None,
        alert_id: str | None,
        repeats: int,
        ladder_attempt: int,
    ) -> None:
        with self._lock:
            for speaker in handle.speakers:
                plays = self._playing.get(speaker, [])
                if handle in plays:
                    plays.remove(handle)
        self._note_health(deliveries)
        sent = max((d.sent_pcm for d in deliveries), key=len, default=b"") or clip.pcm
        ref = self._keep_audio(sent, camera_id or "site", started, clip.name) if sent else None
        play = play_of(
            clip, deliveries, by=by, at=started, priority=priority, repeats=repeats,
            audio_sha256=ref.sha256 if ref else None, ladder_attempt=ladder_attempt,
        )  # fmt: skip
        self._record(play, alert_id, camera_id, ref)
        handle.result.set_result(play)
        self._tell(VoiceNotice(camera_id, alert_id, handle.speakers, priority, play))

    def _keep_audio(self, pcm: bytes, camera_id: str, at: float, name: str) -> EvidenceRef | None:
        if self._evidence is None:
            return None
        try:
            return self._evidence.put(
                wav_bytes(pcm), kind=EvidenceKind.AUDIO, media_type="audio/wav", captured_at=at,
                camera_id=camera_id, stream="voice", note=name,
            )  # fmt: skip
        except EvidenceProblem as exc:
            log.error("audio of the prompt %r not kept: %s", name, exc)
            if self._events is not None:
                self._events(
                    SystemEvent.of(SystemEventKind.EVIDENCE_NOT_SAVED, subject=camera_id, detail=str(exc))
                )
            return None

    def _record(
        self, play: VoicePlay, alert_id: str | None, camera_id: str | None, ref: EvidenceRef | None
    ) -> None:
        refs = (ref,) if ref is not None else ()
        if alert_id is not None:
            try:
                self._alerts.record_play(alert_id, play, refs)
                return
            except LookupError:  # the alert left this session's book (closed long ago): an event of its own
                log.info("alert %s not held: its play is recorded on its own", alert_id)
        subject = f"alert:{alert_id}" if alert_id else f"camera:{camera_id or 'site'}"
        note = f"{play.prompt_name} → {', '.join(play.speakers)}"
        data: Mapping[str, object] = {"play": play.to_record(), "audio": ref.sha256 if ref else None}
        reached = "delivered" if play.reached else "not_delivered"
        self._alerts.record_event(
            AuditDraft(subject, "voice_prompt", play.by, play.at, data=data, reason=reached, note=note)
        )

    def _note_health(self, deliveries: Sequence[Delivery]) -> None:
        names = {s.id: s.name for s in self._speakers()}
        told: list[SystemEvent] = []
        with self._lock:
            for d in deliveries:
                if d.delivered and d.speaker_id in self._down:
                    del self._down[d.speaker_id]
                    told.append(
                        SystemEvent.of(
                            SystemEventKind.SPEAKER_UP, subject=names.get(d.speaker_id, d.speaker_id)
                        )
                    )
                elif not d.delivered and d.failure is not None and d.failure.value not in _NOT_A_FAULT:
                    why = f"{d.failure.value}: {d.detail}".rstrip(": ")
                    if d.speaker_id not in self._down:
                        name = names.get(d.speaker_id, d.speaker_id)
                        told.append(SystemEvent.of(SystemEventKind.SPEAKER_DOWN, subject=name, detail=why))
                    self._down[d.speaker_id] = why
        if self._events is not None:
            for event in told:
                self._events(event)

    def _tell(self, notice: VoiceNotice) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(notice)
            except Exception:  # one view's bug must not stop the others
                log.exception("voice listener failed")


# Failures that say nothing about the speaker's health (a person or a more urgent play chose them).
_NOT_A_FAULT = frozenset({"stopped", "preempted", "busy"})


def _local_clock_time(at: float) -> clock_time:
    import time

    local = time.localtime(at)
    return clock_time(local.tm_hour, local.tm_min, local.tm_sec)


__all__ = ["AutoRefusal", "NoSpeaker", "PlayHandle", "VoiceNotice", "VoiceService"]
