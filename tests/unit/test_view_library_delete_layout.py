"""ViewLibrary.delete_layout: removes a custom layout from its own file, never a built-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.view_store import ViewFile
from app.core.wall_layout import Cell, span_layout
from app.services.view_library import ViewLibrary


def library(tmp_path: Path) -> ViewLibrary:
    return ViewLibrary(["a"], ViewFile(tmp_path / "me.json", False), ViewFile(tmp_path / "site.json", True))


def test_delete_a_personal_layout_keeps_the_shared_one_of_the_same_name(tmp_path: Path) -> None:
    lib = library(tmp_path)
    mine = span_layout("Gate", 4, 4, [Cell(1, 1, 2, 2)])
    site = span_layout("Gate", 3, 3, [Cell(0, 0, 2, 2)])
    lib.save_layout(mine, shared=False)
    lib.save_layout(site, shared=True)
    assert lib.layouts()["Gate"] == mine  # personal wins
    lib.delete_layout("Gate", shared=False)
    assert lib.layouts()["Gate"] == site
    assert library(tmp_path).layouts()["Gate"] == site  # on disk too
    lib.delete_layout("Gate", shared=True)
    assert "Gate" not in library(tmp_path).layouts()


def test_views_in_the_file_survive(tmp_path: Path) -> None:
    from app.core.wall_layout import WallView

    lib = library(tmp_path)
    lib.save_layout(span_layout("Gate", 4, 4, [Cell(1, 1, 2, 2)]))
    lib.save_view(WallView("Night", "Gate", ("a",)))
    lib.delete_layout("Gate")
    assert library(tmp_path).view("Night") is not None


def test_built_in_and_unknown_layouts_are_refused(tmp_path: Path) -> None:
    lib = library(tmp_path)
    with pytest.raises(ValueError, match="built-in"):
        lib.delete_layout("1+5")
    with pytest.raises(ValueError, match="no personal layout"):
        lib.delete_layout("Nothing")
    with pytest.raises(ValueError, match="no shared layout"):
        lib.delete_layout("Nothing", shared=True)
