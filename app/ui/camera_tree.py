"""Camera tree: groups (街道…), cameras with a live state icon and a PTZ mark, search by name, id,
grid code, pinyin or pinyin initials, the camera's or its area's (app.services.camera_search: a
district's name lists its cameras), drag a camera onto a tile."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from app.core.stream_health import StreamState
from app.media.source import FrameSource
from app.services.camera_search import area_names, matches, query_words, search_keys
from app.ui.tree_marks import PTZ_ROLE, PtzMarkDelegate
from app.ui.wall.compositor import MIME_CAMERA, TileInfo
from app.ui.wall.overlay import STATE_COLOURS, state_label, tile_tooltip

CAMERA_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def state_icon(state: StreamState) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(STATE_COLOURS[state])
    painter.setPen(QColor(0, 0, 0, 0))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class _CameraModel(QStandardItemModel):
    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt API)
        return [MIME_CAMERA]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802 (Qt API)
        mime = QMimeData()
        for index in indexes:
            camera_id = index.data(CAMERA_ROLE)
            if camera_id:
                mime.setData(MIME_CAMERA, str(camera_id).encode())
                mime.setText(str(camera_id))
                break
        return mime


class _Filter(QSortFilterProxyModel):
    """Every word typed must appear in a row's keys: name, id, grid code, the names of the areas it is
    in, their pinyin and initials (worked out once, when the tree is built: the filter only tests
    substrings)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self._words = query_words(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._words:
            return True
        index = self.sourceModel().index(row, 0, parent)
        return matches(str(index.data(SEARCH_ROLE) or ""), self._words)


class CameraTree(QWidget):
    camera_chosen = Signal(str)  # double-click or Enter on a camera

    def __init__(
        self,
        source: FrameSource,
        cameras: list[TileInfo],
        groups: list[tuple[str, str, str | None]],  # (id, name, parent id)
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_changed)
        self.search.returnPressed.connect(self._choose_first_match)
        self._model = _CameraModel(self)
        self._proxy = _Filter(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setRecursiveFilteringEnabled(True)
        self.view = QTreeView(self)
        self.view.setModel(self._proxy)
        self.view.setHeaderHidden(True)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformRowHeights(True)
        self.view.doubleClicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        self.view.setItemDelegate(PtzMarkDelegate(self.view))
        # An empty tree says why: nothing matched what was typed (and what can be typed).
        self.no_match = QLabel(self)
        self.no_match.setObjectName("noMatch")
        self.no_match.setWordWrap(True)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.no_match.setStyleSheet("#noMatch{padding:12px 6px;}")
        self.no_match.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.no_match)
        layout.addWidget(self.view)
        self._icons = {state: state_icon(state) for state in StreamState}
        self._items: dict[str, tuple[QStandardItem, tuple[object, ...] | None]] = {}  # shown: state, reason
        self.extra_tooltip: Callable[[str], str | None] = lambda _camera: None  # e.g. detection revisit
        self._build(cameras, groups)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.refresh_states)
        self._timer.start()
        self.retranslate()

    def set_running(self, running: bool) -> None:
        """Keep the state icons current (a stopped window asks nothing of its cameras)."""
        if running:
            self._timer.start()
        else:
            self._timer.stop()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            QCoreApplication.translate("Tree", "Find camera: name, id, grid code or pinyin (jfl)")
        )
        self.no_match.setText(
            QCoreApplication.translate("Tree", "No match")
            + "\n"
            + QCoreApplication.translate(
                "Tree",
                "Type the name of a camera or of its area (street, district), its id, grid code, pinyin "
                "or pinyin initials.",
            )
        )
        if self._ungrouped is not None:
            self._ungrouped.setText(QCoreApplication.translate("Tree", "Not grouped"))
        self.refresh_states(force=True)

    def _build(self, cameras: list[TileInfo], groups: list[tuple[str, str, str | None]]) -> None:
        group_items: dict[str, QStandardItem] = {}
        areas = area_names(groups)
        for group_id, name, _ in groups:
            item = QStandardItem(name)
            item.setEditable(False)
            item.setDragEnabled(False)
            item.setData(search_keys(*areas[group_id]), SEARCH_ROLE)
            group_items[group_id] = item
        root = self._model.invisibleRootItem()
        for group_id, _, parent_id in groups:
            (group_items.get(parent_id or "") or root).appendRow(group_items[group_id])
        self._ungrouped: QStandardItem | None = None
        for info in cameras:
            item = QStandardItem(f"{info.name}")
            item.setEditable(False)
            item.setData(info.camera_id, CAMERA_ROLE)
            keys = search_keys(info.name, info.camera_id, info.grid_code, *areas.get(info.group or "", ()))
            item.setData(keys, SEARCH_ROLE)
            item.setData(info.ptz, PTZ_ROLE)
            holder = group_items.get(info.group or "")
            if holder is None:
                if self._ungrouped is None:
                    self._ungrouped = QStandardItem("")
                    self._ungrouped.setEditable(False)
                    root.appendRow(self._ungrouped)
                holder = self._ungrouped
            holder.appendRow(item)
            self._items[info.camera_id] = (item, None)
        self.view.expandToDepth(1)

    def refresh_states(self, force: bool = False) -> None:
        for camera_id, (item, shown) in list(self._items.items()):
            health = self._source.health(camera_id)
            key = (health.state, health.reason)
            if key != shown or force:
                item.setIcon(self._icons[health.state])
                text = f"{camera_id} · {state_label(health.state)}"
                why = tile_tooltip(health)
                if why:
                    text += f"\n{why}"
                extra = self.extra_tooltip(camera_id)
                if extra:
                    text += f"\n{extra}"
                item.setToolTip(text)
                self._items[camera_id] = (item, key)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _filter_changed(self, text: str) -> None:
        self._proxy.set_needle(text)
        if text.strip():
            self.view.expandAll()
        nothing = bool(text.strip()) and self._first_camera(QModelIndex()) is None
        self.no_match.setVisible(nothing)
        self.view.setVisible(not nothing)

    def _activated(self, index: QModelIndex) -> None:
        camera_id = index.data(CAMERA_ROLE)
        if camera_id:
            self.camera_chosen.emit(str(camera_id))

    def _choose_first_match(self) -> None:
        index = self._first_camera(QModelIndex())
        if index is not None:
            self.view.setCurrentIndex(index)
            self._activated(index)

    def _first_camera(self, parent: QModelIndex) -> QModelIndex | None:
        for row in range(self._proxy.rowCount(parent)):
            index = self._proxy.index(row, 0, parent)
            if index.data(CAMERA_ROLE):
                return index
            found = self._first_camera(index)
            if found is not None:
                return found
        return None

    def visible_cameras(self) -> list[str]:
        """Cameras that pass the search filter (for tests and for 'show all matches')."""
        out: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for row in range(self._proxy.rowCount(parent)):
                index = self._proxy.index(row, 0, parent)
                if index.data(CAMERA_ROLE):
                    out.append(str(index.data(CAMERA_ROLE)))
                walk(index)

        walk(QModelIndex())
        return out
