"""Every operator action with its shortcut, in one table: menus, toolbars and the F1 help read it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str  # English source text, translated in context "Actions"
    shortcuts: tuple[str, ...]
    group: str  # English source text, translated in context "Actions"

    def label(self) -> str:
        return QCoreApplication.translate("Actions", self.text)

    def group_label(self) -> str:
        return QCoreApplication.translate("Actions", self.group)


def _spec(id_: str, text: object, shortcuts: tuple[str, ...], group: str) -> ActionSpec:
    # QT_TRANSLATE_NOOP marks the text for lupdate and returns it unchanged (typed as object).
    return ActionSpec(id_, str(text), shortcuts, group)


WALL = str(QT_TRANSLATE_NOOP("Actions", "Wall"))
LAYOUTS = str(QT_TRANSLATE_NOOP("Actions", "Layouts"))
VIEWS = str(QT_TRANSLATE_NOOP("Actions", "Views and tours"))
WINDOWS = str(QT_TRANSLATE_NOOP("Actions", "Windows and language"))

ACTIONS: tuple[ActionSpec, ...] = (
    _spec("next_page", QT_TRANSLATE_NOOP("Actions", "Next page"), ("PgDown",), WALL),
    _spec("previous_page", QT_TRANSLATE_NOOP("Actions", "Previous page"), ("PgUp",), WALL),
    _spec(
        "focus",
        QT_TRANSLATE_NOOP("Actions", "Focus the selected tile (main stream)"),
        ("Return", "Enter"),
        WALL,
    ),
    _spec("unfocus", QT_TRANSLATE_NOOP("Actions", "Back to the wall / cancel"), ("Esc",), WALL),
    _spec("select_left", QT_TRANSLATE_NOOP("Actions", "Select the tile to the left"), ("Left",), WALL),
    _spec("select_right", QT_TRANSLATE_NOOP("Actions", "Select the tile to the right"), ("Right",), WALL),
    _spec("select_up", QT_TRANSLATE_NOOP("Actions", "Select the tile above"), ("Up",), WALL),
    _spec("select_down", QT_TRANSLATE_NOOP("Actions", "Select the tile below"), ("Down",), WALL),
    _spec("clear_tile", QT_TRANSLATE_NOOP("Actions", "Empty the selected tile"), ("Del",), WALL),
    _spec(
        "snapshot",
        QT_TRANSLATE_NOOP("Actions", "Snapshot of the selected tile (PNG with time)"),
        ("Ctrl+S",),
        WALL,
    ),
    _spec(
        "number_timeout",
        QT_TRANSLATE_NOOP("Actions", "Time between the digits of a tile number…"),
        (),
        WALL,
    ),
    _spec("layout_1", QT_TRANSLATE_NOOP("Actions", "1 tile"), ("Ctrl+1",), LAYOUTS),
    _spec("layout_4", QT_TRANSLATE_NOOP("Actions", "4 tiles"), ("Ctrl+2",), LAYOUTS),
    _spec("layout_9", QT_TRANSLATE_NOOP("Actions", "9 tiles"), ("Ctrl+3",), LAYOUTS),
    _spec("layout_16", QT_TRANSLATE_NOOP("Actions", "16 tiles"), ("Ctrl+4",), LAYOUTS),
    _spec("layout_25", QT_TRANSLATE_NOOP("Actions", "25 tiles"), ("Ctrl+5",), LAYOUTS),
    _spec("layout_36", QT_TRANSLATE_NOOP("Actions", "36 tiles"), ("Ctrl+6",), LAYOUTS),
    _spec("layout_64", QT_TRANSLATE_NOOP("Actions", "64 tiles"), ("Ctrl+7",), LAYOUTS),
    _spec("layout_100", QT_TRANSLATE_NOOP("Actions", "100 tiles"), ("Ctrl+8",), LAYOUTS),
    _spec("layout_120", QT_TRANSLATE_NOOP("Actions", "120 tiles"), ("Ctrl+9",), LAYOUTS),
    _spec("layout_1+5", QT_TRANSLATE_NOOP("Actions", "1 large + 5"), ("Alt+1",), LAYOUTS),
    _spec("layout_1+7", QT_TRANSLATE_NOOP("Actions", "1 large + 7"), ("Alt+2",), LAYOUTS),
    _spec("layout_2+8", QT_TRANSLATE_NOOP("Actions", "2 large + 8"), ("Alt+3",), LAYOUTS),
    _spec("layout_1+12", QT_TRANSLATE_NOOP("Actions", "1 large + 12"), ("Alt+4",), LAYOUTS),
    _spec("next_layout", QT_TRANSLATE_NOOP("Actions", "Next layout"), ("L",), LAYOUTS),
    _spec("previous_layout", QT_TRANSLATE_NOOP("Actions", "Previous layout"), ("Shift+L",), LAYOUTS),
    _spec("edit_layouts", QT_TRANSLATE_NOOP("Actions", "Edit layouts…"), ("Ctrl+E",), LAYOUTS),
    _spec("next_view", QT_TRANSLATE_NOOP("Actions", "Next view"), ("V",), VIEWS),
    _spec("previous_view", QT_TRANSLATE_NOOP("Actions", "Previous view"), ("Shift+V",), VIEWS),
    _spec("save_view", QT_TRANSLATE_NOOP("Actions", "Save view"), ("Ctrl+Shift+S",), VIEWS),
    _spec("delete_view", QT_TRANSLATE_NOOP("Actions", "Delete view…"), (), VIEWS),
    _spec("tour", QT_TRANSLATE_NOOP("Actions", "Start / stop tour"), ("T",), VIEWS),
    _spec("pause_tour", QT_TRANSLATE_NOOP("Actions", "Pause / resume tour"), ("Space",), VIEWS),
    _spec("search", QT_TRANSLATE_NOOP("Actions", "Find a camera (name, id, grid code)"), ("Ctrl+F",), VIEWS),
    _spec("edit_zones", QT_TRANSLATE_NOOP("Actions", "Detection zones of this camera…"), ("Ctrl+D",), VIEWS),
    _spec("alerts", QT_TRANSLATE_NOOP("Actions", "Show / hide alerts"), ("Ctrl+A",), VIEWS),
    _spec(
        "all_boxes",
        QT_TRANSLATE_NOOP("Actions", "All detection boxes"),
        ("Ctrl+B",),
        VIEWS,
    ),
    _spec("cases", QT_TRANSLATE_NOOP("Actions", "Cases (list and detail)"), ("Ctrl+J",), VIEWS),
    _spec("figures", QT_TRANSLATE_NOOP("Actions", "Figures (考核评价)"), ("Ctrl+Shift+J",), VIEWS),
    _spec(
        "new_case",
        QT_TRANSLATE_NOOP("Actions", "Make a case at the selected tile…"),
        ("Ctrl+N",),
        WALL,
    ),
    _spec(
        "system_events",
        QT_TRANSLATE_NOOP("Actions", "Show / hide system events (camera, disk, worker faults)"),
        ("Ctrl+Shift+E",),
        VIEWS,
    ),
    _spec("full_screen", QT_TRANSLATE_NOOP("Actions", "Full screen"), ("F11",), WINDOWS),
    _spec(
        "wall_only", QT_TRANSLATE_NOOP("Actions", "Wall only (hide panels and toolbar)"), ("F10",), WINDOWS
    ),
    _spec(
        "walls", QT_TRANSLATE_NOOP("Actions", "Open a wall on every other screen"), ("Ctrl+Shift+W",), WINDOWS
    ),
    _spec("camera_list", QT_TRANSLATE_NOOP("Actions", "Show / hide the camera list"), ("F7",), WINDOWS),
    _spec("side_panels", QT_TRANSLATE_NOOP("Actions", "Show / hide the side panels"), ("F9",), WINDOWS),
    _spec("language", QT_TRANSLATE_NOOP("Actions", "中文 / English"), ("Ctrl+L",), WINDOWS),
    _spec("operator_name", QT_TRANSLATE_NOOP("Actions", "Change of shift (who is on duty)…"), (), WINDOWS),
    _spec(
        "discover",
        QT_TRANSLATE_NOOP("Actions", "Find ONVIF cameras on the network…"),
        ("Ctrl+Shift+D",),
        WINDOWS,
    ),
    _spec("help", QT_TRANSLATE_NOOP("Actions", "Keyboard shortcuts"), ("F1",), WINDOWS),
    _spec("quit", QT_TRANSLATE_NOOP("Actions", "Quit"), ("Ctrl+Q",), WINDOWS),
)

BY_ID = {spec.id: spec for spec in ACTIONS}
