"""The part of the zone editor that shows what detection learnt of the view (no shapes to edit):

* the camera's suppressed places, listed and removable (:class:`SuppressedPlaces`), drawn on the
  picture with the furniture detection reports (:class:`~app.ui.detection.scene_marks.SceneMarks`);
* "clean now" for the selected no-vending zone: the zone's picture as detection sees it next
  becomes its reference (what is there now is scene furniture, never an alert); when the zones'
  reference holds objects, a hint says so and that "clean now" is the remedy for a stall among them
  (one that stood there while the reference was taken is furniture until then);
* the camera's verdict counts (under the list).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.alerts import Box
from app.ui.detection.scene_marks import SceneMarks
from app.ui.detection.suppressed_places import SuppressedPlaces, TaughtView
from app.ui.detection.zone_canvas import ZoneCanvas
from camera_config.models import ZoneSpec

translate = QCoreApplication.translate


class TaughtPanel(QWidget):
    def __init__(
        self, links: TaughtView, camera_id: str, canvas: ZoneCanvas, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("taughtPanel")
        self._links, self.camera_id, self._canvas = links, camera_id, canvas
        self.preset: str | None = None
        self.zone: ZoneSpec | None = None  # the selected no-vending zone, as saved
        self.marks = SceneMarks()
        canvas.marks = self.marks.paint
        self.clean_button = QPushButton(self)
        self.clean_button.setAutoDefault(False)
        self.clean_button.clicked.connect(self.clean_now)
        self.clean_message = QLabel(self)
        self.clean_message.setWordWrap(True)
        self.reference_hint = QLabel(self)  # the zones' reference holds objects (dashed on the picture)
        self.reference_hint.setObjectName("referenceHint")
        self.reference_hint.setWordWrap(True)
        self.reference_hint.setVisible(False)
        self._in_reference = 0  # furniture boxes of the latest check that the reference holds
        self.places = (
            SuppressedPlaces(
                links.suppressions, camera_id, links.operator, self, tz=links.tz, search=links.search
            )
            if links.suppressions is not None
            else None
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.clean_button)
        layout.addWidget(self.clean_message)
        layout.addWidget(self.reference_hint)
        if self.places is not None:
            layout.addWidget(self.places)
            self.places.changed.connect(self._places_changed)
            self.places.selected.connect(self._place_selected)
        self.clean_button.setVisible(links.clean_zones is not None)
        self.clean_message.setVisible(links.clean_zones is not None)
        self.retranslate()
        self._places_changed()

    def retranslate(self) -> None:
        self.clean_button.setText(translate("TaughtView", "Clean now: the selected zone's reference"))
        self.clean_button.setToolTip(
            translate(
                "TaughtView",
                "The zone's picture as detection sees it next becomes its reference: what stands there "
                "now is a fixed object and never raises an alert. Use it when the zone is clear of stalls.",
            )
        )
        if self.places is not None:
            self.places.retranslate()
        self._update()
        self._hint()

    # --- the editor tells it ------------------------------------------------------------------------
    def set_view(self, preset: str | None) -> None:
        """The view (preset) whose shapes the editor shows now."""
        self.preset = preset
        if self.places is not None:
            self.places.set_preset(preset)
        self._places_changed()
        self.tick()

    def set_zone(self, zone: ZoneSpec | None) -> None:
        """The selected shape as a saved no-vending zone of this view (None: anything else)."""
        if zone != self.zone:
            self.zone = zone
            self.clean_message.setText("")
            self._update()

    def tick(self) -> None:
        """The furniture of the latest check, when it was of this view."""
        furniture: tuple[Box, ...] = ()
        if self._links.furniture is not None:
            preset, boxes = self._links.furniture()
            furniture = tuple(boxes) if preset == self.preset else ()
        if furniture != tuple(self.marks.furniture):
            self.marks.furniture = furniture
            self._canvas.update()
        in_reference = sum(1 for b in furniture if b.label == "reference")  # (runtime: Furniture.why)
        if in_reference != self._in_reference:
            self._in_reference = in_reference
            self._hint()

    def _hint(self) -> None:
        self.reference_hint.setVisible(self._in_reference > 0 and self._links.clean_zones is not None)
        self.reference_hint.setText(
            translate(
                "TaughtView",
                "The reference of this view's zones holds {0} object(s) (dashed green): as fixed objects "
                "they never raise an alert. If one of them is a stall that stood there when the reference "
                "was taken, select its zone and press “Clean now” once the stall has gone.",
            ).format(self._in_reference)
        )

    # --- clean now ------------------------------------------------------------------------------------
    def clean_now(self) -> bool:
        zone, clean = self.zone, self._links.clean_zones
        if zone is None or clean is None:
            return False
        name = zone.name or zone.id
        if clean(self.camera_id, self.preset, [zone.id]):
            self.clean_message.setText(
                translate(
                    "TaughtView",
                    "Zone {0}: its reference is taken from the next checked picture; what stands there "
                    "then is treated as a fixed object.",
                ).format(name)
            )
            return True
        self.clean_message.setText(
            translate(
                "TaughtView", "Zone {0}: detection cannot take a reference now; nothing was changed."
            ).format(name)
        )
        return False

    def _update(self) -> None:
        self.clean_button.setEnabled(self.zone is not None)
        if self.zone is None:
            self.clean_message.setText(
                translate("TaughtView", "Select a saved no-vending zone to take its reference now.")
            )

    # --- the places on the picture ---------------------------------------------------------------
    def _places_changed(self) -> None:
        if self.places is not None:
            here = self.places.places_here()
            self.marks.places = here
            self.marks.labels = {p.id: self.places.short_words(p) for p in here}
            if self.marks.selected not in {p.id for p in here}:
                self.marks.selected = None
        self._canvas.update()

    def _place_selected(self, place_id: str) -> None:
        self.marks.selected = place_id or None
        self._canvas.update()
