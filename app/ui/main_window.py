"""The operator's control window: the main wall, the camera tree, views, layouts, tours, extra walls."""

from __future__ import annotations

import functools
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QImage, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QWidget,
)

from app.core.alert_ports import EvidenceStore
from app.core.alerts import AlertChange
from app.core.cases import Actor, Role
from app.core.preset_tracking import Place
from app.core.ptz_control import Requester
from app.core.ptz_port import PtzVector
from app.core.site_time import site_zone
from app.core.stream_health import StreamState
from app.core.system_events import SystemEventKind
from app.core.wall_layout import WallView
from app.media.source import FrameSource
from app.services.alerts import AlertService
from app.services.bin_samples import BinSampleStore
from app.services.detection.alert_feed import DetectionAlerts
from app.services.detection.service import DetectionService
from app.services.patrol_store import PatrolStore
from app.services.ptz_controller import PlaceChanged
from app.services.ptz_hub import PtzHub, operator
from app.services.suppressions import SuppressionService
from app.services.system_events import SystemEventLog
from app.services.view_library import ALL_CAMERAS, ViewLibrary
from app.services.zone_store import ZoneStore
from app.ui.actions import ACTIONS, BY_ID, WALL, ActionSpec
from app.ui.alerts.history import Searchable
from app.ui.alerts.words import rule_words
from app.ui.alerts.workspace import AlertsWorkspace
from app.ui.camera_tree import CameraTree
from app.ui.cases.wiring import CasesHub, CaseWiring
from app.ui.detection.alert_signals import AlertSignals
from app.ui.detection.overlay_feed import OverlayFeed
from app.ui.detection.suppressed_places import TaughtView, clean_zones
from app.ui.detection.zone_editor import ZoneEditorDialog
from app.ui.dialogs.discovery import DiscoveryDialog
from app.ui.dialogs.shift import OPERATOR_KEY, ask_operator
from app.ui.help_overlay import HelpOverlay
from app.ui.i18n import LANGUAGES, Translations
from app.ui.ptz.focus_control import FocusPtzControl
from app.ui.ptz.joystick import JoystickInput
from app.ui.ptz.panel import PtzPanel
from app.ui.ptz.patrol_editor import PatrolEditorDialog
from app.ui.ptz.thumbnails import PresetThumbnails
from app.ui.snapshot_taker import SnapshotNotice, SnapshotResult, SnapshotTaker, StillSource
from app.ui.store_messages import save_or_ask, save_or_warn
from app.ui.system_events_view import StatusFaults, SystemEventsPanel
from app.ui.tile_menu import TileFacts, tile_menu
from app.ui.voice.hub import VoiceHub
from app.ui.voice.keys import ALERT_MENU, VOICE, voice_help_group
from app.ui.voice.wiring import VoiceTarget, VoiceWiring
from app.ui.wall.compositor import TileInfo, WallCompositor
from app.ui.wall.keyboard import WallKeys
from app.ui.wall.number_entry_setting import NumberEntrySetting
from app.ui.wall.pane import WallPane
from app.ui.wall.ptz_feed import PtzMarkFeed
from app.ui.wall_window import WallWindow
from camera_config.models import SiteConfig

translate = QCoreApplication.translate
STATUS_COALESCE_MS = 150  # alert changes within this refresh the status line once
DETECTION_POLL_MS = 200  # detection results and alerts reach the wall within this
PTZ_TICK_MS = 50  # PTZ status polls, dwell timers and listeners run from this timer
WALL_SHARE = 0.6  # below this share of a narrow window's width, the side docks give way to the wall
DOCK_FLOOR = 200  # px: narrower, the camera tree's names are cut to a few characters
COMPACT_HEIGHT = 900  # px: a lower window puts the PTZ panel in a tab beside the alerts
# side panels can be moved and closed (F7 and F9 bring them back)
_DOCK = QDockWidget.DockWidgetFeature
COLLAPSIBLE = _DOCK.DockWidgetMovable | _DOCK.DockWidgetClosable

# Short words for toolbar buttons (menus and tooltips use the full action text).
TOOLBAR_TEXT = {
    "save_view": str(QT_TRANSLATE_NOOP("Main", "Save view")),
    "tour": str(QT_TRANSLATE_NOOP("Main", "Tour")),
    "snapshot": str(QT_TRANSLATE_NOOP("Main", "Snapshot")),
    "new_case": str(QT_TRANSLATE_NOOP("Main", "Report case")),
    "cases": str(QT_TRANSLATE_NOOP("Main", "Cases")),
    "help": str(QT_TRANSLATE_NOOP("Main", "Shortcuts")),
}


@dataclass(frozen=True)
class SiteUi:
    """What the window needs to know about the site."""

    name: str
    cameras: list[TileInfo]
    groups: list[tuple[str, str, str | None]]  # (id, name, parent)
    snapshot_dir: Path
    site_file: Path | None = None  # where found cameras are added (None: read-only, e.g. the demo)
    known_hosts: frozenset[str] = frozenset()  # cameras already in the site, for discovery
    discovery_target: tuple[str, int] | None = None  # None: the WS-Discovery multicast group
    timezone: str = ""  # the site's (snapshot names and captions); "": this machine's
    stills: StillSource | None = None  # main-stream pictures for snapshots (None: the tile's picture)


@dataclass(frozen=True)
class DetectionWiring:
    """Detection as the window sees it: the site (zones, rule settings), the worker, the zone store."""

    site: SiteConfig
    service: DetectionService | None
    zones: ZoneStore | None
    bin_samples: BinSampleStore | None = None  # the site's labelled bin pictures, for retraining
    suppressions: SuppressionService | None = None  # places dismissed as 固定设施 / 误检


@dataclass(frozen=True)
class AlertWiring:
    """The alerts as the window sees them, built by the composition root: the service that owns
    them, the feed that joins detection to it, where their evidence is kept, the site's zone."""

    service: AlertService
    intake: DetectionAlerts | None = None
    evidence: EvidenceStore | None = None
    timezone: str = "Asia/Shanghai"
    repository: Searchable | None = None  # the stored alerts, for history search and hand-over
    sounds: Path | None = None  # where the alarm tones are written (the site's data folder)


