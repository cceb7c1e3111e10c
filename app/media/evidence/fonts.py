"""A font with Simplified Chinese for burning captions into stills (OpenCV's Hershey fonts have none).

Found by file name in the usual font folders of Linux (scripts/setup.sh installs
fonts-wqy-microhei), Windows and macOS; ``CITYWALL_CJK_FONT`` names a file to use instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

FONT_ENV = "CITYWALL_CJK_FONT"
# The same families app/ui/theme.py prefers, by the files they come in.
CJK_FONT_FILES = (
    "msyh.ttc",  # Microsoft YaHei (Windows)
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "PingFang.ttc",
    "simhei.ttf",
    "simsun.ttc",
)


class NoCjkFont(RuntimeError):
    """No font that can write Chinese was found: captions would be boxes."""


def _font_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    dirs += [Path("/System/Library/Fonts"), Path("/Library/Fonts")]
    return [d for d in dirs if d.is_dir()]


@functools.cache
def cjk_font_path() -> Path:
    """The first CJK font found (cached: the folders are walked once per process)."""
    named = os.environ.get(FONT_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise NoCjkFont(f"{FONT_ENV}={named}: no such file")
        return path
    found: dict[str, Path] = {}
    for folder in _font_dirs():
        for path in folder.rglob("*"):
            if path.name in CJK_FONT_FILES and path.name not in found:
                found[path.name] = path
    for name in CJK_FONT_FILES:
        if name in found:
            return found[name]
    raise NoCjkFont(
        "no font with Simplified Chinese found (install fonts-wqy-microhei or fonts-noto-cjk, "
        f"or name a font file in {FONT_ENV})"
    )
