"""Search the network for ONVIF cameras (搜索设备), probe addresses by hand, add cameras to the site.

The search (WS-Discovery), the probe, the login to each chosen camera and the write of the site
file run on worker threads; a GUI timer shows their progress. Every answer that was not understood
is listed with the reason. Adding writes what :func:`.adding.camera_entries` produces (the ``ptz:``
block with the presets the camera reported) in one call, :func:`.adding.append_cameras`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from app.adapters.onvif.discovery import WS_DISCOVERY_GROUP, DiscoveredDevice
from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.onboarding import DeviceDescription, inspect_device
from app.adapters.onvif.targets import DEFAULT_PORTS
from app.ui.dialogs.discovery.adding import (
    SiteWriteError,
    append_cameras,
    camera_entries,
    cameras_for,
    is_known,
    netloc,
    rows_problem,
    site_hosts,
    words,
)
from app.ui.dialogs.discovery.jobs import Job
from app.ui.dialogs.discovery.login import LoginBox
from app.ui.dialogs.discovery.results import ID_COL, NAME_COL, FoundDevice, ResultsTable
from app.ui.dialogs.discovery.search_panel import SearchPanel
from app.ui.dialogs.discovery.texts import onvif_error_text
from app.ui.dialogs.save_view import dim
from camera_config.issues import ConfigError
from camera_config.loader import load_site
from camera_config.models import Camera, Credentials, SiteConfig
from camera_config.site_writer import SaveResult

log = logging.getLogger(__name__)

ERROR, NOTE = "color: rgb(236, 160, 60);", "color: rgb(140, 200, 150);"
POLL_MS = 50
_CAM_NUMBER = re.compile(r"^cam(\d+)$")


def _next_number(ids: Iterable[str]) -> int:
    numbers = [int(m[1]) for i in ids if (m := _CAM_NUMBER.match(i))]
    return max(numbers, default=0) + 1


def _row_key(device: DiscoveredDevice) -> str:
    """One row per device: found by WS-Discovery and by a probe, it is the same host:port."""
    loc = netloc(device.device_url) if device.device_url else None
    return loc[1] if loc is not None else device.endpoint_reference


class DiscoveryDialog(QDialog):
    """Find ONVIF cameras (WS-Discovery, or by address), check their login, add them to the site file.

    ``known_hosts``: ``host`` or ``host:port`` of the cameras already in the site (see
    :func:`site_hosts`; the site file's are added). ``target``: where to send the WS-Discovery probe
    (None: the multicast group; the demo's responder answers on a loopback port). ``probe_ports``:
    the ports a probe tries by default. ``cameras_added`` carries the ids written to the site file;
    :attr:`added` keeps the cameras.
    """

    cameras_added = Signal(list)
    site_file_saved = Signal(str, str)  # the file, its backup ("" when there was none)
    site_file_not_saved = Signal(str, str)  # the file, why

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        site_file: Path | None,
        known_hosts: set[str],
        target: tuple[str, int] | None = None,
        timeout_s: float = 4.0,
        inspect_timeout_s: float = 3.0,
        probe_ports: tuple[int, ...] = DEFAULT_PORTS,
        probe_timeout_s: float = 2.5,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("discoveryDialog")
        self.site_file = site_file
        self.known_hosts = {h.lower() for h in known_hosts}
        self.inspect_timeout_s = inspect_timeout_s
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.added: list[Camera] = []
        self.rows: list[FoundDevice] = []
        self._site: SiteConfig | None = None
        self._site_problem: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=3, thread_name_prefix="discovery")
        self._inspections: dict[Future[DeviceDescription], FoundDevice] = {}
        self._write: Future[SaveResult] | None = None
        self._message: tuple[Callable[[], str], bool] | None = None  # (text, is_error): re-translated
        self._pending: tuple[list[Camera], list[FoundDevice]] = ([], [])
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._load_site()
        self.search_panel = SearchPanel(
            self._executor,
            target=target or WS_DISCOVERY_GROUP,
            timeout_s=timeout_s,
            probe_ports=probe_ports,
            probe_timeout_s=probe_timeout_s,
            login=self._probe_login,
            rows=lambda: len(self.rows),
            parent=self,
        )
        self._build()
        self.retranslate()
        self._update()
        self.resize(1020, 720)

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
        panel = self.search_panel
        panel.found.connect(self._merge)
        panel.message.connect(lambda text, error: self._set_message(text, error=error))
        panel.changed.connect(self._update)
        # The panel's parts, by the names callers and tests know them.
        self.search_button, self.cancel_button = panel.search_button, panel.cancel_button
        self.progress, self.found_label = panel.progress, panel.found_label
        self.address_edit, self.ports_edit, self.probe_button = (
            panel.address_edit,
            panel.ports_edit,
            panel.probe_button,
        )
        self.problems = panel.problems

        self.table = ResultsTable(self)
        self.table.itemChanged.connect(self._item_edited)
        self.table.itemSelectionChanged.connect(self._update)

        self.login = LoginBox(self._env, self)
        self.login.changed.connect(self._update)
        self.login.check_button.clicked.connect(self.check_selected)
        self.login.add_button.clicked.connect(self.add_selected)
        # The login box's parts, by the names callers and tests know them.
        self.login_box, self.user_edit, self.env_edit = self.login, self.login.user_edit, self.login.env_edit
        self.password_edit, self.group_combo = self.login.password_edit, self.login.group_combo
        self.env_note, self.login_error = self.login.env_note, self.login.login_error
        self.check_button, self.add_button = self.login.check_button, self.login.add_button

        self.read_only_note = QLabel(self)
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(ERROR)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        # Enter belongs to the fields (Enter in Addresses probes); it must not close the dialog.
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)

        outer = QVBoxLayout(self)
        outer.addWidget(self.intro)
        outer.addWidget(panel)
        outer.addWidget(self.table, 1)
        outer.addWidget(panel.problems_box)
        outer.addWidget(self.login)
        outer.addWidget(self.read_only_note)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.start_search)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Search for cameras"))
        self.intro.setText(
            self.tr(
                "Looks for ONVIF cameras on this workstation's network. Cameras on other subnets "
                "do not hear the search: probe their addresses below. Select cameras, check their "
                "login, then add them to the site. F2 edits a camera's id or name."
            )
        )
        self.search_panel.retranslate()
        self.table.retranslate()
        self.login.retranslate(self._site)
        self.read_only_note.setText(self._read_only_text())
        self.read_only_note.setVisible(bool(self.read_only_note.text()))
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

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self.search_panel.started:
            self.start_search()

    # -- searching and probing -------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        """A search or a probe is running."""
        return self.search_panel.running

    @property
    def job(self) -> Job | None:
        return self.search_panel.job

    def start_search(self) -> None:
        self.search_panel.start_search()

    def start_probe(self) -> None:
        self.search_panel.start_probe()

    def cancel_search(self) -> None:
        """Stop the search or probe now; what was found so far stays listed."""
        self.search_panel.cancel()

    def _probe_login(self) -> tuple[str | None, str | None]:
        """The login a probe reads device information with (none while the fields are wrong)."""
        if self.login.login_problem() is not None:
            return None, None
        return self.login.user, self.login.password()

    def _merge(self, devices: Iterable[DiscoveredDevice]) -> None:
        keys = {_row_key(row.device): index for index, row in enumerate(self.rows)}
        for device in devices:
            key = _row_key(device)
            if key in keys:
                row = self.rows[keys[key]]
                if row.device.info is None and device.info is not None and row.added_as is None:
                    row.device = device  # a probe with a login knows more than a WS-Discovery reply
                    self._note_login(row)
                    self._show_row(keys[key])
                continue
            keys[key] = len(self.rows)
            row = FoundDevice(
                device,
                is_known(device, self.known_hosts),
                self._suggest_id(),
                (device.name or device.hardware or device.label)[:120],
            )
            self._note_login(row)
            self.rows.append(row)
            self._show_row(len(self.rows) - 1)

    def _note_login(self, row: FoundDevice) -> None:
        if row.device.login_refused and row.description is None:
            row.error = self.tr("camera refused the login (check the user name and password)")

    def _suggest_id(self) -> str:
        ids = [c.id for c in self._site.cameras] if self._site is not None else []
        ids += [row.camera_id for row in self.rows]
        return f"cam{_next_number(ids):03d}"

    # -- the table -------------------------------------------------------------------------------------
    def _show_row(self, index: int) -> None:
        self.table.show_row(index, self.rows[index])

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
        return [self.rows[i] for i in self.table.selected_indexes() if 0 <= i < len(self.rows)]

    def select(self, rows: Iterable[int]) -> None:
        self.table.select(rows)

    # -- checking the login ----------------------------------------------------------------------------
    def password_env(self) -> str:
        return self.login.password_env()

    def login_problem(self) -> str | None:
        return self.login.login_problem()

    def check_selected(self) -> None:
        """Log in to each selected camera (off the GUI thread) and read its profiles, PTZ and presets."""
        rows = [r for r in self.selected_rows() if not r.busy and r.added_as is None]
        if not rows:
            return
        if (problem := self.login_problem()) is not None:
            self._set_message(lambda: problem, error=True)
            self._update()
            return
        user, password = self.login.user, self.login.password()
        for row in rows:
            row.busy, row.error, row.error_detail = True, None, ""
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
            row.description = None
            row.error, row.error_detail = onvif_error_text(exc), exc.message
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
        words = self.login_problem() or rows_problem(rows, self._site)
        if words is not None:
            self._set_message(lambda: words, error=True)
            return
        credentials = Credentials(username=self.login.user, password_env=self.password_env())
        try:
            cameras = cameras_for(rows, credentials, self.group_combo.currentData())
        except ValueError as exc:
            why = str(exc)
            self._set_message(lambda: why, error=True)
            return
        self._write = self._executor.submit(append_cameras, self.site_file, camera_entries(cameras))
        self._pending = (cameras, rows)
        self._set_message(lambda: self.tr("Writing the site file…"), error=False)
        self._timer.start()
        self._update()

    def _write_finished(self, future: Future[SaveResult]) -> None:
        self._write = None
        cameras, rows = self._pending
        path = self.site_file
        try:
            saved = future.result()
        except ConfigError as exc:
            why = str(exc)
            self.site_file_not_saved.emit(str(path), why)
            self._set_message(
                lambda: self.tr("Not added: the site file has problems; fix them first:\n{0}").format(why),
                error=True,
            )
            return
        except (SiteWriteError, OSError) as exc:
            why = words(exc)
            self.site_file_not_saved.emit(str(path), why)
            self._set_message(lambda: self.tr("Not added: {0}").format(why), error=True)
            return
        except Exception as exc:
            log.exception("adding cameras to the site file failed")
            why = type(exc).__name__
            self.site_file_not_saved.emit(str(path), why)
            self._set_message(lambda: self.tr("Not added: internal error ({0})").format(why), error=True)
            return
        site = saved.site
        self.site_file_saved.emit(str(saved.path), str(saved.backup or ""))
        self._site = site
        self.known_hosts |= site_hosts(site)
        for camera, row in zip(cameras, rows, strict=True):
            row.added_as, row.in_site = camera.id, True
            self._show_row(self.rows.index(row))
        self.added.extend(cameras)
        ids = [c.id for c in cameras]
        with_ptz = [c for c in cameras if c.ptz is not None]
        presets = sum(len(c.ptz.presets) for c in with_ptz if c.ptz is not None)
        name = path.name if path is not None else ""
        self._set_message(
            lambda: self.tr(
                "Added to {0}: {1} ({2} with PTZ, {3} presets). They appear on the wall once the site "
                "is reloaded."
            ).format(name, self.tr(", ").join(ids), len(with_ptz), presets),
            error=False,
        )
        self.cameras_added.emit(ids)

    # -- the timer -----------------------------------------------------------------------------------
    def _poll(self) -> None:
        for future, row in list(self._inspections.items()):
            if future.done():
                del self._inspections[future]
                self._inspection_finished(future, row)
        if self._write is not None and self._write.done():
            self._write_finished(self._write)
        if not self._inspections and self._write is None:
            self._timer.stop()
        self._update()

    @property
    def busy(self) -> bool:
        return self.searching or bool(self._inspections) or self._write is not None

    def _update(self) -> None:
        if not hasattr(self, "buttons"):
            return
        selected = [r for r in self.selected_rows() if r.added_as is None]
        checking = any(r.busy for r in selected)
        self.check_button.setEnabled(bool(selected) and not checking)
        self.add_button.setEnabled(
            self.can_add() and bool(selected) and all(r.description is not None for r in selected)
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(self._write is None)
        self.login.update_notes(show_error=bool(self.rows))

    # -- messages --------------------------------------------------------------------------------------
    def _set_message(self, text: Callable[[], str] | None, *, error: bool = False) -> None:
        self._message = None if text is None else (text, error)
        self._show_message()

    def _show_message(self) -> None:
        text = self._message[0]() if self._message is not None else ""
        if not text or self._message is None:
            self.message.setText("")
            self.message.hide()
            return
        self.message.setStyleSheet(ERROR if self._message[1] else NOTE)
        self.message.setText(text)
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
        self.search_panel.shutdown()
        self._timer.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)