class MainWindow(QMainWindow):
    def __init__(
        self,
        source: FrameSource,
        site: SiteUi,
        library: ViewLibrary,
        translations: Translations,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        ptz: PtzHub | None = None,
        profile: Path | None = None,
        patrol_store: PatrolStore | None = None,
        detection: DetectionWiring | None = None,
        alerts: AlertWiring | None = None,
        cases: CaseWiring | None = None,
        voice: VoiceWiring | None = None,
        events: SystemEventLog | None = None,
        operator_name: str = "",
        operator_role: Role = Role.OPERATOR,
    ) -> None:
        super().__init__(parent)
        self._operator_name = operator_name.strip()  # who is on shift (asked at start)
        self._operator_role = operator_role  # what they may do to cases
        self.alert_wiring = alerts
        self.case_wiring = cases
        self.voice_wiring = voice
        self.events = events if events is not None else SystemEventLog()
        self.setObjectName("CityWallMain")
        self._source, self._site, self.library = source, site, library
        self._translations, self._settings = translations, settings
        self._infos = {info.camera_id: info for info in site.cameras}
        self.pane = WallPane(source, self._infos, client_id="wall-main", parent=self)
        self.setCentralWidget(self.pane)
        self.walls: list[WallWindow] = []
        self._active: WallPane = self.pane
        self._connect_pane(self.pane)

        self.tree = CameraTree(source, site.cameras, site.groups, self)
        self.tree.camera_chosen.connect(self._show_camera)
        self.tree_dock = QDockWidget(self)
        self.tree_dock.setObjectName("cameraTree")
        self.tree_dock.setWidget(self.tree)
        self.tree_dock.setFeatures(COLLAPSIBLE)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree_dock)
        self.resizeDocks([self.tree_dock], [280], Qt.Orientation.Horizontal)

        self.ptz = ptz
        self.patrol_store = patrol_store
        self.detection = detection
        self._build_ptz(profile)
        self.ptz_marks = PtzMarkFeed(
            ptz, self._compositors, self.operator, self
        )  # who has a PTZ camera, on its tiles
        self._build_detection()

        self.actions_by_id: dict[str, QAction] = {}
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self.help = HelpOverlay(self)
        self._build_events()
        self._build_voice()
        self._status = QLabel(self)
        # No stretch: a stretched permanent widget takes the whole bar and hides every message.
        self.statusBar().addPermanentWidget(self._status)
        zone = site_zone(site.timezone) if site.timezone else None
        self.snapshots = SnapshotTaker(site.snapshot_dir, site.name, zone, site.stills, self)
        self.snapshot_notice = SnapshotNotice(self)  # permanent: a status message must not hide it
        self.statusBar().insertPermanentWidget(0, self.snapshot_notice)
        self.snapshots.started.connect(self.snapshot_notice.show_taking)
        self.snapshots.done.connect(self._snapshot_done)
        self._status_soon = QTimer(self, singleShot=True, interval=STATUS_COALESCE_MS)
        self._status_soon.timeout.connect(self.refresh_status)
        self._status_timer = QTimer(self, interval=1000)
        self._status_timer.timeout.connect(self.refresh_status)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]
        self.wall_keys = WallKeys(self, self._pane)  # the wall's keys whatever control was clicked last
        self.number_entry = NumberEntrySetting(settings, self._panes, self.statusBar().showMessage, self)
        self.help.set_number_timeout(self.number_entry.seconds)  # F1 says how long the wall waits
        self.number_entry.changed.connect(self.help.set_number_timeout)
        self.retranslate()

    # --- construction -------------------------------------------------------------------------
    def _handlers(self) -> dict[str, Callable[[], None]]:
        pane = self._pane
        handlers: dict[str, Callable[[], None]] = {
            "next_page": lambda: pane().next_page(),
            "previous_page": lambda: pane().previous_page(),
            "focus": self._enter,
            "unfocus": self._escape,
            "select_left": lambda: self._move_selection(-1, 0),
            "select_right": lambda: self._move_selection(1, 0),
            "select_up": lambda: self._move_selection(0, -1),
            "select_down": lambda: self._move_selection(0, 1),
            "clear_tile": lambda: pane().clear_selected(),
            "snapshot": self.snapshot_selected,
            "next_layout": lambda: self._step_layout(1),
            "previous_layout": lambda: self._step_layout(-1),
            "edit_layouts": self.edit_layouts,
            "next_view": lambda: self._step_view(1),
            "previous_view": lambda: self._step_view(-1),
            "save_view": self.save_view,
            "delete_view": self.delete_view,
            "tour": self.toggle_tour,
            "pause_tour": lambda: pane().toggle_pause(),
            "search": self._search,
            "full_screen": self._toggle_full_screen,
            "wall_only": lambda: self.set_wall_only(not self.wall_only),
            "camera_list": lambda: self.tree_dock.setVisible(not self.tree_dock.isVisible()),
            "side_panels": lambda: self.set_side_panels(not self.side_panels_visible()),
            "walls": self.open_walls_on_other_screens,
            "language": self.toggle_language,
            "operator_name": self.set_operator_name,
            "discover": self.discover_cameras,
            "edit_zones": self.edit_zones,
            "alerts": lambda: self.alerts_dock.setVisible(not self.alerts_dock.isVisible()),
            "all_boxes": lambda: self.overlay_feed.set_show_all(not self.overlay_feed.show_all),
            "cases": self.toggle_cases,
            "new_case": self.new_case_at_selected_tile,
            "figures": self.show_figures,
            "system_events": self.toggle_events,
            "help": lambda: self.help.toggle(),
            "number_timeout": lambda: self.number_entry.ask(),
            "quit": self._quit,
        }
        for spec in ACTIONS:
            if spec.id.startswith("layout_"):
                name = spec.id.removeprefix("layout_")
                handlers[spec.id] = lambda _checked=False, name=name: self.set_layout(name)  # type: ignore[misc]
        return handlers

    def _build_actions(self) -> None:
        handlers = self._handlers()
        for spec in ACTIONS:
            action = QAction(self)
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.triggered.connect(handlers[spec.id])
            if spec.group == WALL:
                # Wall keys act only where the wall has the keyboard: Enter in the search box
                # must search, not focus a tile.
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.pane.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
                self.addAction(action)
            self.actions_by_id[spec.id] = action

    def _wall_actions_for(self, pane: WallPane) -> None:
        """Extra wall windows get their own copies of the wall keys."""
        handlers = self._handlers()
        for spec in ACTIONS:
            if spec.group != WALL:
                continue
            action = QAction(pane)
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handlers[spec.id])
            pane.addAction(action)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.view_box = QComboBox(self)
        self.view_box.setMinimumContentsLength(14)
        self.view_box.activated.connect(lambda i: self.set_view(str(self.view_box.itemData(i))))
        self.layout_box = QComboBox(self)
        # Its texts change with the language (and with the layouts an operator adds): it follows them.
        self.layout_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layout_box.activated.connect(lambda i: self.set_layout(str(self.layout_box.itemData(i))))
        self.page_label = QLabel(self)
        self.tour_seconds = QSpinBox(self)
        self.tour_seconds.setRange(5, 600)
        self.tour_seconds.setValue(int(str(self._settings.value("tour/seconds", 20))))
        self.tour_mode = QComboBox(self)
        self.tour_mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.language_box = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language_box.addItem(name, code)
        self.language_box.activated.connect(lambda i: self.set_language(str(self.language_box.itemData(i))))
        self._bar_labels = [QLabel(self) for _ in range(3)]
        bar.addWidget(self._bar_labels[0])
        bar.addWidget(self.view_box)
        bar.addAction(self.actions_by_id["save_view"])
        bar.addSeparator()
        bar.addWidget(self._bar_labels[1])
        bar.addWidget(self.layout_box)
        bar.addWidget(self.page_label)
        bar.addSeparator()
        bar.addAction(self.actions_by_id["tour"])
        bar.addWidget(self.tour_mode)
        bar.addWidget(self.tour_seconds)
        bar.addWidget(self._bar_labels[2])
        bar.addSeparator()
        bar.addAction(self.actions_by_id["snapshot"])
        if self.case_wiring is not None:
            bar.addAction(self.actions_by_id["new_case"])
            bar.addAction(self.actions_by_id["cases"])
        if self.alerts is not None:
            bar.addAction(self.alerts.sound.action)  # the alarm sound's mute, always in reach
        bar.addAction(self.actions_by_id["help"])
        bar.addWidget(self.language_box)

    def _build_menus(self) -> None:
        self._menus: list[tuple[QMenu, str]] = []
        groups: dict[str, QMenu] = {}
        for spec in ACTIONS:
            menu = groups.get(spec.group)
            if menu is None:
                menu = self.menuBar().addMenu("")
                groups[spec.group] = menu
                self._menus.append((menu, spec.group))
            menu.addAction(self.actions_by_id[spec.id])
        if self.alerts is not None:  # alarm sound, alarm window, hand-over: beside "show alerts"
            alerts_menu = groups[next(spec.group for spec in ACTIONS if spec.id == "alerts")]
            alerts_menu.addSeparator()
            alerts_menu.addActions(self.alerts.actions_)

    def retranslate(self) -> None:
        self.setWindowTitle(translate("Main", "CityWall — {0}").format(self._site.name))
        self.tree_dock.setWindowTitle(translate("Main", "Cameras"))
        self.ptz_dock.setWindowTitle(translate("Main", "PTZ"))
        if hasattr(self, "snapshot_notice"):
            self.snapshot_notice.retranslate()
        self.alerts_dock.setWindowTitle(translate("Main", "Alerts"))
        self.events_dock.setWindowTitle(translate("Main", "System events"))
        self.events_panel.retranslate()
        for spec in ACTIONS:
            action = self.actions_by_id[spec.id]
            action.setText(spec.label())
            action.setToolTip(_tooltip(spec))
            if spec.id in TOOLBAR_TEXT:
                action.setIconText(translate("Main", TOOLBAR_TEXT[spec.id]))
        for menu, group in self._menus:
            menu.setTitle(QCoreApplication.translate("Actions", group))
        for label, text in zip(
            self._bar_labels,
            (translate("Main", "View"), translate("Main", "Layout"), translate("Main", "s per step")),
            strict=True,
        ):
            label.setText(f" {text} ")
        self.tour_mode.clear()
        self.tour_mode.addItem(translate("Main", "pages"), "pages")
        self.tour_mode.addItem(translate("Main", "views"), "views")
        self.tree.retranslate()
        if self.voice is not None:
            self.voice.retranslate()
        self.overlay_feed.refresh()  # box labels on the tiles
        for wall in self.walls:
            wall.retranslate()
        self._fill_view_box()
        self._fill_layout_box()
        self.refresh_status()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        # Once the layout has placed the docks at the new size; never for a window deleted meanwhile.
        QTimer.singleShot(0, self, self.fit_docks)

    def fit_screen(self, width: int, height: int) -> None:
        """A window of ``width`` × ``height``: below COMPACT_HEIGHT the PTZ panel shares a tab
        with the alerts instead of standing above them (stacked, their minimum heights kept a
        1366×768 window 853 px tall), and the window is sized again."""
        if height < COMPACT_HEIGHT and self.ptz_dock not in self.tabifiedDockWidgets(self.alerts_dock):
            self.tabifyDockWidget(self.alerts_dock, self.ptz_dock)
            self.alerts_dock.raise_()
        self.resize(width, height)

    def set_side_panels(self, visible: bool) -> None:
        """Show or hide the right-hand panels (PTZ, alerts, system events): more room for the wall."""
        self.ptz_dock.setVisible(visible and self.ptz is not None and bool(self.ptz.controllers))
        self.alerts_dock.setVisible(visible and self.alerts is not None)
        self.events_dock.setVisible(visible)

    def side_panels_visible(self) -> bool:
        return any(d.isVisible() for d in (self.ptz_dock, self.alerts_dock, self.events_dock))

    def fit_docks(self) -> None:
        """Narrow the side docks in proportion when the wall gets less than WALL_SHARE of the
        window (a 1024-px screen left the wall 395 px between a 280-px tree and a 340-px PTZ
        panel). Docks only ever shrink here, never below DOCK_FLOOR or what their contents need;
        on a wide window the operator's own dock widths stay as they are."""
        width, wall = self.width(), self.pane.width()
        if wall >= WALL_SHARE * width:
            return
        sides = {
            area: [
                dock
                for dock in self.findChildren(QDockWidget)
                if dock.isVisible() and not dock.isFloating() and self.dockWidgetArea(dock) == area
            ]
            for area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        }
        docks = [max(side, key=lambda d: d.width()) for side in sides.values() if side]  # one per column
        taken = sum(dock.width() for dock in docks)
        if not taken:
            return
        room = max(0.0, taken - (WALL_SHARE * width - wall))  # what the docks may keep (separators stay)
        sizes = [
            max(
                dock.minimumSizeHint().width(),
                min(dock.width(), DOCK_FLOOR),
                int(dock.width() * room / taken),
            )
            for dock in docks
        ]
        self.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)

    # --- start / stop / session ------------------------------------------------------------------
    def start(self) -> None:
        self.pane.start()
        self._detect_timer.start()
        self._alert_timer.start()
        if self.ptz is not None and self.ptz.controllers and JoystickInput.available():
            self.joystick.start()
        self._status_timer.start()
        self._ptz_timer.start()
        for part in (self.tree, self.ptz_panel, self.overlay_feed, self.events_panel, self.ptz_marks):
            part.set_running(True)
        if self.voice is not None:
            self.voice.start()
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)  # the keyboard starts on the wall
        self.refresh_status()

    def stop(self) -> None:
        if self.cases is not None:
            self.cases.shutdown()
        if self.voice is not None:
            self.voice.shutdown()
        self._status_timer.stop()
        self.snapshots.close()
        self._detect_timer.stop()
        self._alert_timer.stop()
        if self.alert_signals is not None:
            self.alert_signals.close()
        self._ptz_timer.stop()
        for part in (self.tree, self.ptz_panel, self.overlay_feed, self.events_panel, self.ptz_marks):
            part.set_running(False)  # (the PTZ panel stops a move in progress)
        for wall in list(self.walls):
            wall.close()
        self.pane.stop()

    def restore_session(self, *, geometry: bool = True) -> None:
        """Windows, views and pages as the operator left them; the defaults on first start.
        ``geometry`` False keeps the main window's size and place (one was asked for)."""
        saved = self._settings.value("main/geometry") if geometry else None
        if saved is not None:
            self.restoreGeometry(saved)
        state = self._settings.value("main/state")
        if state is not None:
            self.restoreState(state)
        self._restore_pane(self.pane, self._settings.value("main/pane"))
        walls = json.loads(str(self._settings.value("walls", "[]")))
        screens = {s.name(): s for s in QGuiApplication.screens()}
        for entry in walls:
            screen = screens.get(entry.get("screen", ""))
            if screen is not None and screen != self.screen():
                wall = self._open_wall(screen, full_screen=bool(entry.get("full_screen", True)))
                self._restore_pane(wall.pane, json.dumps(entry.get("pane")))

    def save_session(self) -> None:
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.setValue("main/state", self.saveState())
        self._settings.setValue("main/pane", json.dumps(self.pane.state(), ensure_ascii=False))
        walls = [
            {"screen": w.screen().name(), "full_screen": w.isFullScreen(), "pane": w.pane.state()}
            for w in self.walls
        ]
        self._settings.setValue("walls", json.dumps(walls, ensure_ascii=False))
        self._settings.setValue("language", self._translations.language)
        self._settings.setValue("tour/seconds", self.tour_seconds.value())
        self._settings.sync()

    def _restore_pane(self, pane: WallPane, raw: object) -> None:
        try:
            state = json.loads(str(raw)) if raw else {}
        except json.JSONDecodeError:
            state = {}
        view = self.library.view(str(state.get("view", ""))) or self.library.all_cameras_view()
        if state.get("modified"):
            cameras = tuple(c if c in self._infos else None for c in state.get("cameras", []))
            view = WallView(
                view.name, str(state.get("layout", view.layout)), cameras, bool(state.get("shared"))
            )
        layout = self.library.layout(str(state.get("layout", view.layout)))
        pane.set_view(view, layout, int(state.get("page", 0)))
        pane.modified = bool(state.get("modified"))
        self._sync_boxes(pane)  # set_view told the boxes before "modified" was known

    def _quit(self) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_session()
        self.stop()
        super().closeEvent(event)

    # --- detection ---------------------------------------------------------------------------
    def _build_detection(self) -> None:
        self.overlay_feed = OverlayFeed(self._compositors, self)
        self.overlay_feed.revisit_changed.connect(lambda _camera: self.tree.refresh_states(force=True))
        self.alerts_dock = QDockWidget(self)
        self.alerts_dock.setObjectName("alerts")
        self.alerts_dock.setFeatures(COLLAPSIBLE)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.alerts_dock)
        self.alerts: AlertsWorkspace | None = None
        self.alert_signals: AlertSignals | None = None
        wiring = self.alert_wiring
        if wiring is not None:
            # Every view of the alerts follows the service's changes: the list, the wall, the status bar.
            self.alert_signals = AlertSignals(wiring.service, self)
            self.alerts = AlertsWorkspace(
                wiring.service, cameras=self._infos, operator=lambda: self.operator().name,
                source=self._source, compositors=self._compositors,
                sound_folder=wiring.sounds or Path(tempfile.gettempdir()) / "citywall-sounds",
                site_name=self._site.name,
                tz=site_zone(wiring.timezone),
                load_evidence=wiring.evidence.read if wiring.evidence else None,
                repository=wiring.repository, settings=self._settings, parent=self,
            )  # fmt: skip
            self.alerts_dock.setWidget(self.alerts)
            self.alerts.camera_requested.connect(self.show_camera_at)
            self.alerts.triage.counts_changed.connect(lambda *_: self.refresh_status_soon())
            self.alert_signals.changed.connect(self._alert_changed)
            self.overlay_feed.show_alerts(wiring.service.open_alerts())
        self.cases: CasesHub | None = None
        if self.case_wiring is not None:
            self.cases = CasesHub(
                self.case_wiring, self.actor, lambda: self._translations.language,
                site_zone(wiring.timezone if wiring is not None else "Asia/Shanghai"),
                self._camera_name, self, sounds=wiring.sounds if wiring is not None else None,
                settings=self._settings,
            )  # fmt: skip
            if self.alerts is not None:  # O in the alert list: the confirmed alert's case
                self.alerts.triage.case_requested.connect(self.cases.show_case_for_alert)
        self.alerts_dock.setVisible(self.alerts is not None)
        self._alert_timer = QTimer(self, interval=1000)  # snoozes end, refused writes are retried
        if wiring is not None:
            self._alert_timer.timeout.connect(wiring.service.tick)
        self._detect_timer = QTimer(self, interval=DETECTION_POLL_MS)
        self._detect_timer.timeout.connect(self._drain_detection)
        self.tree.extra_tooltip = self.overlay_feed.revisit_text

    def _compositors(self) -> list[WallCompositor]:
        """The compositors of every wall this window drives (its own and the extra screens')."""
        return [self.pane.compositor, *(w.pane.compositor for w in self.walls)]

    def _build_events(self) -> None:
        self.events_panel = SystemEventsPanel(self.events, self._camera_name, self)
        self.events_panel.camera_requested.connect(self.show_camera_at)
        self.events_dock = QDockWidget(self)
        self.events_dock.setObjectName("systemEvents")
        self.events_dock.setWidget(self.events_panel)
        self.events_dock.setFeatures(COLLAPSIBLE)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.events_dock)
        if self.alerts_dock.isVisibleTo(self):
            self.tabifyDockWidget(self.alerts_dock, self.events_dock)
            self.alerts_dock.raise_()
        self.status_faults = StatusFaults(self.statusBar(), self.events_panel, self.show_events)

    def _build_voice(self) -> None:
        """The voice keys, the 喊话 menu, the alert list's context menu, the tile badges."""
        self.voice: VoiceHub | None = None
        wiring = self.voice_wiring
        if wiring is None:
            return
        hub = self.voice = VoiceHub(
            wiring, self.alert_wiring.service if self.alert_wiring is not None else None,
            operator=lambda: self.operator().name, role=lambda: self._operator_role, target=self.voice_target,
            compositors=self._compositors, camera_name=self._camera_name, parent=self, now=wiring.clock,
        )  # fmt: skip
        hub.attach(self)
        hub.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        menu = self.menuBar().addMenu("")
        for action_id, action in hub.actions_by_id.items():
            if action_id in ("voice_talk", "voice_emergency"):
                menu.addSeparator()
            menu.addAction(action)
        self._menus.append((menu, VOICE))
        self.help.extra.append(voice_help_group)
        self.help.retranslate()
        if self.alerts is not None:  # the alarm window, once opened, takes the voice keys too
            self.alerts.alarm_action.toggled.connect(self._voice_in_alarm_window)
        if self.alerts is not None:  # right-click on an alert: its prompt, its escalation
            table = self.alerts.triage.table
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            table.addActions([hub.actions_by_id[k] for k in ALERT_MENU if hub.actions_by_id[k].isVisible()])

    def _voice_in_alarm_window(self, shown: bool) -> None:
        alarm = self.alerts.alarm_window if self.alerts is not None else None
        if shown and alarm is not None and self.voice is not None and not alarm.property("voiceKeys"):
            self.voice.attach(alarm)
            alarm.setProperty("voiceKeys", True)

    def voice_target(self) -> VoiceTarget:
        """What a voice key is about: the alarm window's alert when that window is in front, the
        alert selected in the alert list when it has the keyboard, else the selected (or focused)
        tile's camera."""
        alarm = self.alerts.alarm_window if self.alerts is not None else None
        if alarm is not None and alarm.isVisible() and QApplication.activeWindow() is alarm:
            shown = alarm.alert
            return VoiceTarget(shown.camera_id if shown is not None else None, shown)
        focus = QApplication.focusWidget()
        if self.alerts is not None and focus is not None and self.alerts.triage.isAncestorOf(focus):
            alert = self.alerts.triage.current_alert()
            return VoiceTarget(alert.camera_id if alert is not None else None, alert)
        return VoiceTarget(self.current_camera(self._pane()))

    def toggle_events(self) -> None:
        if self.events_dock.isVisible() and not self.events_dock.visibleRegion().isEmpty():
            self.events_dock.hide()
        else:
            self.show_events()

    def show_events(self) -> None:
        """Bring the events list forward (the fault badge's click)."""
        self.events_dock.show()
        self.events_dock.raise_()

    def _camera_name(self, camera_id: str) -> str:
        info = self._infos.get(camera_id)
        return info.name if info is not None else camera_id

    def _drain_detection(self) -> None:
        service = self.detection.service if self.detection is not None else None
        if service is None:
            return
        intake = self.alert_wiring.intake if self.alert_wiring is not None else None
        for event in service.drain():
            self.overlay_feed.handle(event)
            if intake is not None:
                intake.take(event)  # raises and clears go to the alert service; its change comes back

    def _alert_changed(self, change: AlertChange) -> None:
        """One change of the alert service: the wall's boxes at once, a new alert in the status bar."""
        self.overlay_feed.on_alert_change(change)
        alert = change.after
        if change.before is None:
            rule = f"{rule_words(alert.rule)} {alert.event_code}"
            self.statusBar().showMessage(
                translate("Main", "Alert: {0} — {1} ({2})").format(
                    self._camera_name(alert.camera_id), alert.zone_name or alert.zone_id, rule
                ),
                10000,
            )
        self.refresh_status_soon()  # a burst of alerts refreshes the status line once, not per alert

    def refresh_status_soon(self) -> None:
        """Refresh the status line within STATUS_COALESCE_MS (once for any number of changes)."""
        if not self._status_soon.isActive():
            self._status_soon.start()

    def show_camera_at(self, camera_id: str, preset: object = None) -> None:
        """Show ``camera_id`` alone on the active wall (an alert's or an event's camera); a PTZ
        camera goes to ``preset``. The operator's view is left as it is (Esc comes back to it)."""
        if not self._pane().focus_camera(camera_id):
            return
        controller = self.ptz.controller(camera_id) if self.ptz is not None else None
        if controller is not None and isinstance(preset, str):
            self.ptz_panel.report(controller.goto_preset(self.operator(), preset))

    def edit_zones(self) -> None:
        """Draw or change the detection zones of the focused (or selected) camera at its current view."""
        if self.detection is None:
            return
        camera_id = self.current_camera(self._pane())
        if camera_id is None:
            self.statusBar().showMessage(translate("Main", "Select a camera first"), 5000)
            return
        camera = next(c for c in self.detection.site.cameras if c.id == camera_id)
        controller = self.ptz.controller(camera_id) if self.ptz is not None else None
        dialog = ZoneEditorDialog(
            self._source,
            camera,
            self.detection.site.detection,
            self.detection.zones,
            self,
            place=(lambda: controller.place) if controller is not None else None,
            revisit=lambda: self.overlay_feed.revisit_text(camera_id),
            bin_samples=self.detection.bin_samples,
            taught=self._taught_view(camera_id),
        )
        service = self.detection.service
        if service is not None:
            dialog.zones_saved.connect(lambda cam, zones: service.set_zones(cam, zones))
            if dialog.bin_labels is not None:
                dialog.bin_labels.retrained.connect(service.set_bin_classifier)
                dialog.bin_labels.confirmed_clean.connect(
                    lambda zone: service.bins_clean(camera_id, zone.preset, [zone.id])
                )
        dialog.exec()

    def _taught_view(self, camera_id: str) -> TaughtView:
        """What the zone editor shows of detection's learning at ``camera_id``."""
        assert self.detection is not None
        service, wiring = self.detection.service, self.alert_wiring
        return TaughtView(
            suppressions=self.detection.suppressions,
            operator=lambda: self.operator().name,
            tz=site_zone(wiring.timezone) if wiring is not None else None,
            search=wiring.repository.search if wiring is not None and wiring.repository is not None else None,
            furniture=lambda: self.overlay_feed.furniture(camera_id),
            clean_zones=functools.partial(clean_zones, service) if service is not None else None,
        )

    # --- PTZ -----------------------------------------------------------------------------------
    def _build_ptz(self, profile: Path | None) -> None:
        self.ptz_dock = QDockWidget(self)
        self.ptz_dock.setObjectName("ptzPanel")
        folder = (profile or self._site.snapshot_dir) / "ptz_thumbnails"
        self.thumbnails = PresetThumbnails(folder, self._grab_camera, self)
        self.ptz_panel = PtzPanel(self.operator, self.thumbnails, self)
        self.ptz_panel.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.ptz_panel.edit_patrol_requested.connect(self.edit_patrol)
        self.joystick = JoystickInput(self)
        self.joystick.move.connect(
            lambda pan, tilt, zoom: self.ptz_panel.start_move(PtzVector(pan, tilt, zoom))
        )
        self.joystick.released.connect(self.ptz_panel.stop_move)
        self.joystick.preset.connect(self.ptz_panel.goto_number)
        self.joystick.connected.connect(
            lambda name: self.statusBar().showMessage(
                translate("Main", "Joystick connected: {0}").format(name), 5000
            )
        )
        self.thumbnails.changed.append(lambda _camera, _token: self.ptz_panel.refresh_thumbnails())
        self.ptz_dock.setWidget(self.ptz_panel)
        self.ptz_dock.setFeatures(COLLAPSIBLE)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.ptz_dock)
        self._focus_controls: dict[int, FocusPtzControl] = {}
        self._focus_controls[id(self.pane)] = FocusPtzControl(self.pane.compositor, self.ptz_panel)
        self.ptz_dock.setVisible(self.ptz is not None and bool(self.ptz.controllers))
        self._ptz_timer = QTimer(self, interval=PTZ_TICK_MS)
        if self.ptz is not None:
            self._ptz_timer.timeout.connect(self.ptz.tick)
            for camera_id, controller in self.ptz.controllers.items():
                controller.subscribe(functools.partial(self._ptz_event, camera_id))

    def edit_patrol(self) -> None:
        controller = self.ptz_panel.controller
        if controller is None or self.ptz is None:
            return
        camera = controller.id
        current = self.patrol_store.patrol(camera) if self.patrol_store else controller.camera.ptz.patrol  # type: ignore[union-attr]
        presets = [(p.token, p.name) for p in controller.presets]
        dialog = PatrolEditorDialog(controller.camera.name, presets, current, self)
        if not dialog.exec():
            return
        if self.patrol_store is not None:
            store = self.patrol_store
            what = translate("Stores", "The patrol of {0}").format(controller.camera.name)
            if not save_or_ask(
                self, what, translate("Main", "Patrol not saved"), lambda: store.save(camera, dialog.patrol)
            ):
                return
        runner = self.ptz.set_patrol(camera, dialog.patrol)
        self.ptz_panel.bind(None, None)
        self.ptz_panel.bind(controller, runner)
        self.statusBar().showMessage(
            translate("Main", "Patrol of {0} saved").format(controller.camera.name), 5000
        )

    def discover_cameras(self) -> None:
        dialog = DiscoveryDialog(
            self,
            site_file=self._site.site_file,
            known_hosts=set(self._site.known_hosts),
            target=self._site.discovery_target,
        )
        dialog.site_file_saved.connect(
            lambda path, backup: self.events.report(
                SystemEventKind.SITE_FILE_SAVED, subject=path, detail=f"backup: {backup}" if backup else ""
            )
        )
        dialog.site_file_not_saved.connect(
            lambda path, why: self.events.report(
                SystemEventKind.SITE_FILE_NOT_SAVED, subject=path, detail=why
            )
        )
        dialog.exec()

    def operator(self) -> Requester:
        """Who is on shift at this workstation: every alert event, lock and patrol carries the name."""
        return operator(self._operator_name)

    def actor(self) -> Actor:
        """Who gives a case command: the person on shift, in their role."""
        return Actor(self._operator_name or translate("Main", "Operator"), self._operator_role)

    def set_operator_name(self) -> None:
        """Change of shift: the next operator gives their name (remembered for the next start)."""
        name = ask_operator(self, self._operator_name)
        if name:
            self._operator_name = name
            if self.cases is not None:
                self.cases.set_actor(self.actor())
            self._settings.setValue(OPERATOR_KEY, name)
            self.statusBar().showMessage(translate("Main", "On shift now: {0}").format(name), 10000)
            self.refresh_status()

    @staticmethod
    def current_camera(pane: WallPane) -> str | None:
        """The camera an action is about: the focused one, else the selected tile's."""
        if pane.focused_camera is not None:
            return pane.focused_camera
        tiles = pane.compositor.tiles()
        index = pane.compositor.selected
        info = tiles[index].info if 0 <= index < len(tiles) else None
        return info.camera_id if info is not None else None

    def _bind_ptz(self, pane: WallPane) -> None:
        if pane is not self._active or self.ptz is None:
            return
        camera = self.current_camera(pane)
        controller = self.ptz.controller(camera) if camera else None
        self.ptz_panel.bind(controller, self.ptz.patrol(camera) if camera else None)
        for key, control in self._focus_controls.items():
            control.set_active(key == id(pane) and pane.focused_camera is not None and controller is not None)

    def _ptz_event(self, camera_id: str, event: object) -> None:
        """Thumbnails of presets come from the camera itself, when it first settles on one."""
        if isinstance(event, PlaceChanged) and event.place.place is Place.SETTLED and event.place.preset:
            token = event.place.preset.token
            if self.thumbnails.path(camera_id, token) is None:
                self.thumbnails.request(camera_id, token)

    def _grab_camera(self, camera_id: str) -> QImage | None:
        got = self._source.read_frame(camera_id)
        if got is None:
            return None
        buffer = got[0]
        height, width = buffer.shape[:2]
        return QImage(buffer.data, width, height, width * 4, QImage.Format.Format_RGB32).copy()

    # --- panes ---------------------------------------------------------------------------------
    def _connect_pane(self, pane: WallPane) -> None:
        pane.changed.connect(self.refresh_status)
        pane.changed.connect(lambda p=pane: self._bind_ptz(p))
        pane.changed.connect(lambda p=pane: self._sync_boxes(p))
        pane.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        pane.tour_requested_view.connect(lambda name, p=pane: self._set_view_on(p, name))
        pane.tour_text_changed.connect(lambda _text: self.refresh_status_soon())  # the countdown
        pane.compositor.context_requested.connect(lambda index, at, p=pane: self.show_tile_menu(p, index, at))

    def show_tile_menu(self, pane: WallPane, index: int, at: QPoint) -> QMenu:
        """The right-click menu of tile ``index`` (selected already): the wall's own actions."""
        self._active = pane
        tiles = pane.compositor.tiles()
        info = tiles[index].info if 0 <= index < len(tiles) else None
        facts = TileFacts(info is not None, info is not None and info.ptz, pane.focused_camera is not None,
                          self.detection is not None)  # fmt: skip
        handlers: dict[str, Callable[[], None]] = {
            "focus": pane.focus_selected,
            "unfocus": pane.unfocus,
            "snapshot": self.snapshot_selected,
            "ptz": lambda: self._steer(pane),
            "edit_zones": self.edit_zones,
            "clear_tile": pane.clear_selected,
        }
        if info is not None:
            handlers["open_window"] = lambda: self._open_camera_window(info.camera_id)
        self.tile_menu = tile_menu(self, facts, handlers)
        self.tile_menu.popup(at)
        return self.tile_menu

    def _steer(self, pane: WallPane) -> None:
        """PTZ from the menu: the camera alone on the wall, the PTZ panel shown, the keys on the wall."""
        if pane.focused_camera is None:
            pane.focus_selected()
        self.ptz_dock.show()
        self.ptz_dock.raise_()
        pane.compositor.setFocus()  # arrows and +/- steer the focused camera

    def _open_camera_window(self, camera_id: str) -> None:
        """A camera in a window of its own (beside the wall, on this screen), on its main stream."""
        wall = self._open_wall(self.screen(), full_screen=False)
        wall.resize(960, 600)
        wall.pane.focus_camera(camera_id)

    def _pane(self) -> WallPane:
        return self._active

    def _panes(self) -> list[WallPane]:
        return [self.pane, *(w.pane for w in self.walls)]

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None:
            if isinstance(widget, WallPane):
                self._active = widget
                self._bind_ptz(widget)
                self._fill_view_box()
                self._fill_layout_box()
                self.refresh_status()
                return
            widget = widget.parentWidget()

    def open_walls_on_other_screens(self) -> None:
        mine = self.screen()
        used = {w.screen() for w in self.walls}
        opened = 0
        for screen in QGuiApplication.screens():
            if screen != mine and screen not in used:
                wall = self._open_wall(screen)
                wall.pane.set_view(
                    self.library.all_cameras_view(), self.library.layout(self.pane.layout_.name)
                )
                opened += 1
        if not opened:
            self.statusBar().showMessage(translate("Main", "No other screen to put a wall on"), 5000)

    def _open_wall(self, screen: object, full_screen: bool = True) -> WallWindow:
        wall = WallWindow(self._source, self._infos, len(self.walls) + 1)
        self._connect_pane(wall.pane)
        self._wall_actions_for(wall.pane)
        for spec in ACTIONS:
            if spec.group != WALL:
                wall.addAction(self.actions_by_id[spec.id])  # app-wide keys work on the wall too
        if self.voice is not None:
            self.voice.attach(wall)  # H, F8, Z … on the extra screen's wall too
        wall.closed.connect(self._wall_closed)
        self._focus_controls[id(wall.pane)] = FocusPtzControl(wall.pane.compositor, self.ptz_panel)
        self.walls.append(wall)
        wall.pane.set_view(self.library.all_cameras_view(), self.library.layout(self.pane.layout_.name))
        self.number_entry.apply(wall.pane)
        wall.place_on(screen, full_screen)  # type: ignore[arg-type]
        wall.pane.start()
        return wall

    def _wall_closed(self, wall: object) -> None:
        if wall in self.walls:
            self.walls.remove(wall)
        if self._active is getattr(wall, "pane", None):
            self._active = self.pane

    # --- views and layouts ------------------------------------------------------------------------
    def view_title(self, view: WallView) -> str:
        if view.name == ALL_CAMERAS:
            return translate("Main", "All cameras")
        return translate("Main", "{0} (shared)").format(view.name) if view.shared else view.name

    def _fill_view_box(self) -> None:
        if not hasattr(self, "view_box"):
            return
        current = self._pane().view
        self.view_box.clear()
        for view in self.library.views():
            self.view_box.addItem(self.view_title(view), view.name)
        index = self.view_box.findData(current.name)
        if index >= 0:
            self.view_box.setCurrentIndex(index)
            if self._pane().modified:
                self.view_box.setItemText(index, self.view_title(current) + " *")

    def _fill_layout_box(self) -> None:
        if not hasattr(self, "layout_box"):
            return
        self.layout_box.clear()
        for name in self.library.layouts():
            self.layout_box.addItem(self._layout_label(name), name)
        layout = self._pane()._layout
        if layout is not None:
            if self.layout_box.findData(layout.name) < 0:  # a fallback grid, a layout deleted meanwhile
                self.layout_box.addItem(self._layout_label(layout.name), layout.name)
            self.layout_box.setCurrentIndex(self.layout_box.findData(layout.name))
        self._boxes_show = self._box_state(self._pane())

    def _layout_label(self, name: str) -> str:
        spec = BY_ID.get(f"layout_{name}")
        if spec is not None:
            return spec.label()
        return translate("Main", "{0} tiles").format(name) if name.isdigit() else name

    @staticmethod
    def _box_state(pane: WallPane) -> tuple[str, bool, str | None]:
        return pane.view.name, pane.modified, pane._layout.name if pane._layout is not None else None

    def _sync_boxes(self, pane: WallPane) -> None:
        """The view and layout boxes name what the active pane shows, whatever changed it: a
        restored session, --fresh, a tour, a drop (not only the boxes themselves)."""
        if pane is self._pane() and getattr(self, "_boxes_show", None) != self._box_state(pane):
            self._fill_view_box()
            self._fill_layout_box()

    def set_view(self, name: str) -> None:
        self._set_view_on(self._pane(), name)

    def _set_view_on(self, pane: WallPane, name: str) -> None:
        view = self.library.view(name)
        if view is None:
            return
        pane.set_view(view, self.library.layout(view.layout))
        self._fill_view_box()
        self._fill_layout_box()

    def set_layout(self, name: str) -> None:
        layouts = self.library.layouts()
        if name in layouts:
            self._pane().set_layout(layouts[name])
            self._fill_layout_box()
            self._fill_view_box()

    def _step_layout(self, step: int) -> None:
        names = list(self.library.layouts())
        current = self._pane().layout_.name
        index = names.index(current) if current in names else 0
        self.set_layout(names[(index + step) % len(names)])

    def _step_view(self, step: int) -> None:
        views = [v.name for v in self.library.views()]
        current = self._pane().view.name
        index = views.index(current) if current in views else 0
        self.set_view(views[(index + step) % len(views)])

    def save_view(self) -> None:
        from app.ui.dialogs.save_view import SaveViewDialog

        pane = self._pane()
        current = pane.view
        dialog = SaveViewDialog("" if current.name == ALL_CAMERAS else current.name, current.shared, self)
        if not dialog.exec():
            return
        saved = WallView(dialog.name, current.layout, current.cameras, dialog.shared)
        what = translate("Stores", "The view “{0}”").format(dialog.name)
        ok = save_or_ask(
            self,
            what,
            translate("Main", "View not saved"),
            lambda: self.library.save_view(saved, dialog.shared),
        )
        if not ok:
            self._fill_view_box()  # a colleague's version of it, if that was why
            return
        saved = self.library.view(saved.name) or saved
        if dialog.name != current.name and current.name != ALL_CAMERAS:  # renamed: the old name goes
            save_or_warn(
                self,
                translate("Stores", "The view “{0}”").format(current.name),
                translate("Main", "View not deleted"),
                lambda: self.library.delete_view(current.name, current.shared),
            )
        pane.set_view(saved, pane.layout_, pane.page)
        self._fill_view_box()
        self.statusBar().showMessage(translate("Main", "View “{0}” saved").format(saved.name), 5000)

    def delete_view(self) -> None:
        view = self._pane().view
        if view.name == ALL_CAMERAS:
            return
        answer = QMessageBox.question(
            self,
            translate("Main", "Delete view"),
            translate("Main", "Delete the view “{0}”?").format(view.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        what = translate("Stores", "The view “{0}”").format(view.name)
        deleted = save_or_ask(
            self,
            what,
            translate("Main", "View not deleted"),
            lambda: self.library.delete_view(view.name, view.shared),
        )
        if not deleted:
            self._fill_view_box()
            return
        self.set_view(ALL_CAMERAS)

    def edit_layouts(self) -> None:
        from app.ui.dialogs.layout_editor import LayoutEditorDialog

        dialog = LayoutEditorDialog(self.library, self)
        if dialog.exec() and dialog.chosen_layout:
            self.set_layout(dialog.chosen_layout)
        self._fill_layout_box()

    # --- tours, focus, selection ----------------------------------------------------------------
    def toggle_tour(self) -> None:
        pane = self._pane()
        if pane.touring:
            pane.stop_tour()
        else:
            pane.tour_views = [v for v in self.library.views()]
            pane.start_tour(self.tour_seconds.value(), str(self.tour_mode.currentData() or "pages"))  # type: ignore[arg-type]
        self.refresh_status()

    def _enter(self) -> None:
        pane = self._pane()
        if pane.has_pending_number():
            pane._commit_number()
        else:
            pane.focus_selected()

    def _escape(self) -> None:
        pane = self._pane()
        if self.help.isVisible():
            self.help.hide()
        elif pane.has_pending_number():
            pane._cancel_number()
        else:
            pane.unfocus()

    def _move_selection(self, dx: int, dy: int) -> None:
        pane = self._pane()
        if pane.focused_camera is not None:
            return  # arrows steer a focused PTZ camera (PTZ issue), not the selection
        layout, index = pane.layout_, max(0, pane.compositor.selected)
        cell = layout.cell_list[index]
        col, row = cell.col, cell.row
        while True:
            col, row = col + dx, row + dy
            if not (0 <= col < layout.cols and 0 <= row < layout.rows):
                return
            target = layout.cell_at(col, row)
            if target is not None and target != index:
                pane.compositor.set_selected(target)
                return

    def _show_camera(self, camera_id: str) -> None:
        """A camera chosen in the tree goes into the selected tile of the active wall."""
        pane = self._pane()
        if pane.focused_camera is not None:
            pane.unfocus()
        index = max(0, pane.compositor.selected)
        pane.place_camera(index, camera_id)
        pane.compositor.set_selected(index)

    def _search(self) -> None:
        self.tree_dock.show()
        self.tree.focus_search()

    @property
    def wall_only(self) -> bool:
        return self.menuBar().isHidden()

    def set_wall_only(self, wall_only: bool) -> None:
        """A display that shows only the wall: no panels, toolbar or menus (F10 brings them back)."""
        self.menuBar().setVisible(not wall_only)
        for bar in self.findChildren(QToolBar):
            bar.setVisible(not wall_only)
        self.tree_dock.setVisible(not wall_only)
        self.ptz_dock.setVisible(not wall_only and self.ptz is not None and bool(self.ptz.controllers))
        self.alerts_dock.setVisible(not wall_only and self.alerts is not None)
        self.events_dock.setVisible(not wall_only)

    def _toggle_full_screen(self) -> None:
        window = self._pane().window()
        if isinstance(window, WallWindow):
            window.toggle_full_screen()
        else:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()

    # --- language, snapshot, status ---------------------------------------------------------------
    def set_language(self, language: str) -> None:
        if self._translations.set_language(language):
            self._settings.setValue("language", language)
            self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))

    def toggle_language(self) -> None:
        self.set_language("en" if self._translations.language != "en" else "zh_CN")

    def toggle_cases(self) -> None:
        if self.cases is None:
            self.statusBar().showMessage(translate("Main", "Cases are not available in this run"), 5000)
            return
        self.cases.toggle()

    def show_figures(self) -> None:
        if self.cases is None:
            self.statusBar().showMessage(translate("Main", "Cases are not available in this run"), 5000)
            return
        self.cases.show_figures()

    def new_case_at_selected_tile(self) -> None:
        if self.cases is None:
            self.statusBar().showMessage(translate("Main", "Cases are not available in this run"), 5000)
            return
        compositor = self._pane().compositor
        tile = compositor.still_frame(compositor.selected)
        why = self.cases.create_from_tile(tile, self._site.name, None)
        if why is not None:
            self.statusBar().showMessage(why, 8000)

    def snapshot_selected(self) -> None:
        """抓拍 of the selected tile's camera: its main stream at full resolution, taken off the GUI
        thread; the tile's picture (copied now) stands in when the main stream gives none."""
        compositor = self._pane().compositor
        tiles, index = compositor.tiles(), compositor.selected
        info = tiles[index].info if 0 <= index < len(tiles) else None
        if info is None:
            self.statusBar().showMessage(translate("Main", "Select a tile with a picture first"), 5000)
            return
        self.snapshots.take(info, compositor.still_frame(index))

    def _snapshot_done(self, result: SnapshotResult) -> None:
        if result.path is None:
            folder = str(self._site.snapshot_dir)
            self.events.report(SystemEventKind.SNAPSHOT_NOT_SAVED, subject=folder, detail=result.why)
        else:
            self.events.report(SystemEventKind.SNAPSHOT_SAVED, subject=str(result.path), detail=result.why)
        self.events_panel.poll()  # in the list now, not at the next tick
        self.snapshot_notice.show_result(result)

    def counts(self) -> dict[StreamState, int]:
        counts: dict[StreamState, int] = {}
        for camera_id in self._infos:
            state = self._source.health(camera_id).state
            counts[state] = counts.get(state, 0) + 1
        return counts

    def refresh_status(self) -> None:
        if not hasattr(self, "_status"):
            return
        pane = self._pane()
        counts = self.counts()
        live = counts.get(StreamState.LIVE, 0)
        trouble = sum(
            counts.get(s, 0) for s in (StreamState.RECONNECTING, StreamState.STALLED, StreamState.OFFLINE)
        )
        parts = [
            translate("Main", "{0}/{1} live").format(live, len(self._infos)),
            translate("Main", "{0} with problems").format(trouble),
            translate("Main", "page {0}/{1}").format(pane.page + 1, pane.pages)
            if pane._layout is not None
            else "",
        ]
        if pane.focused_camera:
            parts.append(
                translate("Main", "focused: {0} (Esc to go back)").format(
                    self._infos[pane.focused_camera].name
                )
            )
        parts.append(pane.tour_text())  # with its countdown
        if self.alerts is not None:
            parts.append(self.alerts.status_text())
        if self.detection is not None and self.detection.service is not None:
            parts.append(self.overlay_feed.summary_text())
        parts.append(time.strftime("%H:%M:%S"))
        self._status.setText(" · ".join(p for p in parts if p))
        if self.detection is not None and self.detection.service is not None:
            self._status.setToolTip(self.overlay_feed.diagnostics_text())
        if pane._layout is not None:
            self.page_label.setText(
                " " + translate("Main", "page {0}/{1}").format(pane.page + 1, pane.pages) + " "
            )


def _tooltip(spec: ActionSpec) -> str:
    keys = " / ".join(
        QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts
    )
    return f"{spec.label()} ({keys})" if keys else spec.label()


def action_spec(action_id: str) -> ActionSpec:
    return BY_ID[action_id]
