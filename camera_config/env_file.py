"""The secrets file: ``NAME=value`` lines that a shell (``set -a; . FILE``) or systemd can load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from camera_config.files import write_atomic

_PLAIN = re.compile(r"^[A-Za-z0-9_@%+=:,./-]*$")
_LINE_NAME = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=")

HEADER = "# CityWall camera passwords. Keep this file private (mode 600); never commit it.\n"


def quote(value: str) -> str:
    """A value that reads back the same in POSIX shells and in systemd EnvironmentFile."""
    if _PLAIN.match(value):
        return value
    if "'" not in value:
        return f"'{value}'"
    escaped = re.sub(r'(["\\$`])', r"\\\1", value)
    return f'"{escaped}"'


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    """Add ``values`` to ``path`` (mode 0o600): lines already there are kept unless a name is set again."""
    kept: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _LINE_NAME.match(line)
            if line != HEADER.rstrip("\n") and not (match and match[1] in values):
                kept.append(line)
    lines = [HEADER.rstrip("\n"), *kept, *(f"{name}={quote(value)}" for name, value in values.items())]
    write_atomic(path, "\n".join(lines) + "\n", mode=0o600)
