#!/usr/bin/env python3
"""Refresh the Chinese translation source from the interface code, and say what still needs translating.

    .venv/bin/python scripts/update_translations.py           # update resources/i18n/citywall_zh_CN.ts
    .venv/bin/python scripts/update_translations.py --check   # CI: change nothing, exit 1 if out of date

pyside6-lupdate reads every .py under app/ui: ``QCoreApplication.translate("Context", "…")`` (also called
through an alias named ``translate``; an alias named anything else, ``tr`` included, is NOT understood),
``self.tr("…")`` (context: the class name) and ``QT_TRANSLATE_NOOP("Context", "…")``. Existing
translations are kept, strings no longer in the code are dropped (-no-obsolete), new ones arrive
``type="unfinished"``: write their Chinese in the .ts (by hand or with pyside6-linguist). Locations are not
written, so the file changes only when the strings do. The .qm that Qt loads is compiled from the .ts at
set-up and at start-up (app/ui/i18n.py); it is never committed.

``--check`` exits 1 when a message is unfinished or when lupdate would change the file (a string was added,
changed or removed in the code without the .ts being updated), 2 when lupdate cannot run.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "app" / "ui"
TS_FILE = ROOT / "resources" / "i18n" / "citywall_zh_CN.ts"
LUPDATE_OPTIONS = ["-silent", "-no-obsolete", "-locations", "none"]
LUPDATE_OPTIONS += ["-source-language", "en", "-target-language", "zh_CN"]


def find_lupdate() -> list[str] | None:
    """The command that runs lupdate: the venv's pyside6-lupdate first; None if there is none."""
    here = Path(sys.executable).parent / "pyside6-lupdate"
    if here.exists():
        return [str(here)]
    wrapper = shutil.which("pyside6-lupdate")
    if wrapper:
        return [wrapper]
    spec = importlib.util.find_spec("PySide6")  # the package folder, without loading Qt
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            bundled = Path(folder) / "lupdate"
            if bundled.exists():
                return [str(bundled)]
    plain = shutil.which("lupdate")
    return [plain] if plain else None


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SOURCE_DIR.rglob("*.py"))


def run_lupdate(command: list[str], ts: Path) -> None:
    result = subprocess.run(
        [*command, *LUPDATE_OPTIONS, *sources(), "-ts", str(ts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"lupdate failed ({result.returncode}):\n{result.stdout}{result.stderr}")


@dataclass
class Summary:
    translated: list[tuple[str, str]] = field(default_factory=list)
    unfinished: list[tuple[str, str]] = field(default_factory=list)
    obsolete: list[tuple[str, str]] = field(default_factory=list)

    def keys(self) -> set[tuple[str, str]]:
        return set(self.translated) | set(self.unfinished)


def summarise(ts: Path) -> Summary:
    summary = Summary()
    if not ts.exists():
        return summary
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "")
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                summary.obsolete.append(key)
            elif kind == "unfinished" or translation is None or not (translation.text or "").strip():
                summary.unfinished.append(key)
            else:
                summary.translated.append(key)
    return summary


def report(before: Summary, after: Summary, label: str) -> None:
    """Counts, then each unfinished message; obsolete = in the file before, no longer in the code."""
    obsolete = sorted((before.keys() | set(before.obsolete)) - after.keys())
    print(
        f"{label}: {len(after.translated)} translated, {len(after.unfinished)} unfinished, "
        f"{len(obsolete)} obsolete"
    )
    for context, source in after.unfinished:
        print(f"  unfinished  [{context}] {source}")
    for context, source in obsolete:
        print(f"  obsolete    [{context}] {source}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale or unfinished")
    args = parser.parse_args(argv)
    command = find_lupdate()
    if command is None:
        print("pyside6-lupdate not found: run scripts/setup.sh (.venv's PySide6 has it)", file=sys.stderr)
        return 2
    label = str(TS_FILE.relative_to(ROOT))
    before = summarise(TS_FILE)
    try:
        if not args.check:
            TS_FILE.parent.mkdir(parents=True, exist_ok=True)
            run_lupdate(command, TS_FILE)
            report(before, summarise(TS_FILE), label)
            return 0
        if not TS_FILE.exists():
            print(f"{label} is missing: run scripts/update_translations.py", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / TS_FILE.name
            shutil.copyfile(TS_FILE, copy)
            run_lupdate(command, copy)
            changed = copy.read_bytes() != TS_FILE.read_bytes()
            after = summarise(copy)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        print(exc, file=sys.stderr)
        return 2
    report(before, after, label)
    if changed:
        print(f"{label} is out of date with the code: run scripts/update_translations.py")
        for context, source in sorted(after.keys() - before.keys()):
            print(f"  new in code [{context}] {source}")
        if before.keys() == after.keys() and not before.obsolete:
            print("  (same messages: lupdate would only rewrite the file's layout)")
    return 1 if changed or after.unfinished else 0


if __name__ == "__main__":
    sys.exit(main())
