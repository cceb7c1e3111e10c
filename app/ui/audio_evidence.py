"""The audio of voice prompts kept as evidence (喊话录音): one row each, "喊话录音 · 请勿占道经营 ·
3.2 秒 · 14:05:12", with a play button and "Save as WAV…".

The audio is what actually left for the speakers (8 kHz mono WAV). It is read off the GUI thread
and played on the workstation's loudspeaker by the prompt editor's own player
(:class:`app.ui.voice.audio_devices.Preview`: Qt Multimedia, resampled to what the card takes).
Where the workstation has no sound output (a control-room PC without speakers, a test machine),
the list says so in words and offers to save the WAV for another player instead: never a silent
button, never a broken picture.
"""

from __future__ import annotations

import io
import logging
import wave
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThreadPool,
    Signal,
    SignalInstance,
)
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.adapters.export_files import ExportError, write_export
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.voice import SAMPLE_RATE
from app.ui.voice.audio_devices import Preview, loudspeaker

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
ReadEvidence = Callable[[EvidenceRef], bytes]
WAV_HEADER = 44  # the header Python's wave module writes (the evidence's WAV files)


def is_audio(ref: EvidenceRef) -> bool:
    return ref.kind is EvidenceKind.AUDIO or ref.media_type.startswith("audio/")


def audio_seconds(ref: EvidenceRef) -> float:
    """The length of a kept prompt from its file size (8 kHz mono 16-bit: 16,000 bytes a second)."""
    return max(0.0, (ref.size - WAV_HEADER) / (2 * SAMPLE_RATE))


def audio_words(ref: EvidenceRef, tz: tzinfo, plays: int = 1) -> str:
    """喊话录音 · 请勿占道经营 · 3.2 秒 · 14:05:12 (the time it first played, in the site's zone);
    "· 播放 2 次" when the same audio went out more than once (one file keeps it)."""
    parts = (
        translate("Evidence", "Voice prompt recording"),
        ref.note,
        translate("Evidence", "{0:.1f} s").format(audio_seconds(ref)),
        f"{datetime.fromtimestamp(ref.captured_at, tz):%H:%M:%S}",
        translate("Evidence", "played {0} times").format(plays) if plays > 1 else "",
    )
    return " · ".join(p for p in parts if p)


def no_output_words() -> str:
    return translate(
        "Evidence",
        "This workstation has no sound output: save the recording as a WAV file to listen to it elsewhere.",
    )


@dataclass(frozen=True)
class Pcm:
    data: bytes
    rate: int
    channels: int
    width: int  # bytes a sample


