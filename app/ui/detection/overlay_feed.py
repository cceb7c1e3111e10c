"""What the detection worker says, drawn on the wall: boxes on the tiles, a pulsing border on alerts,
and how often each camera is actually checked ("每 2 秒巡检", "暂停：转动中或不在预置位").

:class:`OverlayFeed` takes the worker's messages (:meth:`OverlayFeed.handle`) and turns them into
:meth:`WallCompositor.decorate` calls on every wall pane the window has now (main wall, extra
walls opened later), so that the compositor stays the only thing that paints:

* :class:`DetectionUpdate` → that camera's detection boxes (replaced on every check; a check that
  says the view moved clears them; boxes older than a few revisit intervals are dropped);
* the alert service's changes (:meth:`OverlayFeed.on_alert_change`, the same
  :class:`~app.core.alerts.AlertChange` every view follows): an open alert's boxes in red, and the
  tile's border pulses for :data:`ALERT_FLASH_S` when it is new; an alert that is dismissed,
  confirmed or cleared takes its boxes off the wall at once;
* :class:`RevisitStats` → :meth:`revisit_text` per camera and :meth:`summary_text` for the status bar
  (signals ``revisit_changed`` / ``stats_changed`` say when they change).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QTimer, Signal

from app.core.alerts import Alert, AlertChange
from app.core.alerts import Box as AlertBox
from app.core.detection_pause import Pause, PauseReason
from app.services.detection.protocol import (
    CameraRevisit,
    DetectionUpdate,
    OverlayBox,
    RevisitStats,
)
from app.ui.alerts.words import rule_words
from app.ui.wall.compositor import WallCompositor
from app.ui.wall.overlay import Box

translate = QCoreApplication.translate

ALERT_FLASH_S = 15.0  # the tile's border pulses this long when an alert is raised
STALE_CHECKS = 3  # detection boxes are dropped after this many revisit intervals without a check
MIN_STALE_S = 15.0
TICK_MS = 1000

BOX_COLOURS: dict[str, tuple[int, int, int]] = {
    "object": (255, 200, 0),  # a model's detection
    "stationary": (255, 140, 40),  # something that arrived and stays
    "bin": (80, 200, 255),  # a watched bin
}
ALERT_COLOUR = (235, 50, 50)
LABEL_ORDER = {"bin": 0, "object": 1, "stationary": 2}  # whose label wins where labels crowd
# the model classes the vending rule counts by default (detectors.rules.DEFAULT_CLASS_EVENTS, less
# the weight-free detector's "stationary", which also boxes cones, sign boards and parked bikes)
WATCHED_CLASSES = ("street_vendor", "stall", "cart", "tricycle", "umbrella", "goods")


@dataclass
class _Camera:
    # As the worker said them: worded when drawn, so that a language switch rewords them.
    found: list[OverlayBox] = field(default_factory=list)
    checked_at: float = 0.0  # time.monotonic of the update the boxes came from
    alerts: dict[str, Alert] = field(default_factory=dict)  # open, by alert id
    flash_until: float = 0.0
    furniture: tuple[str | None, tuple[OverlayBox, ...]] = (None, ())  # (preset, boxes): the zone editor's


def class_words(name: str) -> str:
    """A detector's class in the operator's language (the class names a model was trained with
    and the stationary-object detector's; others as the model names them)."""
    words = {
        "stationary": translate("Detection", "stationary object"),
        "street_vendor": translate("Detection", "street vendor"),
        "stall": translate("Detection", "stall"),
        "cart": translate("Detection", "cart"),
        "tricycle": translate("Detection", "tricycle"),
        "umbrella": translate("Detection", "umbrella"),
        "goods": translate("Detection", "goods"),
        "person": translate("Detection", "person"),
    }
    return words.get(name, name)


def _clamp(v: float) -> float:
    return min(1.0, max(0.0, v))


def overlay_box(box: OverlayBox, colour: tuple[int, int, int] | None = None) -> Box:
    """A worker's box as the wall draws it (picture fractions, clamped to the picture)."""
    label = box.label if box.kind == "bin" else class_words(box.label)  # a bin's name is the site's
    if box.score is not None:
        label = f"{label} {box.score:.2f}"
    colour = colour or BOX_COLOURS.get(box.kind, BOX_COLOURS["object"])
    return Box(_clamp(box.x1), _clamp(box.y1), _clamp(box.x2), _clamp(box.y2), label, colour)


def alert_box(box: AlertBox, label: str) -> Box:
    """One of an alert's boxes, in the alert colour (``label`` on the first of them only)."""
    return Box(_clamp(box.x1), _clamp(box.y1), _clamp(box.x2), _clamp(box.y2), label, ALERT_COLOUR)


def revisit_text(revisit: CameraRevisit | None) -> str | None:
    """How often a camera is checked, in words for a tile, the tree or a tooltip (None: not watched
    by detection at all)."""
    if revisit is None:
        return None
    if revisit.pause is None:
        if revisit.interval_s is None or revisit.last_checked is None:
            return translate("Detection", "waiting for the first check")
        seconds = max(1, round(revisit.interval_s))
        return translate("Detection", "checked every {0} s").format(seconds)
    return pause_text(revisit.pause)


# How each reason not to check a camera reads; a test fails when a reason has no words here.
PAUSE_WORDS: dict[PauseReason, str] = {
    PauseReason.CAMERA_DISABLED: str(QT_TRANSLATE_NOOP("Detection", "camera disabled")),
    PauseReason.CAMERA_DETECTION_OFF: str(QT_TRANSLATE_NOOP("Detection", "detection off")),
    PauseReason.SITE_DETECTION_OFF: str(QT_TRANSLATE_NOOP("Detection", "detection off in the site settings")),
    PauseReason.NO_DETECT_SLOTS: str(
        QT_TRANSLATE_NOOP("Detection", "detection off: no room for its pictures")
    ),
    PauseReason.DETECTOR_NOT_LOADED: str(
        QT_TRANSLATE_NOOP("Detection", "detection off: a detector could not be loaded")
    ),
    PauseReason.SETTINGS_INVALID: str(
        QT_TRANSLATE_NOOP("Detection", "detection off: the site's detection settings are wrong")
    ),
    PauseReason.NO_ZONES: str(QT_TRANSLATE_NOOP("Detection", "not watched: no zones drawn for this view")),
    PauseReason.MOVING: str(QT_TRANSLATE_NOOP("Detection", "paused: moving or off preset")),
    PauseReason.WARMING_UP: str(QT_TRANSLATE_NOOP("Detection", "paused: warming up ({0} s)")),
    PauseReason.NO_PICTURE: str(QT_TRANSLATE_NOOP("Detection", "paused: no picture")),
}
NO_ZONES_AT_PRESET = str(QT_TRANSLATE_NOOP("Detection", "not watched: no zones drawn for preset {0}"))


def pause_text(pause: Pause) -> str:
    """Why a camera is not checked now, in the operator's language."""
    if pause.reason is PauseReason.NO_ZONES and pause.preset is not None:
        return translate("Detection", NO_ZONES_AT_PRESET).format(pause.preset)
    words = translate("Detection", PAUSE_WORDS[pause.reason])
    if pause.reason is PauseReason.WARMING_UP:
        return words.format(pause.seconds_left if pause.seconds_left is not None else "…")
    return words


class OverlayFeed(QObject):
    """Detection results → wall decorations on every pane ``compositors()`` returns."""

    revisit_changed = Signal(str)  # camera id whose revisit text changed
    stats_changed = Signal()  # the summary changed (samples per second, inference time, cameras)

    def __init__(
        self,
        compositors: Callable[[], Iterable[WallCompositor]],
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._compositors = compositors
        self._clock = clock
        self._cameras: dict[str, _Camera] = {}
        self._revisits: dict[str, CameraRevisit] = {}
        self._texts: dict[str, str | None] = {}
        self._stats: RevisitStats | None = None
        self._seen: set[int] = set()  # compositors that got every decoration already
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        # What an operator needs on the wall: alerts, watched bins and the classes a rule counts.
        # Everything else a detector sees (stationary blobs on cones and sign boards) only on request.
        self.show_all = False
        self.watched_labels = frozenset(WATCHED_CLASSES)

    def set_show_all(self, on: bool) -> None:
        """Every box detection found (True) or only what an operator needs (False)."""
        self.show_all = on
        self.refresh()

    def _shown(self, box: OverlayBox) -> bool:
        if self.show_all or box.kind == "bin":
            return True
        return box.kind == "object" and box.label in self.watched_labels

    def set_running(self, running: bool) -> None:
        if running:
            self._timer.start()
        else:
            self._timer.stop()

    # --- messages from the worker --------------------------------------------------------------
    def handle(self, message: object) -> None:
        """Any worker message; those that are not about the wall are ignored."""
        if isinstance(message, DetectionUpdate):
            self.on_update(message)
        elif isinstance(message, RevisitStats):
            self.on_stats(message)

    def on_update(self, update: DetectionUpdate) -> None:
        camera = self._cameras.setdefault(update.camera_id, _Camera())
        # Labels that would cover one placed before them are left out: a bin's fullness first,
        # then what a model found, then stationary objects.
        ranked = sorted(update.boxes, key=lambda b: LABEL_ORDER.get(b.kind, len(LABEL_ORDER)))
        camera.found = [] if update.paused else ranked
        camera.checked_at = update.checked_at
        if not update.paused:
            camera.furniture = (update.preset, tuple(update.furniture))
        self._apply(update.camera_id)

    # --- the alert service's changes -------------------------------------------------------------
    def show_alerts(self, alerts: Iterable[Alert]) -> None:
        """The open alerts as the service has them at start (loaded from the store): boxes, no flash."""
        for alert in alerts:
            if alert.is_open:
                self._cameras.setdefault(alert.camera_id, _Camera()).alerts[alert.id] = alert
                self._apply(alert.camera_id)

    def on_alert_change(self, change: AlertChange) -> None:
        alert = change.after
        camera = self._cameras.setdefault(alert.camera_id, _Camera())
        if alert.is_open:
            camera.alerts[alert.id] = alert
            if change.before is None:  # new (a continued raise, a snooze, an acknowledgement: not again)
                camera.flash_until = self._clock() + ALERT_FLASH_S
            elif alert.snoozed_until is not None:
                camera.flash_until = 0.0  # snoozed: muted
        else:  # dismissed, confirmed, cleared: its boxes leave the wall now
            camera.alerts.pop(alert.id, None)
            if not camera.alerts:
                camera.flash_until = 0.0
        self._apply(alert.camera_id)

    def on_stats(self, stats: RevisitStats) -> None:
        self._stats = stats
        for revisit in stats.cameras:
            self._revisits[revisit.camera_id] = revisit
            text = revisit_text(revisit)
            if self._texts.get(revisit.camera_id) != text:
                self._texts[revisit.camera_id] = text
                self.revisit_changed.emit(revisit.camera_id)
        self.stats_changed.emit()

    # --- what the UI asks ----------------------------------------------------------------------
    def boxes(self, camera_id: str) -> list[Box]:
        """What is drawn on the camera's tiles now: alert boxes first, then detections."""
        camera = self._cameras.get(camera_id)
        if camera is None:
            return []
        out: list[Box] = []
        for alert in camera.alerts.values():
            label = f"{rule_words(alert.rule)} {alert.event_code}"  # on the first of its boxes
            out.extend(alert_box(b, label if i == 0 else "") for i, b in enumerate(alert.boxes))
        return out + [overlay_box(b) for b in camera.found if self._shown(b)]

    def furniture(self, camera_id: str) -> tuple[str | None, tuple[OverlayBox, ...]]:
        """The preset of the camera's latest check and what detection took for scene furniture there."""
        camera = self._cameras.get(camera_id)
        return camera.furniture if camera is not None else (None, ())

    def revisit(self, camera_id: str) -> CameraRevisit | None:
        return self._revisits.get(camera_id)

    def revisit_text(self, camera_id: str) -> str | None:
        """ "checked every 6 s", "paused: moving", … for the camera; None: detection never spoke of it."""
        return revisit_text(self._revisits.get(camera_id))

    def summary_text(self) -> str:
        """One line for the status bar: how many cameras are watched, how often, at what cost."""
        stats = self._stats
        if stats is None:
            return ""
        checked = [c for c in stats.cameras if c.pause is None]
        unwatched = sum(1 for c in stats.cameras if c.pause is not None and not c.pause.watched)
        intervals = sorted(c.interval_s for c in checked if c.interval_s is not None)
        parts = [translate("Detection", "detection: {0} camera(s) checked").format(len(checked))]
        if intervals:
            median = intervals[len(intervals) // 2]
            parts.append(translate("Detection", "every {0} s").format(max(1, round(median))))
        paused = len(stats.cameras) - len(checked) - unwatched  # watched, but not now (moving, …)
        if paused:
            parts.append(translate("Detection", "{0} paused").format(paused))
        if unwatched:
            parts.append(translate("Detection", "{0} not watched").format(unwatched))
        return translate("Detection", ", ").join(parts)

    def diagnostics_text(self) -> str:
        """What detection costs, for whoever looks after the workstation (a tooltip, not the wall)."""
        stats = self._stats
        if stats is None:
            return ""
        words = translate("Detection", "detection diagnostics: {0:.0f} ms per check")
        return words.format(stats.inference_ms)

    # --- keeping the wall in step ---------------------------------------------------------------
    def tick(self) -> None:
        """Drop detection boxes nobody refreshed, and decorate walls opened since the last tick."""
        now = self._clock()
        for camera_id, camera in self._cameras.items():
            revisit = self._revisits.get(camera_id)
            interval = revisit.interval_s if revisit is not None and revisit.interval_s else 0.0
            stale_after = max(MIN_STALE_S, STALE_CHECKS * interval)
            if camera.found and now - camera.checked_at > stale_after:
                camera.found = []
                self._apply(camera_id)
        new = [c for c in self._compositors() if id(c) not in self._seen]
        for compositor in new:
            self._seen.add(id(compositor))
            for camera_id in self._cameras:
                self._decorate(compositor, camera_id, now)

    def refresh(self) -> None:
        """Decorate every pane again (after a wall window opened, a view changed, the language
        changed, …)."""
        self._seen.clear()
        self.tick()

    def _apply(self, camera_id: str) -> None:
        now = self._clock()
        for compositor in self._compositors():
            self._seen.add(id(compositor))
            self._decorate(compositor, camera_id, now)

    def _decorate(self, compositor: WallCompositor, camera_id: str, now: float) -> None:
        camera = self._cameras[camera_id]
        flash = max(0.0, camera.flash_until - now)  # an ongoing flash survives later updates
        compositor.decorate(camera_id, self.boxes(camera_id), flash)
