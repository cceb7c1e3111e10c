"""The right-click menu of a wall tile: each entry does what its key or toolbar action does, and
shows that key (放大查看 Enter, 抓拍 Ctrl+S, 划定区域 Ctrl+D, 移出画面 Del…)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.ui.actions import BY_ID


@dataclass(frozen=True)
class TileEntry:
    id: str
    text: str  # English source, context "TileMenu"
    action: str | None  # the action (app.ui.actions) whose first key the entry shows


ENTRIES = (
    TileEntry("focus", str(QT_TRANSLATE_NOOP("TileMenu", "Enlarge (main stream)")), "focus"),
    TileEntry("unfocus", str(QT_TRANSLATE_NOOP("TileMenu", "Back to the wall")), "unfocus"),
    TileEntry("snapshot", str(QT_TRANSLATE_NOOP("TileMenu", "Snapshot")), "snapshot"),
    TileEntry("ptz", str(QT_TRANSLATE_NOOP("TileMenu", "PTZ control")), None),
    TileEntry("edit_zones", str(QT_TRANSLATE_NOOP("TileMenu", "Draw zones…")), "edit_zones"),
    TileEntry("clear_tile", str(QT_TRANSLATE_NOOP("TileMenu", "Remove from view")), "clear_tile"),
    TileEntry("open_window", str(QT_TRANSLATE_NOOP("TileMenu", "Open in a new window")), None),
)


def key_text(action_id: str | None) -> str:
    if action_id is None or not BY_ID[action_id].shortcuts:
        return ""
    return QKeySequence(BY_ID[action_id].shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)


@dataclass(frozen=True)
class TileFacts:
    """What the menu needs to know of the tile it is about."""

    has_camera: bool
    ptz: bool  # a PTZ camera
    focused: bool  # the tile is the wall's single focused picture
    zones: bool  # detection runs in this window (zones can be drawn)


def tile_menu(parent: QWidget, facts: TileFacts, handlers: Mapping[str, Callable[[], None]]) -> QMenu:
    """The menu for one tile; entries that cannot apply are shown greyed (so it always has the
    same shape), entries without a handler are left out."""
    menu = QMenu(parent)
    menu.setObjectName("tileMenu")
    enabled = {
        "focus": facts.has_camera and not facts.focused,
        "unfocus": facts.focused,
        "snapshot": facts.has_camera,
        "ptz": facts.has_camera and facts.ptz,
        "edit_zones": facts.has_camera and facts.zones,
        "clear_tile": facts.has_camera and not facts.focused,
        "open_window": facts.has_camera,
    }
    for entry in ENTRIES:
        handler = handlers.get(entry.id)
        if handler is None:
            continue
        if (entry.id == "focus" and facts.focused) or (entry.id == "unfocus" and not facts.focused):
            continue  # "enlarge" or "back to the wall", as the tile is now
        text = QCoreApplication.translate("TileMenu", entry.text)
        keys = key_text(entry.action)
        action = menu.addAction(f"{text}\t{keys}" if keys else text)  # Qt shows the keys in a column
        action.setObjectName(entry.id)
        action.setEnabled(enabled[entry.id])
        action.triggered.connect(handler)
        if entry.id in ("snapshot", "edit_zones"):
            menu.addSeparator()
    return menu
