"""The zone editor, driven by clicks and keys on a live (fake) picture: draw, move, delete, bins with
an overflow line, names, validation in words, saving to the zone store, and PTZ presets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.preset_tracking import Place, PlaceSnapshot, PresetPoint
from app.media.protocol import ViewMode
from app.services.zone_store import ZoneStore
from app.ui.detection.zone_canvas import ZoneCanvas
from app.ui.detection.zone_editor import ZoneEditorDialog
from app.ui.detection.zone_shapes import LINE, rule_sections
from app.ui.i18n import Translations
from camera_config.models import Camera, DetectionSettings, PtzSettings, RtspSource, ZoneSpec
from tests.ui.fakes import FakeSource

LEFT = Qt.MouseButton.LeftButton
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SQUARE = ((0.2, 0.3), (0.5, 0.3), (0.5, 0.6), (0.2, 0.6))


def camera(ptz: bool = False, zones: tuple[ZoneSpec, ...] = ()) -> Camera:
    from camera_config.models import CameraDetection

    return Camera(
        id="cam1",
        name="菜市场北门",
        source=RtspSource(main="rtsp://10.0.0.5/main"),
        ptz=PtzSettings(endpoint="http://10.0.0.5/onvif/device_service") if ptz else None,
        detection=CameraDetection(zones=zones) if zones else None,
    )


def at(canvas: ZoneCanvas, p: tuple[float, float]) -> QPoint:
    return canvas.to_widget(p).toPoint()


def click(canvas: ZoneCanvas, p: tuple[float, float]) -> None:
    QTest.mouseClick(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, p))


def drag(canvas: ZoneCanvas, a: tuple[float, float], b: tuple[float, float]) -> None:
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, a))
    QTest.mouseMove(canvas, at(canvas, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)))
    QTest.mouseMove(canvas, at(canvas, b))
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, b))


def near(p: tuple[float, float], q: tuple[float, float], tol: float = 0.01) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


@pytest.fixture
def source() -> FakeSource:
    return FakeSource(["cam1"])


@pytest.fixture
def store(tmp_path: Path) -> ZoneStore:
    return ZoneStore(tmp_path / "zones.json", {"cam1": ()})


def open_editor(qtbot: QtBot, dialog: ZoneEditorDialog) -> ZoneEditorDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.canvas.image is not None, timeout=3000)
    return dialog


@pytest.fixture
def editor(qtbot: QtBot, source: FakeSource, store: ZoneStore) -> Iterator[ZoneEditorDialog]:
    yield open_editor(qtbot, ZoneEditorDialog(source, camera(), DetectionSettings(), store))


def draw_polygon(canvas: ZoneCanvas, points: tuple[tuple[float, float], ...]) -> None:
    QTest.keyClick(canvas, Qt.Key.Key_N)
    for p in points[:-1]:
        click(canvas, p)
    QTest.mouseDClick(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, points[-1]))


def test_the_live_picture_comes_from_the_main_stream(
    qtbot: QtBot, editor: ZoneEditorDialog, source: FakeSource
) -> None:
    assert source.demands["zone-editor"] == {"cam1": (ViewMode.FOCUSED, (960, 720))}
    first = source.reads
    qtbot.waitUntil(lambda: source.reads >= first + 2, timeout=3000)  # refreshed a few times a second
    editor.close()
    assert source.demands["zone-editor"] == {}


def test_draw_a_polygon_move_a_point_delete_one_and_save(
    qtbot: QtBot, editor: ZoneEditorDialog, store: ZoneStore
) -> None:
    canvas = editor.canvas
    draw_polygon(canvas, SQUARE)
    assert len(editor.shapes) == 1
    shape = editor.shapes[0]
    assert shape.kind == "no_vending" and shape.id == "zone-1" and shape.name == "No-vending zone 1"
    assert len(shape.points) == 4 and all(near(p, q) for p, q in zip(shape.points, SQUARE, strict=True))
    assert editor.shape_list.count() == 1 and canvas.selected == 0
    # move a point by dragging it
    drag(canvas, SQUARE[2], (0.6, 0.7))
    assert near(shape.points[2], (0.6, 0.7)) and canvas.selected_point == 2
    # move it further with the keys: 10 pixels right
    before = shape.points[2]
    QTest.keyClick(canvas, Qt.Key.Key_Right, SHIFT)
    assert shape.points[2][0] > before[0] and shape.points[2][1] == pytest.approx(before[1])
    # delete the selected point
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(shape.points) == 3
    # a triangle keeps its three points, and says why
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(shape.points) == 3 and "at least 3 points" in (shape.error or "")
    # rename it
    editor.name_edit.selectAll()
    QTest.keyClicks(editor.name_edit, "North gate")
    assert shape.name == "North gate" and editor.shape_list.item(0).text().startswith("North gate")
    editor.name_edit.setText("北门禁摆区")  # (QTest cannot type Chinese)
    assert shape.name == "北门禁摆区"
    with qtbot.waitSignal(editor.zones_saved, timeout=2000) as saved:
        QTest.keyClick(editor, Qt.Key.Key_S, CTRL)
    zones = store.zones("cam1")
    assert saved.args == ["cam1", zones]
    assert [(z.id, z.name, z.kind, z.preset, len(z.polygon)) for z in zones] == [
        ("zone-1", "北门禁摆区", "no_vending", None, 3)
    ]
    assert not editor.isVisible()


def test_a_bin_is_a_rectangle_with_an_overflow_line_to_drag(
    qtbot: QtBot, editor: ZoneEditorDialog, store: ZoneStore
) -> None:
    canvas = editor.canvas
    QTest.keyClick(canvas, Qt.Key.Key_B)
    drag(canvas, (0.6, 0.5), (0.7, 0.7))
    shape = editor.shapes[0]
    assert shape.kind == "bin" and shape.name == "Bin 1" and shape.id == "bin-1"
    x1, y1, x2, y2 = shape.bounds()
    assert near((x1, y1), (0.6, 0.5)) and near((x2, y2), (0.7, 0.7))
    assert shape.line is not None and shape.line < y1  # a little above the rim
    # drag the line up a little
    drag(canvas, (0.65, shape.line), (0.65, 0.45))
    assert shape.line == pytest.approx(0.45, abs=0.01) and canvas.selected_point == LINE
    # dragging a corner keeps it a rectangle
    drag(canvas, (0.7, 0.7), (0.72, 0.75))
    assert shape.bounds() == pytest.approx((0.6, 0.5, 0.72, 0.75), abs=0.01)
    assert len(shape.points) == 4
    # and a mask over the clock
    QTest.keyClick(canvas, Qt.Key.Key_M)
    for p in ((0.01, 0.01), (0.4, 0.01), (0.4, 0.07)):
        click(canvas, p)
    QTest.keyClick(canvas, Qt.Key.Key_Return)
    assert [s.kind for s in editor.shapes] == ["bin", "mask"]
    assert editor.save()
    bin_zone, mask = store.zones("cam1")
    assert bin_zone.kind == "bin" and bin_zone.overflow_line == pytest.approx(0.45, abs=0.01)
    assert mask.kind == "mask" and mask.id == "mask-1" and mask.name == "Mask 1"


def test_a_shape_is_drawn_with_the_keyboard_alone(qtbot: QtBot, editor: ZoneEditorDialog) -> None:
    canvas = editor.canvas
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_N)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_Down, Qt.Key.Key_Space):
        QTest.keyClick(canvas, key, SHIFT if key != Qt.Key.Key_Space else Qt.KeyboardModifier.NoModifier)
    assert len(canvas.draft) == 3
    QTest.keyClick(canvas, Qt.Key.Key_Return)
    assert len(editor.shapes) == 1 and editor.shapes[0].kind == "no_vending"
    # [ and ] walk the points; Insert adds one after the selected point
    QTest.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.selected_point == 0
    QTest.keyClick(canvas, Qt.Key.Key_Insert)
    assert len(editor.shapes[0].points) == 4 and canvas.selected_point == 1
    # the kind can be changed in the side panel: a polygon becomes a bin's rectangle with a line
    editor.kind_box.setCurrentIndex(editor.kind_box.findData("bin"))
    editor.kind_box.activated.emit(editor.kind_box.currentIndex())
    assert editor.shapes[0].kind == "bin" and editor.shapes[0].line is not None
    QTest.keyClick(canvas, Qt.Key.Key_Delete, SHIFT)
    assert editor.shapes == [] and editor.shape_list.count() == 0


def test_invalid_shapes_are_refused_in_words_next_to_them(
    qtbot: QtBot, editor: ZoneEditorDialog, store: ZoneStore
) -> None:
    canvas = editor.canvas
    draw_polygon(canvas, ((0.2, 0.3), (0.5, 0.6), (0.5, 0.3), (0.2, 0.6)))  # a bow tie
    QTest.keyClick(canvas, Qt.Key.Key_B)
    drag(canvas, (0.6, 0.3), (0.7, 0.5))
    bin_shape = editor.shapes[1]
    assert bin_shape.line is not None
    drag(canvas, (0.65, bin_shape.line), (0.65, 0.8))  # the line dragged below the bin's foot
    assert not editor.save()
    assert editor.isVisible() and store.zones("cam1") == () and not (store.path.exists())
    assert editor.shapes[0].error == "The outline crosses itself: drag a point so that it does not."
    assert "overflow line must cross the bin" in (bin_shape.error or "")
    assert "2 shape(s) have a problem" in editor.status.text()
    assert editor.shape_list.item(0).text().startswith("⚠")
    assert canvas.selected == 0 and editor.shape_error.text() == editor.shapes[0].error
    # fixing the line clears that problem; the bow tie still blocks saving
    drag(canvas, (0.65, 0.8), (0.65, 0.28))
    assert bin_shape.error is None and not editor.save()


def test_the_zones_of_other_presets_are_kept_and_ids_stay_unique(qtbot: QtBot, source: FakeSource) -> None:
    other = ZoneSpec(id="zone-1", name="全景区", preset="1", polygon=SQUARE)
    here = ZoneSpec(id="zone-2", name="人行道", preset="2", polygon=SQUARE)
    place = PlaceSnapshot(Place.SETTLED, 0.0, PresetPoint("2", "人行道"))
    dialog = open_editor(
        qtbot,
        ZoneEditorDialog(source, camera(True, (other, here)), DetectionSettings(), None, place=lambda: place),
    )
    assert dialog.preset == "2" and [s.id for s in dialog.shapes] == ["zone-2"]
    assert "preset 人行道" in dialog.view_label.text()
    draw_polygon(dialog.canvas, ((0.6, 0.1), (0.9, 0.1), (0.9, 0.3)))
    assert dialog.shapes[-1].id == "zone-3"  # zone-1 is taken at preset 1
    with qtbot.waitSignal(dialog.zones_saved, timeout=2000) as saved:
        assert dialog.save()
    assert [(z.id, z.preset) for z in saved.args[1]] == [("zone-1", "1"), ("zone-2", "2"), ("zone-3", "2")]


def test_zones_written_against_the_preset_name_are_found(qtbot: QtBot, source: FakeSource) -> None:
    by_name = ZoneSpec(id="kerb", name="路沿", preset="商铺门口", polygon=SQUARE)
    place = PlaceSnapshot(Place.SETTLED, 0.0, PresetPoint("3", "商铺门口"))
    dialog = open_editor(
        qtbot,
        ZoneEditorDialog(source, camera(True, (by_name,)), DetectionSettings(), None, place=lambda: place),
    )
    assert dialog.preset == "商铺门口" and [s.id for s in dialog.shapes] == ["kerb"]


def test_a_moving_ptz_camera_cannot_be_edited_and_says_why(
    qtbot: QtBot, source: FakeSource, store: ZoneStore
) -> None:
    place = PlaceSnapshot(Place.MOVING, 0.0, None, target="2")
    dialog = open_editor(
        qtbot, ZoneEditorDialog(source, camera(True), DetectionSettings(), store, place=lambda: place)
    )
    canvas = dialog.canvas
    assert canvas.locked is not None and "The camera is moving" in canvas.locked
    assert "waits until it settles" in dialog.view_label.text()
    assert not dialog.new_zone_button.isEnabled() and not dialog.save_button.isEnabled()
    draw_polygon(canvas, SQUARE)  # refused: nothing is drawn
    assert dialog.shapes == [] and canvas.mode == "select"
    assert not dialog.save()
    # off every preset: still refused, with another reason
    place = PlaceSnapshot(Place.OFF_PRESET, 0.0)
    qtbot.waitUntil(lambda: "not on a preset" in (canvas.locked or ""), timeout=2000)
    # settled on preset 3: editing opens, for that preset
    place = PlaceSnapshot(Place.SETTLED, 0.0, PresetPoint("3", "商铺门口"))
    qtbot.waitUntil(lambda: canvas.locked is None, timeout=2000)
    assert dialog.preset == "3" and dialog.new_zone_button.isEnabled()
    draw_polygon(canvas, SQUARE)
    # it moves again before the operator saved: the shapes are kept, editing stops
    place = PlaceSnapshot(Place.MOVING, 0.0)
    qtbot.waitUntil(lambda: canvas.locked is not None, timeout=2000)
    assert len(dialog.shapes) == 1 and not dialog.save_button.isEnabled()
    # it lands on another preset: the unsaved shapes still belong to preset 3, and may be saved
    place = PlaceSnapshot(Place.SETTLED, 0.0, PresetPoint("1", "全景"))
    qtbot.waitUntil(lambda: "went to preset 全景" in (canvas.locked or ""), timeout=2000)
    assert dialog.save_button.isEnabled() and dialog.save()
    assert [(z.id, z.preset) for z in store.zones("cam1")] == [("zone-1", "3")]


def test_rule_parameters_are_shown_with_where_to_change_them(qtbot: QtBot, source: FakeSource) -> None:
    settings = DetectionSettings(
        revisit_s=6, rules={"vending": {"persistence": {"dwell_s": 240}}, "bins": {"threshold": 2}}
    )
    dialog = open_editor(qtbot, ZoneEditorDialog(source, camera(), settings, None))
    text = dialog.rules_label.text()
    assert "240 s" in text and "6 s" in text and "system administrator" in text
    assert "detection.rules.bins.threshold" in text  # a bad value is named, not hidden
    sections = rule_sections(DetectionSettings())
    assert [s.where for s in sections] == [
        "detection.revisit_s, detection.warmup_s",
        "detection.rules.vending, detection.class_events",
        "detection.rules.bins",
    ]
    mapped = rule_sections(DetectionSettings(class_events={"goods_pile": "0504"}))[1].rows[-1]
    assert mapped == (
        "What counts",
        "Unlicensed street vendor (0501): street vendor, stall, cart, tricycle, umbrella, stationary object; "
        "Trading outside the shop (0504): goods, goods_pile",
    )  # the operator's words, not the model's class names
    assert ("Alert after", "180 s") in sections[1].rows  # the detectors' default: 3 minutes


def test_chinese_words(qtbot: QtBot, editor: ZoneEditorDialog) -> None:
    Translations().set_language("zh_CN")
    qtbot.waitUntil(lambda: editor.save_button.text().startswith("保存"), timeout=2000)
    draw_polygon(editor.canvas, SQUARE)
    assert editor.shapes[0].name == "禁止区域 1"
    assert editor.kind_box.itemText(editor.kind_box.findData("bin")) == "垃圾桶"


def test_zones_a_colleague_saved_first_are_kept_and_saving_again_replaces_them(
    qtbot: QtBot, editor: ZoneEditorDialog, store: ZoneStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITYWALL_WORKSTATION", "east")
    east = ZoneStore(tmp_path / "zones.json", {"cam1": ()})
    east.load()
    east.save("cam1", None, [ZoneSpec(id="zone-9", name="东侧", polygon=SQUARE)])  # while west draws
    draw_polygon(editor.canvas, SQUARE)

    assert not editor.save()
    assert "was changed at workstation “east”" in editor.status.text()
    assert "Save again to replace theirs with yours" in editor.status.text()
    assert editor.isVisible() and len(editor.shapes) == 1  # the drawing is kept
    assert [z.id for z in store.zones("cam1")] == ["zone-9"]  # the store shows east's

    with qtbot.waitSignal(editor.zones_saved, timeout=2000):
        assert editor.save()
    assert [z.id for z in fresh(tmp_path / "zones.json").zones("cam1")] == ["zone-1"]


def fresh(path: Path) -> ZoneStore:
    again = ZoneStore(path, {"cam1": ()})
    again.load()
    return again
