"""What the site's stores over one shared JSON file have in common (zones, suppressions, patrols,
voice prompts): the file's top level checked alike, its problems kept, and where a damaged file
was put aside.

Each file is ``{"version": 1, "<section>": ...}``; reading, locking, merging and the atomic write
are :class:`~app.adapters.json_store.SharedJsonFile`'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar

from app.adapters.json_store import Codec, SharedJsonFile
from app.core.system_events import EventSink

FORMAT_VERSION = 1  # the one version of these files this CityWall reads and writes

S = TypeVar("S", list[Any], dict[Any, Any])
T = TypeVar("T")


def versioned_section(path: Path, data: Any, name: str, kind: type[S]) -> S | str:
    """The file's section ``name`` (a list or an object, as ``kind`` says), or what is wrong with
    the file's top level, in words naming the file."""
    section = data.get(name) if isinstance(data, dict) else None
    if not isinstance(section, kind):
        return f"{path}: the top level must be an object with 'version' and '{name}'"
    if data.get("version") != FORMAT_VERSION:
        return (
            f"{path}: unknown format version {data.get('version')!r} (this CityWall reads {FORMAT_VERSION})"
        )
    return section


class SharedFileStore(Generic[T]):
    """A store whose items live in one shared JSON file; :attr:`problems` is what its last read
    or write found wrong with the file."""

    def __init__(
        self,
        path: Path,
        codec: Codec[T],
        *,
        events: EventSink | None = None,
        lock_timeout_s: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._file = SharedJsonFile(self.path, codec, events=events, lock_timeout_s=lock_timeout_s)
        self.problems: list[str] = []

    @property
    def kept_damaged(self) -> Path | None:
        """Where the last save put a damaged file aside (None: it did not need to)."""
        return self._file.kept_damaged

    def load(self) -> list[str]:
        """(Re-)read the file; return the problems found (also kept in :attr:`problems`)."""
        self._file.load()
        self._sync()
        return list(self.problems)

    def _sync(self) -> None:
        """After every read or write of the file: what the store shows follows it."""
        self.problems = list(self._file.problems)
