"""Settings files people edit while the app runs (the case catalogue, the dispatch table, the
working calendar): keep the last good one.

A good file is used and a copy of its text is kept in the app's data folder. When the file goes
bad (a typo, a half-saved edit, deleted, unreadable) the last good copy is used (or, before any
was seen, the default shipped with CityWall), together with the problems naming file, line and
field, so the UI can show them. Bad content never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Generic, TypeVar

from camera_config.files import write_atomic
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import read_site_file

log = logging.getLogger(__name__)

T = TypeVar("T")
Parse = Callable[[str, Path], T]  # the file's text and path -> value; ConfigError when bad


class Text:
    """Every message of this module, in one place for translation."""

    NOT_KEPT = "could not keep a copy of the last good file here: {reason}"
    BROKEN = "this file's content was not accepted: {reason}"


class Source(StrEnum):
    """Where the value in use came from."""

    FILE = "file"  # the file as it is now
    LAST_GOOD = "last_good"  # the copy of the file as it last loaded without problems
    DEFAULT = "default"  # the default shipped with CityWall


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """The value in use, where it came from, and the problems of the file (empty when good)."""

    value: T
    source: Source
    issues: tuple[ConfigIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return self.source is Source.FILE and not self.issues


Signature = tuple[int, int] | None  # (mtime_ns, size) of the file; None when it cannot be seen


class LastGoodFile(Generic[T]):
    """One settings file: ``parse`` turns its text into a value; ``keep_dir`` (the app's data
    folder) holds the copy of the last good text as ``<name>.last-good<suffix>``; ``default``
    gives the value to use before any good file was seen (the shipped default)."""

    def __init__(
        self,
        path: Path,
        parse: Parse[T],
        keep_dir: Path,
        default: Callable[[], T],
        *,
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self._parse = parse
        self._default = default
        stem = name or self.path.stem
        self.copy_path = Path(keep_dir) / f"{stem}.last-good{self.path.suffix or '.txt'}"
        self._seen: Signature | object = _NEVER
        self._loaded: Loaded[T] | None = None

    @property
    def current(self) -> Loaded[T]:
        """The value in use (the file is read the first time)."""
        return self._loaded if self._loaded is not None else self.load()

    def refresh(self) -> Loaded[T] | None:
        """Read the file again if it changed (time or size) since it was last read; the new
        :class:`Loaded` when it was read, None when unchanged."""
        if self._loaded is not None and _signature(self.path) == self._seen:
            return None
        return self.load()

    def load(self) -> Loaded[T]:
        """Read the file now, whatever its time."""
        self._seen = _signature(self.path)
        try:
            raw, text = read_site_file(self.path)
            value = self._parse(text, self.path)
        except ConfigError as exc:
            self._loaded = self._fallback(tuple(exc.issues))
            return self._loaded
        except ValueError as exc:  # a rule the file checks missed: still the file's content
            issue = ConfigIssue(self.path, None, None, "", Text.BROKEN.format(reason=exc))
            self._loaded = self._fallback((issue,))
            return self._loaded
        self._loaded = Loaded(value, Source.FILE, self._keep(raw))
        return self._loaded

    def _keep(self, raw: bytes) -> tuple[ConfigIssue, ...]:
        try:
            if self.copy_path.is_file() and self.copy_path.read_bytes() == raw:
                return ()
            self.copy_path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.copy_path, raw)
        except OSError as exc:
            # The file is good and in use; only the safety net is missing: say so.
            reason = exc.strerror or type(exc).__name__
            log.warning("cannot keep the last good copy of %s at %s: %s", self.path, self.copy_path, reason)
            return (ConfigIssue(self.copy_path, None, None, "", Text.NOT_KEPT.format(reason=reason)),)
        return ()

    def _fallback(self, issues: tuple[ConfigIssue, ...]) -> Loaded[T]:
        for issue in issues:
            log.warning("%s", issue)
        try:
            _, text = read_site_file(self.copy_path)
            return Loaded(self._parse(text, self.copy_path), Source.LAST_GOOD, issues)
        except ConfigError as exc:
            if self.copy_path.exists():  # e.g. a routing copy that names categories no longer listed
                log.warning("the last good copy %s is not usable either: %s", self.copy_path, exc)
        except ValueError as exc:
            log.warning("the last good copy %s is not usable either: %s", self.copy_path, exc)
        return Loaded(self._default(), Source.DEFAULT, issues)


_NEVER = object()


def _signature(path: Path) -> Signature:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
