"""Detection results drawn on every wall pane: boxes, the alert flash, stale boxes, revisit words."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import QRectF, Qt
from pytestqt.qtbot import QtBot

from app.core.alerts import AlertState, DismissReason
from app.core.detection_pause import Pause, PauseReason
from app.core.wall_layout import grid_layout
from app.services.detection.protocol import (
    CameraRevisit,
    DetectionUpdate,
    OverlayBox,
    RevisitStats,
)
from app.ui.camera_tree import CAMERA_ROLE, CameraTree
from app.ui.detection.overlay_feed import (
    ALERT_COLOUR,
    ALERT_FLASH_S,
    PAUSE_WORDS,
    OverlayFeed,
    overlay_box,
    pause_text,
    revisit_text,
)
from app.ui.i18n import Translations
from app.ui.wall.compositor import TileInfo, WallCompositor
from app.ui.wall.overlay import label_rects
from tests.alert_fakes import alert_service, detected
from tests.ui.fakes import FakeSource


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wall(qtbot: QtBot, source: FakeSource, client: str) -> WallCompositor:
    compositor = WallCompositor(source, client_id=client)
    qtbot.addWidget(compositor)
    compositor.resize(640, 360)
    compositor.show_page(grid_layout(2, 1), [TileInfo("cam1", "北门"), TileInfo("cam2", "人民路口")])
    return compositor


def update(camera_id: str, t: float, *boxes: OverlayBox, paused: bool = False) -> DetectionUpdate:
    return DetectionUpdate(camera_id, None, t, tuple(boxes), paused)


def revisit(camera_id: str, interval: float | None, pause: Pause | None = None) -> CameraRevisit:
    return CameraRevisit(camera_id, pause is None, pause, 999.0 if interval else None, interval)


def test_boxes_and_alert_flash_reach_every_pane(qtbot: QtBot) -> None:
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    panes = [wall(qtbot, source, "a")]
    feed = OverlayFeed(lambda: panes, clock=clock)
    feed.set_show_all(True)  # every box (the default shows only what an operator needs)
    alerts, _, _ = alert_service()
    alerts.subscribe(feed.on_alert_change)  # (the window connects it through AlertSignals)
    feed.handle(update("cam1", clock.now, OverlayBox(0.1, 0.2, 0.3, 0.4, "stationary", kind="stationary")))
    tile = panes[0].tiles()[0]
    assert [(b.x1, b.label, b.colour) for b in tile.boxes] == [(0.1, "stationary object", (255, 140, 40))]
    assert tile.flash_until == 0.0 and panes[0].tiles()[1].boxes == []
    alerts.detector_raised(detected("a1"))
    assert tile.boxes[0].label == "Street vending 0501" and tile.boxes[0].colour == ALERT_COLOUR
    assert len(tile.boxes) == 2 and tile.flash_until > 0
    # a later check must not stop the flash
    clock.now += 5
    feed.handle(update("cam1", clock.now))
    assert tile.boxes[0].colour == ALERT_COLOUR and tile.flash_until > 0
    # a wall opened later gets what is on the others at the next tick
    panes.append(wall(qtbot, source, "b"))
    feed.tick()
    late = panes[1].tiles()[0]
    assert [b.label for b in late.boxes] == ["Street vending 0501"] and late.flash_until > 0
    alerts.acknowledge("a1", "王芳")  # still open: its boxes stay
    assert [b.colour for b in tile.boxes] == [ALERT_COLOUR]
    alerts.detector_cleared("a1", 1_780_000_100.0)
    assert tile.boxes == [] and late.boxes == []
    assert ALERT_FLASH_S > 5


def test_a_dismissed_alert_leaves_the_wall_at_once(qtbot: QtBot) -> None:
    """The operator dismisses a false alarm: its red boxes and the flash go from every pane at the
    dismissal (the detector still sees the thing: its clear would come much later)."""
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    panes = [wall(qtbot, source, "a"), wall(qtbot, source, "b")]
    feed = OverlayFeed(lambda: panes, clock=clock)
    alerts, _, _ = alert_service()
    alerts.subscribe(feed.on_alert_change)
    alerts.detector_raised(detected("a1"))
    alerts.detector_raised(detected("a2", "cam2", zone_id="z2"))
    assert all(p.tiles()[0].boxes and p.tiles()[0].flash_until > 0 for p in panes)
    alerts.dismiss("a1", "王芳", DismissReason.FIXED_OBJECT)
    for pane in panes:
        assert pane.tiles()[0].boxes == [] and pane.tiles()[0].flash_until == 0.0
        assert [b.colour for b in pane.tiles()[1].boxes] == [ALERT_COLOUR]  # the other camera's stays
    alerts.detector_raised(detected("a3", at=1_780_000_050.0))  # it comes back: a new alert, shown
    assert [b.label for b in panes[0].tiles()[0].boxes] == ["Street vending 0501"]


def test_alerts_loaded_at_start_are_on_the_wall(qtbot: QtBot) -> None:
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    pane = wall(qtbot, source, "a")
    feed = OverlayFeed(lambda: [pane], clock=clock)
    alerts, _, _ = alert_service()
    alerts.load(
        [detected("stored"), dataclasses.replace(detected("done", "cam2"), state=AlertState.DISMISSED)]
    )
    feed.show_alerts(alerts.alerts())
    assert [b.colour for b in pane.tiles()[0].boxes] == [ALERT_COLOUR] and pane.tiles()[1].boxes == []
    assert pane.tiles()[0].flash_until == 0.0  # (it is not new)


def test_box_labels_are_worded_for_the_operator() -> None:
    """Class names in the operator's words with the model's score; a bin by its site name."""
    assert overlay_box(OverlayBox(0, 0, 1, 1, "stall", score=0.874, kind="object")).label == "stall 0.87"
    assert overlay_box(OverlayBox(0, 0, 1, 1, "stationary", kind="stationary")).label == "stationary object"
    assert (
        overlay_box(OverlayBox(0, 0, 1, 1, "草坪旁垃圾桶", score=1.0, kind="bin")).label
        == "草坪旁垃圾桶 1.00"
    )
    assert overlay_box(OverlayBox(0, 0, 1, 1, "forklift", score=0.5, kind="object")).label == "forklift 0.50"


def test_a_bins_label_comes_before_stationary_objects_around_it(qtbot: QtBot) -> None:
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    pane = wall(qtbot, source, "a")
    feed = OverlayFeed(lambda: [pane], clock=clock)
    feed.set_show_all(True)  # every box (the default shows only what an operator needs)
    stationary = OverlayBox(0.4, 0.5, 0.5, 0.6, "stationary", kind="stationary")
    bin_box = OverlayBox(0.42, 0.5, 0.5, 0.7, "草坪旁垃圾桶", score=0.8, kind="bin")
    feed.handle(update("cam1", clock.now, stationary, bin_box))
    assert [b.label for b in pane.tiles()[0].boxes] == ["草坪旁垃圾桶 0.80", "stationary object"]


def test_paused_and_stale_boxes_go(qtbot: QtBot) -> None:
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    pane = wall(qtbot, source, "a")
    feed = OverlayFeed(lambda: [pane], clock=clock)
    box = OverlayBox(0.1, 0.2, 0.3, 0.4, "stall")
    feed.handle(update("cam2", clock.now, box))
    assert len(pane.tiles()[1].boxes) == 1
    feed.handle(update("cam2", clock.now, box, paused=True))  # the camera moved: nothing is known
    assert pane.tiles()[1].boxes == []
    feed.handle(update("cam2", clock.now, box))
    feed.handle(RevisitStats((revisit("cam2", 10.0),), 0.5, 30.0))
    clock.now += 25  # within 3 revisit intervals
    feed.tick()
    assert len(pane.tiles()[1].boxes) == 1
    clock.now += 10
    feed.tick()
    assert pane.tiles()[1].boxes == [] and feed.boxes("cam2") == []


def test_revisit_words_for_tiles_tree_and_status_bar(qtbot: QtBot) -> None:
    feed = OverlayFeed(lambda: [])
    assert feed.revisit_text("cam1") is None and feed.summary_text() == ""
    stats = RevisitStats(
        (
            revisit("cam1", 6.2),
            revisit("cam2", None, Pause(PauseReason.MOVING)),
            revisit("cam3", None, Pause(PauseReason.NO_ZONES)),
            revisit("cam4", None, Pause(PauseReason.DETECTOR_NOT_LOADED)),
        ),
        samples_per_s=0.5,
        inference_ms=34.6,
    )
    with qtbot.waitSignal(feed.revisit_changed) as changed, qtbot.waitSignal(feed.stats_changed):
        feed.handle(stats)
    assert changed.args == ["cam1"] or changed.args[0] in {"cam1", "cam2", "cam3", "cam4"}
    assert feed.revisit_text("cam1") == "checked every 6 s"
    assert feed.revisit_text("cam2") == "paused: moving or off preset"
    assert feed.revisit_text("cam3") == "not watched: no zones drawn for this view"
    assert feed.revisit_text("cam4") == "detection off: a detector could not be loaded"
    # Cameras without zones or with detection off are not watched at all; only the moving one is paused.
    assert feed.summary_text() == ("detection: 1 camera(s) checked, every 6 s, 1 paused, 2 not watched")
    assert feed.diagnostics_text() == "detection diagnostics: 35 ms per check"  # not in the status bar
    assert revisit_text(CameraRevisit("x", True, None, None, None)) == "waiting for the first check"
    assert pause_text(Pause(PauseReason.WARMING_UP, seconds_left=5)) == "paused: warming up (5 s)"
    assert pause_text(Pause(PauseReason.NO_ZONES, preset="2")) == "not watched: no zones drawn for preset 2"
    assert pause_text(Pause(PauseReason.CAMERA_DETECTION_OFF)) == "detection off"
    Translations().set_language("zh_CN")
    assert feed.revisit_text("cam1") == "每 6 秒检测一次"
    assert feed.summary_text() == "检测：1 路，每 6 秒，1 路暂停，2 路未布控"  # full-width commas
    assert feed.revisit_text("cam2") == "暂停：转动中或不在预置位"
    assert feed.revisit_text("cam3") == "未布控：此画面未划检测区域"
    assert pause_text(Pause(PauseReason.WARMING_UP, seconds_left=5)) == "暂停：预热中（5 秒）"
    assert overlay_box(OverlayBox(0, 0, 1, 1, "stationary", kind="stationary")).label == "静止物体"
    assert overlay_box(OverlayBox(0, 0, 1, 1, "tricycle", score=0.9, kind="object")).label == "三轮车 0.90"


@pytest.mark.parametrize("reason", list(PauseReason))
def test_every_reason_not_to_check_a_camera_has_words_in_both_languages(reason: PauseReason) -> None:
    """A reason added to the scheduler without words here (or without Chinese) fails."""
    pause = Pause(reason, seconds_left=5 if reason is PauseReason.WARMING_UP else None)
    english = pause_text(pause)
    assert reason in PAUSE_WORDS and english and "{" not in english
    Translations().set_language("zh_CN")
    chinese = pause_text(pause)
    assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese), chinese
    assert not re.search(r"[A-Za-z{]", chinese), chinese  # no English left, no unfilled field
    if reason is PauseReason.WARMING_UP:
        assert "5" in chinese


def test_a_paused_camera_says_why_in_the_camera_tree(qtbot: QtBot) -> None:
    """The operator hovers a camera in the tree: the detection line says why it is not checked."""
    feed = OverlayFeed(lambda: [])
    tree = CameraTree(
        FakeSource(["dome", "gate"]), [TileInfo("dome", "人民路口"), TileInfo("gate", "北门")], []
    )
    qtbot.addWidget(tree)
    tree.extra_tooltip = feed.revisit_text
    feed.revisit_changed.connect(lambda _camera: tree.refresh_states(force=True))  # as the window wires it
    Translations().set_language("zh_CN")

    def tooltip(camera_id: str) -> str:
        model = tree.view.model()
        ungrouped = model.index(0, 0)
        for row in range(model.rowCount(ungrouped)):
            index = model.index(row, 0, ungrouped)
            if index.data(CAMERA_ROLE) == camera_id:
                return str(index.data(Qt.ItemDataRole.ToolTipRole))
        raise AssertionError(f"{camera_id} is not in the tree")

    feed.handle(
        RevisitStats(
            (
                revisit("dome", None, Pause(PauseReason.NO_ZONES, preset="2")),
                revisit("gate", None, Pause(PauseReason.WARMING_UP, seconds_left=4)),
            ),
            samples_per_s=0.0,
            inference_ms=0.0,
        )
    )
    assert tooltip("dome").endswith("\n未布控：预置位 2 未划检测区域")
    assert tooltip("gate").endswith("\n暂停：预热中（4 秒）")
    feed.handle(RevisitStats((revisit("dome", None, Pause(PauseReason.MOVING)),), 0.0, 0.0))
    assert tooltip("dome").endswith("\n暂停：转动中或不在预置位")


def test_box_labels_never_cover_each_other_and_stay_in_the_picture() -> None:
    """On a 100-tile wall boxes crowd: a label over another made "st at onary nary" of both."""
    picture = QRectF(0, 0, 120, 98)
    areas = [QRectF(10, 40, 20, 20), QRectF(14, 44, 20, 20), QRectF(100, 60, 15, 20), QRectF(60, 80, 10, 10)]
    tags = label_rects(areas, [60, 60, 60, 0], picture, 12)
    first, second, right, unlabelled = tags
    assert first == QRectF(10, 28, 60, 12)  # above its box
    assert second is None  # it would cover the first: the box is drawn, its label is not
    assert right is not None and right.right() <= picture.right() and right.left() == 60  # pulled in
    assert unlabelled is None
    top = label_rects([QRectF(30, 2, 10, 10)], [40], picture, 12)[0]
    assert top is not None and top.top() == 0  # a box at the top edge: its label inside the picture


def test_box_labels_follow_a_language_switch(qtbot: QtBot) -> None:
    """An alert's label stays on its tile until it clears (minutes): it must not stay in the old
    language that long."""
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    pane = wall(qtbot, source, "a")
    feed = OverlayFeed(lambda: [pane], clock=clock)
    feed.set_show_all(True)  # every box (the default shows only what an operator needs)
    alerts, _, _ = alert_service()
    alerts.subscribe(feed.on_alert_change)
    feed.handle(update("cam1", clock.now, OverlayBox(0.1, 0.2, 0.3, 0.4, "stationary", kind="stationary")))
    alerts.detector_raised(detected("a1"))

    def labels() -> list[str]:
        return [b.label for b in pane.tiles()[0].boxes if b.label]

    assert labels() == ["Street vending 0501", "stationary object"]
    Translations().set_language("zh_CN")
    feed.refresh()  # as the window does on a language change
    assert labels() == ["占道经营 0501", "静止物体"]


def test_the_wall_shows_alerts_bins_and_watched_classes_and_the_rest_on_request(qtbot: QtBot) -> None:
    """Stationary blobs on cones and sign boards, and people, clutter the wall: shown only on request."""
    source, clock = FakeSource(["cam1", "cam2"]), Clock()
    pane = wall(qtbot, source, "a")
    feed = OverlayFeed(lambda: [pane], clock=clock)
    found = (
        OverlayBox(0.1, 0.2, 0.3, 0.4, "stationary", kind="stationary"),
        OverlayBox(0.5, 0.5, 0.6, 0.9, "person", score=0.9, kind="object"),
        OverlayBox(0.6, 0.5, 0.8, 0.8, "stall", score=0.7, kind="object"),
        OverlayBox(0.42, 0.5, 0.5, 0.7, "草坪旁垃圾桶", score=0.2, kind="bin"),
    )
    feed.handle(update("cam1", clock.now, *found))
    assert [b.label for b in pane.tiles()[0].boxes] == ["草坪旁垃圾桶 0.20", "stall 0.70"]
    feed.set_show_all(True)
    assert len(pane.tiles()[0].boxes) == 4
    feed.set_show_all(False)
    assert len(pane.tiles()[0].boxes) == 2


def test_the_furniture_of_the_latest_check_is_kept_for_the_zone_editor(qtbot: QtBot) -> None:
    feed = OverlayFeed(lambda: [], clock=Clock())
    assert feed.furniture("cam1") == (None, ())
    bench = OverlayBox(0.1, 0.6, 0.3, 0.9, "bench")
    feed.handle(DetectionUpdate("cam1", "2", 1.0, (), False, furniture=(bench,)))
    assert feed.furniture("cam1") == ("2", (bench,))
    feed.handle(DetectionUpdate("cam1", None, 2.0, (), True))  # the camera moved: the last view's stays
    assert feed.furniture("cam1") == ("2", (bench,))
    feed.handle(DetectionUpdate("cam1", "3", 3.0, (), False))
    assert feed.furniture("cam1") == ("3", ())
