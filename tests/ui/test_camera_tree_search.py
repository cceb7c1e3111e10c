"""The camera tree's search as an operator types: pinyin, initials, code, grid; "无匹配" when nothing
matches; the PTZ mark on PTZ cameras' rows."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.ui.camera_tree import CAMERA_ROLE, CameraTree
from app.ui.i18n import Translations
from app.ui.tree_marks import PTZ_ROLE
from app.ui.wall.compositor import TileInfo
from tests.ui.fakes import FakeSource

CAMERAS = [
    TileInfo("cam-jfl-e", "解放路口东", "370102001001001", "g1", ptz=True),
    TileInfo("cam-jfl-w", "解放路口西", "370102001001002", "g1"),
    TileInfo("cam-rmgc", "人民广场北门", "370102002003004", "g2", ptz=True),
    TileInfo("cam-hp", "和平路菜市场", "370104000000077", "g2"),
]
GROUPS: list[tuple[str, str, str | None]] = [("g1", "解放路街道", None), ("g2", "人民路街道", None)]


def make_tree(qtbot: QtBot) -> CameraTree:
    tree = CameraTree(FakeSource([c.camera_id for c in CAMERAS]), CAMERAS, GROUPS)
    qtbot.addWidget(tree)
    tree.resize(300, 420)
    tree.show()
    qtbot.waitExposed(tree)
    return tree


def type_into(qtbot: QtBot, tree: CameraTree, text: str) -> None:
    tree.search.clear()
    if text.isascii():
        qtbot.keyClicks(tree.search, text)
    else:  # an input method commits Chinese characters whole (QTest has no key for them)
        tree.search.insert(text)


def test_pinyin_initials_typed_in_the_search_field_leave_the_matching_cameras(qtbot: QtBot) -> None:
    tree = make_tree(qtbot)
    type_into(qtbot, tree, "jfl")
    assert tree.visible_cameras() == ["cam-jfl-e", "cam-jfl-w"]
    type_into(qtbot, tree, "jflkd")  # 解放路口东 alone
    assert tree.visible_cameras() == ["cam-jfl-e"]
    type_into(qtbot, tree, "guangchang")
    assert tree.visible_cameras() == ["cam-rmgc"]
    assert tree.no_match.isHidden() and not tree.view.isHidden()


def test_a_districts_name_lists_its_cameras_under_it(qtbot: QtBot) -> None:
    areas = [
        ("d1", "历下区", None),
        ("g1", "解放路街道", "d1"),
        ("g2", "人民路街道", "d1"),
        ("d2", "市中区", None),
    ]
    cameras = [*CAMERAS, TileInfo("cam-sz", "市中区政府", None, "d2")]
    tree = CameraTree(FakeSource([c.camera_id for c in cameras]), cameras, areas)
    qtbot.addWidget(tree)
    tree.resize(300, 420)
    tree.show()
    qtbot.waitExposed(tree)
    type_into(qtbot, tree, "人民路街道")
    assert tree.visible_cameras() == ["cam-rmgc", "cam-hp"]  # 和平路菜市场 too: it is in the street
    type_into(qtbot, tree, "lxq")  # the district's initials: every camera of its two streets
    assert tree.visible_cameras() == ["cam-jfl-e", "cam-jfl-w", "cam-rmgc", "cam-hp"]
    model = tree.view.model()
    street = model.index(1, 0, model.index(0, 0))  # 历下区 › 人民路街道, shown open
    assert street.data() == "人民路街道" and tree.view.isExpanded(street)
    type_into(qtbot, tree, "lxq 东")  # the district's name and a word of the camera's
    assert tree.visible_cameras() == ["cam-jfl-e"]
    shot = Path(os.environ.get("CITYWALL_SHOTS", "/tmp")) / "tree_district.png"
    type_into(qtbot, tree, "人民路街道")
    tree.grab().save(str(shot))
    with qtbot.waitSignal(tree.camera_chosen) as chosen:
        qtbot.keyClick(tree.search, Qt.Key.Key_Return)
    assert chosen.args == ["cam-rmgc"]  # Enter: the district's first camera


def test_code_and_grid_code_find_the_camera(qtbot: QtBot) -> None:
    tree = make_tree(qtbot)
    type_into(qtbot, tree, "cam-hp")
    assert tree.visible_cameras() == ["cam-hp"]
    type_into(qtbot, tree, "002003")
    assert tree.visible_cameras() == ["cam-rmgc"]


def test_enter_puts_the_first_match_on_the_wall(qtbot: QtBot) -> None:
    tree = make_tree(qtbot)
    type_into(qtbot, tree, "hpl")
    with qtbot.waitSignal(tree.camera_chosen) as chosen:
        qtbot.keyClick(tree.search, Qt.Key.Key_Return)
    assert chosen.args == ["cam-hp"]


def test_nothing_matching_says_no_match_in_chinese_and_clearing_brings_the_tree_back(qtbot: QtBot) -> None:
    Translations().set_language("zh_CN")
    try:
        tree = make_tree(qtbot)
        type_into(qtbot, tree, "xyzq")
        assert tree.visible_cameras() == []
        assert not tree.no_match.isHidden()
        assert tree.no_match.text().startswith("无匹配")
        assert tree.view.isHidden()  # never an empty tree that says nothing
        shot = Path(os.environ.get("CITYWALL_SHOTS", "/tmp")) / "tree_no_match.png"
        tree.grab().save(str(shot))
        tree.search.clear()
        assert tree.no_match.isHidden() and not tree.view.isHidden()
        assert len(tree.visible_cameras()) == len(CAMERAS)
    finally:
        Translations().set_language("en")


def test_ptz_cameras_carry_the_ptz_mark_in_the_tree(qtbot: QtBot) -> None:
    tree = make_tree(qtbot)
    model = tree.view.model()
    marked: dict[str, bool] = {}

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(CAMERA_ROLE):
                marked[str(index.data(CAMERA_ROLE))] = bool(index.data(PTZ_ROLE))
            walk(index)

    walk(QModelIndex())
    assert marked == {"cam-jfl-e": True, "cam-jfl-w": False, "cam-rmgc": True, "cam-hp": False}
    # The badge is painted: the PTZ row has the badge's teal at its right end, the other row not.
    image = tree.view.viewport().grab().toImage()

    def teal_pixels(camera_id: str) -> int:
        proxy_index = next(i for i in _all_indexes(model) if i.data(CAMERA_ROLE) == camera_id)
        rect = tree.view.visualRect(proxy_index)
        count = 0
        for x in range(max(0, rect.right() - 60), rect.right()):
            colour = image.pixelColor(x, rect.center().y() - 2)
            count += colour.green() > 100 and colour.blue() > 120 and colour.red() < 60
        return count

    assert teal_pixels("cam-jfl-e") > 5
    assert teal_pixels("cam-jfl-w") == 0


def _all_indexes(model):
    out = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            out.append(index)
            walk(index)

    walk(QModelIndex())
    return out
