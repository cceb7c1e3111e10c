"""Search the network for ONVIF cameras (搜索设备) and add the ones chosen to the site file.

The search (WS-Discovery), the login to each chosen camera and the write of the site file run on
worker threads; a GUI timer shows their progress. Passwords never go into the site file: the
camera gets a user name and the *name* of the environment variable that holds its password. The
password field of this dialog is only used, in memory, to check the login now.

Adding goes through the site writer (:mod:`camera_config.site_writer`): it re-reads the site file
(a file with problems is not touched), appends the cameras and leaves every other line and comment
as it was, keeps the previous file in ``backups/`` beside it, and writes atomically.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.adapters.onvif.discovery import (
    WS_DISCOVERY_GROUP,
    DeviceDescription,
    DiscoveredDevice,
    camera_from_discovery,
    discover,
    inspect_device,
)
from app.adapters.onvif.errors import OnvifError
from app.ui.dialogs.save_view import dim
from camera_config.explain import explain
from camera_config.issues import ConfigError, format_path
from camera_config.loader import load_site
from camera_config.models import (
    CAMERA_ID_PATTERN,
    ENV_NAME_PATTERN,
    Camera,
    Credentials,
    OnvifSource,
    RtspSource,
    SiteConfig,
)
from camera_config.site_writer import SiteEditError, add_to_site

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

ERROR, NOTE = "color: rgb(236, 160, 60);", "color: rgb(140, 200, 150);"
WARN_COLOUR = QColor(236, 160, 60)
OK_COLOUR = QColor(140, 200, 150)
POLL_MS = 50
DEFAULT_USER = "admin"
DEFAULT_PASSWORD_ENV = "CITYWALL_CAMERA_PASSWORD"
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
ID_COL, NAME_COL, HARDWARE_COL, LOCATION_COL, ADDRESS_COL, IN_SITE_COL, STATUS_COL = range(7)
_CAM_NUMBER = re.compile(r"^cam(\d+)$")


# -- Qt-free helpers ----------------------------------------------------------------------------------
def _netloc(url: str) -> tuple[str, str] | None:
    """(host, host:port) of an URL, lower case, the port made explicit; None without a host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322}.get(parts.scheme.lower(), 0)
    return host, f"{host}:{port or default}"


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_hosts(site: SiteConfig) -> set[str]:
    """What identifies the site's cameras on the network, for the dialog's ``known_hosts``.

    ONVIF endpoints give ``host:port``; stream URLs give their ``host`` (a camera's own address),
    except on loopback, where one server (the demo's) serves many cameras.
    """
    known: set[str] = set()
    for camera in site.cameras:
        endpoints = [camera.ptz.endpoint] if camera.ptz is not None else []
        if isinstance(camera.source, OnvifSource):
            endpoints.append(camera.source.endpoint)
        for url in endpoints:
            if (loc := _netloc(url)) is not None:
                known.add(loc[1])
        if isinstance(camera.source, RtspSource):
            for stream in (camera.source.main, camera.source.sub):
                where = _netloc(stream) if stream else None
                if where is not None and not _loopback(where[0]):
                    known.add(where[0])
    return known


def is_known(device: DiscoveredDevice, known_hosts: set[str]) -> bool:
    url = device.device_url
    loc = _netloc(url) if url else None
    return loc is not None and (loc[1] in known_hosts or loc[0] in known_hosts)


SiteWriteError = SiteEditError  # the cameras were not added; the message says why (file unchanged)


def append_cameras(path: Path, cameras: Sequence[Camera]) -> SiteConfig:
    """Append ``cameras`` to the site file at ``path``; the site as the app will read it.

    Raises :class:`ConfigError` when the file has problems now (it is then not touched),
    :class:`SiteWriteError` when the cameras do not fit the site, OSError when it cannot be written.
    """
    return add_to_site(path, cameras).site


def _short_address(url: str) -> str:
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


def _next_number(ids: Iterable[str]) -> int:
    numbers = [int(m[1]) for i in ids if (m := _CAM_NUMBER.match(i))]
    return max(numbers, default=0) + 1


@dataclass
class FoundDevice:
    """One row of the results: what was found, and what became of it."""

    device: DiscoveredDevice
    in_site: bool
    camera_id: str
    camera_name: str
    description: DeviceDescription | None = None
    error: str | None = None
    busy: bool = False
    added_as: str | None = None


