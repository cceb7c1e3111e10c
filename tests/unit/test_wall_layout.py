import json
from pathlib import Path

import pytest

from app.adapters.view_store import ViewFile
from app.core.wall_layout import Cell, WallLayout, WallView, builtin_layouts, grid_for_count, span_layout
from app.services.view_library import ALL_CAMERAS, ViewLibrary


def test_standard_grids_and_span_layouts_have_the_promised_tile_counts() -> None:
    layouts = builtin_layouts()
    for name in ("1", "4", "9", "16", "25", "36", "64", "100", "120"):
        assert layouts[name].cells == int(name)
    for name, cells in (("1+5", 6), ("1+7", 8), ("2+8", 10), ("1+12", 13), ("1+16", 17)):
        assert layouts[name].cells == cells
        layouts[name].validate()
    assert grid_for_count(100).name == "100" and grid_for_count(101).name == "120"
    assert grid_for_count(7).name == "9"


def test_span_layout_puts_the_big_cell_first_and_fills_the_rest() -> None:
    layout = span_layout("1+12", 4, 4, [Cell(1, 1, 2, 2)])
    assert layout.cell_list[0] == Cell(1, 1, 2, 2)
    assert layout.cell_at(2, 2) == 0 and layout.cell_at(0, 0) == 1
    boxes = layout.boxes(0, 0, 400, 400, 0)
    assert boxes[0] == (100, 100, 200, 200) and boxes[1] == (0, 0, 100, 100)


@pytest.mark.parametrize(
    "cells, message",
    [
        ((Cell(0, 0, 2, 2), Cell(1, 1)), "overlaps"),
        ((Cell(0, 0, 3, 1),), "does not fit"),
        ((), "at least one cell"),
    ],
)
def test_bad_layouts_are_refused_in_words(cells: tuple[Cell, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WallLayout("x", 2, 2, cells).validate()


def test_placing_a_camera_never_shows_it_twice_and_swaps() -> None:
    view = WallView("v", "4", ("a", "b", "c"))
    moved = view.placed(0, "c")
    assert moved.cameras == ("c", "b", "a")
    assert view.placed(5, "d").cameras == ("a", "b", "c", None, None, "d")
    assert view.swapped(0, 2).cameras == ("c", "b", "a")
    assert view.placed(2, None).cameras == ("a", "b")  # trailing empty tiles are dropped
    assert view.pages(2) == 2 and view.page_cameras(1, 2) == ["c", None]


def test_views_and_layouts_persist_per_user_and_shared(tmp_path: Path) -> None:
    cams = [f"cam{i:03d}" for i in range(1, 21)]
    user, shared = ViewFile(tmp_path / "me.json", False), ViewFile(tmp_path / "site.json", True)
    library = ViewLibrary(cams, user, shared)
    assert library.view(ALL_CAMERAS) is not None and library.all_cameras_view().layout == "25"
    library.save_layout(span_layout("big", 3, 2, [Cell(0, 0, 2, 2)]))
    library.save_view(WallView("morning", "big", ("cam003", "cam001")))
    library.save_view(WallView("market", "1+5", ("cam010",)), shared=True)
    again = ViewLibrary(cams, ViewFile(tmp_path / "me.json", False), ViewFile(tmp_path / "site.json", True))
    assert again.layouts()["big"].cells == 3
    morning = again.view("morning")
    market = again.view("market")
    assert morning is not None and morning.cameras == ("cam003", "cam001") and not morning.shared
    assert market is not None and market.shared
    with pytest.raises(ValueError, match="built-in"):
        again.save_layout(span_layout("1+5", 3, 3, [Cell(0, 0, 2, 2)]))


def test_a_damaged_views_file_is_reported_and_kept_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    path.write_text(
        '{"views": [{"name": "ok", "layout": "4", "cameras": ["a"]}, {"layout": "4"}]}', encoding="utf-8"
    )
    library = ViewLibrary(["a"], ViewFile(path, False))
    assert library.view("ok") is not None
    assert any("views[1]" in p and "missing field 'name'" in p for p in library.problems)
    library.save_view(WallView("new", "1", ("a",)))
    kept = list(tmp_path.glob("views.damaged-*.json"))
    assert len(kept) == 1 and '"layout": "4"}' in kept[0].read_text(encoding="utf-8")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert {v["name"] for v in saved["views"]} == {"ok", "new"}


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "views.json"
    path.write_text('{\n  "views": [\n    {"name": "x",,}\n  ]\n}', encoding="utf-8")
    library = ViewLibrary([], ViewFile(path, False))
    assert library.problems and f"{path}:3:" in library.problems[0]
