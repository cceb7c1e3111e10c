"""Everything the case workflow adds to the main window, built in one place.

The composition root hands the window a :class:`CaseWiring` (the case service, the catalogue and
dispatch table in force, the evidence store, the site's zone and calendar). :class:`CasesHub`
makes the case window when it is first asked for, keeps it in step with the person on shift, and
offers what the wall needs: show the case window, make a case from the selected tile (its picture
kept as the report evidence), show the case of an alert.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QSettings
from PySide6.QtGui import QImageWriter
from PySide6.QtWidgets import QMainWindow, QWidget

from app.core.alert_ports import EvidenceProblem, EvidenceStore
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.case_catalogue import Catalogue, Routing
from app.core.case_ports import OutboxEntry
from app.core.cases import Actor
from app.core.work_calendar import WorkCalendar
from app.services.cases import CaseService
from app.ui.cases.catalogue_names import CatalogueNames
from app.ui.cases.dashboard import FiguresDashboard
from app.ui.cases.export_actions import ExportActions
from app.ui.cases.figures_job import AlertsSource
from app.ui.cases.overdue import OverdueSound
from app.ui.cases.window import CaseWindow
from app.ui.cases.window_exports import CaseWindowExports
from app.ui.snapshot import render_snapshot
from app.ui.wall.compositor import TileState

translate = QCoreApplication.translate


def _no_evidence(ref: EvidenceRef) -> bytes:
    raise EvidenceProblem(translate("Cases", "No evidence folder"))


PICTURE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass
class CaseWiring:
    service: CaseService
    catalogue: Callable[[], Catalogue]
    routing: Callable[[], Routing]
    calendar: Callable[[], WorkCalendar] | None = None
    evidence: EvidenceStore | None = None
    due_soon_share: float = 0.25
    alerts_in: AlertsSource | None = None  # the alerts raised in a period (the false-alarm figures)
    delivery: Callable[[str], OutboxEntry | None] | None = None  # a case's latest send to the platform
    speaker_name: Callable[[str], str] = str  # a loudspeaker's name by its id (the timeline's prompts)


def jpeg_bytes(tile: TileState, site_name: str) -> bytes:
    """The tile's picture with its caption band (camera, grid, capture time), as JPEG."""
    image = render_snapshot(tile, site_name)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"jpg"))
    writer.setQuality(90)
    if not writer.write(image):
        raise OSError(translate("Cases", "The picture could not be encoded"))
    return bytes(data.data())


class CasesHub(QObject):
    def __init__(
        self,
        wiring: CaseWiring,
        actor: Callable[[], Actor],
        language: Callable[[], str],
        tz: tzinfo,
        camera_name: Callable[[str], str],
        parent: QWidget,
        *,
        sounds: Path | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._sounds, self._settings = sounds, settings
        self.wiring, self._actor, self._tz, self._camera_name = wiring, actor, tz, camera_name
        self._parent = parent
        self.names = CatalogueNames(wiring.catalogue, wiring.routing, language)
        self.window: CaseWindow | None = None
        self.figures_window: QMainWindow | None = None
        self.dashboard: FiguresDashboard | None = None
        store = wiring.evidence
        self.exports = ExportActions(
            parent, wiring.service, store.read if store is not None else _no_evidence, tz=tz, now=time.time,
            catalogue=wiring.catalogue, routing=wiring.routing,
        )  # fmt: skip

    def case_window(self) -> CaseWindow:
        if self.window is None:
            store = self.wiring.evidence
            sound = OverdueSound(self._sounds, self._settings) if self._sounds is not None else None
            self.window = CaseWindow(
                self.wiring.service, self.names, self._actor(), self._tz,
                load_evidence=store.read if store is not None else None,
                attach_picture=self.attach_picture if store is not None else None,
                camera_name=self._camera_name, calendar=self.wiring.calendar,
                due_soon_share=self.wiring.due_soon_share, overdue_sound=sound, delivery=self.wiring.delivery,
                speaker_name=self.wiring.speaker_name,
            )  # fmt: skip
            self.window_exports = CaseWindowExports(self.window, self.exports, self.show_figures)
            self.window.resize(1600, 900)
        return self.window

    def show(self) -> CaseWindow:
        window = self.case_window()
        window.set_actor(self._actor())
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def toggle(self) -> None:
        if self.window is not None and self.window.isVisible():
            self.window.hide()
        else:
            self.show()

    def show_figures(self) -> FiguresDashboard:
        """The 考核评价 window (a shift leader's second screen): figures of a shift, day or month."""
        if self.figures_window is None or self.dashboard is None:
            self.figures_window = QMainWindow()
            self.figures_window.setObjectName("figuresWindow")
            self.dashboard = FiguresDashboard(
                self.wiring.service.facts_in_period, time.time, self._tz, alerts=self.wiring.alerts_in,
                exports=self.exports, catalogue=self.wiring.catalogue, routing=self.wiring.routing,
                cased=self.wiring.service.cased_alerts, camera_name=self._camera_name,
            )  # fmt: skip
            self.figures_window.setCentralWidget(self.dashboard)
            self.figures_window.resize(1600, 900)
        self.figures_window.setWindowTitle(translate("Cases", "Figures (考核评价)"))
        self.figures_window.show()
        self.figures_window.raise_()
        self.dashboard.refresh()
        return self.dashboard

    def set_actor(self, actor: Actor) -> None:
        if self.window is not None:
            self.window.set_actor(actor)

    def show_case_for_alert(self, alert_id: str) -> None:
        self.show().show_case_for_alert(alert_id)

    def create_from_tile(self, tile: TileState | None, site_name: str, grid_code: str | None) -> str | None:
        """The dialog to make a case at the selected tile; its picture becomes the report evidence.
        Returns why not (translated), or None when the dialog is open."""
        if tile is None or tile.info is None:
            return translate("Cases", "Select a tile with a picture first")
        snapshot: EvidenceRef | None = None
        store = self.wiring.evidence
        if store is not None and tile.buffer is not None and tile.meta is not None:
            try:
                data = jpeg_bytes(tile, site_name)
                snapshot = store.put(
                    data, kind=EvidenceKind.STILL, media_type="image/jpeg",
                    captured_at=tile.meta.captured_wall_ns / 1e9, camera_id=tile.info.camera_id,
                    stream="sub", note="tile",
                )  # fmt: skip
            except (OSError, EvidenceProblem) as exc:
                return translate("Cases", "The picture could not be kept: {0}").format(exc)
        self.show().create_from_tile(tile.info.camera_id, snapshot, grid_code or tile.info.grid_code)
        return None

    def attach_picture(self, path: Path, camera_id: str | None) -> EvidenceRef:
        """A picture file (the department's photo) kept as evidence; its capture time is the file's."""
        store = self.wiring.evidence
        if store is None:
            raise EvidenceProblem(translate("Cases", "No evidence folder"))
        media = PICTURE_TYPES.get(path.suffix.lower())
        if media is None:
            raise EvidenceProblem(translate("Cases", "Only JPEG and PNG pictures can be attached"))
        data = path.read_bytes()
        return store.put(
            data, kind=EvidenceKind.STILL, media_type=media, captured_at=path.stat().st_mtime,
            camera_id=camera_id or "", stream="file", note=path.name,
        )  # fmt: skip

    def shutdown(self) -> None:
        if self.figures_window is not None:
            self.figures_window.close()
        if self.window is not None:
            self.window.shutdown()
            self.window.close()