def parse_wav(data: bytes) -> Pcm:
    """The PCM of a WAV file; raises ValueError for anything else (said in the row)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            pcm = source.readframes(source.getnframes())
            return Pcm(pcm, source.getframerate(), source.getnchannels(), source.getsampwidth())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a WAV file ({exc})") from exc


class Sound(Protocol):
    """What the player needs of :class:`app.ui.voice.audio_devices.Preview` (the workstation's
    loudspeaker, 8 kHz mono PCM, resampled there to what the card takes)."""

    @property
    def finished(self) -> SignalInstance: ...

    def play(self, pcm: bytes) -> None: ...

    def stop(self) -> None: ...


def default_sound(parent: QObject) -> Sound | None:
    device = loudspeaker()
    return None if device is None else Preview(device, parent)


def has_loudspeaker() -> bool:
    return loudspeaker() is not None


class _Signals(QObject):
    read = Signal(str, object, str)  # sha256, Pcm (None when it failed), why
    saved = Signal(str, str, str)  # sha256, path, why ("" when saved)


class _Read(QRunnable):
    def __init__(self, ref: EvidenceRef, read: ReadEvidence, signals: _Signals) -> None:
        super().__init__()
        self._ref, self._read, self._signals = ref, read, signals

    def run(self) -> None:
        try:
            pcm = parse_wav(self._read(self._ref))
        except Exception as exc:  # a missing file, a store that is gone, a damaged file: said in the row
            self._signals.read.emit(self._ref.sha256, None, str(exc) or type(exc).__name__)
            return
        self._signals.read.emit(self._ref.sha256, pcm, "")


class _Save(QRunnable):
    def __init__(self, ref: EvidenceRef, read: ReadEvidence, path: Path, signals: _Signals) -> None:
        super().__init__()
        self._ref, self._read, self._path, self._signals = ref, read, path, signals

    def run(self) -> None:
        try:
            write_export(self._path, self._read(self._ref))
        except ExportError as exc:
            self._signals.saved.emit(self._ref.sha256, str(self._path), _reason_words(exc.reason))
            return
        except Exception as exc:  # the evidence itself cannot be read
            self._signals.saved.emit(self._ref.sha256, str(self._path), str(exc) or type(exc).__name__)
            return
        self._signals.saved.emit(self._ref.sha256, str(self._path), "")


def _reason_words(reason: str) -> str:
    from app.ui.cases.figures_words import reason_text  # the exports' own words for a failed write

    return reason_text(reason)


class AudioPlayer(QObject):
    """Plays one recording at a time on the workstation's loudspeaker; says why it cannot."""

    changed = Signal(str)  # sha256 of the recording whose state changed
    saved = Signal(str, str, str)  # sha256, path, why ("" when saved)

    def __init__(
        self,
        read: ReadEvidence,
        parent: QObject | None = None,
        *,
        available: Callable[[], bool] = has_loudspeaker,
        sound: Callable[[QObject], Sound | None] = default_sound,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._read, self._available, self._make_sound = read, available, sound
        self._pool = pool or QThreadPool.globalInstance()
        self._signals = _Signals(self)
        self._signals.read.connect(self._arrived)
        self._signals.saved.connect(self.saved)
        self.playing: str | None = None  # the recording that plays (or is read to play)
        self.loading = False
        self.problems: dict[str, str] = {}  # sha256 → why it cannot be played, in words
        self._sound: Sound | None = None

    def has_output(self) -> bool:
        try:
            return self._available()
        except Exception:  # a broken multimedia back end counts as no output
            log.exception("sound outputs not listed")
            return False

    def toggle(self, ref: EvidenceRef) -> None:
        if self.playing == ref.sha256:
            self.stop()
        else:
            self.play(ref)

    def play(self, ref: EvidenceRef) -> None:
        self.stop()
        if not self.has_output():
            self.problems[ref.sha256] = no_output_words()
            self.changed.emit(ref.sha256)
            return
        self.problems.pop(ref.sha256, None)
        self.playing, self.loading = ref.sha256, True
        self.changed.emit(ref.sha256)
        self._pool.start(_Read(ref, self._read, self._signals))

    def stop(self) -> None:
        was, self.playing, self.loading = self.playing, None, False
        if self._sound is not None:
            self._sound.stop()
        if was is not None:
            self.changed.emit(was)

    def save(self, ref: EvidenceRef, path: Path) -> None:
        self._pool.start(_Save(ref, self._read, path, self._signals))

    def _arrived(self, sha256: str, pcm: Pcm | None, why: str) -> None:
        if sha256 != self.playing:
            return  # stopped (or another one chosen) while it was read
        self.loading = False
        if pcm is not None and (pcm.rate, pcm.channels, pcm.width) != (SAMPLE_RATE, 1, 2):
            why = f"{pcm.rate} Hz, {pcm.channels} ch, {pcm.width * 8} bit"  # not what the speakers got
            pcm = None
        if pcm is None:
            self._refuse(sha256, translate("Evidence", "The recording could not be read: {0}").format(why))
            return
        try:
            if self._sound is None:
                self._sound = self._make_sound(self)
                if self._sound is not None:
                    self._sound.finished.connect(self._finished)
            if self._sound is None:
                self._refuse(sha256, no_output_words())
                return
            self._sound.play(pcm.data)
        except Exception as exc:  # the output refused the format or went away
            log.warning("recording %s not played: %s", sha256[:12], exc)
            self._refuse(
                sha256,
                translate("Evidence", "The sound output refused the recording: {0}").format(
                    str(exc) or type(exc).__name__
                ),
            )
            return
        self.changed.emit(sha256)

    def _refuse(self, sha256: str, why: str) -> None:
        self.problems[sha256] = why
        self.stop()
        self.changed.emit(sha256)

    def _finished(self) -> None:
        """The loudspeaker played to the end (or was stopped)."""
        if self.playing is not None and not self.loading:
            was, self.playing = self.playing, None
            self.changed.emit(was)


class AudioRow(QFrame):
    """One recording: what it is, play/stop, save; under it why it cannot play, when it cannot."""

    def __init__(
        self, ref: EvidenceRef, player: AudioPlayer, tz: tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ref, self._player, self._tz = ref, player, tz
        self.setObjectName("audioRow")
        self.label = QLabel(audio_words(ref, tz), self)
        self.label.setToolTip(f"SHA-256 {ref.sha256}")
        self.play_button = QPushButton(self)
        self.save_button = QPushButton(translate("Evidence", "Save as WAV…"), self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #e0b050;")
        self.status.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.play_button)
        top.addWidget(self.label, 1)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.status)
        self.play_button.clicked.connect(lambda: player.toggle(ref))
        self.save_button.clicked.connect(self.ask_save)
        self.refresh()

    def refresh(self) -> None:
        playing = self._player.playing == self.ref.sha256
        if playing and self._player.loading:
            text = translate("Evidence", "Loading…")
        elif playing:
            text = translate("Evidence", "Stop")
        else:
            text = translate("Evidence", "Play")
        self.play_button.setText(text)
        problem = self._player.problems.get(self.ref.sha256, "")
        if problem:
            self.say(problem)

    def say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def ask_save(self) -> None:
        stamp = f"{datetime.fromtimestamp(self.ref.captured_at, self._tz):%Y%m%d-%H%M%S}"
        name = translate("Evidence", "voice-prompt") + f"-{self.ref.camera_id}-{stamp}.wav"
        chosen, _ = QFileDialog.getSaveFileName(
            self, translate("Evidence", "Save the recording"), str(Path.home() / name),
            translate("Evidence", "WAV audio (*.wav)"),
        )  # fmt: skip
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".wav":
            path = path.with_name(path.name + ".wav")
        self.say(translate("Evidence", "Saving to {0} …").format(path))
        self._player.save(self.ref, path)


class AudioList(QWidget):
    """Every recording of a case or an alert (hidden when there is none)."""

    def __init__(self, player: AudioPlayer, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player, self._tz = player, tz
        self.rows: list[AudioRow] = []
        self.plays: dict[str, int] = {}  # sha256 → prompts that sent it (from the timeline)
        self.title = QLabel(translate("Evidence", "Voice prompt recordings"), self)
        self.title.setStyleSheet("color: #aab2c0;")
        self.no_output = QLabel(no_output_words(), self)  # said once, above the rows
        self.no_output.setWordWrap(True)
        self.no_output.setStyleSheet("color: #e0b050;")
        self.no_output.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.no_output)
        player.changed.connect(self._changed)
        player.saved.connect(self._saved)
        self.setVisible(False)

    def show_refs(self, refs: Sequence[EvidenceRef]) -> None:
        """The recordings among ``refs`` (once each, oldest first); what played before stops."""
        self.player.stop()
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        seen: set[str] = set()
        for ref in sorted(refs, key=lambda r: r.captured_at):
            if ref.sha256 in seen or not is_audio(ref):
                continue
            seen.add(ref.sha256)
            row = AudioRow(ref, self.player, self._tz, self)
            row.label.setText(audio_words(ref, self._tz, self.plays.get(ref.sha256, 1)))
            self._layout.addWidget(row)
            self.rows.append(row)
        self.setVisible(bool(self.rows))
        silent = bool(self.rows) and not self.player.has_output()
        self.no_output.setVisible(silent)
        for row in self.rows:
            row.play_button.setEnabled(not silent)
            row.play_button.setToolTip(no_output_words() if silent else "")

    def set_plays(self, plays: Mapping[str, int]) -> None:
        """How many prompts sent each recording (the same clip twice is one file)."""
        self.plays = dict(plays)
        for row in self.rows:
            row.label.setText(audio_words(row.ref, self._tz, plays.get(row.ref.sha256, 1)))

    def row(self, sha256: str) -> AudioRow | None:
        return next((r for r in self.rows if r.ref.sha256 == sha256), None)

    def _changed(self, sha256: str) -> None:
        row = self.row(sha256)
        if row is not None:
            row.refresh()

    def _saved(self, sha256: str, path: str, why: str) -> None:
        row = self.row(sha256)
        if row is None:
            return
        if why:
            row.say(translate("Evidence", "Not saved to {0}: {1}").format(path, why))
        else:
            row.say(translate("Evidence", "Saved to {0}").format(path))
