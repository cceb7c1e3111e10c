"""How long the wall waits between two digits of a tile number: a setting of this workstation's
operator (settings.ini, key ``wall/number_entry_seconds``, next to the tour's seconds), changed from
the Wall menu."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from app.ui.wall.number_entry import DEFAULT_TIMEOUT_S, TIMEOUT_RANGE_S, timeout_from_setting
from app.ui.wall.pane import WallPane

KEY = "wall/number_entry_seconds"
translate = QCoreApplication.translate


class NumberEntrySetting(QObject):
    changed = Signal(float)  # seconds

    def __init__(
        self,
        settings: QSettings,
        panes: Callable[[], list[WallPane]],
        say: Callable[[str, int], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._settings, self._panes, self._say, self._parent = settings, panes, say, parent
        raw = settings.value(KEY)
        seconds = timeout_from_setting(raw)
        self.seconds = DEFAULT_TIMEOUT_S if seconds is None else seconds
        if seconds is None:
            low, high = TIMEOUT_RANGE_S
            self._say(
                translate(
                    "Wall", "{0}, {1} = “{2}”: not a number of seconds from {3} to {4}; the wall waits {5} s"
                ).format(settings.fileName(), KEY, raw, f"{low:g}", f"{high:g}", f"{DEFAULT_TIMEOUT_S:g}"),
                15000,
            )
        for pane in panes():
            self.apply(pane)

    def apply(self, pane: WallPane) -> None:
        pane.number_entry.set_timeout(self.seconds)

    def set_seconds(self, seconds: float) -> None:
        low, high = TIMEOUT_RANGE_S
        self.seconds = min(high, max(low, seconds))
        self._settings.setValue(KEY, self.seconds)
        for pane in self._panes():
            self.apply(pane)
        self.changed.emit(self.seconds)

    def ask(self) -> None:
        low, high = TIMEOUT_RANGE_S
        seconds, ok = QInputDialog.getDouble(
            self._parent,
            translate("Wall", "Tile numbers"),
            translate(
                "Wall",
                "Digits typed for a tile number are kept this long after the last one (seconds);\n"
                "a longer pause starts the number again.",
            ),
            self.seconds,
            low,
            high,
            1,
        )
        if ok:
            self.set_seconds(seconds)
            self._say(
                translate("Wall", "Tile numbers: {0} s between digits").format(f"{self.seconds:g}"), 5000
            )
