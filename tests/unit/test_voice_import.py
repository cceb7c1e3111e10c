"""Recorded clips imported from files made by ffmpeg: 8 kHz mono of the right length, and errors
that name the file for what cannot be a prompt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from app.adapters.voice.clip_import import ClipImportError, ImportProblem, import_clip, import_pcm
from app.adapters.voice.pcm import TARGET_RMS_DBFS
from app.core.voice import SAMPLE_RATE

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the test files")


def ffmpeg(out: Path, source: str, *args: str) -> Path:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, *args, str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    return out


def _seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / SAMPLE_RATE


def _peak_db(pcm: bytes) -> float:
    return float(20 * np.log10(np.max(np.abs(np.frombuffer(pcm, "<i2").astype(float))) / 32768))


def _rms_db(pcm: bytes) -> float:
    return float(20 * np.log10(np.sqrt(np.mean((np.frombuffer(pcm, "<i2").astype(float) / 32768) ** 2))))


def test_a_44k_stereo_wav_becomes_8k_mono_of_the_same_length(tmp_path: Path) -> None:
    wav = ffmpeg(tmp_path / "s.wav", "sine=frequency=440:duration=2.5:sample_rate=44100", "-ac", "2")
    pcm = import_clip(wav)
    assert _seconds(pcm) == pytest.approx(2.5, abs=0.05)
    assert _rms_db(pcm) == pytest.approx(TARGET_RMS_DBFS, abs=0.3)  # at public-address loudness
    # still a 440 Hz tone after resampling (no aliasing, no speed change)
    samples = np.frombuffer(pcm, "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)[np.argmax(spectrum)] == pytest.approx(440, abs=2)


def test_an_mp3_becomes_8k_mono_of_the_same_length(tmp_path: Path) -> None:
    mp3 = ffmpeg(tmp_path / "s.mp3", "sine=frequency=300:duration=3:sample_rate=44100", "-c:a", "libmp3lame")
    assert _seconds(import_clip(mp3)) == pytest.approx(3.0, abs=0.08)


def test_silence_around_the_sound_is_trimmed(tmp_path: Path) -> None:
    wav = ffmpeg(
        tmp_path / "padded.wav", "sine=frequency=500:duration=1:sample_rate=16000",
        "-af", "adelay=2000,apad=pad_dur=3",
    )  # fmt: skip
    assert _seconds(import_clip(wav)) == pytest.approx(1.1, abs=0.05)  # 1 s, 50 ms kept each side


def test_quiet_and_loud_recordings_come_out_equally_loud_and_unclipped(tmp_path: Path) -> None:
    quiet = ffmpeg(tmp_path / "q.wav", "sine=frequency=400:duration=1", "-af", "volume=-20dB")
    loud = ffmpeg(tmp_path / "l.wav", "sine=frequency=400:duration=1", "-af", "volume=18dB")
    for pcm in (import_clip(quiet), import_clip(loud)):
        assert _rms_db(pcm) == pytest.approx(TARGET_RMS_DBFS, abs=0.3)
        assert _peak_db(pcm) < -1.0


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: (d / "words.wav").write_text("not a sound") and d / "words.wav", ImportProblem.NOT_AUDIO),
        (lambda d: (d / "empty.mp3").write_bytes(b"") or d / "empty.mp3", ImportProblem.NOT_AUDIO),
        (lambda d: d / "missing.wav", ImportProblem.NOT_FOUND),
        (
            lambda d: ffmpeg(d / "picture.png", "color=red:size=32x32", "-frames:v", "1"),
            ImportProblem.NOT_AUDIO,
        ),
        (lambda d: ffmpeg(d / "silent.wav", "anullsrc=r=8000:cl=mono", "-t", "2"), ImportProblem.SILENT),
        (lambda d: ffmpeg(d / "long.wav", "sine=f=300:r=8000:d=75"), ImportProblem.TOO_LONG),
        (lambda d: ffmpeg(d / "very-long.wav", "sine=f=300:r=8000:d=200"), ImportProblem.TOO_LONG),
    ],
)
def test_what_cannot_be_a_prompt_is_refused_naming_the_file(tmp_path: Path, make, problem) -> None:
    path = make(tmp_path)
    with pytest.raises(ClipImportError) as caught:
        import_clip(path)
    assert caught.value.problem is problem
    assert caught.value.path == path and path.name in str(caught.value)


def test_a_damaged_tail_keeps_what_decoded_before_it(tmp_path: Path) -> None:
    mp3 = ffmpeg(
        tmp_path / "cut.mp3", "sine=frequency=300:duration=4:sample_rate=44100", "-c:a", "libmp3lame"
    )
    data = mp3.read_bytes()
    mp3.write_bytes(data[: len(data) // 2] + b"\xff" * 300)
    assert 1.5 < _seconds(import_clip(mp3)) < 2.5


def test_a_microphone_recording_is_resampled_and_refused_when_silent() -> None:
    t = np.arange(48000 * 2) / 48000
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    stereo = np.repeat(tone, 2)  # interleaved L R
    assert _seconds(import_pcm(stereo, 48000, 2)) == pytest.approx(2.0, abs=0.05)
    with pytest.raises(ValueError, match="silent"):
        import_pcm(np.zeros(48000, np.int16), 48000, 1)
