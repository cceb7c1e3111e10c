"""PTZ seen on the wall: the PTZ mark on tiles, who steers or has locked a camera with the minutes
left on its tile; the tiles' right-click menu doing what the wall's keys do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.core.ptz_control import Priority, Requester
from app.run_options import RunOptions
from app.services.ptz_controller import PtzController
from app.services.ptz_hub import PtzHub
from app.ui.i18n import Translations
from app.ui.main_window import MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.wall.compositor import TileInfo, WallCompositor
from app.ui.wall.ptz_feed import minutes_left
from app.ui.wall.ptz_marks import PTZ_COLOURS, PTZ_MINE, PTZ_OTHER
from camera_config.models import SiteConfig
from tests.ptz_fakes import FakeClock, FakePtz
from tests.ui.fakes import FakeSource

CAMERAS = ["cam001", "cam002", "cam003", "cam004"]
PTZ = {"cam001", "cam003"}
LI = Requester("operator:li", "李四")
SHOTS = Path(os.environ.get("CITYWALL_SHOTS", "/tmp"))


def site() -> SiteConfig:
    cameras: list[dict[str, object]] = [
        {"id": c, "name": f"解放路 {c}", "source": {"kind": "rtsp", "main": f"rtsp://127.0.0.1:9/{c}"}}
        for c in CAMERAS
    ]
    for camera in cameras:
        if camera["id"] in PTZ:
            camera["ptz"] = {"endpoint": "http://127.0.0.1:9/onvif/device_service"}
    return SiteConfig.model_validate({"site": {"name": "示范区"}, "cameras": cameras})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(5000.0)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> Iterator[MainWindow]:
    hub = PtzHub(site(), port=FakePtz(clock, move_s=0.3), clock=clock)
    hub.start()
    infos = [TileInfo(c, f"解放路 {c}", ptz=c in PTZ) for c in CAMERAS]
    ui = SiteUi("示范区", infos, [], tmp_path / "shots")
    options = RunOptions(
        offscreen=True, size=(1400, 900), language="en", profile_dir=tmp_path, fresh=True, operator="张三"
    )
    win = build_window(FakeSource(CAMERAS), ui, None, options, ptz=hub)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    win.set_layout("4")
    yield win
    win.stop()
    hub.stop()
    Translations().set_language("en")


def tile_image(win: MainWindow, index: int) -> QImage:
    compositor = win.pane.compositor
    return compositor.grab(compositor.tile_rect(index)).toImage()


def count_colour(image: QImage, colour: QColor, rows: range | None = None) -> int:
    count = 0
    for y in rows if rows is not None else range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            count += (
                abs(pixel.red() - colour.red()) < 6
                and abs(pixel.green() - colour.green()) < 6
                and abs(pixel.blue() - colour.blue()) < 6
            )
    return count


def header_rows(image: QImage) -> range:
    return range(0, min(image.height(), 28))


def test_ptz_cameras_carry_the_ptz_mark_on_their_tiles(window: MainWindow, qtbot: QtBot) -> None:
    compositor = window.pane.compositor
    qtbot.waitUntil(lambda: all(t.overlay is not None for t in compositor.tiles()))
    teal = PTZ_COLOURS[1]
    marks = {
        i: count_colour(tile_image(window, i), teal, header_rows(tile_image(window, i))) for i in range(4)
    }
    assert marks[0] > 20 and marks[2] > 20  # cam001, cam003: PTZ
    assert marks[1] == 0 and marks[3] == 0


def in_chinese(window: MainWindow, camera_id: str) -> tuple[PtzController, WallCompositor]:
    """The window in Chinese; the camera's PTZ controller and the wall's tiles."""
    Translations().set_language("zh_CN")
    assert window.ptz is not None
    controller = window.ptz.controller(camera_id)
    assert controller is not None
    return controller, window.pane.compositor


def test_a_lock_shows_on_the_tile_with_its_holder_and_the_minutes_left(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    controller, compositor = in_chinese(window, "cam001")
    assert "cam001" not in compositor.ptz_marks
    controller.lock(window.operator(), 4)
    qtbot.waitUntil(lambda: "cam001" in compositor.ptz_marks)
    mark = compositor.ptz_marks["cam001"]
    assert mark.text == "已由您锁定 · 剩余 4 分钟" and mark.mine
    qtbot.waitUntil(lambda: count_colour(tile_image(window, 0), PTZ_MINE[1]) > 50)  # painted on the tile
    tile_image(window, 0).save(str(SHOTS / "tile_ptz_locked_by_you.png"))
    clock.t += 150  # 2.5 min later: 1.5 min left says 2
    qtbot.waitUntil(lambda: compositor.ptz_marks["cam001"].text == "已由您锁定 · 剩余 2 分钟", timeout=3000)
    clock.t += 100  # the lock has run out: the tag goes
    qtbot.waitUntil(lambda: "cam001" not in compositor.ptz_marks, timeout=3000)
    qtbot.waitUntil(lambda: count_colour(tile_image(window, 0), PTZ_MINE[1]) == 0)


def test_someone_elses_lock_and_control_name_them_on_the_tile(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    controller, compositor = in_chinese(window, "cam003")
    controller.request(LI, Priority.OPERATOR)
    qtbot.waitUntil(lambda: "cam003" in compositor.ptz_marks)
    assert compositor.ptz_marks["cam003"].text == "李四控制中"
    assert not compositor.ptz_marks["cam003"].mine
    controller.lock(LI, 10)
    qtbot.waitUntil(lambda: compositor.ptz_marks["cam003"].text == "已由李四锁定 · 剩余 10 分钟")
    qtbot.waitUntil(lambda: count_colour(tile_image(window, 2), PTZ_OTHER[1]) > 50)
    tile_image(window, 2).save(str(SHOTS / "tile_ptz_locked_by_other.png"))
    controller.unlock(LI)
    qtbot.waitUntil(lambda: "cam003" not in compositor.ptz_marks)


def test_minutes_left_round_up_and_never_say_zero() -> None:
    assert minutes_left(240.0) == 4
    assert minutes_left(190.0) == 4
    assert minutes_left(61.0) == 2
    assert minutes_left(5.0) == 1


# --- the right-click menu ---------------------------------------------------------------------------
def open_menu(win: MainWindow, index: int) -> QMenu:
    compositor = win.pane.compositor
    centre = compositor.tile_rect(index).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, compositor.mapToGlobal(centre))
    QApplication.sendEvent(compositor, event)
    menu = win.tile_menu
    assert menu.isVisible()
    return menu


def entry(menu: QMenu, name: str):
    found = [a for a in menu.actions() if a.objectName() == name]
    assert found, f"no {name} in {[a.objectName() for a in menu.actions()]}"
    return found[0]


def test_the_menu_lists_each_action_with_its_key_in_chinese(window: MainWindow, qtbot: QtBot) -> None:
    Translations().set_language("zh_CN")
    menu = open_menu(window, 0)
    texts = {a.objectName(): a.text() for a in menu.actions() if a.objectName()}
    assert texts["focus"].startswith("放大查看\t")
    assert texts["snapshot"] == "抓拍\tCtrl+S"
    assert texts["ptz"] == "云台控制"
    assert texts["edit_zones"].startswith("划定区域")
    assert texts["edit_zones"].endswith("\tCtrl+D")
    assert texts["clear_tile"] == "移出画面\tDel"
    assert texts["open_window"] == "在新窗口打开"
    qtbot.wait(50)
    menu.grab().save(str(SHOTS / "tile_context_menu.png"))
    menu.close()


def test_right_click_selects_the_tile_and_enlarge_focuses_it(window: MainWindow, qtbot: QtBot) -> None:
    menu = open_menu(window, 1)
    assert window.pane.compositor.selected == 1
    entry(menu, "focus").trigger()
    assert window.pane.focused_camera == "cam002"
    menu = open_menu(window, 0)  # on the focused picture: back to the wall instead of enlarge
    assert not [a for a in menu.actions() if a.objectName() == "focus"]
    assert not entry(menu, "clear_tile").isEnabled()  # nothing to remove from a focused picture
    entry(menu, "unfocus").trigger()
    assert window.pane.focused_camera is None
    assert window.pane.compositor.selected == 1


def test_remove_from_view_empties_the_tile(window: MainWindow) -> None:
    menu = open_menu(window, 3)
    entry(menu, "clear_tile").trigger()
    assert window.pane.compositor.tiles()[3].info is None
    assert window.pane.modified


def test_ptz_control_is_offered_for_ptz_cameras_only_and_steers_from_the_wall(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert not entry(open_menu(window, 1), "ptz").isEnabled()  # cam002: fixed camera
    window.set_wall_only(True)  # the PTZ panel hidden: the menu brings it back
    window.set_wall_only(False)
    window.ptz_dock.hide()
    entry(open_menu(window, 2), "ptz").trigger()
    assert window.pane.focused_camera == "cam003"
    qtbot.waitUntil(lambda: window.ptz_panel.controller is not None)
    assert window.ptz_panel.controller.id == "cam003"  # type: ignore[union-attr]
    assert window.ptz_dock.isVisible()
    assert window.pane.compositor.hasFocus()  # the arrows and +/- reach the camera at once
    qtbot.waitUntil(lambda: window.pane.compositor.tiles()[0].target is not None)
    menu = open_menu(window, 0)  # right click on the steered picture: the menu, not a move
    assert entry(menu, "unfocus").isEnabled() and entry(menu, "ptz").isEnabled()
    menu.close()


def test_draw_zones_opens_the_zone_editor_of_that_camera(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str | None] = []
    monkeypatch.setattr(window, "edit_zones", lambda: asked.append(window.current_camera(window.pane)))
    menu = open_menu(window, 2)
    zones = entry(menu, "edit_zones")
    assert not zones.isEnabled()  # this run has no detection: nothing to draw zones for
    monkeypatch.setattr(window, "detection", SimpleNamespace(service=None))  # detection on, no worker
    zones = entry(open_menu(window, 2), "edit_zones")
    assert zones.isEnabled()
    zones.trigger()
    assert asked == ["cam003"]


def test_open_in_a_new_window_shows_the_camera_alone_there(window: MainWindow, qtbot: QtBot) -> None:
    entry(open_menu(window, 2), "open_window").trigger()
    assert len(window.walls) == 1
    wall = window.walls[0]
    qtbot.waitExposed(wall)
    assert not wall.isFullScreen()
    assert wall.pane.focused_camera == "cam003"
    assert window.pane.focused_camera is None  # the main wall is left as it was
    wall.close()
    assert window.walls == []


def test_the_menu_key_opens_the_menu_of_the_selected_tile(window: MainWindow) -> None:
    compositor = window.pane.compositor
    compositor.set_selected(2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), QPoint(0, 0))
    QApplication.sendEvent(compositor, event)
    assert window.tile_menu.isVisible()
    assert compositor.selected == 2
    assert entry(window.tile_menu, "ptz").isEnabled()
    window.tile_menu.close()


def test_snapshot_from_the_menu_is_the_snapshot_action(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []
    monkeypatch.setattr(window, "snapshot_selected", lambda: taken.append(window.pane.compositor.selected))
    entry(open_menu(window, 3), "snapshot").trigger()
    assert taken == [3]
