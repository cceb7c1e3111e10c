"""Text prompts spoken by the real eSpeak NG: Mandarin that is Mandarin, 8 kHz, cached, and clear
failures when eSpeak is missing, fails or hangs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.adapters.voice.tts import (
    ENV_PROGRAM,
    Espeak,
    TextToSpeech,
    TtsError,
    TtsLanguage,
    TtsProblem,
    find_espeak,
)
from app.core.voice import SAMPLE_RATE

PROMPT = "此处禁止占道经营，请自觉离开"  # 14 syllables
needs_espeak = pytest.mark.skipif(
    find_espeak() is None, reason="espeak-ng not installed (scripts/setup.sh installs it)"
)


class CountingRunner:
    """subprocess.run, counting the renders (calls that write a WAV)."""

    def __init__(self) -> None:
        self.renders = 0

    def __call__(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        if "-w" in args:
            self.renders += 1
        return subprocess.run(args, **kwargs)


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


@needs_espeak
def test_mandarin_is_rendered_as_speech_at_8_khz(tmp_path: Path) -> None:
    pcm = TextToSpeech(tmp_path).render(PROMPT, TtsLanguage.ZH)
    samples = _samples(pcm)
    seconds = len(samples) / SAMPLE_RATE
    assert 2.5 < seconds < 8.0  # 14 syllables at a public-address pace
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    level_db = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-9)
    assert np.mean(level_db > -35) > 0.5  # mostly voiced, not silence
    assert np.mean(level_db < -45) > 0.02  # with the pauses of speech, not a drone
    assert np.max(np.abs(samples)) > 0.8  # brought to public-address loudness


@needs_espeak
def test_mandarin_voice_speaks_mandarin_not_english_tone_digits() -> None:
    """eSpeak NG 1.51's ``cmn`` reads 此处 as "ci three chu four" in English; the voice chosen must not."""
    engine = Espeak()
    voice = engine.voice_for(TtsLanguage.ZH)
    phonemes = subprocess.run(
        [str(engine.info().program), "-q", "-x", "-v", voice, PROMPT],
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout.decode()
    assert "(en)" not in phonemes and phonemes.strip()


@needs_espeak
def test_english_is_rendered(tmp_path: Path) -> None:
    pcm = TextToSpeech(tmp_path).render("No street vending here. Please move on.", TtsLanguage.EN)
    assert 1.5 < len(pcm) / 2 / SAMPLE_RATE < 6.0


@needs_espeak
def test_a_cached_prompt_is_not_rendered_again_even_after_a_restart(tmp_path: Path) -> None:
    runner = CountingRunner()
    tts = TextToSpeech(tmp_path, Espeak(run=runner))
    first = tts.render(PROMPT, TtsLanguage.ZH)
    assert runner.renders == 1
    assert tts.render(PROMPT, TtsLanguage.ZH) == first
    assert tts.render(f"  {PROMPT} ", TtsLanguage.ZH) == first  # the same words
    again = CountingRunner()
    assert TextToSpeech(tmp_path, Espeak(run=again)).render(PROMPT, TtsLanguage.ZH) == first
    assert (runner.renders, again.renders) == (1, 0)
    tts.render(PROMPT, TtsLanguage.ZH, speed=120)  # another speed is another rendering
    assert runner.renders == 2


@needs_espeak
def test_a_damaged_cache_file_is_rendered_again(tmp_path: Path) -> None:
    runner = CountingRunner()
    tts = TextToSpeech(tmp_path, Espeak(run=runner))
    first = tts.render(PROMPT, TtsLanguage.ZH)
    (cached,) = tmp_path.glob("*.wav")
    cached.write_bytes(b"RIFF garbage")
    assert tts.render(PROMPT, TtsLanguage.ZH) == first
    assert runner.renders == 2


def test_without_espeak_the_error_says_it_is_not_installed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_PROGRAM, str(tmp_path / "no-such-espeak-ng"))
    tts = TextToSpeech(tmp_path)
    problem = tts.available()
    assert problem is not None and problem.problem is TtsProblem.NOT_INSTALLED
    with pytest.raises(TtsError) as caught:
        tts.render(PROMPT, TtsLanguage.ZH)
    assert caught.value.problem is TtsProblem.NOT_INSTALLED


def test_espeak_is_found_where_the_windows_installer_puts_it(tmp_path: Path, monkeypatch) -> None:
    program = tmp_path / "eSpeak NG" / "espeak-ng.exe"
    program.parent.mkdir()
    program.write_bytes(b"")
    monkeypatch.setattr(sys, "platform", "win32")
    assert find_espeak({"PATH": str(tmp_path / "empty"), "ProgramFiles": str(tmp_path)}) == program
    assert find_espeak({"PATH": str(tmp_path / "empty"), ENV_PROGRAM: str(program)}) == program


def _failing(returncode: int = 0, stderr: bytes = b"", hang: bool = False) -> Any:
    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        if "-w" not in args:
            return subprocess.run(args, **kwargs)  # version and voices: the real ones
        if hang:
            raise subprocess.TimeoutExpired(args, kwargs.get("timeout", 1))
        return subprocess.CompletedProcess(args, returncode, b"", stderr)

    return run


@pytest.mark.parametrize(
    ("runner", "problem", "words"),
    [
        (_failing(1, b"Error: no voice data"), TtsProblem.FAILED, "no voice data"),
        (_failing(hang=True), TtsProblem.TIMEOUT, "more than"),
        (_failing(0), TtsProblem.NO_SOUND, "no sound"),  # exits 0 and writes nothing
    ],
)
@needs_espeak
def test_espeak_failures_are_named(tmp_path: Path, runner: Any, problem: TtsProblem, words: str) -> None:
    with pytest.raises(TtsError) as caught:
        TextToSpeech(tmp_path, Espeak(run=runner)).render(PROMPT, TtsLanguage.ZH)
    assert caught.value.problem is problem and words in str(caught.value)
    assert not list(tmp_path.glob("*.wav"))  # nothing cached


def test_empty_and_overlong_text_are_refused(tmp_path: Path) -> None:
    tts = TextToSpeech(tmp_path)
    with pytest.raises(TtsError) as empty:
        tts.render("  \n ", TtsLanguage.ZH)
    with pytest.raises(TtsError) as long:
        tts.render("请" * 400, TtsLanguage.ZH)
    assert (empty.value.problem, long.value.problem) == (TtsProblem.EMPTY_TEXT, TtsProblem.TEXT_TOO_LONG)
