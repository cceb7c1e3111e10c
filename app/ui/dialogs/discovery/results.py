"""The dialog's two lists: cameras found (one row each, what became of them) and answers not understood."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.onboarding import DeviceDescription
from app.adapters.onvif.problems import DiscoveryProblem
from app.ui.dialogs.discovery.texts import problem_text

translate = QCoreApplication.translate
WARN_COLOUR = QColor(236, 160, 60)
OK_COLOUR = QColor(140, 200, 150)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
ID_COL, NAME_COL, HARDWARE_COL, LOCATION_COL, ADDRESS_COL, IN_SITE_COL, STATUS_COL = range(7)


@dataclass
class FoundDevice:
    """One row of the results: what was found, and what became of it."""

    device: DiscoveredDevice
    in_site: bool
    camera_id: str
    camera_name: str
    description: DeviceDescription | None = None
    error: str | None = None  # translated
    error_detail: str = ""  # the technical words, for the tooltip
    busy: bool = False
    added_as: str | None = None


def short_address(url: str) -> str:
    """``host`` (with ``:port`` when it is not the scheme's default) of a device URL."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    host = parts.hostname or url
    if ":" in host:
        host = f"[{host}]"  # IPv6
    return f"{host}:{port}" if port is not None and port != default else host


def status(row: FoundDevice) -> tuple[str, QColor | None, str]:
    """(text, colour, tooltip) of a row's status cell."""
    if row.added_as is not None:
        return translate("DiscoveryDialog", "Added as {0}").format(row.added_as), OK_COLOUR, ""
    if row.busy:
        return translate("DiscoveryDialog", "Checking login…"), None, ""
    if row.error is not None:
        return (
            translate("DiscoveryDialog", "Failed: {0}").format(row.error),
            WARN_COLOUR,
            row.error_detail or row.error,
        )
    d = row.description
    if d is None:
        return translate("DiscoveryDialog", "Login not checked"), None, ""
    profiles = len(d.profiles)
    if not d.ptz:
        text = translate("DiscoveryDialog", "Ready: {0} stream profiles, no PTZ").format(profiles)
    elif d.ptz_problem is not None:
        text = translate("DiscoveryDialog", "Ready: PTZ (presets not read), {0} stream profiles").format(
            profiles
        )
    else:
        text = translate("DiscoveryDialog", "Ready: PTZ with {0} presets, {1} stream profiles").format(
            len(d.presets), profiles
        )
    lines = [" · ".join(x for x in (d.info.manufacturer, d.info.model, d.info.firmware_version) if x)]
    if d.presets:
        names = [p.name or p.token for p in d.presets]
        more = f" … +{len(names) - 12}" if len(names) > 12 else ""
        lines.append(translate("DiscoveryDialog", "Presets: {0}").format("、".join(names[:12]) + more))
    if d.ptz_problem is not None:
        lines.append(d.ptz_problem)
    return text, OK_COLOUR, "\n".join(x for x in lines if x)


class ResultsTable(QTableWidget):
    """The cameras found; the id and name cells are edited in place (F2) until the camera is added."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        for column in range(7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {ID_COL: 80, NAME_COL: 150, HARDWARE_COL: 120, LOCATION_COL: 130, ADDRESS_COL: 130}
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.setColumnWidth(IN_SITE_COL, 64)

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels(
            [
                translate("DiscoveryDialog", "Camera id"),
                translate("DiscoveryDialog", "Name"),
                translate("DiscoveryDialog", "Model"),
                translate("DiscoveryDialog", "Location"),
                translate("DiscoveryDialog", "Address"),
                translate("DiscoveryDialog", "In site"),
                translate("DiscoveryDialog", "Status"),
            ]
        )

    def show_row(self, index: int, row: FoundDevice) -> None:
        device = row.device
        url = device.device_url or (device.xaddrs[0] if device.xaddrs else "")
        text, colour, tip = status(row)
        in_site = translate("DiscoveryDialog", "yes") if row.in_site else ""
        cells: list[tuple[str, QColor | None, str]] = [
            (row.camera_id, None, ""),
            (row.camera_name, None, ""),
            (device.hardware or "", None, ""),
            (device.location or "", None, ""),
            (short_address(url), None, url),
            (in_site, WARN_COLOUR if row.in_site else None, ""),
            (text, colour, tip),
        ]
        if self.rowCount() <= index:
            self.setRowCount(index + 1)
        self.blockSignals(True)
        for column, (cell_text, cell_colour, cell_tip) in enumerate(cells):
            item = self.item(index, column)
            if item is None:
                item = QTableWidgetItem()
                item.setData(KEY_ROLE, device.endpoint_reference)
                self.setItem(index, column, item)
            editable = column in (ID_COL, NAME_COL) and row.added_as is None
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
            item.setText(cell_text)
            item.setToolTip(cell_tip or cell_text)
            if cell_colour is not None:
                item.setForeground(cell_colour)
            else:
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
        self.blockSignals(False)

    def selected_indexes(self) -> list[int]:
        return sorted({i.row() for i in self.selectedIndexes()})

    def select(self, rows: Iterable[int]) -> None:
        self.clearSelection()
        mode = self.selectionMode()
        self.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for index in rows:
            self.selectRow(index)
        self.setSelectionMode(mode)


class ProblemsTable(QTableWidget):
    """Answers that were not understood: who, what happened (translated) and the technical detail."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.problems: list[DiscoveryProblem] = []
        self.setObjectName("discoveryProblems")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setColumnWidth(0, 150)
        self.setColumnWidth(1, 430)
        self._fit()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels(
            [
                translate("DiscoveryDialog", "Address"),
                translate("DiscoveryDialog", "What happened"),
                translate("DiscoveryDialog", "Details"),
            ]
        )
        for index in range(len(self.problems)):
            self._show(index)

    def set_problems(self, problems: Iterable[DiscoveryProblem]) -> None:
        problems = list(problems)
        if problems == self.problems:
            return
        self.problems = problems
        self.setRowCount(len(problems))
        for index in range(len(problems)):
            self._show(index)
        self._fit()

    def _fit(self) -> None:
        """As tall as its lines, up to five; the cameras' list keeps the room."""
        rows = max(1, min(5, len(self.problems)))
        height = (
            self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        )
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)

    def _show(self, index: int) -> None:
        problem = self.problems[index]
        what = problem_text(problem.kind)
        for column, text in enumerate((problem.address, what, problem.detail)):
            item = self.item(index, column)
            if item is None:
                item = QTableWidgetItem()
                self.setItem(index, column, item)
            item.setText(text)
            item.setToolTip(text)
            if column == 1:
                item.setForeground(WARN_COLOUR)

    def texts(self) -> list[tuple[str, str, str]]:
        """(address, what happened, detail) of each line, as shown."""

        def text(row: int, column: int) -> str:
            item = self.item(row, column)
            return item.text() if item is not None else ""

        return [(text(i, 0), text(i, 1), text(i, 2)) for i in range(self.rowCount())]
