"""Everything voice adds to the main window, built in one place from a :class:`VoiceWiring`.

:class:`VoiceHub` owns the voice keys (:mod:`app.ui.voice.keys`) and carries them out on what the
operator has selected: the alert selected in the alert list (its rule's prompt, recorded on it),
else the selected tile's camera (its open alert's prompt when it has one, else the default). It
says what it does in the status bar, calmly: where a prompt goes, then what reached each speaker.
A one-second timer moves the escalation ladder on and keeps the tile badges (ladder step and
countdown, playing, speaker fault) up to date; a play's start and end update them at once.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.core.alerts import Alert
from app.core.cases import Role
from app.core.voice import VoicePlay, VoicePriority
from app.core.voice_ladder import LadderStep
from app.services.alerts import AlertService
from app.services.voice import NoSpeaker, PlayHandle, VoiceNotice
from app.ui.alerts.model import AlertFeed
from app.ui.voice.dialogs import EmergencyDialog, PromptChooser
from app.ui.voice.keys import TALK_KEY, VOICE_ACTIONS
from app.ui.voice.marks import ladder_words, tile_marks
from app.ui.voice.microphone import FrameQueue, Microphone, QtMicrophone
from app.ui.voice.prompt_editor import open_prompt_editor
from app.ui.voice.wiring import VoiceTarget, VoiceWiring
from app.ui.voice.words import failure_word
from app.ui.wall.compositor import WallCompositor

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
TICK_MS = 1000
MARKS_COALESCE_MS = 50
SAID_MS = 6000  # how long a status message stays
OUTCOME_MS = 10000


@dataclass(frozen=True)
class _Request:
    kind: str  # "play", "talk", "emergency"
    prompt: str  # its name, as the operator knows it
    where: str  # the camera's name (or the site)


@dataclass
class _Talk:
    microphone: Microphone
    frames: FrameQueue
    handle: PlayHandle


class VoiceHub(QObject):
    message = Signal(str, int)  # for the status bar: text, milliseconds
    _outcome = Signal(object, object)  # _Request, Future[VoicePlay]
    _notice = Signal(object)  # VoiceNotice, from whatever thread played

    def __init__(
        self,
        wiring: VoiceWiring,
        alerts: AlertService | None,
        *,
        operator: Callable[[], str],
        role: Callable[[], Role],
        target: Callable[[], VoiceTarget],
        compositors: Callable[[], Iterable[WallCompositor]],
        camera_name: Callable[[str], str],
        parent: QWidget,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.wiring, self.service, self._alerts = wiring, wiring.service, alerts
        self._operator, self._role, self._target = operator, role, target
        self._compositors, self._camera_name, self._now = compositors, camera_name, now
        self._parent = parent
        self._talk: _Talk | None = None
        self.dialog: QDialog | None = None  # the chooser or emergency dialog last opened
        self.last_message = ""
        self._heard: Counter[tuple[str, VoicePriority]] = Counter()  # plays under way, per speaker
        self.actions_by_id: dict[str, QAction] = {}
        handlers: dict[str, Callable[[], object]] = {
            "voice_play": self.play, "voice_choose": self.choose, "voice_stop": self.stop,
            "voice_talk": self.start_talk, "ladder_stop": self.stop_ladder, "ladder_skip": self.skip_ladder,
            "voice_emergency": self.emergency, "voice_library": self.open_library,
        }  # fmt: skip
        for spec in VOICE_ACTIONS:
            action = QAction(self)
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            # The window's keys (the wall's and the alert list's), not the case window's.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setAutoRepeat(False)  # F8 held down starts one talk; H held plays once
            action.triggered.connect(lambda _c=False, h=handlers[spec.id]: h())
            self.actions_by_id[spec.id] = action
        for key in ("ladder_stop", "ladder_skip"):
            self.actions_by_id[key].setVisible(wiring.ladder is not None)
        self.actions_by_id["voice_library"].setVisible(wiring.library is not None)
        self._outcome.connect(self._said_outcome, Qt.ConnectionType.QueuedConnection)
        self._notice.connect(self._noticed)
        self._unsubscribe = [self.service.subscribe(self._notice.emit)]
        # A burst of alert changes (or of plays) redraws the badges once.
        self._marks_soon = QTimer(self, singleShot=True, interval=MARKS_COALESCE_MS)
        self._marks_soon.timeout.connect(self.refresh_marks)
        if alerts is not None:
            self._feed = AlertFeed(self)
            self._feed.changed.connect(lambda _change: self._marks_soon.start())
            self._unsubscribe.append(alerts.subscribe(self._feed))
        listeners = list(self._unsubscribe)  # (each unsubscribe may be called twice)
        self.destroyed.connect(lambda *_: [unsubscribe() for unsubscribe in listeners])
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.retranslate()

    # --- the window's side ---------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        return list(self.actions_by_id.values())

    def attach(self, widget: QWidget) -> None:
        """The voice keys work in ``widget``'s window (the main window, an extra wall)."""
        widget.addActions(self.actions())

    def retranslate(self) -> None:
        for spec in VOICE_ACTIONS:
            action = self.actions_by_id[spec.id]
            action.setText(spec.label())
            keys = " / ".join(
                QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts
            )
            action.setToolTip(f"{spec.label()} ({keys})")

    def open_library(self) -> None:
        """The prompt library's editor (not modal: the wall goes on)."""
        if self.wiring.library is not None:
            self.dialog = open_prompt_editor(self.wiring.library, self._operator(), self._parent)

    def start(self) -> None:
        self._timer.start()
        self.refresh_marks()

    def shutdown(self) -> None:
        self._timer.stop()
        self.end_talk()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def tick(self) -> None:
        """Once a second: the ladder moves on (waits end, rechecks decide), the badges count down."""
        ladder = self.wiring.ladder
        if ladder is not None and self.wiring.tick_ladder:
            try:
                ladder.tick()
            except Exception:  # one bad step must not stop the timer (or the wall)
                log.exception("escalation ladder tick failed")
        self.refresh_marks()

    # --- what a key is about -----------------------------------------------------------------------
    def resolve(self, target: VoiceTarget | None = None) -> tuple[str | None, Alert | None]:
        """The camera and alert a key acts on: the selected alert, else the selected tile's
        camera and its open alert (the one whose ladder runs first, else the newest)."""
        target = target or self._target()
        if target.alert is not None:
            alert = self._alerts.find(target.alert.id) if self._alerts is not None else None
            alert = alert or target.alert
            return alert.camera_id, alert
        if target.camera_id is None:
            return None, None
        return target.camera_id, self.alert_at(target.camera_id)

    def alert_at(self, camera_id: str) -> Alert | None:
        if self._alerts is None:
            return None
        here = [a for a in self._alerts.open_alerts() if a.camera_id == camera_id]
        laddered = [a for a in here if a.ladder is not None and a.ladder.active]
        return max(laddered or here, key=lambda a: a.raised_at, default=None)

    # --- prompts ---------------------------------------------------------------------------------
    def play(self, prompt_id: str | None = None, repeats: int = 1, target: VoiceTarget | None = None) -> None:
        """H: the prompt (the alert's rule prompt, else the default) to the camera's speakers."""
        camera, alert = self.resolve(target)
        if camera is None:
            self._say(translate("Voice", "Select a tile or an alert first."))
            return
        if not self.service.speakers_for(camera):
            self._say_no_speaker(camera)
            return
        prompt = prompt_id or self.wiring.prompt_for(alert)
        name = self.wiring.prompt_name(prompt)
        try:
            handle = self.service.play(
                prompt, camera_id=camera, by=self._operator(), zone_id=alert.zone_id if alert else None,
                alert_id=alert.id if alert else None, repeats=repeats,
            )  # fmt: skip
        except LookupError:
            self._say(translate("Voice", "The prompt “{0}” is not in the prompt library.").format(name))
            return
        speakers = self._names(handle.speakers)
        if repeats > 1:
            text = translate("Voice", "Playing “{1}” {2} times on {0}")
        else:
            text = translate("Voice", "Playing “{1}” on {0}")
        self._say(text.format(speakers, name, repeats))
        self._follow(_Request("play", name, self._camera_name(camera)), handle)

    def choose(self) -> None:
        """Shift+H: which prompt and how many times, then play it."""
        camera, alert = self.resolve()
        if camera is None:
            self._say(translate("Voice", "Select a tile or an alert first."))
            return
        if not self.service.speakers_for(camera):
            self._say_no_speaker(camera)
            return
        where = translate("Voice", "To the speakers at {0}: {1}").format(
            self._camera_name(camera), self._names(s.id for s in self.service.speakers_for(camera))
        )
        dialog = PromptChooser(self.wiring.prompt_list(), self.wiring.prompt_for(alert), where, self._parent)
        self.dialog = dialog
        if self._exec(dialog) and dialog.prompt_id is not None:
            self.play(dialog.prompt_id, dialog.times, VoiceTarget(camera, alert))

    def stop(self) -> None:
        """Ctrl+H: stop what plays on the selected camera's speakers."""
        camera, _ = self.resolve()
        if camera is None:
            self._say(translate("Voice", "Select a tile or an alert first."))
            return
        stopped = self.service.stop(camera)
        where = self._camera_name(camera)
        if stopped:
            self._say(translate("Voice", "Stopped what played at {0}.").format(where))
        else:
            self._say(translate("Voice", "Nothing plays at {0}.").format(where))

    def emergency(self) -> None:
        """Ctrl+Shift+H: the shift leader's broadcast to every speaker, confirmed first."""
        if self._role() is not Role.SHIFT_LEADER:
            self._say(translate("Voice", "Only the shift leader may make an emergency broadcast."))
            return
        speakers = self.service.speakers()
        if not speakers:
            self._say(translate("Voice", "No loudspeaker is set up in the site file."))
            return
        chosen = self.wiring.emergency_prompt or self.wiring.default_prompt
        dialog = EmergencyDialog(self.wiring.prompt_list(), chosen, len(speakers), self._parent)
        self.dialog = dialog
        if not self._exec(dialog) or dialog.prompt_id is None:
            self._say(translate("Voice", "Emergency broadcast cancelled."))
            return
        name = self.wiring.prompt_name(dialog.prompt_id)
        try:
            handle = self.service.emergency(dialog.prompt_id, by=self._operator(), repeats=dialog.times)
        except LookupError:
            self._say(translate("Voice", "The prompt “{0}” is not in the prompt library.").format(name))
            return
        self._say(
            translate("Voice", "Emergency broadcast of “{0}” on all {1} speakers").format(name, len(speakers))
        )
        self._follow(_Request("emergency", name, translate("Voice", "the whole site")), handle)

    # --- live talk -----------------------------------------------------------------------------
    @property
    def talking(self) -> bool:
        return self._talk is not None

    def start_talk(self) -> None:
        """F8 pressed: the microphone to the camera's speakers until F8 is released."""
        if self._talk is not None:
            return
        camera, alert = self.resolve()
        if camera is None:
            self._say(translate("Voice", "Select a tile or an alert first."))
            return
        if not self.service.speakers_for(camera):
            self._say_no_speaker(camera)
            return
        microphone = self.wiring.microphone() if self.wiring.microphone is not None else QtMicrophone()
        frames = FrameQueue()
        why = microphone.start(frames.put)
        if why is not None:
            self._say(why, OUTCOME_MS)
            return
        handle = self.service.talk(
            frames, camera_id=camera, by=self._operator(), alert_id=alert.id if alert else None
        )
        self._talk = _Talk(microphone, frames, handle)
        app = QApplication.instance()
        if isinstance(app, QGuiApplication):
            app.installEventFilter(self)  # only while talking: to hear the key's release
            app.applicationStateChanged.connect(self._state_changed)
        key = QKeySequence(TALK_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        self._say(
            translate("Voice", "Talking to {0}: release {1} to end").format(self._names(handle.speakers), key)
        )
        self._follow(_Request("talk", "", self._camera_name(camera)), handle)

    def end_talk(self) -> None:
        talk, self._talk = self._talk, None
        if talk is None:
            return
        app = QApplication.instance()
        if isinstance(app, QGuiApplication):
            app.removeEventFilter(self)
            app.applicationStateChanged.disconnect(self._state_changed)
        talk.microphone.stop()
        talk.frames.close()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.end_talk()  # the window lost the keyboard: its release would never come

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() == QEvent.Type.KeyRelease
            and isinstance(event, QKeyEvent)
            and event.key() == TALK_KEY
            and not event.isAutoRepeat()
        ):
            self.end_talk()
        return False

    # --- the escalation ladder ---------------------------------------------------------------------
    def stop_ladder(self) -> None:
        """Z: stop the selected alert's escalation (what it plays now stops too)."""
        alert = self._laddered()
        if alert is None or self.wiring.ladder is None:
            return
        self.wiring.ladder.stop(alert.id, self._operator())
        self._say(
            translate("Voice", "Voice escalation at {0} stopped.").format(self._camera_name(alert.camera_id))
        )
        self.refresh_marks()

    def skip_ladder(self) -> None:
        """W: skip the wait (recheck now), or the recheck (the next prompt, or the case)."""
        alert = self._laddered()
        if alert is None or self.wiring.ladder is None:
            return
        assert alert.ladder is not None
        if alert.ladder.step is LadderStep.PROMPTING:
            self._say(translate("Voice", "The prompt is playing: skip once it has ended."))
            return
        after = self.wiring.ladder.skip(alert.id, self._operator())
        if after is not None:
            words = ladder_words(after, self._now())
            self._say(translate("Voice", "Skipped: {0}").format(words))
        self.refresh_marks()

    def _laddered(self) -> Alert | None:
        if self.wiring.ladder is None:
            self._say(translate("Voice", "There is no voice escalation in this run."))
            return None
        _, alert = self.resolve()
        if alert is None or alert.ladder is None or not alert.ladder.active:
            self._say(translate("Voice", "The selected alert has no voice escalation under way."))
            return None
        return alert

    # --- what the operator is told -----------------------------------------------------------------
    def _follow(self, request: _Request, handle: PlayHandle) -> None:
        def done(future: Future[VoicePlay]) -> None:
            try:
                self._outcome.emit(request, future)  # (from the transport's thread: queued)
            except RuntimeError:  # the window closed while it played: the record is kept anyway
                log.info("voice outcome after the window closed: %s", request)

        handle.result.add_done_callback(done)

    def _said_outcome(self, request: _Request, future: Future[VoicePlay]) -> None:
        try:
            play = future.result()
        except NoSpeaker as exc:  # the speakers went from the site file meanwhile
            self._say(
                translate("Voice", "No loudspeaker serves {0}: nothing was played.").format(request.where),
                OUTCOME_MS,
            )
            log.info("nothing played at %s: %s", request.where, exc)
            return
        except Exception as exc:
            log.exception("voice play failed")
            self._say(translate("Voice", "Nothing played: {0}").format(str(exc)), OUTCOME_MS)
            return
        names = self._names_by_id()
        results = [translate("Voice", "{0} reached").format(names.get(s, s)) for s in play.delivered]
        results += [
            translate("Voice", "{0} not reached ({1})").format(names.get(s, s), failure_word(why))
            for s, why in play.failures
        ]
        outcome = translate("Voice", "; ").join(results)
        if request.kind == "talk":
            text = translate("Voice", "Live talk at {0} ended: {1}").format(request.where, outcome)
        else:
            text = translate("Voice", "“{0}” at {1}: {2}").format(request.prompt, request.where, outcome)
        self._say(text, OUTCOME_MS)
        self.refresh_marks()

    def _say(self, text: str, ms: int = SAID_MS) -> None:
        self.last_message = text
        self.message.emit(text, ms)

    def _say_no_speaker(self, camera: str) -> None:
        self._say(
            translate("Voice", "No loudspeaker serves {0}: nothing was played.").format(
                self._camera_name(camera)
            ),
            OUTCOME_MS,
        )

    def _names_by_id(self) -> dict[str, str]:
        return {s.id: s.name for s in self.service.speakers()}

    def _names(self, ids: Iterable[str]) -> str:
        names = self._names_by_id()
        return translate("Voice", ", ").join(names.get(i, i) for i in ids)

    def _exec(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    # --- tile badges -------------------------------------------------------------------------------
    def _noticed(self, notice: VoiceNotice) -> None:
        step = 1 if notice.play is None else -1
        for speaker in notice.speakers:
            key = (speaker, notice.priority)
            self._heard[key] = max(0, self._heard[key] + step)
        self._heard = +self._heard  # (drops the zeros)
        self._marks_soon.start()

    def playing(self) -> dict[str, VoicePriority]:
        """What plays on each speaker now, by its most urgent play (a play this window did not
        see start counts as an operator's prompt)."""
        now = self.service.playing()
        out: dict[str, VoicePriority] = {}
        for (speaker, priority), count in self._heard.items():
            if count and speaker in now:
                out[speaker] = max(priority, out.get(speaker, priority))
        for speaker in now:
            out.setdefault(speaker, VoicePriority.OPERATOR)
        return out

    def refresh_marks(self) -> None:
        alerts = self._alerts.open_alerts() if self._alerts is not None else []
        marks = tile_marks(alerts, self.service.speakers(), self.playing(), self.service.down(), self._now())
        for compositor in self._compositors():
            compositor.set_voice_marks(marks)
