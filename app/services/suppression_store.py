"""Suppressed places, kept per site in ``suppressions.json`` beside ``zones.json`` (every workstation).

The file holds one entry per suppressed place (see :class:`~app.core.suppressions.SuppressionRecord`)::

    {"version": 1, "suppressions": [{"id": "a1b2-1", "camera_id": "cam001", "preset": null,
      "zone_id": "zone-1", "event_code": "0501", "box": [0.31, 0.42, 0.47, 0.83], ...}]}

Saves go through :class:`~app.adapters.json_store.SharedJsonFile` like the zones': under a file lock
the file is read again, other workstations' suppressions are kept, the file is replaced atomically.
A damaged file (not JSON: with line and column; an invalid entry: with its index and field) is
reported, its valid entries are used, and the next save first keeps it aside as
``suppressions.damaged-<time>.json``: nothing stored is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from app.core.suppressions import BadSuppression, SuppressionRecord, of_camera
from app.core.system_events import EventSink
from app.services.shared_store import FORMAT_VERSION, SharedFileStore, versioned_section

FILE_NAME = "suppressions.json"


def suppression_file_beside(zones_file: Path) -> Path:
    """Where a site's suppressed places are kept: beside its ``zones.json``."""
    return Path(zones_file).with_name(FILE_NAME)


class SuppressionCodec:
    """suppressions.json cut into items (one per suppression id) and put back together."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def split(self, data: Any) -> tuple[dict[str, SuppressionRecord], list[str]]:
        entries = versioned_section(self.path, data, "suppressions", list)
        if isinstance(entries, str):
            return {}, [entries]
        items: dict[str, SuppressionRecord] = {}
        problems: list[str] = []
        for index, entry in enumerate(entries):
            try:
                record = SuppressionRecord.from_record(entry)
            except (BadSuppression, TypeError, ValueError) as exc:
                problems.append(f"{self.path}: suppressions[{index}]: {exc}")
                continue
            if record.id in items:
                problems.append(f"{self.path}: suppressions[{index}]: id {record.id!r} twice")
                continue
            items[record.id] = record
        return items, problems

    def join(self, items: Mapping[str, SuppressionRecord]) -> dict[str, Any]:
        ordered = sorted(items.values(), key=lambda r: (r.camera_id, r.at, r.id))
        return {"version": FORMAT_VERSION, "suppressions": [r.to_record() for r in ordered]}

    def label(self, key: str) -> str:
        return f"suppression {key!r}"


class SuppressionStore(SharedFileStore[SuppressionRecord]):
    """The site's suppressed places as the file holds them (re-read at every save)."""

    def __init__(
        self, path: Path, *, events: EventSink | None = None, lock_timeout_s: float | None = None
    ) -> None:
        super().__init__(path, SuppressionCodec(Path(path)), events=events, lock_timeout_s=lock_timeout_s)

    @classmethod
    def open(
        cls, path: Path, *, events: EventSink | None = None, lock_timeout_s: float | None = None
    ) -> SuppressionStore:
        store = cls(path, events=events, lock_timeout_s=lock_timeout_s)
        store.load()
        return store

    def all(self) -> tuple[SuppressionRecord, ...]:
        return tuple(sorted(self._file.items.values(), key=lambda r: (r.camera_id, r.at, r.id)))

    def of_camera(self, camera_id: str) -> tuple[SuppressionRecord, ...]:
        return of_camera(self._file.items.values(), camera_id)

    def cameras(self) -> set[str]:
        return {r.camera_id for r in self._file.items.values()}

    def get(self, suppression_id: str) -> SuppressionRecord | None:
        return self._file.items.get(suppression_id)

    def add(self, records: Iterable[SuppressionRecord]) -> tuple[SuppressionRecord, ...]:
        """Store ``records`` (an id already there is replaced); returns those stored. Raises OSError
        (or StoreBusy) when the file cannot be written: the file is then as it was."""
        records = tuple(records)
        if records:
            self._file.change({r.id: r for r in records})
            self._sync()
        return records

    def remove(self, suppression_ids: Iterable[str]) -> None:
        """Take suppressions away (ids not there are ignored); raises like :meth:`add`."""
        ids = frozenset(suppression_ids)
        if ids:
            self._file.change({}, deletions=ids)
            self._sync()
