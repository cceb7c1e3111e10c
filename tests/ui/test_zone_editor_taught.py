"""The zone editor shows what detection learnt of the view: the camera's suppressed places (listed
with what, where, who, when, why; drawn hatched on the picture; removable with a confirmation, by
button or Delete), the furniture detection reports, "clean now" for a saved no-vending zone, and
the camera's verdict counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.alert_ports import AlertQuery
from app.core.alerts import Alert, AlertState, Box, DismissReason
from app.services.suppression_store import SuppressionStore
from app.services.suppressions import SuppressionService
from app.services.zone_store import ZoneStore
from app.ui.detection.scene_marks import FURNITURE_COLOUR, SUPPRESSED_COLOUR
from app.ui.detection.suppressed_places import TaughtView, clean_zones
from app.ui.detection.zone_editor import ZoneEditorDialog
from camera_config.models import DetectionSettings, ZoneSpec
from detectors.types import Suppression
from tests.alert_fakes import alert_service, detected
from tests.ui.fakes import FakeSource
from tests.ui.test_zone_editor import SQUARE, camera, open_editor

BOARD = Box(0.6, 0.2, 0.8, 0.5, "0501", 0.8)  # a sign board dismissed as a fixed object


class FakeDetection:
    def __init__(self) -> None:
        self.told: dict[str, tuple[Suppression, ...]] = {}
        self.cleaned: list[tuple[str, str | None, list[str]]] = []

    def set_suppressions(self, camera_id: str, suppressions: Iterable[Suppression]) -> None:
        self.told[camera_id] = tuple(suppressions)

    def bins_clean(self, camera_id: str, preset: str | None, bin_ids: Iterable[str]) -> None:
        pass

    def zones_clean(self, camera_id: str, preset: str | None, zone_ids: list[str]) -> None:
        self.cleaned.append((camera_id, preset, zone_ids))


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.alerts, self.writer, self.clock = alert_service()
        self.detection = FakeDetection()
        store = SuppressionStore.open(tmp_path / "suppressions.json")
        self.service = SuppressionService(
            store, self.clock, detection=self.detection, record=self.alerts.record_event
        )
        self.alerts.subscribe(self.service.on_alert_change)
        self.confirms: list[str] = []
        self.answer = True

    def dismiss(self, alert_id: str, preset: str | None, reason: DismissReason, by: str = "张三") -> None:
        alert = replace(detected(alert_id, preset=preset, zone_id="zone-1"), boxes=(BOARD,))
        self.alerts.detector_raised(alert)
        self.alerts.dismiss(alert_id, by, reason)

    def confirm(self, _parent: object, question: str) -> bool:
        self.confirms.append(question)
        return self.answer


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def editor_of(qtbot: QtBot, tmp_path: Path, world: World, **taught: object) -> ZoneEditorDialog:
    store = ZoneStore(
        tmp_path / "zones.json", {"cam1": (ZoneSpec(id="zone-1", name="北门", polygon=SQUARE),)}
    )
    links = TaughtView(
        suppressions=world.service,
        operator=lambda: "李四",
        **taught,  # type: ignore[arg-type]
    )
    dialog = ZoneEditorDialog(FakeSource(["cam1"]), camera(), DetectionSettings(), store, taught=links)
    assert dialog.taught.places is not None
    dialog.taught.places._confirm = world.confirm
    return open_editor(qtbot, dialog)


def lines(dialog: ZoneEditorDialog) -> list[str]:
    places = dialog.taught.places
    assert places is not None
    return [item.text() for row in range(places.list.count()) if (item := places.list.item(row)) is not None]


def colour_pixels(dialog: ZoneEditorDialog, box: tuple[float, float, float, float], colour: QColor) -> int:
    """Pixels of about ``colour`` inside ``box`` (picture fractions) as the canvas paints it."""
    image = dialog.canvas.grab().toImage()
    a, b = dialog.canvas.to_widget(box[:2]), dialog.canvas.to_widget(box[2:])
    found = 0
    for x in range(int(a.x()), int(b.x()) + 1, 2):
        for y in range(int(a.y()), int(b.y()) + 1, 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue())
                < 90
            ):
                found += 1
    return found


def test_suppressed_places_are_listed_with_who_when_why_and_drawn_at_their_preset(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    world.dismiss("a1", None, DismissReason.FIXED_OBJECT)
    world.dismiss("a2", "2", DismissReason.FALSE_DETECTION, by="王五")
    dialog = editor_of(qtbot, tmp_path, world)
    first, second = lines(dialog)
    assert first.splitlines()[0] == "Unlicensed street vendor 0501 — Fixed object"
    assert first.splitlines()[1] == "北门禁摆区, fixed view"
    assert first.splitlines()[2].startswith("by 张三 at ") and first.endswith("alert a1")
    assert "False detection" in second and "preset 2" in second and "王五" in second
    assert dialog.taught.places is not None and dialog.taught.places.title() == "Suppressed false alarms (2)"
    assert [p.alert_id for p in dialog.taught.marks.places] == ["a1"], "only this view's place is drawn"
    assert colour_pixels(dialog, (0.6, 0.2, 0.8, 0.5), SUPPRESSED_COLOUR) > 20


def test_delete_asks_then_removes_the_place_and_detection_is_told(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    world.dismiss("a1", None, DismissReason.FIXED_OBJECT)
    dialog = editor_of(qtbot, tmp_path, world)
    places = dialog.taught.places
    assert places is not None
    places.list.setCurrentRow(0)
    assert dialog.taught.marks.selected == "a1-1"
    world.answer = False
    QTest.keyClick(places.list, Qt.Key.Key_Delete)
    assert len(world.confirms) == 1 and "will raise alerts again" in world.confirms[0]
    assert len(lines(dialog)) == 1 and len(world.detection.told["cam1"]) == 1, "No: nothing removed"
    world.answer = True
    QTest.keyClick(places.list, Qt.Key.Key_Delete)
    assert lines(dialog) == [] and world.service.of_camera("cam1") == ()
    assert world.detection.told["cam1"] == ()
    assert world.writer.events[-1].action == "unsuppress" and world.writer.events[-1].actor == "李四"
    assert (
        places.message.text()
        == "Removed: Unlicensed street vendor 0501 — Fixed object. Detection raises it again there."
    )
    assert dialog.taught.marks.places == ()
    assert places.empty.isVisible() and "None yet" in places.empty.text()


def test_the_remove_button_and_a_dismissal_made_meanwhile(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    dialog = editor_of(qtbot, tmp_path, world)
    places = dialog.taught.places
    assert places is not None and lines(dialog) == [] and not places.remove_button.isEnabled()
    world.dismiss("a3", None, DismissReason.FALSE_DETECTION)  # at the triage list, while the editor is open
    qtbot.waitUntil(lambda: len(lines(dialog)) == 1)
    assert [p.id for p in dialog.taught.marks.places] == ["a3-1"]
    places.list.setCurrentRow(0)
    assert places.remove_button.isEnabled()
    qtbot.mouseClick(places.remove_button, Qt.MouseButton.LeftButton)
    assert lines(dialog) == [] and world.detection.told["cam1"] == ()


def test_furniture_detection_reports_is_drawn_with_a_legend_at_its_preset_only(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    report: list[tuple[str | None, tuple[Box, ...]]] = [("2", (Box(0.1, 0.55, 0.3, 0.9, "bench"),))]
    dialog = editor_of(qtbot, tmp_path, world, furniture=lambda: report[0])
    dialog.refresh()
    assert dialog.taught.marks.furniture == (), "a check of another preset: not this view's"
    report[0] = (None, report[0][1])
    dialog.refresh()
    assert len(dialog.taught.marks.furniture) == 1
    assert colour_pixels(dialog, (0.1, 0.55, 0.3, 0.9), FURNITURE_COLOUR) > 10


def test_clean_now_takes_the_selected_saved_zones_reference(
    qtbot: QtBot, tmp_path: Path, world: World
) -> None:
    dialog = editor_of(
        qtbot,
        tmp_path,
        world,
        clean_zones=lambda c, p, z: clean_zones(world.detection, c, p, z),  # type: ignore[arg-type]
    )
    button = dialog.taught.clean_button
    assert button.isVisible() and not button.isEnabled()
    dialog.canvas.select(0)  # the saved zone 北门
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert world.detection.cleaned == [("cam1", None, ["zone-1"])]
    assert (
        "Zone 北门: its reference is taken from the next checked picture"
        in dialog.taught.clean_message.text()
    )


def test_the_cameras_verdict_counts_are_shown(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    asked: list[AlertQuery] = []

    def search(query: AlertQuery) -> list[Alert]:
        asked.append(query)
        made = [detected(f"v{n}", zone_id=f"z{n}") for n in range(4)]
        made[0] = replace(made[0], state=AlertState.CONFIRMED)
        made[1] = replace(made[1], state=AlertState.DISMISSED, dismiss_reason=DismissReason.FIXED_OBJECT)
        return made

    dialog = editor_of(qtbot, tmp_path, world, search=search)
    places = dialog.taught.places
    assert places is not None
    qtbot.waitUntil(lambda: "share" in places.counts.text())
    assert asked[0].camera_ids == frozenset({"cam1"}) and asked[0].states is None
    text = places.counts.text()
    assert "Verdicts of the last 30 days" in text and "Street vending" in text
    assert (
        "2 judged: 1 confirmed, 0 false detection, 1 fixed object" in text and "false-alarm share 50%" in text
    )


def test_a_damaged_file_of_places_is_said_in_the_editor(qtbot: QtBot, tmp_path: Path, world: World) -> None:
    world.dismiss("a1", None, DismissReason.FIXED_OBJECT)
    path = tmp_path / "suppressions.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"box"', '"box" ]', 1), encoding="utf-8")
    world.service = SuppressionService(SuppressionStore.open(path), world.clock)
    dialog = editor_of(qtbot, tmp_path, world)
    places = dialog.taught.places
    assert places is not None
    assert places.message.text().startswith("The file of suppressed places has a problem: ")
    assert f"{path}:" in places.message.text() and "not valid JSON" in places.message.text()
