"""Recorded clips brought in from a file: WAV, MP3 and whatever else FFmpeg (PyAV) decodes, even
the sound track of a video, as 8 kHz mono 16-bit PCM, trimmed and at public-address loudness.

Bad input says which file and what is wrong with it (:class:`ClipImportError`, its
:class:`ImportProblem` worded by the UI): missing, unreadable, not sound, silent, or longer than
:data:`MAX_CLIP_S` (a prompt, not a programme: a loudspeaker is taken for as long as it plays).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import av
import av.error

from app.adapters.voice.pcm import Samples, is_silent, join_frames, prepared, to_8k_mono, trim_silence
from app.core.voice import SAMPLE_RATE

MAX_CLIP_S = 60.0
DECODE_FACTOR = 2  # decoding stops at twice the limit (silence at the ends is trimmed after)


class ImportProblem(StrEnum):
    NOT_FOUND = "not_found"
    UNREADABLE = "unreadable"  # no permission, an I/O error
    NOT_AUDIO = "not_audio"  # not a sound file FFmpeg can decode, or one without sound
    SILENT = "silent"  # decodes, but there is nothing to hear
    TOO_LONG = "too_long"


class ClipImportError(ValueError):
    def __init__(self, path: Path, problem: ImportProblem, detail: str = "") -> None:
        self.path, self.problem, self.detail = Path(path), problem, detail
        super().__init__(
            f"{path}: cannot be used as a prompt: {problem.value}" + (f" ({detail})" if detail else "")
        )


def import_clip(path: Path, max_s: float = MAX_CLIP_S) -> bytes:
    """The sound of ``path`` as a prompt's PCM. Raises :class:`ClipImportError`."""
    path = Path(path)
    samples = _decode(path, max_s)
    if len(samples) == 0:
        raise ClipImportError(path, ImportProblem.NOT_AUDIO, "no sound in it")
    if is_silent(samples):
        raise ClipImportError(path, ImportProblem.SILENT, "it is silent throughout")
    trimmed = trim_silence(samples)
    seconds = len(trimmed) / SAMPLE_RATE
    if seconds > max_s:
        raise ClipImportError(path, ImportProblem.TOO_LONG, f"{seconds:.0f} s or more; at most {max_s:g} s")
    return prepared(trimmed)


def import_pcm(samples: Samples, rate: int, channels: int, max_s: float = MAX_CLIP_S) -> bytes:
    """Sound recorded here (the microphone) as a prompt's PCM; ValueError when silent or too long."""
    pcm = to_8k_mono(samples, rate, channels)
    if is_silent(pcm):
        raise ValueError("the recording is silent")
    trimmed = trim_silence(pcm)
    if len(trimmed) / SAMPLE_RATE > max_s:
        raise ValueError(f"the recording is longer than {max_s:g} s")
    return prepared(trimmed)


def _decode(path: Path, max_s: float) -> Samples:
    if not path.is_file():
        raise ClipImportError(path, ImportProblem.NOT_FOUND, "no such file")
    try:
        container = av.open(str(path), mode="r")
    except PermissionError as exc:
        raise ClipImportError(path, ImportProblem.UNREADABLE, exc.strerror or "permission denied") from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise ClipImportError(path, ImportProblem.NOT_AUDIO, _words(exc)) from None
    except OSError as exc:
        raise ClipImportError(path, ImportProblem.UNREADABLE, exc.strerror or str(exc)) from None
    limit = int(DECODE_FACTOR * max_s * SAMPLE_RATE)
    frames: list[av.AudioFrame] = []
    total = 0
    with container:
        if not container.streams.audio:
            raise ClipImportError(path, ImportProblem.NOT_AUDIO, "it has no sound track")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(container.streams.audio[0]):
                frame.pts = None  # odd timestamps (a cut MP3) must not stall the resampler
                for out in resampler.resample(frame):
                    frames.append(out)
                    total += out.samples
                if total > limit:
                    break
            frames += resampler.resample(None)
        except (av.error.FFmpegError, ValueError) as exc:
            if not frames:  # broken from the start; a damaged tail keeps what decoded before it
                raise ClipImportError(path, ImportProblem.NOT_AUDIO, _words(exc)) from None
    if total > limit:
        raise ClipImportError(
            path, ImportProblem.TOO_LONG, f"much more than {max_s:g} s; at most {max_s:g} s"
        )
    return join_frames(frames)


def _words(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text)[:200]
