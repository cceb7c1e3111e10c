"""The alarm sound: a tone per priority, repeated while any alert waits to be taken; mutable.

The tones are made at run time (a few kilobytes of WAV, no file shipped, nothing downloaded) and
played with Qt Multimedia's QSoundEffect. Without a sound device (a headless test machine, a
workstation whose speaker is unplugged) QSoundEffect reports an error: that is said in the mute
button's tooltip and by ``problem`` (the window shows it), and every play is still *requested*
and counted in ``requested`` (what the tests check).
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer, QUrl, Signal
from PySide6.QtGui import QAction
from PySide6.QtMultimedia import QSoundEffect

from app.core.alerts import AlertPriority

translate = QCoreApplication.translate
RATE = 22050
MUTED_KEY = "alerts/sound_muted"
# (frequency Hz, seconds) pieces, 0 Hz a pause; urgent is faster and higher, low is one soft note.
TONES: dict[AlertPriority, tuple[tuple[float, float], ...]] = {
    AlertPriority.HIGH: ((1320, 0.12), (0, 0.06), (1320, 0.12), (0, 0.06), (1760, 0.22)),
    AlertPriority.NORMAL: ((880, 0.22), (0, 0.08), (660, 0.3)),
    AlertPriority.LOW: ((523, 0.35),),
}
REPEAT_S: dict[AlertPriority, float] = {AlertPriority.HIGH: 4, AlertPriority.NORMAL: 8, AlertPriority.LOW: 15}
VOLUME: dict[AlertPriority, float] = {
    AlertPriority.HIGH: 0.9,
    AlertPriority.NORMAL: 0.7,
    AlertPriority.LOW: 0.5,
}


def write_tone(path: Path, pieces: tuple[tuple[float, float], ...]) -> Path:
    """A mono 16-bit WAV of ``pieces``, each note faded in and out (no clicks)."""
    frames = bytearray()
    for freq, seconds in pieces:
        n = int(RATE * seconds)
        fade = max(1, int(RATE * 0.01))
        for i in range(n):
            envelope = min(1.0, i / fade, (n - i) / fade)
            value = 0.0 if freq <= 0 else math.sin(2 * math.pi * freq * i / RATE) * envelope
            frames += struct.pack("<h", int(value * 20000))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


class AlarmSound(QObject):
    problem = Signal(str)  # the sound cannot be heard (no device, file refused): said once per cause

    def __init__(
        self,
        folder: Path,
        settings: QSettings | None = None,
        parent: QObject | None = None,
        *,
        effect: Callable[[QObject], QSoundEffect] = QSoundEffect,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._effects: dict[AlertPriority, QSoundEffect] = {}
        self._make_effect = effect
        self._files: dict[AlertPriority, Path] = {}
        self._folder = folder
        self.requested: list[AlertPriority] = []  # every play asked for, in order
        self.priority: AlertPriority | None = None  # what repeats now (None: silent)
        self.trouble = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._repeat)
        muted = settings.value(MUTED_KEY, False) if settings is not None else False
        self.action = QAction(self)
        self.action.setCheckable(True)
        self.action.setChecked(muted not in (True, "true", "1", 1))
        self.action.toggled.connect(lambda on: self.set_muted(not on))
        self.retranslate()

    @property
    def muted(self) -> bool:
        return not self.action.isChecked()

    def set_muted(self, muted: bool) -> None:
        self.action.setChecked(not muted)
        if self._settings is not None:
            self._settings.setValue(MUTED_KEY, muted)
        if muted:
            self._stop()
        elif self.priority is not None:
            priority, self.priority = self.priority, None
            self.follow(priority)
        self.retranslate()

    def follow(self, priority: AlertPriority | None) -> None:
        """The most urgent alert waiting to be taken (None: none waits): play at once when it gets
        more urgent, then again every REPEAT_S for its priority until nothing waits."""
        if priority is None:
            self.priority = None
            self._stop()
            return
        if self.muted:
            self.priority = priority
            return
        if priority != self.priority or not self._timer.isActive():
            self.priority = priority
            self.play(priority)
            self._timer.start(int(REPEAT_S[priority] * 1000))

    def play(self, priority: AlertPriority) -> None:
        self.requested.append(priority)
        try:
            effect = self._effect(priority)
        except OSError as exc:  # the tone could not be written (full or read-only folder)
            self._say(translate("Triage", "The alarm sound cannot be made: {0}").format(exc))
            return
        effect.play()

    def retranslate(self) -> None:
        self.action.setText(translate("Triage", "Alarm sound"))
        tip = translate(
            "Triage", "Alarm sound on: it repeats while an alert is not yet taken (click to mute)"
        )
        if self.muted:
            tip = translate("Triage", "Alarm sound muted (click to turn it on)")
        self.action.setToolTip(f"{tip}\n{self.trouble}" if self.trouble else tip)

    # --- internals -----------------------------------------------------------------------------
    def _repeat(self) -> None:
        if self.priority is not None and not self.muted:
            self.play(self.priority)

    def _stop(self) -> None:
        self._timer.stop()
        for effect in self._effects.values():
            effect.stop()

    def _effect(self, priority: AlertPriority) -> QSoundEffect:
        effect = self._effects.get(priority)
        if effect is None:
            self._folder.mkdir(parents=True, exist_ok=True)
            path = write_tone(self._folder / f"alarm-{priority.name.lower()}.wav", TONES[priority])
            effect = self._effects[priority] = self._make_effect(self)
            effect.setVolume(VOLUME[priority])
            effect.statusChanged.connect(lambda e=effect: self._status(e))
            effect.setSource(QUrl.fromLocalFile(str(path)))
        return effect

    def _status(self, effect: QSoundEffect) -> None:
        if effect.status() == QSoundEffect.Status.Error:
            self._say(translate("Triage", "No sound device plays the alarm: check the speakers."))

    def _say(self, text: str) -> None:
        if text != self.trouble:
            self.trouble = text
            self.retranslate()
            self.problem.emit(text)
