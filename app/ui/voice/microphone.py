"""The operator's microphone for live talk: 8 kHz mono 16-bit PCM in 20 ms frames.

:class:`QtMicrophone` reads the computer's default audio input with QtMultimedia (asking for
8 kHz mono s16; a device that offers only its own format is converted: channels mixed, resampled).
Its chunks arrive on the GUI thread; :class:`FrameQueue` hands them as whole 20 ms frames to the
thread that sends them (the speaker port's), and ends when the key is released, or when the
microphone falls silent for longer than ``stall_s`` (a stream must never hang a speaker).
Where the computer has no input device, :meth:`QtMicrophone.start` says so, translated.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np
from PySide6.QtCore import QCoreApplication, QIODevice, QObject
from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices

from app.core.voice import FRAME_BYTES, SAMPLE_RATE

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
Sink = Callable[[bytes], None]


class Microphone(Protocol):
    def start(self, sink: Sink) -> str | None:
        """Start handing 8 kHz mono s16 PCM to ``sink`` (GUI thread); returns why not, translated."""
        ...

    def stop(self) -> None: ...


class FrameQueue:
    """A thread-safe iterator of 20 ms frames: :meth:`put` any PCM (GUI thread), :meth:`close` at
    the end; the consumer's iteration ends there, or after ``stall_s`` with nothing new."""

    _END = b""

    def __init__(self, stall_s: float = 2.0) -> None:
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._pending = b""
        self._lock = threading.Lock()
        self._closed = False
        self._stall_s = stall_s

    def put(self, pcm: bytes) -> None:
        with self._lock:
            if self._closed:
                return
            data = self._pending + pcm
            whole = len(data) - len(data) % FRAME_BYTES
            self._pending = data[whole:]
        for start in range(0, whole, FRAME_BYTES):
            self._queue.put(data[start : start + FRAME_BYTES])

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            rest, self._pending = self._pending, b""
        if rest:
            self._queue.put(rest + b"\x00" * (FRAME_BYTES - len(rest)))
        self._queue.put(self._END)

    @property
    def closed(self) -> bool:
        return self._closed

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            frame = self._queue.get(timeout=self._stall_s)
        except queue.Empty:
            log.warning("live talk: no sound from the microphone for %.1f s, ended", self._stall_s)
            self.close()
            raise StopIteration from None
        if frame == self._END:
            raise StopIteration
        return frame


class Converter:
    """A device's own format to 8 kHz mono s16: channels averaged, linear resampling that carries
    its position across chunks (no click every 20 ms)."""

    def __init__(self, rate: int, channels: int, sample_format: QAudioFormat.SampleFormat) -> None:
        self.rate, self.channels, self.format = rate, max(1, channels), sample_format
        self._step = rate / SAMPLE_RATE
        self._position = 0.0  # of the next output sample, in input samples from the kept one
        self._last = np.zeros(0, dtype=np.float64)

    def __call__(self, data: bytes) -> bytes:
        if self.rate == SAMPLE_RATE and self.channels == 1 and self.format == QAudioFormat.SampleFormat.Int16:
            return data[: len(data) - len(data) % 2]  # what was asked for: as it comes
        samples = self._decode(data)
        if samples.size == 0:
            return b""
        if self.rate == SAMPLE_RATE:
            return _to_s16(samples)
        source = np.concatenate([self._last, samples])
        count = int(max(0.0, (source.size - 1 - self._position) // self._step + 1))
        at = self._position + self._step * np.arange(count)
        out = np.interp(at, np.arange(source.size), source)
        next_position = self._position + self._step * count
        keep = int(next_position)
        self._last = source[keep:]
        self._position = next_position - keep
        return _to_s16(out)

    def _decode(self, data: bytes) -> np.ndarray:
        f = QAudioFormat.SampleFormat
        kinds = {f.Int16: ("<i2", 32768.0, 0.0), f.Int32: ("<i4", 2147483648.0, 0.0),
                 f.Float: ("<f4", 1.0, 0.0), f.UInt8: ("u1", 128.0, 128.0)}  # fmt: skip
        dtype, scale, offset = kinds.get(self.format, kinds[f.Int16])
        width = np.dtype(dtype).itemsize * self.channels
        raw = np.frombuffer(data[: len(data) - len(data) % width], dtype=dtype).astype(np.float64)
        mono = raw.reshape(-1, self.channels).mean(axis=1)
        out: np.ndarray = (mono - offset) / scale
        return out


def _to_s16(samples: np.ndarray) -> bytes:
    return bytes(np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2").tobytes())


class QtMicrophone(QObject):
    """The computer's default audio input."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: QAudioSource | None = None
        self._device: QIODevice | None = None

    def start(self, sink: Sink) -> str | None:
        device = QMediaDevices.defaultAudioInput()
        if device.isNull():
            return translate(
                "Voice",
                "No microphone on this computer: live talk is not possible. Connect one and try again.",
            )
        wanted = QAudioFormat()
        wanted.setSampleRate(SAMPLE_RATE)
        wanted.setChannelCount(1)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        fmt = wanted if device.isFormatSupported(wanted) else device.preferredFormat()
        convert = Converter(fmt.sampleRate(), fmt.channelCount(), fmt.sampleFormat())
        source = QAudioSource(device, fmt, self)
        stream = source.start()
        if stream is None or source.error().name != "NoError":
            source.stop()
            return translate("Voice", "The microphone “{0}” cannot be opened.").format(device.description())

        def read() -> None:
            data = bytes(stream.readAll().data())
            if data:
                sink(convert(data))

        stream.readyRead.connect(read)
        self._source, self._device = source, stream
        return None

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
            self._source.deleteLater()
        self._source = self._device = None
