"""Languages: 简体中文 first, English switchable at run time.

Source strings are English; ``resources/i18n/citywall_zh_CN.ts`` holds the Chinese. The .qm that
Qt loads is compiled from it by set-up (``pyside6-lrelease``) and, when missing or older than the
.ts, here at start-up — it is never committed.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import platformdirs
import PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"


def lrelease() -> str | None:
    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.exists():
        return str(bundled)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compiled_translation(language: str) -> Path | None:
    """The .qm for ``language``, compiled from its .ts if needed; None if impossible."""
    source = I18N_DIR / f"citywall_{language}.ts"
    if not source.exists():
        return None
    for folder in (I18N_DIR, Path(platformdirs.user_cache_dir("citywall")) / "i18n"):
        target = folder / f"citywall_{language}.qm"
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            return target
        tool = lrelease()
        if tool is None:
            break
        try:
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([tool, "-silent", str(source), "-qm", str(target)], check=True, timeout=60)
            return target
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("cannot compile %s into %s: %s", source, folder, exc)
    log.warning("no compiled translation for %s: the interface stays in English", language)
    return None


# One application, one set of translators, whichever window switched the language last.
_INSTALLED: list[QTranslator] = []


class Translations:
    """Installs CityWall's and Qt's own translators; switching emits LanguageChange to every widget."""

    def __init__(self) -> None:
        self.language = "en"

    def set_language(self, language: str) -> bool:
        app = QCoreApplication.instance()
        if app is None or language not in LANGUAGES:
            return False
        for translator in _INSTALLED:
            app.removeTranslator(translator)
        _INSTALLED.clear()
        self.language = language
        if language != "en":
            ours = QTranslator(app)
            qm = compiled_translation(language)
            if qm is not None and ours.load(str(qm)):
                app.installTranslator(ours)
                _INSTALLED.append(ours)
            qt = QTranslator(app)
            if qt.load(
                QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            ):
                app.installTranslator(qt)  # standard dialogs' buttons (确定/取消)
                _INSTALLED.append(qt)
        QLocale.setDefault(QLocale(language))
        # QApplication posts LanguageChange to the windows: deliver it now, so that the whole interface
        # reads in the new language when this returns (callers and tests read texts right after).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        return True
