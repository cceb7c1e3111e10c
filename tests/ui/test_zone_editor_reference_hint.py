"""The zone editor says when the zones' reference holds objects: a stall that stood there while the
reference was taken is furniture (never an alert) until "clean now"; the operator sees both."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.alerts import Box
from app.ui.detection.suppressed_places import clean_zones
from tests.ui.test_zone_editor_taught import World, editor_of

STALL = Box(0.1, 0.55, 0.3, 0.9, "reference")  # runtime labels furniture boxes by why they are furniture
KIOSK = Box(0.5, 0.55, 0.7, 0.9, "learnt")


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_hint_names_the_objects_in_the_reference_and_clean_now_as_the_remedy(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    report: list[tuple[str | None, tuple[Box, ...]]] = [(None, (KIOSK,))]
    dialog = editor_of(
        qtbot,
        tmp_path,
        world,
        furniture=lambda: report[0],
        clean_zones=lambda c, p, z: clean_zones(world.detection, c, p, z),  # type: ignore[arg-type]
    )
    hint = dialog.taught.reference_hint
    dialog.refresh()
    assert not hint.isVisible(), "furniture learnt over days is not the reference's"
    report[0] = (None, (STALL, KIOSK))
    dialog.refresh()
    assert hint.isVisible()
    assert "holds 1 object(s)" in hint.text() and "Clean now" in hint.text()
    report[0] = (None, ())  # "clean now" done, the stall gone: the reference holds nothing
    dialog.refresh()
    assert not hint.isVisible()


def test_no_hint_where_clean_now_is_not_offered(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    dialog = editor_of(qtbot, tmp_path, world, furniture=lambda: (None, (STALL,)))
    dialog.refresh()
    assert not dialog.taught.reference_hint.isVisible()
