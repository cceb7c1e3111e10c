#!/usr/bin/env python3
"""Render the standard voice prompts that ship with CityWall into resources/voice (8 kHz WAV).

    .venv/bin/python scripts/render_prompts.py           # (re)write resources/voice
    .venv/bin/python scripts/render_prompts.py --check   # change nothing; exit 1 if out of step

The output is committed, so the prompts play on a workstation without eSpeak NG. Each prompt is
``<id>.wav`` plus an entry in ``prompts.json`` (id, name, text, language, SHA-256 of the PCM,
duration). Ids are stable: site policies name them (``no_vending`` is the vending rule's default).
Run it after changing the list below, or to render with a newer eSpeak NG. ``--check`` compares
the manifest with the list and every WAV with its SHA-256; it does not need eSpeak NG.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.adapters.voice.pcm import read_wav_8k, write_wav  # noqa: E402
from app.adapters.voice.tts import TextToSpeech, TtsLanguage  # noqa: E402
from app.core.voice import SAMPLE_RATE  # noqa: E402
from camera_config.files import write_atomic  # noqa: E402

OUT = ROOT / "resources" / "voice"
ZH, EN = TtsLanguage.ZH, TtsLanguage.EN

# (id, name shown to operators, what is said, language)
STANDARD: list[tuple[str, str, str, TtsLanguage]] = [
    ("no_vending", "请勿占道经营", "请勿占道经营，请自觉离开", ZH),
    ("no_vending_here", "此处禁止占道经营", "此处禁止占道经营，请自觉离开", ZH),
    ("no_stall", "请勿停留摆卖", "请不要在此停留摆卖", ZH),
    ("litter", "请将垃圾投入垃圾桶", "请将垃圾投入垃圾桶", ZH),
    ("bin_full", "垃圾桶已满", "垃圾桶已满，请勿继续投放", ZH),
    ("no_vending_en", "请勿占道经营（英语）", "No street vending here. Please move on.", EN),
]


def manifest_entry(
    prompt_id: str, name: str, text: str, language: TtsLanguage, pcm: bytes
) -> dict[str, object]:
    return {
        "id": prompt_id, "name": name, "text": text, "language": language.value,
        "audio_sha256": hashlib.sha256(pcm).hexdigest(), "duration_s": round(len(pcm) / 2 / SAMPLE_RATE, 3),
    }  # fmt: skip


def render(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory(prefix="citywall-prompts-") as cache:
        tts = TextToSpeech(Path(cache))
        info = tts.engine.info()
        for prompt_id, name, text, language in STANDARD:
            pcm = tts.render(text, language)
            write_wav(out / f"{prompt_id}.wav", pcm)
            entries.append(manifest_entry(prompt_id, name, text, language, pcm))
            print(f"{prompt_id}: {len(pcm) / 2 / SAMPLE_RATE:.2f} s  {text}")
    manifest = {
        "version": 1,
        "rendered_with": f"espeak-ng {info.version}",
        "voices": {lang.value: tts.engine.voice_for(lang) for lang in (ZH, EN)},
        "prompts": entries,
    }
    write_atomic(out / "prompts.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    for stale in set(out.glob("*.wav")) - {out / f"{p[0]}.wav" for p in STANDARD}:
        stale.unlink()


def check(out: Path) -> list[str]:
    problems = []
    try:
        manifest = json.loads((out / "prompts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{out / 'prompts.json'}: {exc}"]
    listed = {e["id"]: e for e in manifest.get("prompts", [])}
    for prompt_id, name, text, language in STANDARD:
        entry = listed.get(prompt_id)
        if entry is None or (entry["name"], entry["text"], entry["language"]) != (name, text, language.value):
            problems.append(f"{prompt_id}: prompts.json does not match the list in this script")
            continue
        try:
            pcm = read_wav_8k(out / f"{prompt_id}.wav")
        except (OSError, ValueError) as exc:
            problems.append(f"{prompt_id}: {exc}")
            continue
        if hashlib.sha256(pcm).hexdigest() != entry["audio_sha256"]:
            problems.append(f"{prompt_id}.wav: its sound is not the one prompts.json names")
    problems += [
        f"{extra}: in prompts.json, not in this script" for extra in set(listed) - {p[0] for p in STANDARD}
    ]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when out of step")
    parser.add_argument("--out", type=Path, default=OUT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check:
        problems = check(args.out)
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    render(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
