"""Problems found in a configuration file, each with file, line and field path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConfigIssue:
    """One problem. ``line``/``column`` are 1-based; ``path`` is a field path or a CSV column."""

    file: Path
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.file), self.line or 0, self.column or 0, self.path)


class ConfigError(Exception):
    """Raised with every problem found, sorted by file and line; never carries input values."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues = sorted(set(issues), key=ConfigIssue.sort_key)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)


def format_path(parts: Iterable[str | int]) -> str:
    """``('cameras', 3, 'source', 'main')`` -> ``cameras[3].source.main``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
