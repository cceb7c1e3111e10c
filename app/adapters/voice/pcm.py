"""Sound as every clip is kept: 8 kHz mono signed 16-bit PCM. Resampling (PyAV's swresample),
loudness for public address, and WAV files of it.

Loudness: a prompt is brought to an RMS of :data:`TARGET_RMS_DBFS` over its *voiced* 20 ms
frames (pauses between words do not count), but never above a peak of :data:`PEAK_CEILING_DBFS`
and never by more than :data:`MAX_GAIN_DB` (a quiet recording's hiss is not blown up into a roar).
A loudspeaker's own volume is set on the speaker; what we send is as loud as it can be without
clipping, so it stays clear of the street's noise after G.711's 8 bits.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from app.core.voice import SAMPLE_RATE
from camera_config.files import write_atomic

Samples = npt.NDArray[np.int16]

TARGET_RMS_DBFS = -16.0  # speech this loud over its voiced frames
PEAK_CEILING_DBFS = -1.0  # never above (µ-law encodes up to full scale; a margin for the resampler)
MAX_GAIN_DB = 30.0
SILENT_PEAK_DBFS = -60.0  # quieter than this throughout: no sound at all
VOICED_BELOW_PEAK_DB = 40.0  # a 20 ms frame within this of the loudest frame is voiced
EDGE_KEEP_S = 0.05  # silence kept before the first and after the last voiced frame
FRAME = SAMPLE_RATE // 50  # 20 ms at 8 kHz


def _db(value: float) -> float:
    return 10 ** (value / 20)


def to_8k_mono(samples: npt.NDArray[np.int16], rate: int, channels: int = 1) -> Samples:
    """``samples`` (interleaved when ``channels`` > 1) at ``rate`` → 8 kHz mono, through PyAV's
    resampler (swresample: a proper low-pass before decimation, no aliasing)."""
    return resample_mono(samples, rate, channels, SAMPLE_RATE)


def resample_mono(samples: npt.NDArray[np.int16], rate: int, channels: int, out_rate: int) -> Samples:
    """``samples`` (interleaved) at ``rate`` → mono at ``out_rate`` (a sound card's, to listen)."""
    if channels < 1 or rate < 1:
        raise ValueError(f"not audio: {channels} channel(s) at {rate} Hz")
    frames = len(samples) // channels
    if frames == 0:
        return np.zeros(0, np.int16)
    layout = {1: "mono", 2: "stereo"}.get(channels)
    data = np.ascontiguousarray(samples[: frames * channels], dtype=np.int16)
    if layout is None:  # more channels than PyAV names simply: average them first
        data = data.reshape(frames, channels).mean(axis=1).astype(np.int16)
        layout = "mono"
    frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout=layout)
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=out_rate)
    return join_frames([*resampler.resample(frame), *resampler.resample(None)])


def join_frames(frames: list[av.AudioFrame]) -> Samples:
    """Packed s16 mono frames (what the resampler gives) as one array."""
    parts = [f.to_ndarray().reshape(-1) for f in frames]
    return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)


def peak_dbfs(samples: Samples) -> float:
    if len(samples) == 0:
        return float("-inf")
    peak = int(np.max(np.abs(samples.astype(np.int32))))
    return 20 * np.log10(peak / 32768) if peak else float("-inf")


def is_silent(samples: Samples) -> bool:
    return peak_dbfs(samples) < SILENT_PEAK_DBFS


def _frame_rms(samples: Samples) -> npt.NDArray[np.float64]:
    usable = len(samples) // FRAME * FRAME
    if usable == 0:
        whole = np.sqrt(np.mean(samples.astype(np.float64) ** 2, keepdims=True)) / 32768
        return np.asarray(whole, dtype=np.float64)
    frames = samples[:usable].astype(np.float64).reshape(-1, FRAME) / 32768
    return np.asarray(np.sqrt(np.mean(frames**2, axis=1)), dtype=np.float64)


def trim_silence(samples: Samples) -> Samples:
    """Without the silence before the first and after the last voiced frame (a little is kept)."""
    rms = _frame_rms(samples)
    if len(samples) < FRAME or not np.any(rms > 0):
        return samples
    voiced = np.flatnonzero(rms >= rms.max() * _db(-VOICED_BELOW_PEAK_DB))
    keep = int(EDGE_KEEP_S * SAMPLE_RATE)
    start = max(0, int(voiced[0]) * FRAME - keep)
    end = min(len(samples), (int(voiced[-1]) + 1) * FRAME + keep)
    return samples[start:end]


def normalise(samples: Samples) -> Samples:
    """At the loudness for public address (see the module's docstring)."""
    if len(samples) == 0 or is_silent(samples):
        return samples
    rms = _frame_rms(samples)
    voiced = rms[rms >= rms.max() * _db(-VOICED_BELOW_PEAK_DB)]
    level = float(np.sqrt(np.mean(voiced**2)))
    peak = float(np.max(np.abs(samples.astype(np.float64)))) / 32768
    gain = min(_db(TARGET_RMS_DBFS) / level, _db(PEAK_CEILING_DBFS) / peak, _db(MAX_GAIN_DB))
    scaled = np.round(samples.astype(np.float64) * gain)
    return np.clip(scaled, -32768, 32767).astype(np.int16)


def prepared(samples: Samples) -> bytes:
    """Trimmed and normalised 8 kHz PCM bytes, as every prompt is kept."""
    return normalise(trim_silence(samples)).astype("<i2").tobytes()


# --- WAV files ---------------------------------------------------------------------------------------
def wav_bytes(pcm: bytes) -> bytes:
    """8 kHz mono 16-bit PCM as a WAV file's bytes."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)
    return out.getvalue()


def write_wav(path: Path, pcm: bytes) -> None:
    """Atomically (a half-written file never takes the place of a good one)."""
    write_atomic(path, wav_bytes(pcm))


def read_wav_8k(path: Path) -> bytes:
    """The PCM of a WAV file written by :func:`write_wav`. Raises ValueError naming the file when it
    is not one (damaged, or another format), OSError when it cannot be read."""
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
            pcm = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a readable WAV file ({exc or 'truncated'})") from None
    if shape != (1, 2, SAMPLE_RATE):
        raise ValueError(
            f"{path}: {shape[0]} channel(s), {shape[1] * 8}-bit, {shape[2]} Hz; "
            f"expected mono 16-bit {SAMPLE_RATE} Hz"
        )
    return pcm[: len(pcm) // 2 * 2]
