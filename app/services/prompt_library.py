"""The voice prompts an operator (or the escalation ladder) can play: shipped standard ones, and the
site's own, spoken from text, imported from a file or recorded at the microphone.

Shipped prompts live in ``resources/voice`` (``prompts.json`` and one 8 kHz WAV each, made by
``scripts/render_prompts.py``), so they play on a workstation without eSpeak NG. They can be
renamed (the new name is kept with the site's prompts), never deleted.

The site's prompts are kept in a folder (``prompts.json``, ``audio/<sha256>.wav``, and with
:meth:`PromptLibrary.in_folder` the text-to-speech cache ``tts-cache/``)::

    {"version": 1, "prompts": {"p-3f9a0c21d4e5": {"name": "…", "text": "…", "language": "zh",
        "source": "tts", "audio_sha256": "…", "duration_s": 4.2, "created_by": "张三",
        "created_at": 1718000000.0}}}

``prompts.json`` goes through :class:`~app.adapters.json_store.SharedJsonFile`: every save is
atomic and re-reads the file under a lock (another workstation's new prompt is kept); a damaged
entry is reported with file and field and the others are used; a damaged file is kept aside, never
overwritten silently. Audio files are named by the SHA-256 of their PCM, written before the entry
that names them, and checked against it when played: a damaged one fails that prompt alone.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy.typing as npt

from app.adapters.json_store import SharedJsonFile, read_json
from app.adapters.voice.clip_import import import_clip, import_pcm
from app.adapters.voice.pcm import read_wav_8k, write_wav
from app.adapters.voice.tts import DEFAULT_SPEED, TextToSpeech, TtsError, TtsLanguage, TtsProblem
from app.core.system_events import EventSink
from app.core.voice import SAMPLE_RATE, Clip
from app.services.shared_store import FORMAT_VERSION, versioned_section

log = logging.getLogger(__name__)
T = TypeVar("T")

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "resources" / "voice"
MANIFEST = "prompts.json"
AUDIO_DIR = "audio"
MAX_NAME = 40
_SHA = re.compile(r"^[0-9a-f]{64}$")


class PromptSource(StrEnum):
    SHIPPED = "shipped"  # a standard prompt that comes with CityWall
    TTS = "tts"  # spoken from text here
    IMPORTED = "imported"  # from a sound file
    RECORDED = "recorded"  # at this workstation's microphone


class LibraryProblem(StrEnum):
    UNKNOWN = "unknown"  # no prompt with that id
    EMPTY_NAME = "empty_name"
    NAME_TAKEN = "name_taken"
    SHIPPED = "shipped"  # a shipped prompt cannot be deleted
    NO_TTS = "no_tts"  # this library was made without text to speech
    AUDIO_MISSING = "audio_missing"
    AUDIO_DAMAGED = "audio_damaged"


class PromptError(ValueError):
    def __init__(self, problem: LibraryProblem, detail: str = "") -> None:
        self.problem, self.detail = problem, detail
        super().__init__(f"voice prompt: {problem.value}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class Prompt:
    id: str
    name: str
    text: str
    language: TtsLanguage
    source: PromptSource
    audio_sha256: str
    duration_s: float
    created_by: str = ""
    created_at: float = 0.0

    @property
    def shipped(self) -> bool:
        return self.source is PromptSource.SHIPPED

    def to_record(self) -> dict[str, Any]:
        record = {k: v for k, v in self.__dict__.items() if k != "id"}
        return {**record, "language": self.language.value, "source": self.source.value}


class PromptLibrary:
    """Thread-safe: the editor renders and imports off the GUI thread through these methods."""

    def __init__(
        self,
        folder: Path,
        tts: TextToSpeech | None = None,
        *,
        shipped_dir: Path = SHIPPED_DIR,
        events: EventSink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = Path(folder)
        self.tts = tts
        self.shipped_dir = Path(shipped_dir)
        self._clock = clock
        self._lock = threading.RLock()
        self._file = SharedJsonFile(
            self.folder / MANIFEST, PromptCodec(self.folder / MANIFEST), events=events
        )
        self._shipped: dict[str, Prompt] = {}
        self._clips: dict[str, bytes] = {}  # sha256 → PCM, read once
        self.problems: list[str] = []
        self.listeners: list[Callable[[], None]] = []  # called after every change (any thread)
        self.reload()

    @classmethod
    def in_folder(cls, folder: Path, *, events: EventSink | None = None) -> PromptLibrary:
        """The library of a site's data folder: prompts in ``folder``, spoken text cached beside them."""
        return cls(folder, TextToSpeech(Path(folder) / "tts-cache"), events=events)

    # -- reading ---------------------------------------------------------------------------------------
    def reload(self) -> list[str]:
        """(Re-)read the shipped prompts and the site's file; return (and keep) the problems found."""
        with self._lock:
            self._shipped, problems = load_shipped(self.shipped_dir)
            problems += self._file.load().problems
            for prompt in self._file.items.values():
                if not prompt.shipped and not self._audio_path(prompt).is_file():
                    problems.append(
                        f"{self._audio_path(prompt)}: missing: prompt {prompt.name!r} cannot play"
                    )
            self.problems = problems
            return list(problems)

    def prompts(self) -> list[Prompt]:
        """Shipped ones first (in their order), then the site's, oldest first."""
        with self._lock:
            stored = self._file.items
            shipped = [
                replace(p, name=stored[p.id].name) if p.id in stored else p for p in self._shipped.values()
            ]
            own = sorted((p for p in stored.values() if not p.shipped), key=lambda p: p.created_at)
            return shipped + own

    def prompt(self, prompt_id: str) -> Prompt:
        found = next((p for p in self.prompts() if p.id == prompt_id), None)
        if found is None:
            raise PromptError(LibraryProblem.UNKNOWN, prompt_id)
        return found

    def clip(self, prompt_id: str) -> Clip:
        """The prompt's sound, ready to announce. Raises :class:`PromptError` (unknown, audio
        missing or damaged: that prompt alone)."""
        prompt = self.prompt(prompt_id)
        pcm = self._pcm(prompt)
        return Clip(prompt.name, pcm, prompt.text, prompt.id)

    def _pcm(self, prompt: Prompt) -> bytes:
        with self._lock:
            cached = self._clips.get(prompt.audio_sha256)
        if cached is not None:
            return cached
        path = self._audio_path(prompt)
        try:
            pcm = read_wav_8k(path)
        except FileNotFoundError:
            raise PromptError(LibraryProblem.AUDIO_MISSING, str(path)) from None
        except (OSError, ValueError) as exc:
            raise PromptError(LibraryProblem.AUDIO_DAMAGED, str(exc)) from None
        if hashlib.sha256(pcm).hexdigest() != prompt.audio_sha256:
            raise PromptError(LibraryProblem.AUDIO_DAMAGED, f"{path}: its sound is not what was stored")
        with self._lock:
            self._clips[prompt.audio_sha256] = pcm
        return pcm

    def _audio_path(self, prompt: Prompt) -> Path:
        if prompt.shipped:
            return self.shipped_dir / f"{prompt.id}.wav"
        return self.folder / AUDIO_DIR / f"{prompt.audio_sha256}.wav"

    # -- adding ----------------------------------------------------------------------------------------
    def add_text(
        self, text: str, language: TtsLanguage, *, name: str = "", by: str = "", speed: int = DEFAULT_SPEED
    ) -> Prompt:
        """Speak ``text`` (slow: call it off the GUI thread) and keep it. Raises TtsError,
        PromptError, OSError (the folder cannot be written)."""
        if self.tts is None:
            raise PromptError(LibraryProblem.NO_TTS)
        text = " ".join(text.split())
        if not text:
            raise TtsError(TtsProblem.EMPTY_TEXT)
        name = self._free_name(name) if name.strip() else self._unique_name(_name_from(text))
        pcm = self.tts.render(text, language, speed)
        return self._add(pcm, name, text, language, PromptSource.TTS, by)

    def add_file(self, path: Path, *, name: str = "", text: str = "", by: str = "") -> Prompt:
        """Import a sound file. Raises ClipImportError (naming the file), PromptError, OSError."""
        name = self._free_name(name) if name.strip() else self._unique_name(Path(path).stem)
        pcm = import_clip(Path(path))
        return self._add(pcm, name, text.strip(), TtsLanguage.ZH, PromptSource.IMPORTED, by)

    def add_recording(
        self, samples: npt.NDArray[Any], rate: int, channels: int, *, name: str, text: str = "", by: str = ""
    ) -> Prompt:
        """Keep what the microphone recorded (16-bit samples, interleaved). Raises ValueError
        (silent, too long), PromptError, OSError."""
        name = self._free_name(name)
        pcm = import_pcm(samples, rate, channels)
        return self._add(pcm, name, text.strip(), TtsLanguage.ZH, PromptSource.RECORDED, by)

    def _add(
        self, pcm: bytes, name: str, text: str, language: TtsLanguage, source: PromptSource, by: str
    ) -> Prompt:
        sha = hashlib.sha256(pcm).hexdigest()
        prompt = Prompt(
            id=f"p-{uuid.uuid4().hex[:12]}", name=name, text=text, language=language, source=source,
            audio_sha256=sha, duration_s=round(len(pcm) / 2 / SAMPLE_RATE, 3), created_by=by,
            created_at=self._clock(),
        )  # fmt: skip
        audio = self._audio_path(prompt)
        with self._lock:
            self._free_name(name)  # again: another thread may have taken it meanwhile
            written = not audio.is_file()
            if written:
                audio.parent.mkdir(parents=True, exist_ok=True)
                write_wav(audio, pcm)
            try:
                self._file.change({prompt.id: prompt})
            except BaseException:
                if written:  # no entry names it: do not leave it behind
                    audio.unlink(missing_ok=True)
                raise
            self._clips[sha] = pcm
        self._changed()
        return prompt

    # -- editing ---------------------------------------------------------------------------------------
    def rename(self, prompt_id: str, name: str) -> Prompt:
        """Raises PromptError (unknown, empty or taken name), StoreConflict, OSError."""
        with self._lock:
            prompt = self.prompt(prompt_id)
            name = " ".join(name.split())[:MAX_NAME]
            if name == prompt.name:
                return prompt
            renamed = replace(prompt, name=self._free_name(name, but=prompt_id))
            self._file.change({prompt_id: renamed})
        self._changed()
        return renamed

    def delete(self, prompt_id: str) -> None:
        """Raises PromptError (unknown, shipped), StoreConflict, OSError. The audio file goes too
        when no other prompt uses it (a play's evidence is kept elsewhere, by the voice service)."""
        with self._lock:
            prompt = self.prompt(prompt_id)
            if prompt.shipped:
                raise PromptError(LibraryProblem.SHIPPED, prompt.name)
            self._file.change({}, deletions=frozenset({prompt_id}))
            if all(p.audio_sha256 != prompt.audio_sha256 for p in self._file.items.values()):
                try:
                    self._audio_path(prompt).unlink(missing_ok=True)
                except OSError as exc:
                    log.warning("cannot remove %s: %s", self._audio_path(prompt), exc.strerror or exc)
                self._clips.pop(prompt.audio_sha256, None)
        self._changed()

    def _free_name(self, name: str, but: str = "") -> str:
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            raise PromptError(LibraryProblem.EMPTY_NAME)
        if any(p.name == name and p.id != but for p in self.prompts()):
            raise PromptError(LibraryProblem.NAME_TAKEN, name)
        return name

    def _unique_name(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)`` … when it is taken (a name nobody typed)."""
        base = " ".join(name.split())[: MAX_NAME - 5] or "prompt"
        taken = {p.name for p in self.prompts()}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base} ({n})", n + 1
        return candidate

    def _changed(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:  # a listener's fault is its own; the change is saved
                log.exception("prompt library listener failed")


def _name_from(text: str) -> str:
    """A name for a prompt made from text: its first words (the operator can rename it)."""
    first = re.split(r"[，。！？；,.!?;]", text, maxsplit=1)[0].strip() or text
    return first[:16]


# -- the shipped prompts ----------------------------------------------------------------------------------
def load_shipped(folder: Path) -> tuple[dict[str, Prompt], list[str]]:
    """The standard prompts of ``folder``/prompts.json (as scripts/render_prompts.py wrote it)."""
    path = folder / MANIFEST
    data, problem = read_json(path)
    if problem is not None:
        return {}, [problem]
    entries = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}, [f"{path}: no standard prompts (a 'prompts' list is expected)"]
    out: dict[str, Prompt] = {}
    problems: list[str] = []
    for n, entry in enumerate(entries):
        try:
            prompt = Prompt(
                id=str(entry["id"]), name=str(entry["name"]), text=str(entry["text"]),
                language=TtsLanguage(entry["language"]), source=PromptSource.SHIPPED,
                audio_sha256=_sha(entry["audio_sha256"]), duration_s=float(entry["duration_s"]),
                created_by="CityWall",
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}: prompts[{n}]: {_field_problem(exc)}")
            continue
        out[prompt.id] = prompt
    return out, problems


def _sha(value: Any) -> str:
    if not isinstance(value, str) or not _SHA.match(value):
        raise ValueError(f"audio_sha256: not a SHA-256 ({value!r})")
    return value


def _field_problem(exc: Exception) -> str:
    return f"missing field {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)


class PromptCodec:
    """The site's prompts.json cut into prompts (by id) and put back together."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def join(self, items: Mapping[str, Prompt]) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "prompts": {key: p.to_record() for key, p in items.items()}}

    def label(self, key: str) -> str:
        return f"voice prompt {key!r}"

    def split(self, data: Any) -> tuple[dict[str, Prompt], list[str]]:
        prompts = versioned_section(self.path, data, "prompts", dict)
        if isinstance(prompts, str):
            return {}, [prompts]
        items: dict[str, Prompt] = {}
        problems: list[str] = []
        for key, raw in prompts.items():
            try:
                items[str(key)] = self._prompt(str(key), raw)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{self.path}: prompts.{key}: {_field_problem(exc)}")
        return items, problems

    @staticmethod
    def _prompt(key: str, raw: Any) -> Prompt:
        if not isinstance(raw, dict):
            raise TypeError("must be an object")
        name = _field(raw, "name", lambda v: str(v).strip())
        if not name:
            raise ValueError("name: empty")
        return Prompt(
            id=key, name=name, text=_field(raw, "text", str, ""),
            language=_field(raw, "language", TtsLanguage, "zh"), source=_field(raw, "source", PromptSource),
            audio_sha256=_field(raw, "audio_sha256", _sha), duration_s=_field(raw, "duration_s", float),
            created_by=_field(raw, "created_by", str, ""), created_at=_field(raw, "created_at", float, 0.0),
        )  # fmt: skip


def _field(raw: Mapping[str, Any], name: str, convert: Callable[[Any], T], default: Any = KeyError) -> T:
    """``raw[name]`` converted; ValueError naming the field when it is missing or wrong."""
    if name not in raw and default is KeyError:
        raise ValueError(f"{name}: missing")
    value = raw.get(name, default)
    try:
        return convert(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: {value!r} is not valid ({exc})") from None
