"""Start the Qt side: application object, theme, translations, main window, optional timed run."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.adapters.view_store import ViewFile
from app.core.cases import Role
from app.media.source import FrameSource
from app.run_options import DEFAULT_SIZE, RunOptions
from app.services.patrol_store import PatrolStore
from app.services.ptz_hub import PtzHub
from app.services.system_events import SystemEventLog
from app.services.view_library import ViewLibrary
from app.ui.cases.wiring import CaseWiring
from app.ui.dialogs.shift import OPERATOR_KEY, ROLE_KEY, ask_operator, remembered_operator
from app.ui.i18n import DEFAULT_LANGUAGE, Translations
from app.ui.main_window import AlertWiring, DetectionWiring, MainWindow, SiteUi
from app.ui.qt_log import route_qt_messages
from app.ui.theme import apply_theme
from app.ui.voice.wiring import VoiceWiring


def ensure_application(offscreen: bool) -> QApplication:
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        route_qt_messages()
        app = QApplication(sys.argv[:1])
        app.setApplicationName("CityWall")
        app.setOrganizationName("CityWall")
        apply_theme(app)
    assert isinstance(app, QApplication)
    return app


def profile_dir(options: RunOptions) -> Path:
    if options.profile_dir is not None:
        return options.profile_dir
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def build_window(
    source: FrameSource,
    site: SiteUi,
    shared_views: Path | None,
    options: RunOptions,
    ptz: PtzHub | None = None,
    patrol_store: PatrolStore | None = None,
    detection: DetectionWiring | None = None,
    events: SystemEventLog | None = None,
    alerts: AlertWiring | None = None,
    cases: CaseWiring | None = None,
    voice: VoiceWiring | None = None,
) -> MainWindow:
    folder = profile_dir(options)
    folder.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    translations = Translations()
    translations.set_language(options.language or str(settings.value("language", DEFAULT_LANGUAGE)))
    name = on_shift(options, settings)
    role = role_on_shift(options, settings)
    sink = events.publish if events is not None else None  # damaged files, conflicts, failed saves
    library = ViewLibrary(
        [c.camera_id for c in site.cameras],
        ViewFile(folder / "views.json", shared=False, events=sink),
        ViewFile(shared_views, shared=True, events=sink) if shared_views else None,
    )
    window = MainWindow(
        source,
        site,
        library,
        translations,
        settings,
        ptz=ptz,
        profile=folder,
        patrol_store=patrol_store,
        detection=detection,
        alerts=alerts,
        cases=cases,
        voice=voice,
        events=events,
        operator_name=name,
        operator_role=role,
    )
    window.resize(*(options.size or DEFAULT_SIZE))
    if options.fresh:
        window.pane.set_view(library.all_cameras_view(), library.layout(library.all_cameras_view().layout))
    else:
        window.restore_session(geometry=options.size is None)  # a size asked for wins
    window.fit_screen(*(options.size or (window.width(), window.height())))  # (a small screen: compact)
    if options.wall_only:
        window.set_wall_only(True)
    for problem in library.problems:
        window.statusBar().showMessage(problem, 15000)
    return window


def run_wall(
    source: FrameSource,
    site: SiteUi,
    shared_views: Path | None,
    options: RunOptions,
    on_tick: Callable[[], None] | None = None,
    ptz: PtzHub | None = None,
    patrol_store: PatrolStore | None = None,
    detection: DetectionWiring | None = None,
    events: SystemEventLog | None = None,
    alerts: AlertWiring | None = None,
    cases: CaseWiring | None = None,
    voice: VoiceWiring | None = None,
) -> int:
    """Show the wall until the user closes it (or ``options.seconds`` pass); returns Qt's exit code."""
    app = ensure_application(options.offscreen)
    window = build_window(
        source, site, shared_views, options, ptz, patrol_store, detection, events, alerts, cases, voice
    )
    window.show()
    window.start()
    settle_heap()
    ticker = QTimer(interval=250)
    if on_tick is not None:
        ticker.timeout.connect(on_tick)
        ticker.start()
    if options.seconds is not None:

        def finish() -> None:
            if options.screenshot is not None:
                options.screenshot.parent.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(options.screenshot))
            window.close()
            app.quit()

        QTimer.singleShot(int(options.seconds * 1000), finish)
    code = app.exec()
    ticker.stop()
    if window.isVisible():
        window.close()
    return code


def settle_heap() -> None:
    """Call once the wall is up. What start-up built (modules, the site, the window and its
    widgets: most of the process's objects) lives as long as the app, so it is moved out of the
    cyclic garbage collector's sight: else every full collection walks all of it on the GUI
    thread, a 50-100 ms freeze that comes during alert bursts, when new objects pile up
    (bench/alerts.py). Collections of what the app makes later still run."""
    gc.collect()
    gc.freeze()


HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})  # no screen: no one to ask


def on_shift(options: RunOptions, settings: QSettings) -> str:
    """Who is on shift: ``--operator``, else asked (the last name offered; a run without a screen
    takes the last name and never waits). Remembered for the next start."""
    remembered = remembered_operator(settings)
    if options.operator is not None and options.operator.strip():
        name = options.operator.strip()
    elif options.offscreen or QGuiApplication.platformName() in HEADLESS_PLATFORMS:
        name = remembered  # nobody could answer a dialog
    else:
        name = ask_operator(None, remembered) or remembered
    if name:
        settings.setValue(OPERATOR_KEY, name)
    return name


def role_on_shift(options: RunOptions, settings: QSettings) -> Role:
    """The role on shift: ``--role``, else as last time, else operator (remembered for next time)."""
    text = options.role or str(settings.value(ROLE_KEY, "") or "") or Role.OPERATOR.value
    role = Role(text) if text in (Role.OPERATOR.value, Role.SHIFT_LEADER.value) else Role.OPERATOR
    settings.setValue(ROLE_KEY, role.value)
    return role


def show_start_problem(title: str, text: str) -> None:
    """A modal message for a start that cannot go on (before any window exists)."""
    from PySide6.QtWidgets import QMessageBox

    ensure_application(offscreen=False)
    QMessageBox.critical(None, title, text)
