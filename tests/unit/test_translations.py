"""The Chinese translation: complete, in step with the code, placeholders intact, and loadable by Qt."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "update_translations.py"
TS_FILE = ROOT / "resources" / "i18n" / "citywall_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # {0}, {1}, {0:.0f}
MNEMONIC = re.compile(r"&([^&\s])")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _messages() -> Iterator[tuple[str, str, str]]:
    for context in ET.parse(TS_FILE).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            yield (
                context.findtext("name") or "",
                message.findtext("source") or "",
                "" if translation is None else translation.text or "",
            )


def test_translation_is_complete_and_in_step_with_the_code() -> None:
    if _script().find_lupdate() is None:
        pytest.skip("pyside6-lupdate not found (PySide6's bundled tools are missing): cannot compare")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, (
        "resources/i18n/citywall_zh_CN.ts is out of date or unfinished; run "
        "scripts/update_translations.py and translate what it lists:\n" + result.stdout + result.stderr
    )


def test_every_translation_keeps_the_placeholders_and_mnemonics() -> None:
    messages = list(_messages())
    assert len(messages) > 100
    for context, source, translation in messages:
        where = f"[{context}] {source!r} → {translation!r}"
        assert translation.strip(), f"no translation: {where}"
        assert Counter(PLACEHOLDER.findall(source)) == Counter(PLACEHOLDER.findall(translation)), where
        assert [m.casefold() for m in MNEMONIC.findall(source)] == [
            m.casefold() for m in MNEMONIC.findall(translation)
        ], f"keep the & shortcut letter: {where}"


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    from app.ui.i18n import lrelease

    tool = lrelease()
    if tool is None:
        pytest.skip("pyside6-lrelease not found: cannot compile the translation")
    target = tmp_path / "citywall_zh_CN.qm"
    subprocess.run([tool, "-silent", str(TS_FILE), "-qm", str(target)], check=True, timeout=60)
    return target


def test_compiled_translation_loads_and_translates(qapp: object, compiled: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QTranslator

    translator = QTranslator()
    assert translator.load(str(compiled))
    assert translator.translate("Actions", "Next page") == "下一页"
    assert str(translator.translate("Wall", "last picture {0:.0f} s ago")).format(3.4) == "最后一帧在 3 秒前"
    # self.tr() looks up the class name at run time: it must be the context lupdate wrote.
    from app.ui.dialogs.save_view import SaveViewDialog

    QCoreApplication.installTranslator(translator)
    try:
        dialog = SaveViewDialog("", shared=False)
        assert dialog.windowTitle() == "保存视图"
        dialog.deleteLater()
    finally:
        QCoreApplication.removeTranslator(translator)
