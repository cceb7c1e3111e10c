"""PTZ panel: steer the chosen camera, its presets (with thumbnails), lock, patrol, and who holds it."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.preset_tracking import Place
from app.core.ptz_control import Priority, Queued, Refused, RefuseReason, Requester
from app.core.ptz_port import PtzVector
from app.services.patrols import PatrolRunner, PatrolState, PatrolStatus
from app.services.ptz_controller import (
    CommandFailed,
    ControlChanged,
    ControlDenied,
    OperatorMove,
    PlaceChanged,
    PresetsChanged,
    PtzController,
)
from app.ui.fitted_label import FittedLabel
from app.ui.ptz.thumbnails import PresetThumbnails
from app.ui.ptz.zoom_taps import ZOOM_STEP, TapOrHold

translate = QCoreApplication.translate
KEEP_ALIVE_MS = 300  # the ONVIF service stops a held move that is not re-asserted within ~1 s

# Pad buttons: (row, column, pan, tilt, label)
PAD = (
    (0, 0, -1, 1, "↖"),
    (0, 1, 0, 1, "↑"),
    (0, 2, 1, 1, "↗"),
    (1, 0, -1, 0, "←"),
    (1, 2, 1, 0, "→"),
    (2, 0, -1, -1, "↙"),
    (2, 1, 0, -1, "↓"),
    (2, 2, 1, -1, "↘"),
)


def describe_place(controller: PtzController) -> str:
    place = controller.place
    if place.place is Place.SETTLED and place.preset is not None:
        return translate("Ptz", "on preset {0}").format(place.preset.name or place.preset.token)
    if place.place is Place.MOVING:
        return translate("Ptz", "moving")
    if place.place is Place.OFF_PRESET:
        return translate("Ptz", "off preset")
    if place.error:
        return translate("Ptz", "position unknown: {0}").format(place.error)
    return translate("Ptz", "position unknown")


def describe_control(controller: PtzController, me: Requester) -> str:
    control = controller.control
    now = controller.now()
    parts = []
    if control.lock is not None:
        minutes = max(1, round(control.lock.remaining_s(now) / 60))
        who = translate("Ptz", "you") if control.lock.holder.same(me) else control.lock.holder.name
        parts.append(translate("Ptz", "locked by {0} for {1} min").format(who, minutes))
    if control.holder is not None:
        holder = control.holder.requester
        who = translate("Ptz", "you") if holder.same(me) else holder.name
        parts.append(translate("Ptz", "controlled by {0}").format(who))
    return " · ".join(parts) if parts else translate("Ptz", "free")


def describe_patrol(status: PatrolStatus) -> str:
    state = status.state
    step = translate("Ptz", "step {0}: {1}").format(status.step + 1, status.preset)
    if state is PatrolState.STOPPED:
        return translate("Ptz", "patrol stopped")
    if state is PatrolState.DWELLING:
        return translate("Ptz", "patrolling · {0} · {1:.0f}/{2:.0f} s").format(
            step, status.dwelled_s, status.dwell_s
        )
    if state is PatrolState.WAITING:
        return translate("Ptz", "patrol waits for {0}").format(status.blocked_by or "?")
    if state is PatrolState.RESUMING:
        return translate("Ptz", "patrol resumes soon")
    return translate("Ptz", "patrolling · {0}").format(step)


def _minutes(seconds: float | None) -> int:
    return max(1, math.ceil((seconds or 60.0) / 60.0))


def describe_denial_ui(outcome: Queued | Refused, now: float) -> str:
    """Why the operator may not steer the camera, in their language, naming who has it."""
    if isinstance(outcome, Queued):
        who = outcome.blocked_by.name
        if outcome.locked:
            left = None if outcome.until is None else outcome.until - now
            return translate("Ptz", "Locked by {0} for another {1} min").format(who, _minutes(left))
        kind = {
            Priority.OPERATOR: translate("Ptz", "operator"),
            Priority.VERIFICATION: translate("Ptz", "verification"),
            Priority.DETECTION: translate("Ptz", "detection follow-up"),
            Priority.PATROL: translate("Ptz", "patrol"),
        }[outcome.blocked_priority]
        return translate("Ptz", "Held by {0} ({1})").format(who, kind)
    by = outcome.by.name if outcome.by is not None else "?"
    if outcome.reason is RefuseReason.LOCKED:
        return translate("Ptz", "Locked by {0} for another {1} min").format(by, _minutes(outcome.remaining_s))
    if outcome.reason is RefuseReason.HELD:
        return translate("Ptz", "{0} is steering this camera").format(by)
    if outcome.reason is RefuseReason.NOT_LOCK_HOLDER:
        return translate("Ptz", "Only {0} or a shift leader can unlock it").format(by)
    return translate("Ptz", "The camera is not locked")


class PtzPanel(QWidget):
    message = Signal(str)  # for the status bar
    edit_patrol_requested = Signal()

    def __init__(
        self,
        me: Callable[[], Requester],
        thumbnails: PresetThumbnails,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._me = me
        self._thumbs = thumbnails
        self._controller: PtzController | None = None
        self._patrol: PatrolRunner | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._move: OperatorMove | None = None
        self._velocity = PtzVector(0.0, 0.0, 0.0)
        self._keep_alive = QTimer(self, interval=KEEP_ALIVE_MS)
        self._keep_alive.timeout.connect(self._keep_moving)
        self._refresh_timer = QTimer(self, interval=1000)
        self._refresh_timer.timeout.connect(self._refresh)
        self._pending: list[str] = []  # results of commands finished in ONVIF threads
        self._messages = QTimer(self, interval=200)
        self._messages.timeout.connect(self.flush_messages)
        self._messages.start()
        self._build()
        self.bind(None, None)
        self.retranslate()

    # --- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        # Text from cameras and other operators (errors, names) wraps: the panel never widens.
        self.title = FittedLabel(self)
        self.title.setObjectName("ptzTitle")
        self.title.setStyleSheet("#ptzTitle{font-weight:bold;font-size:14px;}")
        self.place_label = FittedLabel(self)
        self.control_label = FittedLabel(self)
        pad = QGridLayout()
        pad.setSpacing(3)
        self.pad_buttons: list[QPushButton] = []
        for row, col, pan, tilt, label in PAD:
            button = self._hold_button(label, PtzVector(float(pan), float(tilt), 0.0))
            pad.addWidget(button, row, col)
        self.stop_button = QPushButton("■", self)
        self.stop_button.setFixedSize(QSize(42, 34))
        self.stop_button.clicked.connect(self._stop)
        pad.addWidget(self.stop_button, 1, 1)
        self.zoom_taps = TapOrHold(self.step_zoom, self.hold_zoom, self.stop_move, self)
        self.zoom_in = self._zoom_button("+", 1)
        self.zoom_out = self._zoom_button("−", -1)
        pad.addWidget(self.zoom_in, 0, 3)
        pad.addWidget(self.zoom_out, 2, 3)
        self.home_button = QPushButton(self)
        self.home_button.clicked.connect(self.home)
        pad.addWidget(self.home_button, 1, 3)
        self.speed = QSlider(Qt.Orientation.Horizontal, self)
        self.speed.setRange(1, 10)
        self.speed.setValue(5)
        self.speed_label = QLabel(self)
        self.presets = QListWidget(self)
        self.presets.setIconSize(QSize(96, 54))
        self.presets.itemActivated.connect(lambda item: self._goto(str(item.data(Qt.ItemDataRole.UserRole))))
        self.goto_button = QPushButton(self)
        self.goto_button.clicked.connect(self._goto_selected)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self._save_preset)
        self.remove_button = QPushButton(self)
        self.remove_button.clicked.connect(self._remove_preset)
        self.lock_minutes = QSpinBox(self)
        self.lock_minutes.setRange(1, 240)
        self.lock_button = QPushButton(self)
        self.lock_button.clicked.connect(self._lock)
        self.unlock_button = QPushButton(self)
        self.unlock_button.clicked.connect(self._unlock)
        self.patrol_label = FittedLabel(self)
        self.patrol_start = QPushButton(self)
        self.patrol_start.clicked.connect(self._start_patrol)
        self.patrol_stop = QPushButton(self)
        self.patrol_stop.clicked.connect(self._stop_patrol)
        self.patrol_edit = QPushButton(self)
        self.patrol_edit.clicked.connect(self.edit_patrol_requested.emit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.place_label)
        layout.addWidget(self.control_label)
        layout.addLayout(pad)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_label)
        speed_row.addWidget(self.speed)
        layout.addLayout(speed_row)
        layout.addWidget(self.presets, 1)
        preset_row = QHBoxLayout()
        for button in (self.goto_button, self.save_button, self.remove_button):
            preset_row.addWidget(button)
        layout.addLayout(preset_row)
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.lock_button)
        lock_row.addWidget(self.lock_minutes)
        lock_row.addWidget(self.unlock_button)
        layout.addLayout(lock_row)
        layout.addWidget(self.patrol_label)
        patrol_row = QHBoxLayout()
        patrol_row.addWidget(self.patrol_start)
        patrol_row.addWidget(self.patrol_stop)
        patrol_row.addWidget(self.patrol_edit)
        layout.addLayout(patrol_row)

    def _hold_button(self, label: str, direction: PtzVector) -> QPushButton:
        button = QPushButton(label, self)
        button.setFixedSize(QSize(42, 34))
        button.setAutoRepeat(False)
        button.pressed.connect(lambda d=direction: self.start_move(d))
        button.released.connect(self.stop_move)
        self.pad_buttons.append(button)
        return button

    def _zoom_button(self, label: str, sign: int) -> QPushButton:
        button = QPushButton(label, self)
        button.setFixedSize(QSize(42, 34))
        button.setAutoRepeat(False)
        button.pressed.connect(lambda: self.zoom_taps.press(sign))
        button.released.connect(self.zoom_taps.release)
        self.pad_buttons.append(button)
        return button

    def step_zoom(self, sign: int) -> None:
        """One fine zoom step (a tap of + or −)."""
        if self._controller is not None:
            step = PtzVector(0.0, 0.0, sign * ZOOM_STEP)
            self.report(self._controller.relative_move(self.operator(), step))

    def hold_zoom(self, sign: int) -> None:
        """Zoom on until :meth:`stop_move` (+ or − held)."""
        self.start_move(PtzVector(0.0, 0.0, float(sign)))

    def retranslate(self) -> None:
        self.home_button.setText(translate("Ptz", "Home"))
        self.home_button.setToolTip(translate("Ptz", "Home position (Home key)"))
        self.stop_button.setToolTip(translate("Ptz", "Stop the camera"))
        self.zoom_in.setToolTip(translate("Ptz", "Zoom in: tap for a step, hold to keep zooming (+ key)"))
        self.zoom_out.setToolTip(translate("Ptz", "Zoom out: tap for a step, hold to keep zooming (− key)"))
        for button in self.pad_buttons[:8]:
            button.setToolTip(translate("Ptz", "Hold to turn (arrow keys on the focused picture)"))
        self.speed_label.setText(translate("Ptz", "Speed"))
        self.goto_button.setText(translate("Ptz", "Go to"))
        self.save_button.setText(translate("Ptz", "Save preset…"))
        self.remove_button.setText(translate("Ptz", "Remove"))
        self.lock_button.setText(translate("Ptz", "Lock (min)"))
        self.unlock_button.setText(translate("Ptz", "Unlock"))
        self.patrol_start.setText(translate("Ptz", "Start patrol"))
        self.patrol_stop.setText(translate("Ptz", "Stop patrol"))
        self.patrol_edit.setText(translate("Ptz", "Edit patrol…"))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def operator(self) -> Requester:
        return self._me()

    # --- binding to a camera ---------------------------------------------------------------------
    @property
    def controller(self) -> PtzController | None:
        return self._controller

    def bind(self, controller: PtzController | None, patrol: PatrolRunner | None) -> None:
        if controller is self._controller and patrol is self._patrol:
            return
        self.stop_move()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._controller, self._patrol = controller, patrol
        if controller is not None:
            self._unsubscribe.append(controller.subscribe(self._on_event))
            self.lock_minutes.setValue(int(controller.settings.lock_minutes_default))
            self._refresh_timer.start()
        else:
            self._refresh_timer.stop()
        if patrol is not None:
            self._unsubscribe.append(patrol.subscribe(lambda _status: self._refresh()))
        self._fill_presets()
        self._refresh()

    def _on_event(self, event: object) -> None:
        if isinstance(event, PresetsChanged):
            self._fill_presets()
        elif isinstance(event, CommandFailed):
            self.message.emit(translate("Ptz", "PTZ: {0}").format(event.error))
        if isinstance(event, (PlaceChanged, ControlChanged, PresetsChanged)):
            self._refresh()

    def refresh_thumbnails(self) -> None:
        self._fill_presets()

    def _fill_presets(self) -> None:
        self.presets.clear()
        controller = self._controller
        if controller is None:
            return
        for preset in controller.presets:
            item = QListWidgetItem(f"{preset.token} · {preset.name}")
            item.setData(Qt.ItemDataRole.UserRole, preset.token)
            thumb = self._thumbs.path(controller.id, preset.token)
            if thumb is not None:
                item.setIcon(QIcon(QPixmap(str(thumb))))
            self.presets.addItem(item)

    def _refresh(self) -> None:
        controller = self._controller
        enabled = controller is not None
        for widget in (
            *self.pad_buttons,
            self.stop_button,
            self.home_button,
            self.speed,
            self.presets,
            self.goto_button,
            self.save_button,
            self.remove_button,
            self.lock_button,
            self.unlock_button,
            self.lock_minutes,
        ):
            widget.setEnabled(enabled)
        self.patrol_start.setEnabled(self._patrol is not None)
        self.patrol_stop.setEnabled(self._patrol is not None)
        self.patrol_edit.setEnabled(controller is not None)
        if controller is None:
            self.title.set_full_text(translate("Ptz", "PTZ"))
            self.place_label.set_full_text(translate("Ptz", "Focus or select a PTZ camera to steer it."))
            self.control_label.set_full_text("")
            self.patrol_label.set_full_text("")
            return
        self.title.set_full_text(translate("Ptz", "PTZ · {0}").format(controller.camera.name))
        self.place_label.set_full_text(describe_place(controller))
        self.control_label.set_full_text(describe_control(controller, self.operator()))
        if self._patrol is None:
            self.patrol_label.set_full_text(translate("Ptz", "No patrol set up for this camera"))
        else:
            self.patrol_label.set_full_text(describe_patrol(self._patrol.status))

    # --- steering --------------------------------------------------------------------------------
    def start_move(self, direction: PtzVector) -> None:
        """Start (or change) a held move in ``direction`` (-1..1 per axis), scaled by the speed."""
        controller = self._controller
        if controller is None:
            return
        scale = self.speed.value() / 10
        velocity = PtzVector(
            (direction.pan or 0.0) * scale, (direction.tilt or 0.0) * scale, (direction.zoom or 0.0) * scale
        )
        self._velocity = velocity
        if self._move is not None and self._move.active:
            self._move.keep_alive(velocity)
            return
        self._move = controller.hold_move(self.operator(), velocity)
        self.report(self._move.started)
        self._keep_alive.start()

    def stop_move(self) -> None:
        self._keep_alive.stop()
        move, self._move = self._move, None
        if move is not None:
            self.report(move.release())

    @property
    def moving(self) -> bool:
        return self._move is not None

    def _keep_moving(self) -> None:
        if self._move is not None:
            self._move.keep_alive(self._velocity)

    def _stop(self) -> None:
        self.stop_move()
        if self._controller is not None:
            self.report(self._controller.stop_moving(self.operator()))

    def home(self) -> None:
        if self._controller is not None:
            self.report(self._controller.goto_home(self.operator()))

    def _goto(self, token: str) -> None:
        if self._controller is not None:
            self.report(self._controller.goto_preset(self.operator(), token))

    def _goto_selected(self) -> None:
        item = self.presets.currentItem()
        if item is not None:
            self._goto(str(item.data(Qt.ItemDataRole.UserRole)))

    def goto_number(self, number: int) -> None:
        """Preset by its position in the list (joystick buttons, number keys)."""
        if 0 < number <= self.presets.count():
            self._goto(str(self.presets.item(number - 1).data(Qt.ItemDataRole.UserRole)))

    def _save_preset(self) -> None:
        controller = self._controller
        if controller is None:
            return
        name, ok = QInputDialog.getText(
            self, translate("Ptz", "Save preset"), translate("Ptz", "Name of the preset (e.g. 市场北门):")
        )
        if not ok or not name.strip():
            return
        future = controller.set_preset(self.operator(), name=name.strip())
        self.report(future, saved=translate("Ptz", "Preset “{0}” saved").format(name.strip()))
        future.add_done_callback(lambda f: self._capture_later(f))

    def _capture_later(self, future: Future[str]) -> None:
        if future.exception() is None and self._controller is not None:
            token = future.result()
            self._thumbs.request(self._controller.id, token)

    def _remove_preset(self) -> None:
        item = self.presets.currentItem()
        if item is not None and self._controller is not None:
            token = str(item.data(Qt.ItemDataRole.UserRole))
            self.report(self._controller.remove_preset(self.operator(), token))
            self._thumbs.forget(self._controller.id, token)

    def _lock(self) -> None:
        if self._controller is None:
            return
        outcome = self._controller.lock(self.operator(), self.lock_minutes.value())
        if isinstance(outcome, Refused):
            self.message.emit(describe_denial_ui(outcome, self._clock()))
        else:
            self.message.emit(translate("Ptz", "Camera locked for {0} min").format(self.lock_minutes.value()))
        self._refresh()

    def _unlock(self) -> None:
        if self._controller is not None:
            outcome = self._controller.unlock(self.operator())
            if isinstance(outcome, Refused):
                self.message.emit(describe_denial_ui(outcome, self._clock()))
            self._refresh()

    def _start_patrol(self) -> None:
        if self._patrol is not None:
            self._patrol.start(by="user")
            self._refresh()

    def _stop_patrol(self) -> None:
        if self._patrol is not None:
            self._patrol.stop(by="user")
            self._refresh()

    def report(self, future: Future[object] | Future[None] | Future[str], saved: str | None = None) -> None:
        """Errors of a command reach the status bar in words; never block the GUI waiting."""

        def done(f: Future[object]) -> None:
            error = f.exception()
            if isinstance(error, ControlDenied):
                self._pending.append(describe_denial_ui(error.outcome, self._clock()))
            elif error is not None:
                self._pending.append(translate("Ptz", "PTZ: {0}").format(error))
            elif saved:
                self._pending.append(saved)

        future.add_done_callback(done)  # type: ignore[arg-type]

    def _clock(self) -> float:
        return self._controller.now() if self._controller is not None else 0.0

    def set_running(self, running: bool) -> None:
        """Report finished commands while the window runs; stopped, nothing moves or polls."""
        if running:
            self._messages.start()
            if self._controller is not None:
                self._refresh_timer.start()
            return
        self.stop_move()
        self._messages.stop()
        self._refresh_timer.stop()

    def flush_messages(self) -> None:
        """Called on the GUI thread: deliver results of commands that finished in other threads."""
        while self._pending:
            self.message.emit(self._pending.pop(0))
