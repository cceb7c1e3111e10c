"""Live talk's plumbing: the microphone's chunks become whole 20 ms frames for the sending thread,
which ends at the key's release (or when the microphone falls silent); a device's own format is
converted to 8 kHz mono s16."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtMultimedia import QAudioFormat

from app.core.voice import FRAME_BYTES
from app.ui.voice.microphone import Converter, FrameQueue
from tests.voice_fakes import tone


def test_chunks_of_any_size_leave_as_whole_frames_and_the_last_is_padded() -> None:
    frames = FrameQueue()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend(frames))
    reader.start()
    speech = tone(0.105)  # 840 samples: 5 frames and a quarter
    for start in range(0, len(speech), 333):
        frames.put(speech[start : start + 333])
    frames.close()
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert [len(f) for f in got] == [FRAME_BYTES] * 6
    joined = b"".join(got)
    assert joined[: len(speech)] == speech and set(joined[len(speech) :]) == {0}
    frames.put(b"\x01\x02" * 200)  # after the release: dropped
    assert frames.closed


def test_a_microphone_that_falls_silent_ends_the_stream() -> None:
    frames = FrameQueue(stall_s=0.05)
    frames.put(b"\x00" * FRAME_BYTES)
    assert list(frames) == [b"\x00" * FRAME_BYTES]  # then nothing for 50 ms: the talk ends
    assert frames.closed


def test_48_khz_stereo_float_becomes_8_khz_mono_s16_without_seams() -> None:
    rate, hz = 48000, 440.0
    t = np.arange(rate) / rate  # one second
    left = 0.5 * np.sin(2 * np.pi * hz * t)
    stereo = np.stack([left, left], axis=1).astype("<f4").tobytes()
    convert = Converter(rate, 2, QAudioFormat.SampleFormat.Float)
    out = b"".join(convert(stereo[i : i + 3840]) for i in range(0, len(stereo), 3840))  # 10 ms chunks
    samples = np.frombuffer(out, "<i2").astype(np.float64) / 32767
    assert abs(len(samples) - 8000) <= 2
    expected = 0.5 * np.sin(2 * np.pi * hz * np.arange(len(samples)) / 8000)
    assert np.max(np.abs(samples - expected)) < 0.02  # no click at the chunk seams


def test_8_khz_mono_s16_passes_through() -> None:
    loud = np.array([32767, -32768, 12345, -1], "<i2").tobytes()
    assert Converter(8000, 1, QAudioFormat.SampleFormat.Int16)(loud) == loud