# -- the dialog ------------------------------------------------------------------------------------
class DiscoveryDialog(QDialog):
    """Find ONVIF cameras, check their login, add them to the site file.

    ``known_hosts``: ``host`` or ``host:port`` of the cameras already in the site (see
    :func:`site_hosts`; the site file's are added). ``target``: where to send the probe (None: the
    WS-Discovery multicast group; the demo's responder answers on a loopback port).
    ``cameras_added`` carries the ids written to the site file; :attr:`added` keeps the cameras.
    """

    cameras_added = Signal(list)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        site_file: Path | None,
        known_hosts: set[str],
        target: tuple[str, int] | None = None,
        timeout_s: float = 4.0,
        inspect_timeout_s: float = 3.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("discoveryDialog")
        self.site_file = site_file
        self.known_hosts = {h.lower() for h in known_hosts}
        self.target = target or WS_DISCOVERY_GROUP
        self.timeout_s = timeout_s
        self.inspect_timeout_s = inspect_timeout_s
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.added: list[Camera] = []
        self.rows: list[FoundDevice] = []
        self._site: SiteConfig | None = None
        self._site_problem: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="discovery")
        self._lock = threading.Lock()
        self._progress: tuple[float, tuple[DiscoveredDevice, ...]] = (0.0, ())
        self._cancel = threading.Event()
        self._search: Future[list[DiscoveredDevice]] | None = None
        self._searched = False
        self._search_outcome: tuple[str, str] | None = None  # (kind, detail) of the last search
        self._inspections: dict[Future[DeviceDescription], FoundDevice] = {}
        self._write: Future[SiteConfig] | None = None
        self._message: tuple[Callable[[], str], bool] | None = None  # (text, is_error): re-translated
        self._pending: tuple[list[Camera], list[FoundDevice]] = ([], [])
        self._closing = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._load_site()
        self._build()
        self.retranslate()
        self._update()
        self.resize(980, 620)

    # -- construction ---------------------------------------------------------------------------
    def _load_site(self) -> None:
        if self.site_file is None:
            return
        try:
            self._site = load_site(self.site_file, resolve_secrets=False)
        except ConfigError as exc:
            self._site_problem = str(exc)
            return
        self.known_hosts |= site_hosts(self._site)

    def _build(self) -> None:
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        dim(self.intro)
        self.search_button = QPushButton(self)
        self.search_button.clicked.connect(self.start_search)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.cancel_search)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        self.found_label = QLabel(self)
        self.table = QTableWidget(0, 7, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {ID_COL: 90, NAME_COL: 160, HARDWARE_COL: 110, LOCATION_COL: 150, ADDRESS_COL: 140}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(IN_SITE_COL, 80)
        self.table.itemChanged.connect(self._item_edited)
        self.table.itemSelectionChanged.connect(self._update)

        self.login_box = QGroupBox(self)
        self.user_edit = QLineEdit(DEFAULT_USER, self)
        self.user_edit.setMaxLength(128)
        self.env_edit = QLineEdit(DEFAULT_PASSWORD_ENV, self)
        self.env_edit.setMaxLength(100)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.group_combo = QComboBox(self)
        self.group_combo.setMinimumContentsLength(20)
        self.env_note = QLabel(self)
        self.env_note.setWordWrap(True)
        self.login_error = QLabel(self)
        self.login_error.setWordWrap(True)
        self.login_error.setStyleSheet(ERROR)
        self.login_error.hide()
        for edit in (self.user_edit, self.env_edit, self.password_edit):
            edit.textChanged.connect(lambda _t: self._update())
        self._labels = {key: QLabel(self) for key in ("user", "env", "password", "group")}
        for key, widget in (
            ("user", self.user_edit),
            ("env", self.env_edit),
            ("password", self.password_edit),
            ("group", self.group_combo),
        ):
            self._labels[key].setBuddy(widget)
        env_field = QVBoxLayout()
        env_field.setSpacing(2)
        env_field.addWidget(self.env_edit)
        env_field.addWidget(self.env_note)
        form = QFormLayout()
        form.addRow(self._labels["user"], self.user_edit)
        form.addRow(self._labels["env"], env_field)
        form.addRow(self._labels["password"], self.password_edit)
        form.addRow(self._labels["group"], self.group_combo)
        self.check_button = QPushButton(self)
        self.check_button.clicked.connect(self.check_selected)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add_selected)
        self.read_only_note = QLabel(self)
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(ERROR)
        actions = QVBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        fields = QVBoxLayout()
        fields.addLayout(form)
        fields.addWidget(self.login_error)
        login = QHBoxLayout(self.login_box)
        login.addLayout(fields, 1)
        login.addSpacing(12)
        login.addLayout(actions)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        for button in (self.search_button, self.cancel_button, self.check_button, self.add_button):
            button.setAutoDefault(False)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.progress, 1)
        search_row.addWidget(self.found_label)
        search_row.addWidget(self.cancel_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.intro)
        outer.addLayout(search_row)
        outer.addWidget(self.table, 1)
        outer.addWidget(self.login_box)
        outer.addWidget(self.read_only_note)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.start_search)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Search for cameras"))
        self.intro.setText(
            self.tr(
                "Looks for ONVIF cameras on this workstation's network. Select cameras, check their "
                "login, then add them to the site. F2 edits a camera's id or name."
            )
        )
        self.search_button.setText(self.tr("&Search again"))
        self.search_button.setToolTip(self.tr("Search the network again (F5)"))
        self.cancel_button.setText(self.tr("S&top search"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Camera id"),
                self.tr("Name"),
                self.tr("Model"),
                self.tr("Location"),
                self.tr("Address"),
                self.tr("In site"),
                self.tr("Status"),
            ]
        )
        self.login_box.setTitle(self.tr("Add the selected cameras"))
        self._labels["user"].setText(self.tr("&User name"))
        self._labels["env"].setText(self.tr("Password &variable"))
        self._labels["password"].setText(self.tr("Pass&word (check only)"))
        self._labels["group"].setText(self.tr("&Group"))
        self.env_edit.setToolTip(
            self.tr(
                "The site file names this environment variable; set it to the password on every "
                "workstation that runs CityWall. The password itself is never saved."
            )
        )
        self.password_edit.setToolTip(
            self.tr("Used only now, to log in to the cameras; never saved. Empty: the variable's value.")
        )
        self.check_button.setText(self.tr("&Check login"))
        self.add_button.setText(self.tr("&Add to site"))
        self.read_only_note.setText(self._read_only_text())
        self.read_only_note.setVisible(bool(self.read_only_note.text()))
        self._fill_groups()
        for index in range(len(self.rows)):
            self._show_row(index)
        self._show_message()
        self._update()

    def _read_only_text(self) -> str:
        if self.site_file is None:
            return self.tr(
                "This site is read-only (demo): cameras can be found and checked, not added. "
                "Start CityWall with a site file to add them."
            )
        if self._site_problem is not None:
            return self.tr("The site file has problems; fix them before adding cameras:\n{0}").format(
                self._site_problem
            )
        return ""

    def _fill_groups(self) -> None:
        current = self.group_combo.currentData()
        self.group_combo.clear()
        self.group_combo.addItem(self.tr("(no group)"), None)
        for group in self._site.groups if self._site is not None else ():
            self.group_combo.addItem(f"{group.name} ({group.id})", group.id)
        index = self.group_combo.findData(current)
        self.group_combo.setCurrentIndex(max(0, index))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._searched:
            self.start_search()

    # -- searching -----------------------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        return self._search is not None

    def start_search(self) -> None:
        if self._search is not None or self._closing:
            return
        self._searched = True
        self._cancel = threading.Event()
        with self._lock:
            self._progress = (0.0, ())
        self._search_outcome = None
        cancel = self._cancel

        def progress(fraction: float, devices: tuple[DiscoveredDevice, ...]) -> None:
            with self._lock:
                self._progress = (fraction, devices)

        def search() -> list[DiscoveredDevice]:
            return discover(timeout_s=self.timeout_s, target=self.target, progress=progress, cancel=cancel)

        self._search = self._executor.submit(search)
        self.progress.setValue(0)
        self._set_message(None)
        self._timer.start()
        self._update()

    def cancel_search(self) -> None:
        """Stop the search now; what was found so far stays listed."""
        self._cancel.set()

    def _merge(self, devices: Iterable[DiscoveredDevice]) -> None:
        keys = {row.device.endpoint_reference for row in self.rows}
        for device in devices:
            if device.endpoint_reference in keys:
                continue
            keys.add(device.endpoint_reference)
            row = FoundDevice(
                device,
                is_known(device, self.known_hosts),
                self._suggest_id(),
                (device.name or device.hardware or device.label)[:120],
            )
            self.rows.append(row)
            self.table.setRowCount(len(self.rows))
            self._show_row(len(self.rows) - 1)

    def _suggest_id(self) -> str:
        ids = [c.id for c in self._site.cameras] if self._site is not None else []
        ids += [row.camera_id for row in self.rows]
        return f"cam{_next_number(ids):03d}"

    def _search_finished(self, future: Future[list[DiscoveredDevice]]) -> None:
        self._search = None
        try:
            devices = future.result()
        except OnvifError as exc:
            self._search_outcome = ("failed", str(exc))
        except Exception as exc:
            log.exception("camera search failed")
            self._search_outcome = ("failed", type(exc).__name__)
        else:
            self._merge(devices)
            self._search_outcome = ("cancelled" if self._cancel.is_set() else "done", "")
        self.progress.setValue(1000)
        self._show_found()
        kind, detail = self._search_outcome
        if kind == "failed":
            self._set_message(lambda: self.tr("The search failed: {0}").format(detail), error=True)
        elif kind == "done" and not self.rows:
            self._set_message(
                lambda: self.tr(
                    "No camera answered. Cameras on another subnet do not hear the search: add them "
                    "by address in the site file."
                ),
                error=True,
            )

    def _show_found(self) -> None:
        count = len(self.rows)
        if self._search is not None:
            self.found_label.setText(self.tr("Searching… {0} found").format(count))
            return
        kind = self._search_outcome[0] if self._search_outcome else ""
        if not self._searched:
            self.found_label.setText("")
        elif kind == "failed":
            self.found_label.setText(self.tr("Search failed"))
        elif kind == "cancelled":
            self.found_label.setText(self.tr("Stopped: {0} found").format(count))
        elif kind == "done" and count == 0:
            self.found_label.setText(self.tr("No camera answered"))
        else:
            self.found_label.setText(self.tr("{0} found").format(count))

    # -- the table -------------------------------------------------------------------------------------
    def _show_row(self, index: int) -> None:
        row = self.rows[index]
        device = row.device
        url = device.device_url or (device.xaddrs[0] if device.xaddrs else "")
        address = _short_address(url)
        status, colour, tip = self._status(row)
        cells: list[tuple[str, QColor | None, str]] = [
            (row.camera_id, None, ""),
            (row.camera_name, None, ""),
            (device.hardware or "", None, ""),
            (device.location or "", None, ""),
            (address, None, url),
            (self.tr("yes") if row.in_site else "", WARN_COLOUR if row.in_site else None, ""),
            (status, colour, tip),
        ]
        self.table.blockSignals(True)
        for column, (text, cell_colour, cell_tip) in enumerate(cells):
            item = self.table.item(index, column)
            if item is None:
                item = QTableWidgetItem()
                item.setData(KEY_ROLE, device.endpoint_reference)
                self.table.setItem(index, column, item)
            editable = column in (ID_COL, NAME_COL) and row.added_as is None
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
            item.setText(text)
            item.setToolTip(cell_tip or text)
            if cell_colour is not None:
                item.setForeground(cell_colour)
            else:
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
        self.table.blockSignals(False)

    def _status(self, row: FoundDevice) -> tuple[str, QColor | None, str]:
        if row.added_as is not None:
            return self.tr("Added as {0}").format(row.added_as), OK_COLOUR, ""
        if row.busy:
            return self.tr("Checking login…"), None, ""
        if row.error is not None:
            return self.tr("Failed: {0}").format(row.error), WARN_COLOUR, row.error
        if row.description is not None:
            d = row.description
            profiles = len(d.profiles)
            text = (
                self.tr("Ready: PTZ, {0} stream profiles").format(profiles)
                if d.ptz
                else self.tr("Ready: {0} stream profiles, no PTZ").format(profiles)
            )
            tip = " · ".join(x for x in (d.info.manufacturer, d.info.model, d.info.firmware_version) if x)
            return text, OK_COLOUR, tip
        return self.tr("Login not checked"), None, ""

    def _item_edited(self, item: QTableWidgetItem) -> None:
        index = item.row()
        if not 0 <= index < len(self.rows):
            return
        text = item.text().strip()
        if item.column() == ID_COL:
            self.rows[index].camera_id = text
        elif item.column() == NAME_COL:
            self.rows[index].camera_name = text
        self._update()

    def selected_rows(self) -> list[FoundDevice]:
        indexes = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[i] for i in indexes if 0 <= i < len(self.rows)]

    def select(self, rows: Iterable[int]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for index in rows:
            self.table.selectRow(index)
        self.table.setSelectionMode(mode)

    # -- checking the login ----------------------------------------------------------------------------
    def password_env(self) -> str:
        return self.env_edit.text().strip()

    def login_problem(self) -> str | None:
        """What is wrong with the user name or the password variable, in words; None if nothing."""
        if not self.user_edit.text().strip():
            return self.tr("Enter the cameras' user name.")
        name = self.password_env()
        if not name:
            return self.tr("Enter the name of the environment variable that holds the password.")
        if not re.match(ENV_NAME_PATTERN, name):
            return self.tr(
                "“{0}” is not an environment variable name: use letters A-Z, digits and _, "
                "not starting with a digit (e.g. CITYWALL_CAMERA_PASSWORD)."
            ).format(name[:40])
        return None

    def check_selected(self) -> None:
        """Log in to each selected camera (off the GUI thread) and read its profiles."""
        rows = [r for r in self.selected_rows() if not r.busy and r.added_as is None]
        if not rows:
            return
        if (problem := self.login_problem()) is not None:
            self._set_message(lambda: problem, error=True)
            self._update()
            return
        user = self.user_edit.text().strip()
        password = self.password_edit.text() or self._env.get(self.password_env()) or None
        for row in rows:
            row.busy, row.error = True, None
            future = self._executor.submit(self._inspect, row.device, user, password)
            self._inspections[future] = row
            self._show_row(self.rows.index(row))
        self._set_message(None)
        self._timer.start()
        self._update()

    def _inspect(self, device: DiscoveredDevice, user: str, password: str | None) -> DeviceDescription:
        return inspect_device(device, user, password, timeout_s=self.inspect_timeout_s)

    def _inspection_finished(self, future: Future[DeviceDescription], row: FoundDevice) -> None:
        row.busy = False
        try:
            row.description, row.error = future.result(), None
        except OnvifError as exc:
            row.description, row.error = None, exc.message  # the row names the camera already
        except Exception as exc:
            log.exception("checking the login of %s failed", row.device.label)
            row.description = None
            row.error = self.tr("internal error ({0})").format(type(exc).__name__)
        self._show_row(self.rows.index(row))
        if row.error is not None:
            label, error = row.device.label, row.error
            self._set_message(lambda: self.tr("{0}: {1}").format(label, error), error=True)

    # -- adding ----------------------------------------------------------------------------------------
    def can_add(self) -> bool:
        return self.site_file is not None and self._site_problem is None and self._write is None

    def add_selected(self) -> None:
        """Append the selected, checked cameras to the site file (off the GUI thread)."""
        if not self.can_add() or self.site_file is None:
            return
        rows = [r for r in self.selected_rows() if r.added_as is None]
        if not rows:
            return
        words = self._add_problem(rows)
        if words is not None:
            self._set_message(lambda: words, error=True)
            return
        credentials = Credentials(username=self.user_edit.text().strip(), password_env=self.password_env())
        group = self.group_combo.currentData()
        cameras: list[Camera] = []
        for row in rows:
            assert row.description is not None
            try:
                cameras.append(
                    camera_from_discovery(
                        row.description,
                        row.camera_id,
                        name=row.camera_name,
                        group=group,
                        credentials=credentials,
                    )
                )
            except (OnvifError, ValidationError, ValueError) as exc:
                label, why = row.device.label, _words(exc)
                self._set_message(lambda: self.tr("{0}: {1}").format(label, why), error=True)  # noqa: B023 (returns)
                return
        path = self.site_file
        self._write = self._executor.submit(append_cameras, path, cameras)
        self._pending = (cameras, rows)
        self._set_message(lambda: self.tr("Writing the site file…"), error=False)
        self._timer.start()
        self._update()

    def _add_problem(self, rows: list[FoundDevice]) -> str | None:
        if (problem := self.login_problem()) is not None:
            return problem
        unchecked = [r.device.label for r in rows if r.description is None]
        if unchecked:
            return self.tr("Check the login of these cameras first: {0}").format(", ".join(unchecked))
        site_ids = {c.id for c in self._site.cameras} if self._site is not None else set()
        seen: set[str] = set()
        for row in rows:
            if not re.match(CAMERA_ID_PATTERN, row.camera_id):
                return self.tr(
                    "Camera id “{0}”: use 1-64 letters A-Z, digits, _ . -, starting with a letter or digit."
                ).format(row.camera_id[:40])
            if row.camera_id in site_ids or row.camera_id in seen:
                return self.tr("Camera id “{0}” is already used: choose another.").format(row.camera_id)
            seen.add(row.camera_id)
            if not row.camera_name:
                return self.tr("Camera id “{0}”: give the camera a name.").format(row.camera_id)
            if len(row.camera_name) > 120:
                return self.tr("Camera id “{0}”: the name is longer than 120 characters.").format(
                    row.camera_id
                )
        return None

    def _write_finished(self, future: Future[SiteConfig]) -> None:
        self._write = None
        cameras, rows = self._pending
        path = self.site_file
        try:
            site = future.result()
        except ConfigError as exc:
            why = str(exc)
            self._set_message(
                lambda: self.tr("Not added: the site file has problems; fix them first:\n{0}").format(why),
                error=True,
            )
            return
        except (SiteWriteError, OSError) as exc:
            why = _words(exc)
            self._set_message(lambda: self.tr("Not added: {0}").format(why), error=True)
            return
        except Exception as exc:
            log.exception("adding cameras to the site file failed")
            why = type(exc).__name__
            self._set_message(lambda: self.tr("Not added: internal error ({0})").format(why), error=True)
            return
        self._site = site
        self.known_hosts |= site_hosts(site)
        for camera, row in zip(cameras, rows, strict=True):
            row.added_as, row.in_site = camera.id, True
            self._show_row(self.rows.index(row))
        self.added.extend(cameras)
        ids = [c.id for c in cameras]
        name = path.name if path is not None else ""
        self._set_message(
            lambda: self.tr("Added to {0}: {1}. They appear on the wall once the site is reloaded.").format(
                name, ", ".join(ids)
            ),
            error=False,
        )
        self.cameras_added.emit(ids)

    # -- the timer -----------------------------------------------------------------------------------
    def _poll(self) -> None:
        if self._search is not None:
            with self._lock:
                fraction, devices = self._progress
            self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
            self._merge(devices)
            if self._search.done():
                self._search_finished(self._search)
            else:
                self._show_found()
        for future, row in list(self._inspections.items()):
            if future.done():
                del self._inspections[future]
                self._inspection_finished(future, row)
        if self._write is not None and self._write.done():
            self._write_finished(self._write)
        if self._search is None and not self._inspections and self._write is None:
            self._timer.stop()
        self._update()

    @property
    def busy(self) -> bool:
        return self._search is not None or bool(self._inspections) or self._write is not None

    def _update(self) -> None:
        if not hasattr(self, "buttons"):
            return
        selected = [r for r in self.selected_rows() if r.added_as is None]
        self.search_button.setEnabled(self._search is None)
        self.cancel_button.setEnabled(self._search is not None and not self._cancel.is_set())
        checking = any(r.busy for r in selected)
        self.check_button.setEnabled(bool(selected) and not checking)
        self.add_button.setEnabled(
            self.can_add() and bool(selected) and all(r.description is not None for r in selected)
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(self._write is None)
        problem = self.login_problem()
        self.login_error.setText(problem or "")
        self.login_error.setVisible(problem is not None and bool(self.rows))
        name = self.password_env()
        if not name or (problem is not None and not re.match(ENV_NAME_PATTERN, name)):
            self.env_note.setText("")
        elif self._env.get(name):
            self.env_note.setText(
                self.tr("{0} is set on this workstation. The site file stores only its name.").format(name)
            )
        else:
            self.env_note.setText(
                self.tr(
                    "{0} is not set here: type the password below to check the login, and set {0} "
                    "wherever CityWall runs. The site file stores only its name."
                ).format(name)
            )
        dim(self.env_note)
        self.env_note.setVisible(bool(self.env_note.text()))
        if self.password_env() and self._env.get(self.password_env()):
            self.password_edit.setPlaceholderText(self.tr("(the variable's value)"))
        else:
            self.password_edit.setPlaceholderText(self.tr("(only to check now; never saved)"))
        if self._search is None:
            self._show_found()

    # -- messages --------------------------------------------------------------------------------------
    def _set_message(self, text: Callable[[], str] | None, *, error: bool = False) -> None:
        self._message = None if text is None else (text, error)
        self._show_message()

    def _show_message(self) -> None:
        if self._message is None:
            self.message.setText("")
            self.message.hide()
            return
        text, error = self._message
        self.message.setStyleSheet(ERROR if error else NOTE)
        self.message.setText(text())
        self.message.show()

    def message_text(self) -> str:
        return self.message.text() if self._message is not None else ""

    # -- closing -------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        if self._write is not None:
            return  # the site file is being written: wait for it (a moment)
        self._shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self._write is not None:
            event.ignore()
            return
        self._shutdown()
        super().closeEvent(event)

    def _shutdown(self) -> None:
        self._closing = True
        self._cancel.set()
        self._timer.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _words(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{format_path(p.loc)}: {p.message}" for p in explain(exc, Camera))
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__
