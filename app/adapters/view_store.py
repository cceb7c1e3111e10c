"""Named wall views and custom layouts on disk (JSON): one file per user, one shared per site.

The shared file is edited by every workstation of the site: each save changes only the views and
layouts it names, under the file lock of :class:`~app.adapters.json_store.SharedJsonFile`, so a
colleague's new view is never lost, and a view or layout that a colleague changed since it was read
here is not overwritten without the operator knowing (:class:`~app.adapters.json_store.StoreConflict`).
A damaged file is never overwritten silently: loading reports what is wrong (file, entry, field)
and the next save first keeps the damaged file beside it as ``*.damaged-<time>.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.adapters.json_store import SharedJsonFile
from app.core.system_events import EventSink
from app.core.wall_layout import Cell, WallLayout, WallView

FORMAT_VERSION = 1
LAYOUT, VIEW = "layout:", "view:"

Item = WallLayout | WallView


@dataclass
class StoredViews:
    layouts: list[WallLayout] = field(default_factory=list)
    views: list[WallView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ViewFile:
    """One JSON file of layouts and views."""

    def __init__(self, path: Path, shared: bool, *, events: EventSink | None = None) -> None:
        self.path = Path(path)
        self.shared = shared
        self._file = SharedJsonFile(self.path, ViewCodec(self.path, shared), events=events)

    def load(self) -> StoredViews:
        self._file.load()
        return self.stored()

    def stored(self) -> StoredViews:
        """The layouts and views as this workstation last read or wrote them."""
        items = self._file.items.values()
        return StoredViews(
            [i for i in items if isinstance(i, WallLayout)],
            [i for i in items if isinstance(i, WallView)],
            list(self._file.problems),
        )

    def change(
        self,
        layouts: Iterable[WallLayout] = (),
        views: Iterable[WallView] = (),
        *,
        drop_layouts: Iterable[str] = (),
        drop_views: Iterable[str] = (),
    ) -> StoredViews:
        """Save these layouts and views (by name) and delete those named; everything else in the file
        stays as it is on disk. Raises StoreConflict, StoreBusy or OSError (nothing saved then)."""
        changes: dict[str, Item] = {LAYOUT + lay.name: lay for lay in layouts}
        changes.update({VIEW + v.name: v for v in views})
        deletions = {LAYOUT + name for name in drop_layouts} | {VIEW + name for name in drop_views}
        self._file.change(changes, deletions=frozenset(deletions))
        return self.stored()

    def save(self, layouts: list[WallLayout], views: list[WallView]) -> None:
        """Make the file hold exactly these layouts and views (a new site's seeded views)."""
        self._file.load()
        old = self.stored()
        self.change(
            layouts,
            views,
            drop_layouts={lay.name for lay in old.layouts} - {lay.name for lay in layouts},
            drop_views={v.name for v in old.views} - {v.name for v in views},
        )


class ViewCodec:
    """A views file cut into items ("layout:<name>", "view:<name>") and put back together."""

    def __init__(self, path: Path, shared: bool) -> None:
        self.path, self.shared = path, shared

    def split(self, data: Any) -> tuple[dict[str, Item], list[str]]:
        items: dict[str, Item] = {}
        problems: list[str] = []
        if not isinstance(data, dict):
            return items, [f"{self.path}: the top level must be an object with 'layouts' and 'views'"]
        for index, raw in enumerate(_list(data, "layouts", problems, self.path)):
            try:
                cells = tuple(Cell(*map(int, cell)) for cell in raw["cells"])
                layout = WallLayout(str(raw["name"]), int(raw["cols"]), int(raw["rows"]), cells)
                layout.validate()
                items[LAYOUT + layout.name] = layout
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{self.path}: layouts[{index}]: {_why(exc)}")
        for index, raw in enumerate(_list(data, "views", problems, self.path)):
            try:
                cameras = tuple(None if c is None else str(c) for c in raw.get("cameras", []))
                view = WallView(str(raw["name"]), str(raw["layout"]), cameras, self.shared)
                items[VIEW + view.name] = view
            except (KeyError, TypeError, AttributeError) as exc:
                problems.append(f"{self.path}: views[{index}]: {_why(exc)}")
        return items, problems

    def join(self, items: Mapping[str, Item]) -> dict[str, Any]:
        layouts = [i for i in items.values() if isinstance(i, WallLayout)]
        views = [i for i in items.values() if isinstance(i, WallView)]
        return {
            "version": FORMAT_VERSION,
            "layouts": [
                {
                    "name": lay.name,
                    "cols": lay.cols,
                    "rows": lay.rows,
                    "cells": [[c.col, c.row, c.col_span, c.row_span] for c in lay.cell_list],
                }
                for lay in layouts
            ],
            "views": [{"name": v.name, "layout": v.layout, "cameras": list(v.cameras)} for v in views],
        }

    def label(self, key: str) -> str:
        kind, _, name = key.partition(":")
        return f"the {kind} {name!r}"


def _list(data: dict[str, Any], name: str, problems: list[str], path: Path) -> list[Any]:
    value = data.get(name, [])
    if isinstance(value, list):
        return value
    problems.append(f"{path}: {name}: expected a list")
    return []


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__
