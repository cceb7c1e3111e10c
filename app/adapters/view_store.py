"""Named wall views and custom layouts on disk (JSON): one file per user, one shared per site.

A damaged file is never overwritten silently: loading reports what is wrong (file, entry, field)
and the next save first keeps the damaged file beside it as ``*.damaged-<time>.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.wall_layout import Cell, WallLayout, WallView
from camera_config.files import MISSING, read_json, set_aside, write_atomic

FORMAT_VERSION = 1


@dataclass
class StoredViews:
    layouts: list[WallLayout] = field(default_factory=list)
    views: list[WallView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ViewFile:
    """One JSON file of layouts and views."""

    def __init__(self, path: Path, shared: bool) -> None:
        self.path = path
        self.shared = shared
        self._damaged = False

    def load(self) -> StoredViews:
        data, problem = read_json(self.path)
        if problem is not None:
            self._damaged = True
            return StoredViews(problems=[problem])
        return StoredViews() if data is MISSING else self._parse(data)

    def _parse(self, data: Any) -> StoredViews:
        out = StoredViews()
        if not isinstance(data, dict):
            self._damaged = True
            out.problems.append(f"{self.path}: the top level must be an object with 'layouts' and 'views'")
            return out
        for index, raw in enumerate(data.get("layouts", [])):
            try:
                cells = tuple(Cell(*map(int, cell)) for cell in raw["cells"])
                layout = WallLayout(str(raw["name"]), int(raw["cols"]), int(raw["rows"]), cells)
                layout.validate()
                out.layouts.append(layout)
            except (KeyError, TypeError, ValueError) as exc:
                self._damaged = True
                out.problems.append(f"{self.path}: layouts[{index}]: {_why(exc)}")
        for index, raw in enumerate(data.get("views", [])):
            try:
                cameras = tuple(None if c is None else str(c) for c in raw.get("cameras", []))
                out.views.append(WallView(str(raw["name"]), str(raw["layout"]), cameras, self.shared))
            except (KeyError, TypeError, AttributeError) as exc:
                self._damaged = True
                out.problems.append(f"{self.path}: views[{index}]: {_why(exc)}")
        return out

    def save(self, layouts: list[WallLayout], views: list[WallView]) -> None:
        data = {
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._damaged and self.path.exists():
            set_aside(self.path)
            self._damaged = False
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__
