"""Draw a camera's detection zones on its live picture: no-vending polygons, bins with an overflow
line, masks over the burned-in clock or OSD.

The dialog shows the camera's main stream a few times a second (``FrameSource.read_frame``) and the
shapes of the view it is on: a fixed camera's one view, or the PTZ preset the camera is settled on
(a zone drawn at preset 1 is wrong at preset 2, so nothing can be edited while the dome moves or
stands off every preset: the dialog says so and waits).

Mouse: click to add points, double-click (or click the first point) to close a polygon; drag a
rectangle for a bin, then drag its dashed overflow line; drag points, lines and whole shapes.
Keys on the picture: N / B / M start a no-vending zone, a bin, a mask; while drawing, the arrows
move a cross-hair, Space adds a point there, Enter closes, Backspace takes the last point back,
Esc cancels; otherwise [ and ] pick a point (and a bin's line), the arrows move it (Shift: 10x),
Insert adds a point after it, Del deletes it, Shift+Del deletes the shape. Ctrl+S saves.

Saving validates every shape with the site model (:class:`camera_config.models.ZoneSpec`) plus the
checks only a drawing needs (an outline that crosses itself, a shape too small to watch); problems
are written next to the shape, and nothing is saved while one is left. The zones go to the
:class:`~app.services.zone_store.ZoneStore` (every workstation of the site) and ``zones_saved``
carries the camera's zones in effect (all presets) for ``ZonesChanged``.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QHideEvent,
    QImage,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.adapters.json_store import StoreConflict
from app.core.preset_tracking import Place, PlaceSnapshot
from app.media.frame_board import BgraImage
from app.media.protocol import ViewMode
from app.media.source import FrameSource
from app.services.bin_samples import BinSampleStore
from app.services.zone_store import ZoneStore
from app.ui.detection.bin_labels import BinLabelBox
from app.ui.detection.suppressed_places import TaughtView
from app.ui.detection.taught_view import TaughtPanel
from app.ui.detection.zone_canvas import ZoneCanvas
from app.ui.detection.zone_shapes import (
    ERROR_COLOUR,
    ID_PREFIX,
    KINDS,
    Kind,
    Pt,
    ZoneShape,
    default_name,
    kind_words,
    rule_sections,
    spec_problem,
)
from app.ui.store_messages import replace_hint, store_error_text
from camera_config.models import Camera, DetectionSettings, ZoneSpec

translate = QCoreApplication.translate

REFRESH_MS = 250  # the live picture, four times a second
PICTURE_SIZE = (960, 720)  # what the editor asks the camera's main stream to be decoded to

# --- the dialog -----------------------------------------------------------------------------------------


class ZoneEditorDialog(QDialog):
    """Edit one camera's zones at the view it is on now. ``zones_saved(camera id, zones)`` carries
    the camera's zones in effect afterwards (every preset), for ``ZonesChanged``."""

    zones_saved = Signal(str, object)

    def __init__(
        self,
        source: FrameSource,
        camera: Camera,
        settings: DetectionSettings,
        store: ZoneStore | None = None,
        parent: QWidget | None = None,
        *,
        zones: Sequence[ZoneSpec] | None = None,
        place: Callable[[], PlaceSnapshot | None] | None = None,
        revisit: Callable[[], str | None] | None = None,
        client_id: str = "zone-editor",
        bin_samples: BinSampleStore | None = None,
        taught: TaughtView | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("zoneEditor")
        self._source, self.camera, self.settings, self.store = source, camera, settings, store
        self._place, self._revisit, self._client = place, revisit, client_id
        if zones is not None:
            self._all = tuple(zones)
        elif store is not None:
            self._all = store.zones(camera.id)
        else:
            self._all = camera.detection.zones if camera.detection is not None else ()
        self.ptz = place is not None
        self.preset: str | None = None
        self.preset_name = ""
        self.bound = not self.ptz  # a fixed camera's one view is known at once
        self.dirty = False
        self._discard_armed = False
        self._elsewhere = False  # a PTZ camera settled on another preset than the shapes'
        self.saved_zones: tuple[ZoneSpec, ...] | None = None
        self.shapes: list[ZoneShape] = []
        self._buffer: BgraImage | None = None
        self._count = self._count_main = 0
        self._updating = False

        self.canvas = ZoneCanvas(self.shapes, self)
        self.canvas.new_shape = self._add_shape
        self.canvas.changed.connect(self._shapes_changed)
        self.canvas.selection_changed.connect(self._canvas_selected)
        self.canvas.mode_changed.connect(lambda _m: self._update_controls())

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.view_label = QLabel(self)
        self.view_label.setWordWrap(True)
        self.revisit_label = QLabel(self)
        self.revisit_label.setWordWrap(True)
        self.new_zone_button = QPushButton(self)
        self.new_bin_button = QPushButton(self)
        self.new_mask_button = QPushButton(self)
        draw_buttons: tuple[tuple[QPushButton, Kind], ...] = (
            (self.new_zone_button, "no_vending"),
            (self.new_bin_button, "bin"),
            (self.new_mask_button, "mask"),
        )
        for button, kind in draw_buttons:
            button.setAutoDefault(False)
            button.clicked.connect(functools.partial(self._draw, kind))
        self.shape_list = QListWidget(self)
        self.shape_list.currentRowChanged.connect(self._list_selected)
        self.shape_list.setMinimumHeight(80)
        self.shape_list.setMaximumHeight(120)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(60)
        self.name_edit.textChanged.connect(self._rename)
        self.kind_box = QComboBox(self)
        self.kind_box.activated.connect(self._change_kind)
        self.name_label, self.kind_label = QLabel(self), QLabel(self)
        self.name_label.setBuddy(self.name_edit)
        self.kind_label.setBuddy(self.kind_box)
        self.shape_error = QLabel(self)
        self.shape_error.setWordWrap(True)
        self.shape_error.setStyleSheet("color: rgb(236, 160, 60);")
        self.delete_button = QPushButton(self)
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.canvas.delete_selected_shape)
        self.rules_box = QGroupBox(self)
        self.rules_label = QLabel(self.rules_box)
        self.rules_label.setWordWrap(True)
        self.rules_label.setTextFormat(Qt.TextFormat.RichText)
        rules_layout = QVBoxLayout(self.rules_box)
        rules_layout.addWidget(self.rules_label)
        self.bin_labels = BinLabelBox(bin_samples, camera.id, self) if bin_samples is not None else None
        # Suppressed places, furniture, "clean now", verdict counts: what detection learnt here.
        self.taught = TaughtPanel(taught or TaughtView(), camera.id, self.canvas, self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self.shape_box = QGroupBox(self)
        form = QFormLayout(self.shape_box)
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.kind_label, self.kind_box)
        form.addRow(self.shape_error)
        form.addRow(self.delete_button)
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.view_label)
        side.addWidget(self.revisit_label)
        for button in (self.new_zone_button, self.new_bin_button, self.new_mask_button):
            side.addWidget(button)
        side.addWidget(self.shape_list)
        side.addWidget(self.shape_box)
        if self.bin_labels is not None:
            side.addWidget(self.bin_labels)  # next to the selected bin it labels
        side.addWidget(self.taught)
        side.addWidget(self.rules_box)
        side.addWidget(self.status)
        side.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        side.addLayout(buttons)
        panel = QWidget(self)
        panel.setLayout(side)
        scroll = QScrollArea(self)
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(340)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QHBoxLayout(self)
        outer.addWidget(self.canvas, 1)
        outer.addWidget(scroll)
        self.resize(1280, 760)

        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        if self.bound:
            self._load_view()
        self.retranslate()
        self.refresh()

    # --- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(translate("ZoneEditor", "Zones — {0}").format(self.camera.name))
        self.title.setText(f"<b>{self.camera.name}</b>")
        self.new_zone_button.setText(translate("ZoneEditor", "New &no-vending zone (N)"))
        self.new_bin_button.setText(translate("ZoneEditor", "New &bin (B)"))
        self.new_mask_button.setText(translate("ZoneEditor", "New &mask (M)"))
        self.name_label.setText(translate("ZoneEditor", "N&ame"))
        self.kind_label.setText(translate("ZoneEditor", "&Rule"))
        self.kind_box.clear()
        for kind in KINDS:
            self.kind_box.addItem(kind_words(kind), kind)
        self.delete_button.setText(translate("ZoneEditor", "Delete shape (Shift+Del)"))
        self.shape_box.setTitle(translate("ZoneEditor", "Selected shape"))
        self.rules_box.setTitle(translate("ZoneEditor", "Rules that apply (read-only)"))
        self.save_button.setText(translate("ZoneEditor", "&Save (Ctrl+S)"))
        self.cancel_button.setText(translate("ZoneEditor", "Cancel"))
        self.rules_label.setText(self._rules_html())
        self.taught.retranslate()
        self._fill_list()
        self._update_controls()
        self._update_view_label()
        self.canvas.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _rules_html(self) -> str:
        parts = []
        for section in rule_sections(self.settings):
            rows = "".join(
                f"<tr><td valign='top'>{label}</td><td>&nbsp;{html.escape(value)}</td></tr>"
                for label, value in section.rows
            )
            problem = (
                f"<div style='color:#eca03c'>{html.escape(section.problem)}</div>" if section.problem else ""
            )
            parts.append(f"<b>{section.title}</b>{problem}<table>{rows}</table>")
        where = translate(
            "ZoneEditor",
            "These rules are part of the site's detection settings: the system administrator "
            "changes them in the site file. A mask is never analysed.",
        )
        return "<br>".join(parts) + f"<p style='color:#9aa0ad'>{where}</p>"

    # --- the view the camera is on ---------------------------------------------------------------
    def refresh(self) -> None:
        """One tick: the newest picture, and where a PTZ camera points."""
        self._poll_place()
        got = self._source.read_frame(
            self.camera.id, self._buffer, self._count, main=True, newer_than_main=self._count_main
        )
        if got is not None:
            buffer, meta, from_main = got
            self._buffer = buffer
            if from_main:
                self._count_main = meta.count
            else:
                self._count = meta.count
            height, width = buffer.shape[:2]
            image = QImage(buffer.data, width, height, width * 4, QImage.Format.Format_RGB32).copy()
            self.canvas.set_image(image)
        if self._revisit is not None:
            self.revisit_label.setText(self._revisit() or "")
        self.taught.tick()

    def _poll_place(self) -> None:
        if self._place is None:
            return
        snapshot = self._place()
        reason: str | None = None
        self._elsewhere = False
        if snapshot is None or snapshot.place is Place.UNKNOWN:
            reason = translate(
                "ZoneEditor",
                "Where the camera points is not known yet. Zones belong to a preset: editing waits.",
            )
        elif snapshot.place is Place.MOVING:
            reason = translate(
                "ZoneEditor",
                "The camera is moving. Zones belong to a preset: editing waits until it settles on one.",
            )
        elif snapshot.place is Place.OFF_PRESET or snapshot.preset is None:
            reason = translate(
                "ZoneEditor",
                "The camera is not on a preset. Zones can only be drawn at a preset: "
                "send it to one (PTZ panel).",
            )
        else:
            token, name = snapshot.preset.token, snapshot.preset.name
            drawn = {z.preset for z in self._all}
            # zones name a preset by its token, or by its name where the site file was written so
            # (the detection worker matches them the same way)
            token = name if token not in drawn and name and name in drawn else token
            if not self.bound or (token != self.preset and not self.dirty):
                self.preset, self.preset_name, self.bound = token, name or token, True
                self._load_view()
            elif token != self.preset:
                self._elsewhere = True  # settled, on another preset: the edits may still be saved
                reason = translate(
                    "ZoneEditor",
                    "The camera went to preset {0}; these shapes belong to preset {1}. Save them, or send "
                    "the camera back to {1}.",
                ).format(name or token, self.preset_name)
        self.canvas.set_locked(reason)
        self._update_controls()
        self._update_view_label()

    def _load_view(self) -> None:
        self.shapes[:] = [ZoneShape.from_spec(z) for z in self._all if z.preset == self.preset]
        self.taught.set_view(self.preset)
        self.dirty = False
        self.canvas.select(-1)
        self._fill_list()
        self._update_controls()

    def _update_view_label(self) -> None:
        if not self.ptz:
            text = translate("ZoneEditor", "Fixed camera: one view.")
        elif not self.bound:
            text = translate("ZoneEditor", "PTZ camera: waiting for a preset.")
        else:
            text = translate("ZoneEditor", "PTZ camera, preset {0}: these zones apply only there.").format(
                self.preset_name
            )
        if self.canvas.locked:
            text += "\n" + self.canvas.locked
        self.view_label.setText(text)

    # --- shapes ----------------------------------------------------------------------------------
    def _draw(self, kind: Kind, _checked: bool = False) -> None:
        self.canvas.start_drawing(kind)

    def _taken_ids(self) -> set[str]:
        return {z.id for z in self._all if z.preset != self.preset} | {s.id for s in self.shapes}

    def _add_shape(self, kind: Kind, points: list[Pt], line: float | None) -> None:
        taken = self._taken_ids()
        n = 1
        while f"{ID_PREFIX[kind]}-{n}" in taken:
            n += 1
        number = 1 + sum(s.kind == kind for s in self.shapes)
        shape = ZoneShape(f"{ID_PREFIX[kind]}-{n}", default_name(kind, number), kind, points, line)
        self.shapes.append(shape)
        self._shapes_changed()
        self.canvas.select(len(self.shapes) - 1)

    def _shapes_changed(self) -> None:
        self.dirty = True
        self._discard_armed = False
        self.status.setText("")
        self._fill_list()
        self._update_controls()
        self.canvas.update()

    def _fill_list(self) -> None:
        self._updating = True
        self.shape_list.clear()
        for shape in self.shapes:
            mark = "⚠ " if shape.error else ""
            item = QListWidgetItem(f"{mark}{shape.name or shape.id} — {kind_words(shape.kind)}")
            if shape.error:
                item.setForeground(ERROR_COLOUR)
                item.setToolTip(shape.error)
            self.shape_list.addItem(item)
        self.shape_list.setCurrentRow(self.canvas.selected)
        self._updating = False

    def _list_selected(self, row: int) -> None:
        if not self._updating:
            self.canvas.select(row)

    def _canvas_selected(self, index: int) -> None:
        self._updating = True
        self.shape_list.setCurrentRow(index)
        self._updating = False
        self._update_controls()

    def selected_shape(self) -> ZoneShape | None:
        i = self.canvas.selected
        return self.shapes[i] if 0 <= i < len(self.shapes) else None

    def _rename(self, text: str) -> None:
        shape = self.selected_shape()
        if shape is not None and not self._updating and text.strip() != shape.name:
            shape.name = text.strip()
            shape.error = None
            self._shapes_changed()

    def _change_kind(self, index: int) -> None:
        shape = self.selected_shape()
        kind = self.kind_box.itemData(index)
        if shape is not None and kind in KINDS and kind != shape.kind:
            shape.set_kind(kind)
            shape.error = None
            self._shapes_changed()

    def _update_controls(self) -> None:
        shape = self.selected_shape()
        editable = self.canvas.locked is None and self.bound
        for widget in (self.new_zone_button, self.new_bin_button, self.new_mask_button):
            widget.setEnabled(editable and self.canvas.mode == "select")
        self.shape_box.setEnabled(editable and shape is not None)
        if shape is not None:
            if self.name_edit.text().strip() != shape.name:
                self._set_name_text(shape.name)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(shape.kind)))
            self.shape_error.setText(shape.error or "")
            self.shape_error.setVisible(bool(shape.error))
        else:
            self._set_name_text("")
            self.shape_error.hide()
        other_preset = self._elsewhere and self.bound and self.dirty
        self.save_button.setEnabled(self.bound and (editable or other_preset))
        if self.bin_labels is not None:
            self.bin_labels.set_context(self._bin_zone(shape) if editable else None, lambda: self._buffer)
        saved = {z.id: z for z in self._all if z.preset == self.preset and z.kind == "no_vending"}
        self.taught.set_zone(saved.get(shape.id) if shape is not None and self.bound else None)

    def _bin_zone(self, shape: ZoneShape | None) -> ZoneSpec | None:
        """The selected shape as a bin zone of this view, if it is one (for labelling its pictures)."""
        if shape is None or shape.kind != "bin":
            return None
        try:
            return shape.to_spec(self.preset)
        except (ValidationError, ValueError):
            return None  # a half-drawn bin: nothing to crop yet

    def _set_name_text(self, text: str) -> None:
        updating, self._updating = self._updating, True
        self.name_edit.setText(text)
        self._updating = updating

    # --- saving ----------------------------------------------------------------------------------
    def validate(self) -> list[ZoneSpec] | None:
        """Every shape as a zone, or None with each problem written next to its shape."""
        specs: list[ZoneSpec] = []
        for shape in self.shapes:
            shape.error = shape.drawing_problem()
            if shape.error is None:
                try:
                    specs.append(shape.to_spec(self.preset))
                except ValidationError as exc:
                    shape.error = spec_problem(exc)
        bad = [i for i, s in enumerate(self.shapes) if s.error]
        self._fill_list()
        if bad:
            self.canvas.select(bad[0])
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(
                translate(
                    "ZoneEditor", "Not saved: {0} shape(s) have a problem, written next to them."
                ).format(len(bad))
            )
            self._update_controls()
            self.canvas.update()
            return None
        return specs

    def save(self) -> bool:
        """Validate, store and announce the zones; True when saved (the dialog then closes)."""
        if not self.save_button.isEnabled():
            return False
        self.canvas.cancel_drawing()
        specs = self.validate()
        if specs is None:
            return False
        try:
            if self.store is not None:
                effect = self.store.save(self.camera.id, self.preset, specs)
            else:
                effect = tuple(z for z in self._all if z.preset != self.preset) + tuple(specs)
        except StoreConflict as exc:  # the drawing stays: Save again replaces the colleague's zones
            what = translate("Stores", "The zones of {0} at this preset").format(self.camera.name)
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(store_error_text(exc, what) + " " + replace_hint())
            return False
        except (OSError, ValueError) as exc:
            what = translate("Stores", "The zones of {0} at this preset").format(self.camera.name)
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(translate("ZoneEditor", "Not saved: {0}").format(store_error_text(exc, what)))
            return False
        self._all = effect
        self.saved_zones = effect
        self.dirty = False
        self.zones_saved.emit(self.camera.id, effect)
        self.accept()
        return True

    def reject(self) -> None:
        """Cancel, Esc or closing the window; with unsaved changes the first one only warns (a modal
        question would block a wall operator's keyboard, and tests)."""
        if self.dirty and not self._discard_armed and self.isVisible():
            self._discard_armed = True
            self.status.setStyleSheet("color: rgb(236, 160, 60);")
            self.status.setText(
                translate("ZoneEditor", "Unsaved changes: press Esc or Cancel again to discard them.")
            )
            return
        super().reject()

    # --- the picture stream ----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._source.set_demands(self._client, {self.camera.id: (ViewMode.FOCUSED, PICTURE_SIZE)})
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()
        if self.bin_labels is not None:
            self.bin_labels.finish()  # a retrain under way is completed and put to use
        self._source.set_demands(self._client, {})
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        super().closeEvent(event)  # QDialog: reject(), which may keep it open once (unsaved changes)
        if event.isAccepted() and not self.isVisible():
            self._timer.stop()
            self._source.set_demands(self._client, {})

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1280, 760)
