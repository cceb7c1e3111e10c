"""The prompt library: shipped prompts play without eSpeak, the site's own prompts survive a
restart, edits are kept, and one damaged file costs one prompt, never the others."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.adapters.json_store import read_json
from app.adapters.voice.tts import TextToSpeech, TtsLanguage, find_espeak
from app.core.voice import SAMPLE_RATE
from app.services.prompt_library import (
    SHIPPED_DIR,
    LibraryProblem,
    PromptError,
    PromptLibrary,
    PromptSource,
)
from tests.fault_folders import read_only_folder

ROOT = Path(__file__).resolve().parents[2]
needs_espeak = pytest.mark.skipif(
    find_espeak() is None, reason="espeak-ng not installed (scripts/setup.sh installs it)"
)
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the test files")

STANDARD = {
    "no_vending": "请勿占道经营，请自觉离开",
    "no_vending_here": "此处禁止占道经营，请自觉离开",
    "litter": "请将垃圾投入垃圾桶",
    "bin_full": "垃圾桶已满，请勿继续投放",
    "no_stall": "请不要在此停留摆卖",
}


def tone(path: Path, seconds: float = 1.5) -> Path:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency=500:duration={seconds}:sample_rate=44100", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture
def tts(tmp_path: Path) -> TextToSpeech:
    return TextToSpeech(tmp_path / "tts-cache")


def test_the_standard_prompts_ship_and_play_without_espeak(tmp_path: Path) -> None:
    library = PromptLibrary(tmp_path / "voice", tts=None)
    prompts = {p.id: p for p in library.prompts()}
    for prompt_id, text in STANDARD.items():
        assert prompts[prompt_id].text == text and prompts[prompt_id].source is PromptSource.SHIPPED
        clip = library.clip(prompt_id)
        assert clip.prompt_id == prompt_id and clip.text == text and clip.name == prompts[prompt_id].name
        assert 1.5 < clip.duration_s < 8 and clip.duration_s == pytest.approx(prompts[prompt_id].duration_s)
    english = [p for p in prompts.values() if p.language is TtsLanguage.EN and p.shipped]
    assert english and library.clip(english[0].id).duration_s > 1
    assert library.problems == []
    with pytest.raises(PromptError) as caught:
        library.add_text("请勿乱扔垃圾", TtsLanguage.ZH)
    assert caught.value.problem is LibraryProblem.NO_TTS


def test_the_shipped_files_match_the_render_script() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_prompts.py"), "--check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert sum(f.stat().st_size for f in SHIPPED_DIR.glob("*.wav")) < 1_000_000  # small


@needs_espeak
@needs_ffmpeg
def test_the_sites_prompts_survive_a_restart(tmp_path: Path, tts: TextToSpeech) -> None:
    folder = tmp_path / "voice"
    first = PromptLibrary(folder, tts, clock=lambda: 1000.0)
    spoken = first.add_text("请勿在此处乱扔垃圾，谢谢配合", TtsLanguage.ZH, by="张三")
    imported = first.add_file(tone(tmp_path / "铃声.wav"), by="李四")
    first.rename("no_vending", "占道经营提示")
    again = PromptLibrary(folder, tts)
    assert [p.id for p in again.prompts()][-2:] == [spoken.id, imported.id]
    got = again.prompt(spoken.id)
    assert (got.name, got.text, got.source, got.created_by) == (
        "请勿在此处乱扔垃圾",
        spoken.text,
        PromptSource.TTS,
        "张三",
    )
    assert (again.prompt(imported.id).name, again.prompt(imported.id).source) == (
        "铃声",
        PromptSource.IMPORTED,
    )
    assert again.clip(spoken.id).pcm == first.clip(spoken.id).pcm
    assert again.clip(imported.id).duration_s == pytest.approx(1.5, abs=0.06)
    assert again.prompt("no_vending").name == "占道经营提示" and again.prompt("no_vending").shipped
    assert again.clip("no_vending").name == "占道经营提示"


@needs_ffmpeg
def test_rename_and_delete(tmp_path: Path) -> None:
    library = PromptLibrary(tmp_path / "voice")
    changes: list[int] = []
    library.listeners.append(lambda: changes.append(1))
    prompt = library.add_file(tone(tmp_path / "a.wav"), name="提示一")
    audio = tmp_path / "voice" / "audio" / f"{prompt.audio_sha256}.wav"
    assert audio.is_file()
    with pytest.raises(PromptError) as taken:
        library.rename(prompt.id, "请勿占道经营")  # a shipped prompt's name
    assert taken.value.problem is LibraryProblem.NAME_TAKEN
    with pytest.raises(PromptError) as empty:
        library.rename(prompt.id, "   ")
    assert empty.value.problem is LibraryProblem.EMPTY_NAME
    library.rename(prompt.id, "提示二")
    with pytest.raises(PromptError) as shipped:
        library.delete("no_vending")
    assert shipped.value.problem is LibraryProblem.SHIPPED
    library.delete(prompt.id)
    assert not audio.exists()
    assert prompt.id not in [p.id for p in PromptLibrary(tmp_path / "voice").prompts()]
    assert len(changes) == 3  # added, renamed, deleted
    with pytest.raises(PromptError) as unknown:
        library.clip(prompt.id)
    assert unknown.value.problem is LibraryProblem.UNKNOWN


@needs_ffmpeg
def test_a_damaged_audio_file_costs_that_prompt_alone(tmp_path: Path) -> None:
    library = PromptLibrary(tmp_path / "voice")
    one = library.add_file(tone(tmp_path / "one.wav", 1.0))
    two = library.add_file(tone(tmp_path / "two.wav", 2.0))
    audio = tmp_path / "voice" / "audio" / f"{one.audio_sha256}.wav"
    audio.write_bytes(audio.read_bytes()[:100] + b"\x07" * 2000)
    again = PromptLibrary(tmp_path / "voice")
    with pytest.raises(PromptError) as caught:
        again.clip(one.id)
    assert caught.value.problem is LibraryProblem.AUDIO_DAMAGED and audio.name in str(caught.value)
    assert again.clip(two.id).duration_s == pytest.approx(2.0, abs=0.06)
    audio.unlink()
    third = PromptLibrary(tmp_path / "voice")
    assert any(audio.name in p for p in third.problems)
    with pytest.raises(PromptError) as missing:
        third.clip(one.id)
    assert missing.value.problem is LibraryProblem.AUDIO_MISSING


@needs_ffmpeg
def test_a_damaged_entry_or_file_loses_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    library = PromptLibrary(folder)
    good = library.add_file(tone(tmp_path / "good.wav"))
    bad = library.add_file(tone(tmp_path / "bad.wav", 1.0))
    data = json.loads((folder / "prompts.json").read_text(encoding="utf-8"))
    data["prompts"][bad.id]["duration_s"] = "long"
    (folder / "prompts.json").write_text(json.dumps(data), encoding="utf-8")
    again = PromptLibrary(folder)
    assert good.id in [p.id for p in again.prompts()] and bad.id not in [p.id for p in again.prompts()]
    assert any(f"prompts.json: prompts.{bad.id}: duration_s: 'long'" in p for p in again.problems)
    (folder / "prompts.json").write_text("{ not json", encoding="utf-8")
    broken = PromptLibrary(folder)
    assert "prompts.json:1:3" in " ".join(broken.problems)
    assert {"no_vending", "litter"} <= {p.id for p in broken.prompts()}  # the shipped ones still play
    broken.add_file(tone(tmp_path / "new.wav"), name="新的")
    kept = list(folder.glob("prompts.damaged-*.json"))
    assert kept and kept[0].read_text(encoding="utf-8") == "{ not json"  # kept aside, not lost


@needs_ffmpeg
def test_a_read_only_folder_refuses_the_new_prompt_and_keeps_the_old(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    library = PromptLibrary(folder)
    old = library.add_file(tone(tmp_path / "old.wav"))
    new_sound = tone(tmp_path / "new.wav", 2.5)
    with read_only_folder(folder), pytest.raises(OSError):
        library.add_file(new_sound)
    again = PromptLibrary(folder)
    assert [p.id for p in again.prompts() if not p.shipped] == [old.id]
    assert again.clip(old.id).duration_s == pytest.approx(1.5, abs=0.06)
    assert read_json(folder / "prompts.json")[1] is None


@needs_espeak
def test_a_prompt_from_text_gets_a_name_from_its_first_words(tmp_path: Path, tts: TextToSpeech) -> None:
    library = PromptLibrary(tmp_path / "voice", tts)
    prompt = library.add_text("  请勿在此\n吸烟，谢谢配合  ", TtsLanguage.ZH)
    assert (prompt.name, prompt.text) == ("请勿在此 吸烟", "请勿在此 吸烟，谢谢配合")
    pcm = library.clip(prompt.id).pcm
    assert hashlib.sha256(pcm).hexdigest() == prompt.audio_sha256
    assert prompt.duration_s == pytest.approx(len(pcm) / 2 / SAMPLE_RATE)


@needs_ffmpeg
def test_a_name_nobody_typed_is_made_unique_a_typed_one_is_refused(tmp_path: Path) -> None:
    library = PromptLibrary.in_folder(tmp_path / "voice")
    sound = tone(tmp_path / "铃声.wav")
    names = [library.add_file(sound).name for _ in range(3)]
    assert names == ["铃声", "铃声 (2)", "铃声 (3)"]
    with pytest.raises(PromptError) as caught:
        library.add_file(sound, name="铃声")
    assert caught.value.problem is LibraryProblem.NAME_TAKEN
    assert library.tts is not None and library.tts.cache_dir == tmp_path / "voice" / "tts-cache"
