"""This workstation's own sound: preview a prompt on its loudspeaker, record one at its microphone.

Both go through Qt Multimedia (QAudioSink, QAudioSource) and only where a device exists: a control
room PC without a microphone, or a headless test machine, is told so instead (``None`` from
:func:`microphone` / :func:`loudspeaker`; the editor words it).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QAudioSource, QMediaDevices, QtAudio

from app.adapters.voice.clip_import import MAX_CLIP_S
from app.adapters.voice.pcm import resample_mono
from app.core.voice import SAMPLE_RATE


def microphone() -> QAudioDevice | None:
    device = QMediaDevices.defaultAudioInput()
    return None if device.isNull() or not QMediaDevices.audioInputs() else device


def loudspeaker() -> QAudioDevice | None:
    device = QMediaDevices.defaultAudioOutput()
    return None if device.isNull() or not QMediaDevices.audioOutputs() else device


def _int16_format(rate: int, channels: int) -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(rate)
    fmt.setChannelCount(channels)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


class Preview(QObject):
    """Plays one prompt at a time on the workstation's loudspeaker."""

    finished = Signal()

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._device = device
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None

    def play(self, pcm: bytes) -> None:
        self.stop()
        fmt = _int16_format(SAMPLE_RATE, 1)
        if not self._device.isFormatSupported(fmt):  # the card's own rate, resampled here
            rate = self._device.preferredFormat().sampleRate() or 48000
            fmt = _int16_format(rate, 1)
            pcm = resample_mono(np.frombuffer(pcm, "<i2").astype(np.int16), SAMPLE_RATE, 1, rate).tobytes()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(self._device, fmt, self)
        self._sink.stateChanged.connect(self._state_changed)  # no argument: PySide 6.11 passes a
        # QAudio.State that a slot typed QtAudio.State refuses
        self._sink.start(self._buffer)

    def playing(self) -> bool:
        return self._sink is not None and self._sink.state() == QtAudio.State.ActiveState

    def stop(self) -> None:
        if self._sink is not None:
            self._sink.stateChanged.disconnect(self._state_changed)
            self._sink.stop()
            self._sink.deleteLater()
            self._sink = None
            self.finished.emit()

    def _state_changed(self) -> None:
        done = (QtAudio.State.IdleState, QtAudio.State.StoppedState)
        if self._sink is not None and self._sink.state() in done:
            self.stop()


class Recorder(QObject):
    """Records from the microphone as 16-bit PCM at the device's rate, up to the longest prompt."""

    level = Signal(float)  # 0..1, the loudest sample of the last piece (for a meter)
    stopped = Signal()

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        preferred = device.preferredFormat()
        self.rate = preferred.sampleRate() or 48000
        self.channels = 1
        fmt = _int16_format(self.rate, 1)
        if not device.isFormatSupported(fmt):
            self.channels = max(1, preferred.channelCount())
            fmt = _int16_format(self.rate, self.channels)
        self._source = QAudioSource(device, fmt, self)
        self._io: QIODevice | None = None
        self._data = bytearray()
        self._limit = QTimer(self, singleShot=True, interval=int(MAX_CLIP_S * 1000))
        self._limit.timeout.connect(self.stop)

    def start(self) -> None:
        self._data.clear()
        self._io = self._source.start()
        self._io.readyRead.connect(self._read)
        self._limit.start()

    def stop(self) -> None:
        if self._io is None:
            return
        self._read()
        self._source.stop()
        self._io = None
        self._limit.stop()
        self.stopped.emit()

    def recording(self) -> bool:
        return self._io is not None

    def seconds(self) -> float:
        return len(self._data) / 2 / self.channels / self.rate

    def samples(self) -> np.typing.NDArray[np.int16]:
        usable = len(self._data) // 2 * 2
        return np.frombuffer(bytes(self._data[:usable]), "<i2").astype(np.int16)

    def _read(self) -> None:
        if self._io is None:
            return
        piece = bytes(self._io.readAll().data())
        self._data += piece
        if len(piece) >= 2:
            loudest = np.max(np.abs(np.frombuffer(piece[: len(piece) // 2 * 2], "<i2").astype(np.int32)))
            self.level.emit(float(loudest) / 32768)
